"""Serving many at once (#25): bounded queues that answer 503, cancel on disconnect, per-user limits.

Fast tests on fakes; the disconnect tests run a real uvicorn server in a thread (a client that
goes away is only real over a socket).
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from stylist.agent.execute import Executor
from stylist.agent.router import Router
from stylist.agent.state import Call
from stylist.agent.trace import TurnTrace
from stylist.concurrency import BoundedPool, CancelToken, cancel_scope, current_token, wait_for
from stylist.config import ServerSettings, load_settings
from stylist.errors import BusyError, TurnCancelled
from stylist.events import Token
from stylist.runtime import Runtime
from stylist.server import turns
from stylist.server.app import create_app
from stylist.server.chat import TurnRequest
from stylist.tools.base import Tool
from stylist.tools.output import ToolOutput
from stylist.tools.registry import ToolRegistry
from tests.fakes import Echo, EchoStylist, ScriptedChatModel, tool_call
from tests.fakes.agent import fake_stylist
from tests.server_helpers import Slow, serving

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


def body(text: str = "hi", **extra) -> dict:
    return {"model": "stylist", "messages": [{"role": "user", "content": text}], **extra}


# -- the pools -----------------------------------------------------------------------------------
def test_a_full_bounded_pool_refuses_at_once_and_says_which_queue():
    pool = BoundedPool("model", workers=1, queue=1)
    release = threading.Event()
    running, queued = pool.submit(release.wait), pool.submit(release.wait)
    t0 = time.perf_counter()
    with pytest.raises(BusyError, match="model queue is full") as err:
        pool.submit(release.wait)
    assert time.perf_counter() - t0 < 0.5 and err.value.queue == "model" and err.value.retry_after > 0
    time.sleep(0.2)
    release.set()
    running.result(2), queued.result(2)
    assert queued.clock.queued_s() >= 0.15 > running.clock.queued_s()  # the wait is measured
    pool.submit(lambda: None).result(2)  # room again once they finished
    assert pool.pending == 0


def test_jobs_see_the_submitters_cancel_token_and_waiting_stops_on_cancel():
    pool = BoundedPool("tools", workers=2, queue=2)
    token = CancelToken()
    seen = threading.Event()

    def job() -> str:
        while not current_token().cancelled:
            time.sleep(0.01)
        seen.set()
        time.sleep(0.5)  # winding down: the waiter has already stopped waiting
        return "stopped"

    with cancel_scope(token):
        future = pool.submit(job)
        threading.Timer(0.2, token.cancel).start()
        t0 = time.perf_counter()
        with pytest.raises(TurnCancelled):
            wait_for(future, timeout=30)
    assert time.perf_counter() - t0 < 2 and seen.wait(2)
    assert not current_token().cancelled  # outside the scope: the never-cancelled token


# -- bounded queues answer 503 -----------------------------------------------------------------
def test_a_full_turn_queue_answers_503_with_retry_after():
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry(), delay=0.3)
    app = create_app(stylist, ServerSettings(api_keys=[KEY], queue_size=0), concurrency=1)
    client = TestClient(app, raise_server_exceptions=False)
    with ThreadPoolExecutor(3) as ex:
        futures = [
            ex.submit(client.post, "/v1/chat/completions", json=body(), headers=AUTH) for _ in range(3)
        ]
        responses = [f.result() for f in futures]
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 200 and 503 in codes
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.json()["error"]["code"] == "turns_queue_full" and int(busy.headers["Retry-After"]) >= 1


def _blocking_model(release: threading.Event, started: threading.Event) -> ScriptedChatModel:
    def slow_selection():
        started.set()
        release.wait(10)
        return "a plain answer"

    return ScriptedChatModel(script=[slow_selection, "a plain answer", "ok", "ok"])


def test_a_full_model_queue_answers_503_streamed_or_not_and_the_wait_is_in_the_metadata():
    release, started = threading.Event(), threading.Event()
    stylist = fake_stylist(
        "openai", chat_model=_blocking_model(release, started), llm={"model_workers": 1, "model_queue": 0}
    )
    app = create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=4)
    client = TestClient(app, raise_server_exceptions=False)
    with ThreadPoolExecutor(1) as ex:
        first = ex.submit(client.post, "/v1/chat/completions", json=body("a linen shirt"), headers=AUTH)
        assert started.wait(10)  # the first turn now holds the one model worker
        second = client.post("/v1/chat/completions", json=body("a wool coat"), headers=AUTH)
        streamed = client.post("/v1/chat/completions", json=body("a wool coat", stream=True), headers=AUTH)
        release.set()
        ok = first.result(10)
    for refused in (second, streamed):
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "model_queue_full"
        assert int(refused.headers["Retry-After"]) >= 1
    assert ok.status_code == 200
    assert ok.json()["stylist"]["conversation_id"]
    # a non-streamed reply says how long it queued for a turn thread
    again = client.post("/v1/chat/completions", json=body("hi"), headers=AUTH)
    assert again.status_code == 200


def test_model_queue_time_is_reported_not_silently_spent():
    release, started = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        return "a plain answer"

    stylist = fake_stylist(
        "openai",
        chat_model=ScriptedChatModel(script=[slow] + ["a plain answer"] * 12),
        llm={"model_workers": 1, "model_queue": 4, "max_steps": 1},
    )
    stylist.agent()  # built before the clock starts
    with ThreadPoolExecutor(2) as ex:
        first = ex.submit(stylist.chat, "a linen shirt")
        assert started.wait(5)
        second = ex.submit(stylist.chat, "a wool coat")
        time.sleep(1.5)  # long enough for the second turn to reach the model queue on a loaded machine
        release.set()
        replies = [first.result(10), second.result(10)]
    waited = [r.metadata.get("model_queue_s", 0.0) for r in replies]
    assert waited[1] >= 0.2, waited  # the second turn's model call queued behind the first's


def test_tool_queue_time_is_counted_and_reported():
    pool, release = BoundedPool("tools", 1, 4), threading.Event()
    busy = pool.submit(release.wait)  # the one tool worker is taken
    threading.Timer(0.4, release.set).start()
    registry = ToolRegistry([Slow()])
    trace, done = TurnTrace(timeout_s=30), []
    list(Executor(registry, Router(registry), pool).run(Call("slow", {"steps": 1}, "model"), done, trace))
    busy.result(5)
    assert done[0].ok and trace.tool_queue_s >= 0.3
    assert trace.metadata()["tool_queue_s"] == round(trace.tool_queue_s, 3)


def test_a_stream_waits_for_a_slow_reader_instead_of_buffering_without_bound(monkeypatch):
    monkeypatch.setattr(turns, "STREAM_BUFFER", 4)
    produced: list[int] = []

    class ManyTokens:
        def stream(self, message: str, **_: object):
            for i in range(200):
                produced.append(i)
                yield Token(text=f"t{i} ")

    class Connected:
        async def is_disconnected(self) -> bool:
            return False

    turn = TurnRequest(message="hi", user_id="ana", conversation_id=None, history=None, system=None)

    async def scenario() -> tuple[int, int]:
        events = await turns.stream_turn(BoundedPool("turns", 1, 1), ManyTokens(), turn, Connected(), "r1")
        await events.__anext__()  # the reader takes one event, then stalls
        await asyncio.sleep(0.6)
        held = len(produced)
        return held, 1 + len([e async for e in events])

    held, read = asyncio.run(scenario())
    assert held <= 4 + 3, f"{held} events produced while the reader stalled (buffer 4)"
    assert read == 200 and len(produced) == 200  # nothing lost once the reader goes on


# -- cancel on disconnect ------------------------------------------------------------------------
class BlockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    what: str = "x"


class BlockOut(ToolOutput):
    stopped: bool


class Block(Tool):
    """Wait until the turn is cancelled (a stand-in for a long search or a picture encoding)."""

    name = "block"
    started = threading.Event()
    stopped = threading.Event()

    def run(self, args: BlockIn) -> BlockOut:
        Block.started.set()
        token = current_token()
        for _ in range(1000):
            if token.cancelled:
                Block.stopped.set()
                return BlockOut(stopped=True)
            time.sleep(0.01)
        return BlockOut(stopped=False)


@pytest.mark.parametrize("stream", [False, True])
def test_a_client_disconnect_cancels_the_running_tool(stream: bool):
    Block.started.clear(), Block.stopped.clear()
    stylist = fake_stylist("openai", chat_model=ScriptedChatModel(script=[tool_call("block", {})]))
    stylist._registry = ToolRegistry([Block()])
    app = create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=2)
    with serving(app) as port:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(
                f"http://127.0.0.1:{port}/v1/chat/completions",
                json=body("block please", stream=stream),
                headers=AUTH,
                timeout=httpx.Timeout(5, read=1.0),
            )
        assert Block.started.wait(5), "the tool never ran"
        assert Block.stopped.wait(5), "the tool kept running after the client went away"


@pytest.mark.parametrize("stream", [False, True])
def test_a_client_disconnect_stops_the_generation(stream: bool):
    seen_cancel = threading.Event()

    def generating():  # a model call that checks the flag, as the llama.cpp loop does per token
        token = current_token()
        for _ in range(1000):
            if token.cancelled:
                seen_cancel.set()
                raise TurnCancelled("stopped")
            time.sleep(0.01)
        return "done"

    stylist = fake_stylist("openai", chat_model=ScriptedChatModel(script=[generating]))
    app = create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=2)
    with serving(app) as port:
        t0 = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(
                f"http://127.0.0.1:{port}/v1/chat/completions",
                json=body("a linen shirt", stream=stream),
                headers=AUTH,
                timeout=httpx.Timeout(5, read=1.0),
            )
        assert seen_cancel.wait(5), "the generation never saw the cancel"
        assert time.perf_counter() - t0 < 5


def test_streams_run_on_the_bounded_turn_pool_not_a_thread_each():
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry(), delay=0.01)
    client = TestClient(create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=2))
    seen: set[str] = set()
    original = stylist.stream

    def stream(*args, **kwargs):
        seen.add(threading.current_thread().name)
        yield from original(*args, **kwargs)

    stylist.stream = stream
    with ThreadPoolExecutor(6) as ex:
        list(
            ex.map(
                lambda _: client.post("/v1/chat/completions", json=body(stream=True), headers=AUTH), range(12)
            )
        )
    assert seen and all(name.startswith("stylist-turns") for name in seen) and len(seen) <= 2
    assert not [t for t in threading.enumerate() if t.name == "stylist-stream"]


# -- rate limits per end user ------------------------------------------------------------------
def test_a_service_keys_limit_applies_per_end_user_with_a_higher_ceiling_per_key():
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry([Echo()]))
    settings = ServerSettings(api_keys=[KEY], rate_limit_per_minute=2, key_rate_limit_per_minute=6)
    client = TestClient(create_app(stylist, settings, concurrency=2), raise_server_exceptions=False)

    def chat(user: str) -> httpx.Response:
        return client.post("/v1/chat/completions", json=body(user=user), headers=AUTH)

    assert [chat("ana").status_code for _ in range(3)] == [200, 200, 429]
    assert chat("ana").json()["error"]["code"] == "rate_limited"  # ana's own limit
    assert [chat("bob").status_code for _ in range(2)] == [200, 200]  # bob is not throttled by ana
    # the key's ceiling: ana 4 + bob 2 = 6 requests so far, its whole allowance
    refused = client.get("/v1/models", headers={**AUTH, "X-Stylist-User": "cleo"})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "key_rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1


def test_the_user_header_and_the_tool_user_id_name_the_end_user():
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry([Echo()]))
    settings = ServerSettings(api_keys=[KEY], rate_limit_per_minute=1, key_rate_limit_per_minute=100)
    client = TestClient(create_app(stylist, settings, concurrency=2), raise_server_exceptions=False)
    assert client.get("/v1/models", headers={**AUTH, "X-Stylist-User": "ana"}).status_code == 200
    assert client.get("/v1/models", headers={**AUTH, "X-Stylist-User": "ana"}).status_code == 429
    assert client.get("/v1/models", headers={**AUTH, "X-Stylist-User": "bob"}).status_code == 200
    assert client.get("/v1/models", headers=AUTH).status_code == 200  # the key itself is one more user
    assert client.get("/v1/models", headers=AUTH).status_code == 429


def test_the_llama_cpp_generation_loop_stops_at_the_next_token_once_cancelled(tmp_path):
    from stylist.llm.llamacpp import LlamaCppChatModel
    from stylist.llm.local import Prompt

    closed, made = threading.Event(), []

    class EndlessLlama:
        def tokenize(self, text: bytes, add_bos: bool = False, special: bool = True) -> list[int]:
            return list(range(10))

        def create_completion(self, tokens, **kwargs):  # noqa: ANN001, ANN003, ANN202
            try:
                while True:
                    made.append(1)
                    yield {"choices": [{"text": "la ", "finish_reason": None}]}
            finally:
                closed.set()

    model = LlamaCppChatModel(model_path=tmp_path / "x.gguf", prefix_cache=False)
    model._llama = EndlessLlama()
    token = CancelToken()
    pieces = []
    with cancel_scope(token), pytest.raises(TurnCancelled):
        for piece in model._pieces(Prompt(text="hi"), max_tokens=10**6, temperature=0.0, stop=[]):
            pieces.append(piece)
            if len(pieces) == 5:
                token.cancel()
    assert len(pieces) == 5 and len(made) == 6 and closed.is_set()  # decoding stopped, one token late


# -- the first index build -----------------------------------------------------------------------
def test_the_first_index_build_runs_once_in_the_background_and_requests_hear_index_building(monkeypatch):
    from tests.fakes.agent import FakeCatalogueIndex

    gate, builds = threading.Event(), []

    def open_or_build(runtime):  # noqa: ANN001, ANN202
        builds.append(threading.current_thread().name)
        gate.wait(10)
        return FakeCatalogueIndex()

    monkeypatch.setattr("stylist.index.build.open_or_build", open_or_build)
    runtime = Runtime(load_settings())
    stylist = EchoStylist(runtime, ToolRegistry([Echo()]))
    client = TestClient(create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=2))
    assert runtime.index_state() == "missing"
    assert runtime.start_index_build() and not runtime.start_index_build()  # once
    assert runtime.index_state() == "building"
    refused = client.post("/v1/chat/completions", json=body(), headers=AUTH)
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
    error = refused.json()["error"]
    assert error["code"] == "index_building" and "being built" in error["message"]
    assert client.post("/v1/tools/echo", json={"text": "x"}, headers=AUTH).status_code == 503
    assert client.get("/healthz").json()["index"] == "building"
    t0 = time.perf_counter()
    with pytest.raises(Exception, match="being built"):
        runtime.catalogue_index  # noqa: B018 - asking does not block behind the build
    assert runtime.service("other", lambda: 42) == 42  # nor do other services
    assert time.perf_counter() - t0 < 1.0
    gate.set()
    runtime.wait_for_index()
    assert runtime.index_state() == "ready" and client.get("/healthz").json()["index"] == "ready"
    assert client.post("/v1/chat/completions", json=body(), headers=AUTH).status_code == 200
    assert builds == ["stylist-index-build"]


def test_the_tui_status_bar_says_the_index_is_building():
    from stylist.events import StylistInfo
    from stylist.tui.widgets.status_bar import describe

    info = StylistInfo(backend="none", model="rule router", device="cpu", index="building")
    assert "building the catalogue index" in describe(info)
    assert "building" not in describe(info.model_copy(update={"index": "ready", "catalogue_size": 3}))


def _refused():
    raise BusyError("the model queue is full", queue="model", retry_after=2.0)


@pytest.mark.parametrize("pick_tool", [False, True])
def test_a_model_refused_after_a_tool_ran_answers_with_the_results_not_an_error(pick_tool):
    """A stream has sent the tool's events by then, so it cannot become a 503: the turn answers with
    the tool's results, and the metadata says the model was refused."""
    first = tool_call("search_garments", {"query": "linen shirt"})  # picking, naming the tool is its pick
    stylist = fake_stylist(
        "openai",
        chat_model=ScriptedChatModel(script=[first, _refused, _refused]),
        llm={"pick_tool": pick_tool},
    )
    reply = stylist.chat("a linen shirt")
    assert reply.text.strip()
    assert [c.name for c in reply.tool_calls] == ["search_garments"]
    assert "BusyError" in (reply.metadata.get("selection_error") or reply.metadata.get("answer_error") or "")


def test_a_model_refused_before_any_tool_still_refuses_the_turn():
    stylist = fake_stylist("openai", chat_model=ScriptedChatModel(script=[_refused]))
    events = list(stylist.stream("a linen shirt"))
    assert events[-1].code == "busy"
