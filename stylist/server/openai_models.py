"""Request and response bodies of the OpenAI-compatible chat API, plus Stylist's extension."""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stylist.events import ItemRef, ToolCallRecord

MODEL_ID = "stylist"


class ImageUrl(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: str
    """A ``data:image/...;base64,...`` URL (the server fetches no URLs and opens no paths)."""


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None
    image_url: ImageUrl | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text or "" for part in self.content if part.type == "text")

    def images(self) -> list[str]:
        """The ``image_url`` URLs of the message's picture parts."""
        if not isinstance(self.content, list):
            return []
        return [p.image_url.url for p in self.content if p.type == "image_url" and p.image_url is not None]


class StylistRequestOptions(BaseModel):
    """The ``stylist`` extension object a client may send (``extra_body={"stylist": {...}}``)."""

    model_config = ConfigDict(extra="forbid")
    conversation_id: str | None = Field(None, min_length=1, max_length=64)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    # Unknown OpenAI parameters (top_p, n, tools …) are accepted and ignored, as servers do.
    model_config = ConfigDict(extra="allow")

    model: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = Field(None, max_length=200)
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1, le=32_768)
    max_completion_tokens: int | None = Field(None, ge=1, le=32_768)
    stop: str | list[str] | None = None
    stream_options: StreamOptions | None = None
    metadata: dict[str, str] | None = None
    """OpenAI's request metadata; ``metadata.conversation_id`` makes the chat stateful."""
    stylist: StylistRequestOptions | None = None

    def stops(self) -> list[str]:
        stops = [self.stop] if isinstance(self.stop, str) else list(self.stop or [])
        return [s for s in stops if s][:4]

    @field_validator("messages")
    @classmethod
    def _has_user_text(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        users = [m for m in messages if m.role == "user"]
        if not users:
            raise ValueError("at least one message with role 'user' is required")
        if not users[-1].text().strip() and not users[-1].images():
            raise ValueError("the last user message is empty")
        return messages


class TurnSummary(BaseModel):
    """How the turn went, from its trace (``ChatReply.metadata``): who chose the calls, who wrote
    the answer, whether a model step was refused or failed, and the time spent waiting. Codes only:
    error texts stay in the server log."""

    route: list[str] = Field(default_factory=list)
    """Selection steps: ``model``, ``router:confident``, ``router:model-failed`` …"""
    chosen_by: str | None = None
    """``model``, ``router`` (a shortcut, no model asked), ``router-fallback`` (the model failed,
    was refused or chose nothing), ``None`` when no tool was called."""
    answered_by: Literal["model", "results", "template"]
    """``model``: the model wrote (part of) the text; ``results``: the tools' results were listed
    and the model added nothing; ``template``: a template answered (no model, or the model failed)."""
    selection: Literal["refused", "failed"] | None = None
    """A selection step was refused by a full model queue, or failed (timeout, upstream error)."""
    answer_step: Literal["refused", "failed"] | None = None
    """The answer step was refused by a full model queue, or failed."""
    queued_s: float | None = None
    """Seconds the turn waited for a turn worker (before its deadline started)."""
    model_queue_s: float | None = None
    tool_queue_s: float | None = None
    tokens: int | None = None
    """Answer tokens the model streamed."""
    tokens_per_s: float | None = None
    """The model's streaming speed over the answer."""
    first_model_token_s: float | None = None
    """Seconds from the turn's start to the answer's first model token (the selection steps before it)."""

    @classmethod
    def of(cls, metadata: dict[str, Any]) -> TurnSummary:
        tokens = metadata.get("tokens") or None
        if metadata.get("answer") == "template":
            answered_by = "template"
        elif tokens:
            answered_by = "model"
        else:
            answered_by = "results"
        return cls(
            route=[str(step) for step in metadata.get("route") or []],
            chosen_by=metadata.get("chosen_by"),
            answered_by=answered_by,
            selection=_step_outcome(metadata.get("selection_error")),
            answer_step=_step_outcome(metadata.get("answer_error")),
            queued_s=metadata.get("queued_s"),
            model_queue_s=metadata.get("model_queue_s"),
            tool_queue_s=metadata.get("tool_queue_s"),
            tokens=tokens,
            tokens_per_s=metadata.get("tokens_per_s"),
            first_model_token_s=metadata.get("first_model_token_s"),
        )


def _step_outcome(error: Any) -> Literal["refused", "failed"] | None:
    """A trace's step error as a code: a full queue's ``BusyError`` is a refusal."""
    if not error:
        return None
    return "refused" if str(error).startswith("BusyError") else "failed"


class StylistExtension(BaseModel):
    """What Stylist adds to every completion, beside the text: ``response["stylist"]``."""

    conversation_id: str
    items: list[dict[str, Any]] = Field(default_factory=list)
    """Garments the answer names: ItemRef fields plus ``image_url`` when the item has a picture."""
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)
    """URLs of generated images (designs, charts)."""
    turn: TurnSummary | None = None
    """How the turn went (who chose, who answered, refusals, waits)."""


def completion_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex[:24]


def now() -> int:
    return int(time.time())


def item_payload(item: ItemRef, base_url: str) -> dict[str, Any]:
    data = item.model_dump(mode="json", exclude={"image_path"})
    if item.image_path:
        data["image_url"] = f"{base_url}v1/items/{item.id}/image"
    return data
