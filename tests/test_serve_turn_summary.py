"""Every completion says how its turn went (``stylist.turn``), and benchmarks/serve.py counts from it
who wrote the answers of a load run: the model, the tools' results or a template, and which model
steps a full queue refused."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stylist.config import ServerSettings
from stylist.errors import BusyError
from stylist.server.app import create_app
from stylist.server.openai_models import TurnSummary
from tests.fakes import ScriptedChatModel, tool_call
from tests.fakes.agent import fake_stylist

_spec = importlib.util.spec_from_file_location(
    "serve_bench", Path(__file__).parents[1] / "benchmarks/serve.py"
)
serve_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve_bench)

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


def _refused():
    raise BusyError("the model queue is full (2 running, 2 waiting)", queue="model", retry_after=2.0)


def _ask(script: list, *, stream: bool) -> dict:
    stylist = fake_stylist("openai", chat_model=ScriptedChatModel(script=script))
    client = TestClient(create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=2))
    body = {"model": "stylist", "messages": [{"role": "user", "content": "a linen shirt"}], "stream": stream}
    r = client.post("/v1/chat/completions", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    summary = serve_bench.turn_summary(r.text, stream)
    assert summary is not None
    return summary


@pytest.mark.parametrize("stream", [False, True])
def test_a_model_refused_after_its_tool_is_a_results_answer_with_the_refusal_named(stream):
    turn = _ask([tool_call("search_garments", {"query": "linen shirt"}), _refused, _refused], stream=stream)
    assert turn["chosen_by"] == "model"
    assert turn["answered_by"] in ("results", "template")
    assert "refused" in (turn["selection"], turn["answer_step"])
    assert not turn["tokens"]


def test_an_answer_the_model_wrote_says_so():
    answer = (
        "Go for the Olive Linen Shirt at $45: it breathes well on hot days and pairs with beige trousers."
    )
    script = [tool_call("search_garments", {"query": "linen shirt"}), "no other tool", answer]
    turn = _ask(script, stream=False)
    assert turn == {
        **turn,
        "chosen_by": "model",
        "answered_by": "model",
        "selection": None,
        "answer_step": None,
    }
    assert turn["tokens"] > 0


def test_a_failed_selection_is_a_router_fallback_and_says_failed_not_refused():
    turn = _ask([RuntimeError("HTTP 500 from the upstream"), "A linen shirt it is."], stream=True)
    assert turn["chosen_by"] == "router-fallback" and turn["selection"] == "failed"


def test_the_summary_carries_codes_never_error_texts():
    meta = {"route": ["model"], "selection_error": "APIError: secret upstream detail", "answer": "template"}
    summary = TurnSummary.of(meta).model_dump()
    assert summary["selection"] == "failed" and summary["answered_by"] == "template"
    assert "secret" not in json.dumps(summary)


def test_turn_counts_count_who_did_the_work_of_a_fake_load_run():
    rows = [
        {"turn": {"answered_by": "model", "chosen_by": "model", "tokens_per_s": 20.0}},
        {"turn": {"answered_by": "model", "chosen_by": "router", "tokens_per_s": 10.0}},
        {"turn": {"answered_by": "results", "chosen_by": "router", "selection": "refused"}},
        {"turn": {"answered_by": "template", "chosen_by": "router-fallback", "selection": "failed"}},
        {"turn": {"answered_by": "template", "chosen_by": "router-fallback", "answer_step": "refused"}},
        {"turn": None},
    ]
    counts = serve_bench.turn_counts(rows, elapsed=120.0)
    assert counts == {
        "model_answers": 2,
        "model_answers_per_min": 1.0,
        "model_tokens_per_s_median": 20.0,
        "model_refused": 2,
        "model_failed": 1,
        "chosen_by_model": 1,
        "router_fallback": 2,
        "router_shortcut": 2,
        "results_answers": 1,
        "template_answers": 2,
        "no_summary": 1,
    }


def test_turn_summary_reads_the_last_stream_chunk_and_a_whole_completion():
    turn = {"answered_by": "model", "chosen_by": "model"}
    sse = "".join(
        f"data: {json.dumps(c)}\n\n"
        for c in ({"choices": [{"delta": {"content": "hi"}}]}, {"choices": [], "stylist": {"turn": turn}})
    )
    assert serve_bench.turn_summary(sse + "data: [DONE]\n\n", stream=True) == turn
    assert serve_bench.turn_summary(json.dumps({"stylist": {"turn": turn}}), stream=False) == turn
    assert serve_bench.turn_summary("data: [DONE]\n\n", stream=True) is None
