"""What a conversation turn produces: the typed reply and the stream of events behind it.

``Stylist.chat`` returns a :class:`ChatReply`; ``Stylist.stream`` yields :data:`ChatEvent`
values ending with a :class:`Done` (carrying the reply) or an :class:`Error`. The TUI, the HTTP
server and the CLI consume exactly these.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field


class ItemRef(BaseModel):
    """A catalogue garment the answer names (its id exists in the catalogue)."""

    id: str
    title: str
    price: float | None = None
    currency: str = "USD"
    slot: str | None = None
    image_path: str | None = None
    reason: str | None = None
    """Why it was suggested, when the tools said."""


class ToolCallRecord(BaseModel):
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    duration_s: float = 0.0
    ok: bool = True
    error: str | None = None


class Timings(BaseModel):
    first_token_s: float | None = None
    total_s: float = 0.0


class ChatReply(BaseModel):
    conversation_id: str
    text: str
    items: list[ItemRef] = Field(default_factory=list)
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)
    """Paths of generated images (designs, trend charts)."""
    backend: str = ""
    timings: Timings = Field(default_factory=Timings)
    metadata: dict[str, Any] = Field(default_factory=dict)
    """How the turn went: ``grounding`` (rate, grounded, invented …), ``route`` (model, router,
    repair, fallback steps), ``tokens_per_s``; for diagnostics and benchmarks."""


class Token(BaseModel):
    type: Literal["token"] = "token"
    text: str


class ToolStarted(BaseModel):
    type: Literal["tool_started"] = "tool_started"
    call_id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class ToolFinished(BaseModel):
    type: Literal["tool_finished"] = "tool_finished"
    call_id: str
    name: str
    ok: bool
    duration_s: float
    error: str | None = None


class Item(BaseModel):
    type: Literal["item"] = "item"
    item: ItemRef


class Image(BaseModel):
    type: Literal["image"] = "image"
    path: str
    caption: str = ""


class Done(BaseModel):
    type: Literal["done"] = "done"
    reply: ChatReply


class Error(BaseModel):
    type: Literal["error"] = "error"
    message: str
    conversation_id: str | None = None
    code: str | None = None
    """Why, when a front end should act on it: ``busy`` (a queue was full; try again after
    ``retry_after`` s) or ``cancelled`` (the client went away)."""
    retry_after: float | None = None


ChatEvent = Annotated[
    Token | ToolStarted | ToolFinished | Item | Image | Done | Error, Field(discriminator="type")
]


class ConversationSummary(BaseModel):
    id: str
    title: str
    user_id: str
    updated_at: str
    """ISO 8601 timestamp of the last turn."""
    turns: int


class HistoryMessage(BaseModel):
    role: Literal["user", "assistant"]
    text: str
    items: list[ItemRef] = Field(default_factory=list)
    created_at: str = ""


class StylistInfo(BaseModel):
    """What the status bar and ``GET /v1/models`` show."""

    backend: str
    model: str
    device: str
    catalogue_size: int | None = None
    """``None`` until the index has been opened (asking must not force a build)."""
    index: str | None = None
    """``building`` while the first catalogue index is built in the background (``failed`` when
    that build failed); ``None`` or ``ready`` otherwise."""


FeedbackKind = Literal["like", "dislike", "save", "buy"]

#: The user id used when a front end does not name one (a single local user).
DEFAULT_USER = "default"
