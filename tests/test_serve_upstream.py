"""The ``openai`` backend against a fake OpenAI-compatible upstream over a real socket: a model call
the turn gave up on does not hold its worker, streamed answers are bounded by the model queue, and
what a vLLM server sends (tool calls with ``content: null``) is read."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stylist.concurrency import BoundedPool, CancelToken, cancel_scope, holding_worker
from stylist.errors import BusyError
from stylist.llm.openai_backend import make_openai_chat_model
from tests.fakes import ScriptedChatModel, tool_call
from tests.fakes.agent import fake_stylist


@contextmanager
def upstream(reply: Callable[[dict], dict], delay_s: float = 0.0) -> Iterator[tuple[str, list[dict]]]:
    """An OpenAI-compatible ``/v1/chat/completions`` on a free port; yields (base URL, bodies seen).
    A streamed request gets a slow answer; ``upstream.gone`` is set when its client hung up."""
    seen: list[dict] = []
    stop, gone = threading.Event(), threading.Event()
    streamed: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(body)
            stop.wait(delay_s)
            if body.get("stream"):
                message = reply(body)["choices"][0]["message"]
                self._stream_calls(message["tool_calls"]) if message.get("tool_calls") else self._stream()
                return
            data = json.dumps(reply(body)).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up first
                pass

        def _stream_calls(self, calls: list[dict]) -> None:
            """A streamed tool call as llama_cpp.server sends it: the arguments in pieces, each
            piece repeating the call's name and id."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = []
            for i, call in enumerate(calls):
                args = call["function"]["arguments"]
                for part in (args[: len(args) // 2], args[len(args) // 2 :]):
                    function = {"name": call["function"]["name"], "arguments": part}
                    pieces.append(
                        {
                            "tool_calls": [
                                {"index": i, "id": call["id"], "type": "function", "function": function}
                            ]
                        }
                    )
            finish = [{"delta": {}, "finish_reason": "tool_calls"}]
            for choice in [
                {"delta": {"role": "assistant", **p}, "finish_reason": None} for p in pieces
            ] + finish:
                data = json.dumps(
                    {"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, **choice}]}
                )
                self.wfile.write(f"data: {data}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _stream(self) -> None:
            """An answer of 100 words, one every 0.1 s, until the client goes away."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            try:
                for i in range(100):
                    delta = {
                        "choices": [{"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}]
                    }
                    data = json.dumps({"id": "c", "object": "chat.completion.chunk", **delta})
                    self.wfile.write(f"data: {data}\n\n".encode())
                    self.wfile.flush()
                    streamed.append(i)
                    if stop.wait(0.1):
                        return
            except OSError:
                gone.set()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    upstream.gone, upstream.streamed = gone, streamed  # type: ignore[attr-defined]
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def completion(message: dict) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "served",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def _settles(pool: BoundedPool, pending: int, within_s: float = 10.0) -> bool:
    """The pool's count of running and waiting jobs reaches ``pending`` (a finished job's count drops
    in its done-callback, a moment after its result is out)."""
    deadline = time.perf_counter() + within_s
    while pool.pending != pending and time.perf_counter() < deadline:
        time.sleep(0.02)
    return pool.pending == pending


def _model(url: str, timeout_s: float = 30.0):
    return make_openai_chat_model(
        model="served", base_url=url, api_key=None, temperature=0, max_tokens=64, timeout_s=timeout_s
    )


def test_a_model_call_past_the_turns_deadline_is_abandoned_once_not_retried():
    """The turn's remaining time is the request's timeout, and the client does not retry: the
    worker is free when the turn gives up, and the upstream saw one request, not two."""
    text = completion({"role": "assistant", "content": "late"})
    with upstream(lambda body: text, delay_s=60.0) as (url, seen):
        stylist = fake_stylist("openai", chat_model=_model(url), llm={"timeout_s": 1.5, "max_steps": 1})
        pool = stylist.runtime.pools.model
        reply = stylist.chat("a linen shirt")
        assert reply.metadata["chosen_by"] == "router-fallback"
        assert reply.metadata["selection_error"]
        # the worker was let go at the deadline, not after the client's own 30 s timeout
        assert _settles(pool, 0)
    assert len(seen) == 1


def test_a_vllm_style_tool_call_with_null_content_is_read():
    """vLLM answers a tool call with ``content: null`` and the arguments as a JSON string."""
    call = {"id": "call-1", "type": "function", "function": {"name": "search_garments", "arguments": "{}"}}
    replies = [
        completion({"role": "assistant", "content": None, "tool_calls": [{**call, "function": {
            "name": "search_garments", "arguments": json.dumps({"query": "linen shirt"})}}]}),
        completion({"role": "assistant", "content": None}),
        completion({"role": "assistant", "content": "The Olive Linen Shirt at $45 breathes well in summer."}),
    ]  # fmt: skip
    with upstream(lambda body: replies.pop(0) if len(replies) > 1 else replies[0]) as (url, seen):
        stylist = fake_stylist("openai", chat_model=_model(url), llm={"max_steps": 2})
        reply = stylist.chat("a linen shirt")
    assert [c.name for c in reply.tool_calls] == ["search_garments"]
    assert reply.tool_calls[0].arguments["query"] == "linen shirt"
    assert reply.metadata["chosen_by"] == "model"
    # what went back up: the tool call with "" (not null) text, and OpenAI's tool_choice "auto"
    follow_up = seen[1]["messages"]
    assistant = next(m for m in follow_up if m["role"] == "assistant")
    assert assistant["content"] == "" and assistant["tool_calls"]
    assert seen[0]["tool_choice"] == "auto" and "parallel_tool_calls" not in seen[0]


def test_a_cancelled_turn_hangs_up_on_a_tool_selection_call_too():
    """A server turn's selection call streams although nobody reads its chunks: llama_cpp.server
    stops a generation only when a streamed request's client hangs up. Outside a turn the request
    is a plain one."""
    from stylist.concurrency import TurnCancelled

    with upstream(lambda body: completion({"role": "assistant", "content": "slow"})) as (url, seen):
        model = _model(url)
        model.invoke("a linen shirt")
        assert not seen[-1].get("stream")
        token = CancelToken()

        def cancel_once_streaming() -> None:
            while len(upstream.streamed) < 3:
                time.sleep(0.02)
            token.cancel()

        threading.Thread(target=cancel_once_streaming, daemon=True).start()
        with cancel_scope(token), pytest.raises(TurnCancelled):
            model.invoke("a linen shirt")
        assert seen[-1]["stream"] is True
        assert upstream.gone.wait(10)
        assert len(upstream.streamed) < 100


def test_a_streamed_tool_call_that_repeats_its_name_in_every_chunk_is_read_once():
    args = json.dumps({"query": "linen shirt"})
    call = {"id": "call-1", "type": "function", "function": {"name": "search_garments", "arguments": args}}
    tool = {"type": "function", "function": {"name": "search_garments", "parameters": {"type": "object"}}}
    reply = completion({"role": "assistant", "content": None, "tool_calls": [call]})
    with upstream(lambda body: reply) as (url, seen), cancel_scope(CancelToken()):
        ai = _model(url).bind_tools([tool]).invoke("a linen shirt")
    assert seen[-1]["stream"] is True
    assert [(c["name"], c["args"], c["id"]) for c in ai.tool_calls] == [
        ("search_garments", {"query": "linen shirt"}, "call-1")
    ]


def test_a_streamed_answer_holds_a_model_worker_so_the_model_queue_bounds_answers_too():
    release, streaming = threading.Event(), threading.Event()

    def slow_answer() -> str:
        streaming.set()
        release.wait(10)
        return "The Olive Linen Shirt at $45 breathes well in summer."

    model = ScriptedChatModel(
        script=[tool_call("search_garments", {"query": "linen shirt"}), "none", slow_answer]
    )
    stylist = fake_stylist("openai", chat_model=model, llm={"model_workers": 1, "model_queue": 0})
    pool = stylist.runtime.pools.model
    worker = threading.Thread(target=stylist.chat, args=("a linen shirt",))
    worker.start()
    try:
        assert streaming.wait(30)
        assert _settles(pool, 1)  # the answer's stream holds the one worker
        with pytest.raises(BusyError):
            pool.submit(lambda: None)
    finally:
        release.set()
        worker.join(30)
    assert _settles(pool, 0)


def test_holding_a_worker_times_out_and_lets_the_pool_go():
    pool = BoundedPool("model", 1, 1)
    gate = threading.Event()
    pool.submit(gate.wait, 5)
    with pytest.raises(TimeoutError, match="no model worker was free"):
        with holding_worker(pool, 0.2):
            pass
    gate.set()
    with holding_worker(pool, 5) as queued:
        assert queued >= 0.0
    assert _settles(pool, 0)


def test_a_cancelled_turn_stops_reading_a_streamed_upstream_answer_and_hangs_up():
    """The client went away: the answer's HTTP stream is closed, so llama_cpp.server (which checks
    for a gone client after every chunk) stops generating."""
    call = {"id": "call-1", "type": "function", "function": {"name": "search_garments", "arguments": "{}"}}
    replies = [
        completion({"role": "assistant", "content": None, "tool_calls": [call]}),
        completion({"role": "assistant", "content": "none"}),
    ]
    with upstream(lambda body: replies.pop(0) if len(replies) > 1 else replies[0]) as (url, _):
        stylist = fake_stylist("openai", chat_model=_model(url), llm={"max_steps": 2})
        token = CancelToken()

        def cancel_once_streaming() -> None:  # the client goes away three words into the answer
            while len(upstream.streamed) < 3:
                time.sleep(0.02)
            token.cancel()

        threading.Thread(target=cancel_once_streaming, daemon=True).start()
        with cancel_scope(token):
            events = list(stylist.stream("a linen shirt"))
        assert events[-1].code == "cancelled"
        assert upstream.gone.wait(10)  # the upstream's next write found the connection closed
        assert len(upstream.streamed) < 100  # it hung up before the answer's end
