"""A scripted OpenAI-compatible chat server on 127.0.0.1, for tests and the agent benchmark.

    with FakeOpenAIServer() as server:
        server.script(Reply(tool_calls=[("search_garments", {"query": "red dress"})]))
        server.script(Reply(content="Try the Red Wrap Dress (g1)."))
        ... ChatOpenAI(base_url=server.base_url, ...) ...
        server.requests  # the JSON bodies it received

Replies are served in order; with none left it answers ``default`` (or a ``responder``
callable that builds a ``Reply`` from the request body). Streaming requests get SSE chunks:
content one word at a time, tool calls split into name and argument pieces, then usage.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str = ""
    tool_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)
    status: int = 200
    delay_s: float = 0.0


class FakeOpenAIServer:
    def __init__(
        self,
        default: Reply | None = None,
        responder: Callable[[dict[str, Any]], Reply] | None = None,
        api_key: str | None = None,
    ) -> None:
        self.default = default or Reply(content="ok")
        self.responder = responder
        self.api_key = api_key
        self.requests: list[dict[str, Any]] = []
        self._queue: list[Reply] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ control
    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if self._queue:
                return self._queue.pop(0)
        return self.responder(body) if self.responder else self.default


def _tool_call_json(index: int, name: str, args: dict[str, Any] | str) -> dict[str, Any]:
    arguments = args if isinstance(args, str) else json.dumps(args)
    return {
        "index": index,
        "id": f"call_{index}",
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def _handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            if server.api_key and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                self._json(401, {"error": {"message": "bad api key", "type": "auth"}})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            reply = server._next(body)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.status != 200:
                self._json(reply.status, {"error": {"message": f"scripted {reply.status}"}})
            elif body.get("stream"):
                self._stream(body, reply)
            else:
                self._complete(body, reply)

        def _complete(self, body: dict[str, Any], reply: Reply) -> None:
            message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
            if reply.tool_calls:
                message["tool_calls"] = [
                    {k: v for k, v in _tool_call_json(i, n, a).items() if k != "index"}
                    for i, (n, a) in enumerate(reply.tool_calls)
                ]
            self._json(
                200,
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "fake"),
                    "choices": [
                        {
                            "index": 0,
                            "message": message,
                            "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16},
                },
            )

        def _stream(self, body: dict[str, Any], reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            base = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
            }

            def send(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> None:
                chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()

            send({"role": "assistant", "content": ""})
            words = reply.content.split(" ") if reply.content else []
            for i, word in enumerate(words):
                send({"content": word if i == 0 else " " + word})
            for i, (name, args) in enumerate(reply.tool_calls):
                call = _tool_call_json(i, name, args)
                arguments = call["function"].pop("arguments")
                call["function"]["arguments"] = ""
                send({"tool_calls": [call]})
                half = len(arguments) // 2
                for part in (arguments[:half], arguments[half:]):
                    send({"tool_calls": [{"index": i, "function": {"arguments": part}}]})
            send({}, "tool_calls" if reply.tool_calls else "stop")
            if (body.get("stream_options") or {}).get("include_usage"):
                usage = {"prompt_tokens": 11, "completion_tokens": max(1, len(words)), "total_tokens": 12}
                self.wfile.write(f"data: {json.dumps({**base, 'choices': [], 'usage': usage})}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
