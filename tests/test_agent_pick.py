"""Selection by name (``llm.pick_tool``): the model picks the tool, its extractor reads the arguments."""

from __future__ import annotations

from types import SimpleNamespace

from langchain_core.messages import AIMessage

from stylist.agent import pick
from stylist.agent.policy import Policy
from stylist.config import LLMSettings
from stylist.events import Done
from tests.fakes.agent import ScriptedChatModel, fake_stylist, tool_call


def run(stylist, message, conversation_id=None):
    events = list(stylist.stream(message, conversation_id=conversation_id))
    assert isinstance(events[-1], Done), events[-1]
    return events[-1].reply


def picking(*replies):
    model = ScriptedChatModel(script=list(replies))
    return model, fake_stylist("embedded", chat_model=model, llm={"pick_tool": True})


def choose(name: str) -> AIMessage:
    return tool_call(pick.PICK_TOOL, {"tool": name})


def test_pick_tool_is_on_by_default_only_on_embedded():
    assert Policy.for_backend(LLMSettings(), "embedded").pick_tool is True
    assert Policy.for_backend(LLMSettings(), "openai").pick_tool is False
    assert Policy.for_backend(LLMSettings(pick_tool=True), "openai").pick_tool is True


def test_the_model_picks_the_tool_and_the_extractor_reads_the_arguments():
    model, stylist = picking(choose("build_outfit"), "Earthy tones for a summer day.")
    reply = run(stylist, "what should I wear to a summer wedding? earthy colours, budget 200, I'm a woman")
    first = model.calls[0]
    assert [t["function"]["name"] for t in first["tools"]] == [pick.PICK_TOOL]
    assert first["tool_choice"] == pick.PICK_TOOL and first["max_tokens"] <= 32
    enum = first["tools"][0]["function"]["parameters"]["properties"]["tool"]["enum"]
    assert set(enum) == set(stylist.registry.tools) | {pick.NO_TOOL}
    call = reply.tool_calls[0]
    assert call.name == "build_outfit" and call.arguments["budget"] == 200
    assert reply.metadata["chosen_by"] == "model" and reply.metadata["sources"][0] == "model:tool+rules"


def test_the_models_choice_wins_over_the_keywords():
    # the keywords say search (one garment type); the model says a whole look, and that is what runs
    _, stylist = picking(choose("build_outfit"), "Navy suits the office.")
    reply = run(stylist, "navy trousers for the office, men")
    assert reply.tool_calls[0].name == "build_outfit" and reply.metadata["route"][0] == "model"


def test_the_model_may_choose_no_tool():
    _, stylist = picking(choose("none"), "I help with outfits: try 'a linen shirt under 50'.")
    reply = run(stylist, "what is the capital of France?")
    assert not reply.tool_calls and reply.metadata["route"] == ["model:none"]
    assert "chosen_by" not in reply.metadata


def test_the_hint_names_none_when_no_keyword_matches():
    model, stylist = picking(choose("none"), "Hello!")
    run(stylist, "what is the capital of France?")
    assert "hint, may be wrong: none" in model.calls[0]["messages"][-1].content


def test_a_tool_without_required_arguments_runs_without_a_second_model_call():
    model, stylist = picking(choose("get_profile"), "Nothing yet.")
    reply = run(stylist, "what do you know about me?")
    assert reply.tool_calls[0].name == "get_profile"
    assert [bool(c["tools"]) for c in model.calls] == [True, False]  # the choice, then the answer


def test_a_tool_that_needs_the_models_arguments_gets_a_named_constrained_call():
    tool = SimpleNamespace(input_schema=lambda: {"required": ["user_id", "item_ids"]})
    assert pick.needs_model_arguments(tool) is True
    assert (
        pick.needs_model_arguments(SimpleNamespace(input_schema=lambda: {"required": ["user_id"]})) is False
    )


def test_a_failed_choice_falls_back_to_the_router_and_says_so():
    _, stylist = picking(RuntimeError("model crashed"))
    reply = run(stylist, "black sneakers under 60")
    assert reply.tool_calls[0].name == "search_garments"
    assert (
        reply.metadata["route"][0] == "router:model-failed"
        and reply.metadata["chosen_by"] == "router-fallback"
    )


def test_an_unknown_name_falls_back_to_the_router():
    _, stylist = picking(choose("teleport"), "Fine.")
    reply = run(stylist, "black sneakers under 60")
    assert reply.metadata["route"][0] == "router:fallback" and reply.tool_calls[0].name == "search_garments"
    assert "teleport" in reply.metadata["selection_error"]  # the fallback names what the model said


def test_the_selection_prompt_is_the_same_every_turn():
    # llama.cpp keeps the evaluated system prompt (tool menu included) only if it never changes
    model, stylist = picking(choose("search_garments"), "A.", choose("search_garments"), "B.")
    run(stylist, "black sneakers under 60")
    run(stylist, "a red party dress")
    systems = [c["messages"][0].content for c in model.calls if c["tools"]]
    assert len(systems) == 2 and systems[0] == systems[1] and "- build_outfit:" in systems[0]


def test_menu_has_every_tool_with_a_short_description():
    _, stylist = picking()
    lines = pick.menu(stylist.registry).splitlines()
    assert [line.split(":")[0][2:] for line in lines] == list(stylist.registry.tools)
    assert all(len(line) < 140 for line in lines)


def test_a_failed_pick_is_not_retried_with_another_model_step():
    # the 0.5B model's second pick repeated the failed tool every time on the tune split (10-20 s a turn)
    model, stylist = picking(choose("write_copy"), choose("write_copy"))
    reply = run(stylist, "can you help me with my history essay")
    assert [c.name for c in reply.tool_calls] == ["write_copy"] and not reply.tool_calls[0].ok
    assert sum(1 for c in model.calls if c["tools"]) == 1
    assert reply.metadata["route"] == ["model"]


def test_the_menu_has_a_line_and_an_example_for_each_built_in_tool():
    _, stylist = picking()
    system = pick.pick_system(stylist.registry)
    for name in stylist.registry.tools:
        assert f"- {name}: {pick.LINES[name][:40]}" in system
        assert f"-> {name}" in system
    assert '"good evening!" -> none' in system
