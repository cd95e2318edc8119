"""OpenAI chat semantics: what a request means for a turn, and the completion it gets back.

Stateless by default: the ``messages`` array is the conversation (system prompt, history,
picture parts), and nothing is stored. Stateful only when the client names a conversation
(``metadata.conversation_id``, the ``X-Stylist-Conversation`` header or the ``stylist``
extension's ``conversation_id``); then the store holds the history and only the last user
message of the array is read. Never by hashing text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from stylist.agent.context import approx_tokens
from stylist.config import ServerSettings
from stylist.events import ChatReply
from stylist.server.errors import ApiError
from stylist.server.openai_models import MODEL_ID, ChatCompletionRequest
from stylist.server.pictures import Uploads


@dataclass
class TurnRequest:
    message: str
    user_id: str
    conversation_id: str | None
    """``None``: stateless (``history`` is the conversation)."""
    history: list[tuple[str, str]] | None
    system: str | None
    generation: dict[str, Any] = field(default_factory=dict)
    stops: list[str] = field(default_factory=list)
    prompt_tokens: int = 0

    def facade_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"system": self.system, "generation": self.generation}
        if self.conversation_id is None:
            kwargs["history"] = self.history or []
        return kwargs


def conversation_named(body: ChatCompletionRequest, request: Request) -> str | None:
    named = (
        (body.metadata or {}).get("conversation_id")
        or request.headers.get("x-stylist-conversation")
        or (body.stylist.conversation_id if body.stylist else None)
    )
    if named is not None and not (0 < len(named) <= 64):
        raise ApiError(422, "conversation_id must be 1 to 64 characters", code="invalid_conversation_id")
    return named or None


def turn_request(
    body: ChatCompletionRequest, request: Request, user_id: str, settings: ServerSettings, uploads: Uploads
) -> TurnRequest:
    """Check the request's limits and turn its messages into one turn's input."""
    if len(body.messages) > settings.max_messages:
        raise ApiError(413, f"at most {settings.max_messages} messages per request", code="too_many_messages")
    limit = settings.max_message_chars
    for i, m in enumerate(body.messages):
        if len(m.text()) > limit:
            raise ApiError(413, f"messages[{i}] is longer than {limit} characters", code="message_too_long")
    conversation_id = conversation_named(body, request)
    last = max(i for i, m in enumerate(body.messages) if m.role == "user")
    message = body.messages[last].text().strip()
    pictures = [str(uploads.save_data_url(url)) for url in body.messages[last].images()]
    if pictures:  # the agent finds a picture as a (quoted) path in the message, as on the CLI
        message = " ".join([message or "what is this?", *(f'"{p}"' for p in pictures)])
    system = "\n".join(m.text() for m in body.messages if m.role in ("system", "developer") and m.text())
    history: list[tuple[str, str]] = []
    pending: str | None = None
    for m in body.messages[:last]:
        if m.role == "user":
            if pending is not None:
                history.append((pending, ""))
            pending = m.text() + (" [picture]" if m.images() else "")
        elif m.role == "assistant" and m.text():
            history.append((pending or "", m.text()))
            pending = None
    if pending is not None:
        history.append((pending, ""))
    generation = {
        "max_tokens": body.max_completion_tokens or body.max_tokens,
        "temperature": body.temperature,
        "stop": body.stops() or None,
    }
    prompt_text = system + "".join(u + a for u, a in history) + message
    return TurnRequest(
        message=message,
        user_id=user_id,
        conversation_id=conversation_id,
        history=None if conversation_id else history,
        system=system or None,
        generation={k: v for k, v in generation.items() if v is not None},
        stops=body.stops(),
        prompt_tokens=approx_tokens(prompt_text) if prompt_text else 0,
    )


def cut_at_stop(text: str, stops: list[str]) -> tuple[str, bool]:
    """``text`` up to the first stop sequence (excluded), and whether one was found."""
    cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


class StopFilter:
    """Streams text through stop sequences: holds back what could be the start of one."""

    def __init__(self, stops: list[str]) -> None:
        self.stops, self.buffer, self.stopped = stops, "", False
        self.hold = max((len(s) for s in stops), default=1) - 1

    def feed(self, piece: str) -> str:
        if self.stopped:
            return ""
        if not self.stops:
            return piece
        self.buffer += piece
        text, self.stopped = cut_at_stop(self.buffer, self.stops)
        if self.stopped:
            self.buffer = ""
            return text
        out = self.buffer[: len(self.buffer) - self.hold] if self.hold else self.buffer
        self.buffer = self.buffer[len(out) :]
        return out

    def flush(self) -> str:
        out, self.buffer = ("" if self.stopped else self.buffer), ""
        return out


def usage(turn: TurnRequest, reply: ChatReply | None, text: str) -> dict[str, int]:
    """Token counts: the model's streamed tokens when it wrote the answer, else an estimate
    (four characters a token) of the text sent; the prompt is always estimated."""
    counted = (reply.metadata.get("tokens") if reply else None) or 0
    completion = int(counted) if counted else (approx_tokens(text) if text else 0)
    return {
        "prompt_tokens": turn.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": turn.prompt_tokens + completion,
    }


def sse(body: dict[str, Any]) -> str:
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def chunk(cid: str, created: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
