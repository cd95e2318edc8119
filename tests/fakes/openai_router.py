"""A tiny OpenAI-compatible chat server for tests and benchmarks (stdlib only).

It plays a well-behaved tool-calling model: with tools in the request it answers with one tool
call chosen by Stylist's rule router (or ``NONE`` once a tool result is in the conversation);
without tools it names the garments found in the ``<tool_result>`` blocks. Streaming (SSE) and
non-streaming replies are both served, so the real ``langchain-openai`` client path is exercised.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""


class _Brain:
    def __init__(self) -> None:
        from stylist.agent.router import Router
        from stylist.config import load_settings
        from stylist.runtime import Runtime
        from stylist.tools.registry import build_registry

        self.router = Router(build_registry(Runtime(load_settings(llm={"backend": "none"}))))

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages", [])
        last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
        user = _text(messages[last_user]["content"]) if last_user >= 0 else ""
        if body.get("tools"):
            if any(m.get("role") == "tool" for m in messages[last_user + 1 :]):
                return {"content": "NONE"}
            user = user.split("\n\nThe previous tool call")[0]
            decision = self.router.route(user)
            if decision.tool is None:
                return {"content": "NONE"}
            return {
                "tool_calls": [
                    {
                        "id": "call_" + uuid.uuid4().hex[:8],
                        "type": "function",
                        "function": {"name": decision.tool, "arguments": json.dumps(decision.arguments)},
                    }
                ]
            }
        items = []
        for block in re.findall(r"<tool_result[^>]*>\n(.*?)\n</tool_result>", user, re.S):
            try:
                data = json.loads(block)
            except json.JSONDecodeError:
                continue
            for hit in data.get("hits", []):
                g = hit.get("garment", {})
                if g.get("id"):
                    items.append(g)
        if not items:
            return {
                "content": "I help with outfits from the catalogue: tell me the occasion, colours and budget."
            }
        lines = ["Here are some picks from the catalogue:"]
        for g in items[:3]:
            price = f" (${g['price']:g})" if g.get("price") is not None else ""
            lines.append(f"- {g['title']} [{g['id']}]{price}: a good match for your request.")
        return {"content": "\n".join(lines)}


class _Handler(BaseHTTPRequestHandler):
    brain: _Brain

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # /v1/models
        self._json({"object": "list", "data": [{"id": "fake", "object": "model", "owned_by": "stylist"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        message = self.brain.reply(body)
        created = int(time.time())
        if not body.get("stream"):
            msg = {"role": "assistant", "content": message.get("content")}
            if "tool_calls" in message:
                msg["tool_calls"] = message["tool_calls"]
            finish = "tool_calls" if "tool_calls" in message else "stop"
            self._json(
                {
                    "id": "cmpl-1",
                    "object": "chat.completion",
                    "created": created,
                    "model": body.get("model", "fake"),
                    "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            )
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def send(delta: dict[str, Any], finish: str | None = None) -> None:
            chunk = {
                "id": "cmpl-1",
                "object": "chat.completion.chunk",
                "created": created,
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        if "tool_calls" in message:
            calls = [{"index": i, **c} for i, c in enumerate(message["tool_calls"])]
            send({"role": "assistant", "content": None, "tool_calls": calls})
            send({}, "tool_calls")
        else:
            send({"role": "assistant", "content": ""})
            for piece in re.findall(r"\S+\s*|\s+", message["content"]):
                send({"content": piece})
            send({}, "stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _json(self, obj: Any) -> None:
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeOpenAIServer:
    """``with FakeOpenAIServer() as url:`` serves on a free local port; ``url`` ends in ``/v1``."""

    def __enter__(self) -> str:
        handler = type("Handler", (_Handler,), {"brain": _Brain()})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
