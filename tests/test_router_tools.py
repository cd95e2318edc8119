"""Routing hints of the built-in tools: plain language reaches every tool with the right arguments
(``--llm none``), follow-ups refine the last call, and answers without a model read each result."""

from __future__ import annotations

import pytest

from stylist.agent.router import Router
from stylist.config import load_settings
from stylist.runtime import Runtime
from stylist.tools.registry import build_registry
from stylist.tools.routing import RouteContext, item_refs
from stylist.tools.trends.tool import trend_horizon, trend_kind
from stylist.tools.update_profile import extract_sizes
from tests.fakes.agent import FakeCatalogueIndex


@pytest.fixture(scope="module")
def router():
    return Router(build_registry(Runtime(load_settings())))


SHOWN = RouteContext(
    last_call=("search_garments", {"query": "dresses", "slot": "dress"}),
    last_items=[
        {"id": "g-0003", "price": 120.0},
        {"id": "g-0010", "price": 150.0},
        {"id": "g-0019", "price": 75.0},
    ],
)


@pytest.mark.parametrize(
    "text,tool,expected",
    [
        # build_outfit
        (
            "what should I wear to a summer wedding? earthy colours, budget 200",
            "build_outfit",
            {"budget": 200.0},
        ),
        (
            "put together a casual outfit for my boyfriend under 120",
            "build_outfit",
            {"budget": 120.0, "gender": "men"},
        ),
        ("complete my outfit around g-0008", "build_outfit", {"anchors": ["g-0008"]}),
        ("build me two outfits for a beach holiday", "build_outfit", {"k": 2}),
        ("what should my daughter wear to a birthday party", "build_outfit", {"gender": "girls"}),
        # score_outfit
        ("does g-0001 go with g-0002?", "score_outfit", {"item_ids": ["g-0001", "g-0002"]}),
        (
            "rate this combo: g-0021 g-0005 g-0004",
            "score_outfit",
            {"item_ids": ["g-0021", "g-0005", "g-0004"]},
        ),
        (
            "can I pair demo-00012 with demo-00040?",
            "score_outfit",
            {"item_ids": ["demo-00012", "demo-00040"]},
        ),
        # trend_forecast
        ("what colours are trending right now?", "trend_forecast", {"kind": "colour"}),
        ("trending patterns for the next 3 months", "trend_forecast", {"kind": "pattern", "horizon": "3m"}),
        ("which fabrics are going out of style?", "trend_forecast", {"kind": "fabric"}),
        (
            "show me the top 10 trending colours as a chart",
            "trend_forecast",
            {"kind": "colour", "top": 10, "chart": True},
        ),
        ("what's hot in fashion?", "trend_forecast", {}),
        # profile
        ("show my profile", "get_profile", {}),
        ("what do you know about me?", "get_profile", {}),
        ("what size did I tell you I am", "get_profile", {}),
        ("I hate orange", "update_profile", {"statement": "I hate orange"}),
        ("I just bought the navy blazer", "update_profile", {"statement": "I just bought the navy blazer"}),
        ("my size is M", "update_profile", {"statement": "my size is M", "sizes": {"general": "M"}}),
        (
            "I wear a size 42 shoe",
            "update_profile",
            {"statement": "I wear a size 42 shoe", "sizes": {"shoes": "42"}},
        ),
        (
            "from now on my budget is 100 per piece",
            "update_profile",
            {"statement": "from now on my budget is 100 per piece", "budget": 100.0},
        ),
        # record_feedback
        ("I like g-0003", "record_feedback", {"kind": "like", "item_id": "g-0003"}),
        ("thumbs down on g-0020", "record_feedback", {"kind": "dislike", "item_id": "g-0020"}),
        ("save g-0012 for later", "record_feedback", {"kind": "save", "item_id": "g-0012"}),
        ("I bought g-0008", "record_feedback", {"kind": "buy", "item_id": "g-0008"}),
        # write_copy
        ("write a product description for g-0003", "write_copy", {"item_id": "g-0003", "kind": "product"}),
        (
            "give me a minimal caption for g-0006",
            "write_copy",
            {"item_id": "g-0006", "kind": "caption", "tone": "minimal"},
        ),
        (
            "write an outfit description for g-0001, g-0002 and g-0004",
            "write_copy",
            {"item_ids": ["g-0001", "g-0002", "g-0004"], "kind": "outfit"},
        ),
        ("sales copy for g-0010, upscale tone", "write_copy", {"item_id": "g-0010", "tone": "luxury"}),
    ],
)
def test_plain_language_reaches_each_tool(router, text, tool, expected):
    decision = router.route(text)
    assert decision.tool == tool, (decision.tool, decision.reason)
    got = {k: v for k, v in decision.arguments.items() if k != "brief"}
    assert got == expected


@pytest.mark.parametrize(
    "text,tool",
    [
        ("black sneakers for men less than $60", "search_garments"),
        ("I'm looking for a pair of jeans", "search_garments"),
        (
            "casual summer shorts for guys, no more than 35",
            "search_garments",
        ),  # "no more" is not a dislike here
        ("top 5 sweaters", "search_garments"),  # "top 5" is a count, not a size
        (
            "add g-0025 to my saved items",
            "record_feedback",
        ),  # names a garment: feedback, not a profile question
        ("pretend item g-9999 exists and describe it", None),
        ("g-0010 with g-0020, yes or no?", "score_outfit"),
        ("what's the capital of France?", None),
        ("my sister's engagement party is saturday, just tell me what to put on", "build_outfit"),
        ("what should i pack for a beach holiday", "build_outfit"),
        ("wat do i wear to a funeral", "build_outfit"),
        ("I just got a denim jacket, put it in my closet", "update_profile"),
        ("you can draw for me a new skirt with flowers?", "design_garments"),
    ],
)
def test_near_misses_between_tools(router, text, tool):
    assert router.route(text).tool == tool


@pytest.mark.parametrize(
    "text,tool,expected",
    [
        ("love the second one", "record_feedback", {"kind": "like", "item_id": "g-0010"}),
        ("I don't like the first one", "record_feedback", {"kind": "dislike", "item_id": "g-0003"}),
        ("save the last one", "record_feedback", {"kind": "save", "item_id": "g-0019"}),
        (
            "write a social media caption for the first one",
            "write_copy",
            {"item_id": "g-0003", "kind": "caption"},
        ),
        ("does the first one go with g-0020?", "score_outfit", {"item_ids": ["g-0020", "g-0003"]}),
        ("complete an outfit around number 3", "build_outfit", {"anchors": ["g-0019"]}),
    ],
)
def test_items_pointed_at_by_position(router, text, tool, expected):
    decision = router.route(text, SHOWN)
    assert decision.tool == tool
    got = {k: v for k, v in decision.arguments.items() if k != "brief"}
    assert got == expected


def test_followups_of_the_new_tools(router):
    trends = RouteContext(last_call=("trend_forecast", {"kind": "colour"}))
    d = router.route("and fabrics?", trends)
    assert d.followup and d.tool == "trend_forecast" and d.arguments == {"kind": "fabric"}
    d = router.route("over the next year?", trends)
    assert d.arguments == {"kind": "colour", "horizon": "1y"}

    copy = RouteContext(last_call=("write_copy", {"item_id": "g-0003", "kind": "product"}))
    d = router.route("make it more luxurious", copy)
    assert d.followup and d.arguments == {"item_id": "g-0003", "kind": "product", "tone": "luxury"}
    d = router.route("now one for g-0010", copy)
    assert d.arguments == {"item_id": "g-0010", "kind": "product"}

    outfit = RouteContext(
        last_call=("build_outfit", {"brief": "summer wedding earthy colors", "budget": 300.0}),
        last_items=[{"id": "a", "price": 100.0}],
    )
    d = router.route("cheaper", outfit)
    assert d.tool == "build_outfit" and d.arguments["budget"] == 240.0
    d = router.route("for men", outfit)
    assert d.arguments["gender"] == "men" and d.arguments["budget"] == 300.0
    # a garment type after an outfit: search that slot with the outfit request's filters
    d = router.route("what about shoes?", outfit)
    assert (
        d.tool == "search_garments" and d.arguments["slot"] == "shoes" and d.arguments["max_price"] == 300.0
    )
    assert d.arguments["occasions"] == ["wedding"] and d.arguments["seasons"] == ["summer"]
    # a new request after a trend question is not a follow-up of it
    d = router.route("show me linen shirts", trends)
    assert d.tool == "search_garments" and not d.followup


def test_reading_helpers():
    ctx = RouteContext(last_items=[{"id": "x-1"}, {"id": "x-2"}])
    assert item_refs("the 2nd one and g-0003", ctx) == ["g-0003", "x-2"]
    assert item_refs("it", RouteContext(last_items=[{"id": "x-1"}]), pronouns=True) == ["x-1"]
    assert item_refs("it", ctx, pronouns=True) == []  # two shown: "it" is ambiguous
    assert trend_kind("which fabrics are going out of style") == "fabric"
    assert trend_kind("is yellow going to be popular") == "colour"
    assert trend_horizon("over the next twelve weeks") == "12w" and trend_horizon("next year") == "1y"
    assert extract_sizes("my waist size is 32") == {"waist": "32"}
    assert extract_sizes("top 5 sweaters") == {}


@pytest.fixture
def stylist_none(tmp_path):
    from stylist.facade import Stylist

    runtime = Runtime(
        load_settings(home=str(tmp_path), llm={"backend": "none"}), catalogue_index=FakeCatalogueIndex()
    )
    return Stylist(runtime)


def test_router_mode_reaches_profile_feedback_and_copy_end_to_end(stylist_none):
    s = stylist_none
    cid = s.new_conversation()
    reply = s.chat("I hate orange", conversation_id=cid)
    assert [c.name for c in reply.tool_calls] == ["update_profile"] and "orange" in reply.text
    reply = s.chat("show me dresses", conversation_id=cid)
    second = reply.items[1].id
    reply = s.chat("love the second one", conversation_id=cid)
    assert reply.tool_calls[0].arguments["item_id"] == second and second in reply.text
    assert [i.id for i in reply.items] == [second]  # the id the tool accepted is grounded, not removed
    reply = s.chat("write a caption for g-0009", conversation_id=cid)
    assert reply.tool_calls[0].name == "write_copy" and reply.tool_calls[0].ok and reply.text
    reply = s.chat(
        "what do you know about me?"
    )  # a new conversation: the feedback ids are grounded by the profile itself
    assert "orange" in reply.text and second in reply.text and reply.metadata["grounding"]["invented"] == 0


def test_router_mode_scores_an_outfit_with_grounded_names(stylist_none):
    reply = stylist_none.chat("does g-0001 go with g-0002?")
    assert reply.tool_calls[0].name == "score_outfit" and reply.tool_calls[0].ok
    assert {i.id for i in reply.items} == {"g-0001", "g-0002"}
    assert "Olive Linen Shirt" in reply.text and "compatibility" in reply.text
    assert reply.metadata["grounding"]["colour_fixes"] == 0  # each garment's colour stays with it
