"""A disconnect stops a tool that is already running (#25): tools stop at their ``checkpoint()``, a
result that comes back after the cancel is discarded, the call's error and the turn's trace say
``cancelled``; the HTTP tool endpoint runs on the runtime's tool pool (503 when full, the tool
stopped when its client goes away). Fakes, and a real uvicorn server for the disconnect."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from stylist.agent.execute import Executor
from stylist.agent.router import Router
from stylist.agent.state import Call
from stylist.agent.trace import TurnTrace
from stylist.concurrency import BoundedPool, CancelToken, cancel_scope
from stylist.config import ServerSettings
from stylist.errors import TurnCancelled
from stylist.events import Error, ToolFinished
from stylist.runtime import WorkerPools
from stylist.server.app import create_app
from stylist.tools.registry import ToolRegistry
from tests.fakes import ScriptedChatModel, tool_call
from tests.fakes.agent import fake_stylist
from tests.server_helpers import Slow, serving

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


def _cancel_once_started(tool: Slow, token: CancelToken) -> None:
    def cancel() -> None:
        assert tool.started.wait(5)
        time.sleep(0.1)
        token.cancel()

    threading.Thread(target=cancel, daemon=True).start()


def test_a_running_tool_stops_at_its_checkpoint_and_its_result_is_discarded():
    slow = Slow()
    registry = ToolRegistry([slow])
    executor = Executor(registry, Router(registry), BoundedPool("tools", 1, 4))
    trace, call, done, events = TurnTrace(timeout_s=30), Call("slow", {"steps": 1000}, "model"), [], []
    token = CancelToken()
    _cancel_once_started(slow, token)
    t0 = time.perf_counter()
    with cancel_scope(token), pytest.raises(TurnCancelled):
        for event in executor.run(call, done, trace):
            events.append(event)
    assert time.perf_counter() - t0 < 3  # 1000 steps would take 10 s
    assert slow.finished.wait(2) and slow.steps_done < 1000, "the tool ran on after the cancel"
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert len(finished) == 1 and not finished[0].ok
    assert finished[0].error == "cancelled (the client disconnected)"
    assert call.result is None and not call.ok and done == []  # discarded, not an observation
    assert "cancelled:slow" in trace.route


def test_a_result_that_comes_back_after_the_cancel_is_discarded():
    slow = Slow(step_s=0.01, checks=False)  # no checkpoint: it runs to its end
    token = CancelToken()
    _cancel_once_started(slow, token)
    with cancel_scope(token), pytest.raises(TurnCancelled):
        slow.invoke({"steps": 40})
    assert slow.steps_done == 40  # it did finish, and its result was dropped


def test_a_tool_is_not_started_for_a_cancelled_call():
    slow, token = Slow(), CancelToken()
    token.cancel()
    with cancel_scope(token), pytest.raises(TurnCancelled):
        slow.invoke({"steps": 5})
    assert not slow.started.is_set()


def test_a_cancelled_turn_says_which_tool_was_cancelled_and_ends_cancelled():
    slow = Slow()
    stylist = fake_stylist(
        "openai", chat_model=ScriptedChatModel(script=[tool_call("slow", {"steps": 1000})])
    )
    stylist._registry = ToolRegistry([slow])
    token = CancelToken()
    _cancel_once_started(slow, token)
    with cancel_scope(token):
        events = list(stylist.stream("count slowly", user_id="ana"))
    assert slow.finished.wait(2) and slow.steps_done < 1000
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert [(e.name, e.ok, e.error) for e in finished] == [
        ("slow", False, "cancelled (the client disconnected)")
    ]
    assert isinstance(events[-1], Error) and events[-1].code == "cancelled"


def _tool_app(slow: Slow, tools: BoundedPool | None = None):
    stylist = fake_stylist("none")
    stylist._registry = ToolRegistry([slow])
    if tools is not None:
        pools = stylist.runtime.pools
        stylist.runtime.replace("pools", WorkerPools(model=pools.model, tools=tools, turns=pools.turns))
    return create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=2)


def test_the_tool_endpoint_runs_on_the_runtime_tool_pool_and_answers_503_when_it_is_full():
    pool, release = BoundedPool("tools", 1, 0), threading.Event()
    client = TestClient(_tool_app(Slow(), pool))
    ok = client.post("/v1/tools/slow", json={"steps": 2}, headers=AUTH)
    assert ok.status_code == 200 and ok.json()["steps_done"] == 2
    running = pool.submit(release.wait)  # the one worker is busy, no room to wait
    try:
        busy = client.post("/v1/tools/slow", json={"steps": 2}, headers=AUTH)
    finally:
        release.set()
        running.result(5)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "2"
    assert busy.json()["error"]["code"] == "tools_queue_full"
    assert "tools queue is full" in busy.json()["error"]["message"]


def test_a_client_disconnect_stops_a_running_tool_call():
    slow = Slow()
    with serving(_tool_app(slow)) as port:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(
                f"http://127.0.0.1:{port}/v1/tools/slow",
                json={"steps": 1000},
                headers=AUTH,
                timeout=httpx.Timeout(5, read=1.0),
            )
        assert slow.started.wait(5), "the tool never ran"
        assert slow.finished.wait(5) and slow.steps_done < 1000, "the tool ran on after the client left"
