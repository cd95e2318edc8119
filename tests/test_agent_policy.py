"""The turn's parts: the backend ``Policy``, the ``TurnTrace`` behind the reply's metadata, and the
runtime's worker pools that run model and tool calls."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from stylist.agent.grounding import GroundingReport
from stylist.agent.policy import COMMENT_MAX_TOKENS, SELECTION_MAX_TOKENS, Policy
from stylist.agent.trace import TurnTrace
from stylist.config import load_settings
from stylist.errors import ConfigError
from stylist.runtime import Runtime
from tests.fakes.agent import fake_stylist


def llm(**values):
    return load_settings(llm=values).llm


def test_embedded_policy_is_lean_and_router_first_served_models_chain_and_repair():
    cpu = Policy.for_backend(llm(backend="embedded"))
    assert (cpu.router_first, cpu.small_talk, cpu.lead_with_results, cpu.lean_cards) == (True,) * 4
    # the model sees every tool; on llama.cpp its first call is forced and grammar-decoded
    assert (cpu.chain, cpu.repair, cpu.bound_tools, cpu.answer_items) == (False, False, None, 3)
    assert cpu.force_call and not Policy.for_backend(llm(backend="openai")).force_call
    served = Policy.for_backend(llm(backend="openai"))
    assert (served.router_first, served.small_talk, served.lead_with_results, served.lean_cards) == (
        False,
    ) * 4
    assert (served.chain, served.repair, served.bound_tools, served.answer_items) == (True, True, None, 5)
    assert Policy.for_backend(llm(backend="none")).chain is False
    assert (cpu.selection_max_tokens, cpu.comment_max_tokens) == (SELECTION_MAX_TOKENS, COMMENT_MAX_TOKENS)


def test_settings_override_the_backend_defaults_and_the_policy_is_frozen():
    policy = Policy.for_backend(
        llm(
            backend="embedded",
            router_first=False,
            repair_calls=True,
            selection_tools=5,
            answer_items=7,
            lean_cards=False,
            lead_with_results=False,
            max_tokens=64,
        )
    )
    assert (policy.router_first, policy.small_talk, policy.repair) == (False, False, True)
    assert (policy.bound_tools, policy.answer_items, policy.lean_cards, policy.lead_with_results) == (
        5,
        7,
        False,
        False,
    )
    assert policy.selection_max_tokens == 64 and policy.comment_max_tokens == 64  # never above max_tokens
    # the backend argument wins over the settings' (the facade's router-only agent)
    assert Policy.for_backend(llm(backend="openai"), "embedded").backend == "embedded"
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.repair = False  # type: ignore[misc]


def test_trace_metadata_leaves_out_what_never_happened():
    trace = TurnTrace(timeout_s=60)
    trace.route.append("router")
    meta = trace.metadata()
    assert meta == {"route": ["router"], "chosen_by": "router", "sources": []}
    assert trace.timings().first_token_s is None


def test_trace_metadata_derives_grounding_token_rate_and_flags():
    trace = TurnTrace(timeout_s=60)
    trace.route += ["model"]
    trace.sources = ["model", "relaxed"]
    trace.lead = trace.template_answer = trace.regenerated = True
    trace.echo_lines = 2
    trace.first_chunk, trace.last_chunk, trace.tokens = trace.started + 1.0, trace.started + 3.0, 11
    trace.text_sent()
    trace.grounding = GroundingReport(grounded=["g-1", "g-2"], invented=["g-9"], removed_lines=1)
    meta = trace.metadata()
    assert meta["lead"] is True and meta["answer"] == "template" and meta["regenerated"] is True
    assert meta["echo_lines"] == 2 and meta["tokens"] == 11 and meta["sources"] == ["model", "relaxed"]
    assert meta["first_model_token_s"] == 1.0 and meta["tokens_per_s"] == 5.0
    assert meta["grounding"] == {
        "rate": round(2 / 3, 4),
        "grounded": 2,
        "invented": 1,
        "removed_lines": 1,
        "price_fixes": 0,
        "colour_fixes": 0,
    }
    assert "appended_items" not in meta and "answer_error" not in meta
    timings = trace.timings()
    assert timings.first_token_s is not None and 0 <= timings.first_token_s <= timings.total_s


def test_trace_deadline_follows_the_timeout():
    assert not TurnTrace(timeout_s=60).expired() and TurnTrace(timeout_s=0.0001, started=0.0).expired()


def test_worker_pools_belong_to_the_runtime_and_are_sized_from_config():
    runtime = Runtime(
        load_settings(llm={"model_workers": 3, "tool_workers": 5, "model_queue": 7}, server={"queue_size": 9})
    )
    pools = runtime.pools
    assert pools is runtime.pools  # one per runtime, made on first use
    assert (pools.model.workers, pools.model.queue, pools.tools.workers) == (3, 7, 5)
    assert (pools.turns.workers, pools.turns.queue) == (1, 9)  # the embedded model: one turn at a time
    with pytest.raises(ConfigError, match="llm.tool_workers"):
        load_settings(llm={"tool_workers": 0})


def test_tools_run_on_the_runtime_tool_pool():
    stylist = fake_stylist("none")
    seen: list[str] = []
    search = stylist.registry.get("search_garments")
    original = search.invoke

    def invoke(arguments):
        seen.append(threading.current_thread().name)
        return original(arguments)

    search.invoke = invoke
    reply = stylist.chat("a linen shirt")
    assert reply.tool_calls and reply.tool_calls[0].name == "search_garments"
    assert stylist.agent().pools is stylist.runtime.pools
    assert seen and all(name.startswith("stylist-tool") for name in seen)


@pytest.mark.parametrize(
    ("route", "who"),
    [
        (["model"], "model"),
        (["repair", "model"], "model"),
        (["router:confident"], "router"),
        (["router:followup"], "router"),
        (["router"], "router"),
        (["router:fallback"], "router-fallback"),
        (["repair", "router:fallback"], "router-fallback"),
        (["router:model-failed"], "router-fallback"),
        (["router:model-chose-none"], "router-fallback"),
        (["router:no-tool"], None),
        (["none"], None),
    ],
)
def test_who_chose_the_calls(route, who):
    trace = TurnTrace()
    trace.route += route
    assert trace.chosen_by == who
    assert trace.metadata().get("chosen_by") == who
