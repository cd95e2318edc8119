"""One real turn through the agent on the packaged models (the fake catalogue keeps it quick)."""

from __future__ import annotations

import pytest

from stylist.events import Done, Token
from tests.fakes.agent import fake_stylist

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp")
llm_factory = pytest.importorskip("stylist.llm")


def real_model(models_dir, **llm):
    from stylist.config import load_settings

    settings = load_settings(llm={"temperature": 0.0, "context_tokens": 4096, **llm})
    return llm_factory.make_chat_model(settings.llm, models_dir)


def assert_grounded(stylist, reply):
    """Whatever the model wrote, the reply names only garments this turn's tools returned."""
    _, known, _ = stylist.store.context(reply.conversation_id)
    assert {i.id for i in reply.items} <= set(known)
    for item in reply.items:
        assert f"[{item.id}]" in reply.text or item.title.lower() in reply.text.lower()


def one_turn(stylist, message):
    events = list(stylist.stream(message))
    assert isinstance(events[-1], Done), events[-1]
    return events, events[-1].reply


def test_default_embedded_model_end_to_end(tmp_path_factory):
    model = real_model(tmp_path_factory.mktemp("models"), max_tokens=120)
    stylist = fake_stylist("embedded", chat_model=model, llm={"max_tokens": 120, "timeout_s": 240})
    events, reply = one_turn(stylist, "black sneakers for men less than $60")
    assert reply.backend == "embedded"
    assert reply.tool_calls and reply.tool_calls[0].name == "search_garments" and reply.tool_calls[0].ok
    assert sum(isinstance(e, Token) for e in events) >= 1 and reply.text
    assert reply.metadata["grounding"]["rate"] >= 0.0
    assert_grounded(stylist, reply)


def test_smollm2_end_to_end_falls_back_to_the_router_for_tools(tmp_path_factory):
    model = real_model(tmp_path_factory.mktemp("models"), model="smollm2", max_tokens=48)
    stylist = fake_stylist("embedded", chat_model=model, llm={"max_tokens": 48, "timeout_s": 120})
    events, reply = one_turn(stylist, "a red party dress under 100")
    assert reply.tool_calls and reply.tool_calls[0].name == "search_garments"
    args = reply.tool_calls[0].arguments
    assert args.get("max_price") == 100 or reply.metadata["sources"][0] == "model"
    assert reply.text and reply.items  # grounded items (from the model's answer or the appended list)
    assert_grounded(stylist, reply)
