"""Fakes used by the TUI tests (split from tests/fakes.py, which keeps the shared ones)."""

from __future__ import annotations

import hashlib  # noqa: F401
import re  # noqa: F401
from collections.abc import Sequence  # noqa: F401

import numpy as np  # noqa: F401
from pydantic import BaseModel, ConfigDict  # noqa: F401

from stylist.tools.base import Tool  # noqa: F401
from tests.fakes import HashingTextEmbedder  # noqa: F401

# --- A scripted fake of the ``Stylist`` facade (for the TUI, servers and CLI tests) -------------

import itertools  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from pydantic import BaseModel, Field  # noqa: E402

from stylist.errors import ItemNotFoundError, StylistError  # noqa: E402
from stylist.events import (  # noqa: E402
    DEFAULT_USER,
    ChatEvent,
    ChatReply,
    ConversationSummary,
    Done,
    Error,
    FeedbackKind,
    HistoryMessage,
    Image,
    Item,
    ItemRef,
    StylistInfo,
    Timings,
    Token,
    ToolCallRecord,
    ToolFinished,
    ToolStarted,
)
from stylist.tools.base import Tool  # noqa: E402
from stylist.tools.registry import ToolRegistry  # noqa: E402

#: A scripted turn: the events ``stream`` yields for one message (``Done`` is added when missing).
#: An exception instance in it is raised there; a ``threading.Event`` pauses the stream until set.
Script = list[Any]


def write_swatch(path: Path, top: tuple[int, int, int], bottom: tuple[int, int, int], size: tuple[int, int] = (24, 32)) -> Path:
    """A small two-colour PNG standing in for a garment photo."""
    from PIL import Image as PILImage

    img = PILImage.new("RGB", size, top)
    img.paste(bottom, (0, size[1] // 2, size[0], size[1]))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


class FakeProfile(BaseModel):
    user_id: str
    colours: list[str] = Field(default_factory=list)
    styles: list[str] = Field(default_factory=list)
    budget: float | None = None
    sizes: dict[str, str] = Field(default_factory=dict)
    wardrobe: list[dict[str, Any]] = Field(default_factory=list)
    liked: list[str] = Field(default_factory=list)
    disliked: list[str] = Field(default_factory=list)
    saved: list[str] = Field(default_factory=list)


class FakeProfileStore:
    """Profiles and feedback in memory: what ``runtime.profile_store`` provides for real."""

    def __init__(self) -> None:
        self.profiles: dict[str, FakeProfile] = {}
        self.feedback: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    def get(self, user_id: str = DEFAULT_USER) -> FakeProfile:
        with self._lock:
            return self.profiles.setdefault(user_id, FakeProfile(user_id=user_id))

    def record(self, user_id: str, item_id: str, kind: str) -> None:
        profile = self.get(user_id)
        with self._lock:
            self.feedback.append((user_id, item_id, kind))
            bucket = {"like": profile.liked, "dislike": profile.disliked, "save": profile.saved}.get(kind)
            if bucket is not None and item_id not in bucket:
                bucket.append(item_id)


class _UserArgs(BaseModel):
    user_id: str = DEFAULT_USER


class _UpdateArgs(BaseModel):
    user_id: str = DEFAULT_USER
    colours: list[str] | None = None
    """Favourite colours."""
    styles: list[str] | None = None
    budget: float | None = None
    """Budget per item."""


class FakeGetProfile(Tool):
    """Read a user's profile: preferences, sizes, wardrobe and feedback."""

    name = "get_profile"

    def __init__(self, store: FakeProfileStore) -> None:
        self.store = store

    def run(self, args: _UserArgs) -> FakeProfile:
        return self.store.get(args.user_id)


class FakeUpdateProfile(Tool):
    """Change a user's preferences."""

    name = "update_profile"

    def __init__(self, store: FakeProfileStore) -> None:
        self.store = store

    def run(self, args: _UpdateArgs) -> FakeProfile:
        profile = self.store.get(args.user_id)
        for key, value in args.model_dump(exclude={"user_id"}, exclude_none=True).items():
            setattr(profile, key, value)
        return profile


class _TrendArgs(BaseModel):
    horizon_weeks: int = 8


class _Trend(BaseModel):
    attribute: str
    change: float
    history: list[float]


class _Trends(BaseModel):
    rising: list[_Trend]
    falling: list[_Trend]


class FakeTrendForecast(Tool):
    """Forecast which colours and garment attributes are rising or falling."""

    name = "trend_forecast"

    def run(self, args: _TrendArgs) -> _Trends:
        return _Trends(
            rising=[
                _Trend(attribute="colour: olive", change=0.31, history=[1, 2, 2, 3, 5, 6, 8, 9]),
                _Trend(attribute="material: linen", change=0.18, history=[3, 3, 4, 4, 5, 5, 6, 7]),
            ],
            falling=[_Trend(attribute="pattern: neon stripes", change=-0.22, history=[9, 8, 8, 6, 5, 4, 3, 2])],
        )


class FakeStylist:
    """The ``Stylist`` facade's methods and event stream, scripted.

    ``scripts`` are consumed one per ``stream`` call; when they run out, ``default_script``
    builds the turn from the message. ``delay`` sleeps between events (to test that the UI
    stays responsive). ``tools`` limits which fake tools are registered.
    """

    def __init__(
        self,
        image_dir: Path,
        *,
        scripts: list[Script] | None = None,
        delay: float = 0.0,
        tools: tuple[str, ...] = ("get_profile", "update_profile", "trend_forecast"),
        info: StylistInfo | None = None,
    ) -> None:
        from stylist.runtime import Runtime

        self.image_dir = image_dir
        self.scripts = list(scripts or [])
        self.delay = delay
        self.profile_store = FakeProfileStore()
        self.runtime = Runtime(profile_store=self.profile_store)
        available = [FakeGetProfile(self.profile_store), FakeUpdateProfile(self.profile_store), FakeTrendForecast()]
        self.registry = ToolRegistry(t for t in available if t.name in tools)
        self._info = info or StylistInfo(backend="fake", model="scripted", device="cpu", catalogue_size=3000)
        self.catalogue = {
            "g-101": ItemRef(
                id="g-101", title="Olive linen midi dress", price=89.0, slot="full_body",
                image_path=str(write_swatch(image_dir / "g-101.png", (107, 124, 60), (90, 100, 50))),
                reason="earthy olive, breathable linen for a summer day",
            ),
            "g-202": ItemRef(
                id="g-202", title="Tan leather sandals", price=55.0, slot="feet",
                image_path=str(write_swatch(image_dir / "g-202.png", (200, 160, 110), (150, 110, 70))),
                reason="warm tan ties the look together",
            ),
            "g-303": ItemRef(id="g-303", title="Rust silk scarf", price=25.0, slot="accessory", reason="a rust accent"),
        }
        self.conversations_: dict[str, dict[str, Any]] = {}
        self.feedback_calls: list[tuple[str, FeedbackKind, str]] = []
        self.messages: list[tuple[str, str | None]] = []
        self._ids = itertools.count(1)

    # -- conversations ----------------------------------------------------------------------
    def new_conversation(self, user_id: str | None = None) -> str:
        cid = f"conv-{next(self._ids)}"
        self.conversations_[cid] = {"user": user_id or DEFAULT_USER, "messages": [], "updated": _now()}
        return cid

    def conversations(self, user_id: str | None = None) -> list[ConversationSummary]:
        user = user_id or DEFAULT_USER
        out = []
        for cid, conv in self.conversations_.items():
            if conv["user"] != user or not conv["messages"]:
                continue
            title = conv["messages"][0].text[:60]
            out.append(ConversationSummary(id=cid, title=title, user_id=user, updated_at=conv["updated"], turns=len(conv["messages"]) // 2))
        return sorted(out, key=lambda c: c.updated_at, reverse=True)

    def history(self, conversation_id: str) -> list[HistoryMessage]:
        if conversation_id not in self.conversations_:
            raise StylistError(f"no conversation with id {conversation_id!r}")
        return list(self.conversations_[conversation_id]["messages"])

    # -- chat -------------------------------------------------------------------------------
    def default_script(self, message: str) -> Script:
        items = [self.catalogue["g-101"], self.catalogue["g-202"]]
        text = (
            "For a **summer wedding** in earthy colours, try the *olive linen midi dress* "
            "with *tan leather sandals*.\n\n- breathable linen\n- total 144 USD, under your budget"
        )
        words = text.split(" ")
        return [
            ToolStarted(call_id="call-1", name="search_garments", arguments={"query": message, "max_price": 200}),
            ToolFinished(call_id="call-1", name="search_garments", ok=True, duration_s=0.12),
            ToolStarted(call_id="call-2", name="score_outfit", arguments={"item_ids": [i.id for i in items]}),
            ToolFinished(call_id="call-2", name="score_outfit", ok=True, duration_s=0.05),
            *[Item(item=i) for i in items],
            *[Token(text=w if n == 0 else " " + w) for n, w in enumerate(words)],
        ]

    def stream(self, message: str, conversation_id: str | None = None, user_id: str | None = None) -> Iterator[ChatEvent]:
        self.messages.append((message, conversation_id))
        cid = conversation_id or self.new_conversation(user_id)
        if cid not in self.conversations_:
            yield Error(message=f"no conversation with id {cid!r}", conversation_id=cid)
            return
        script = self.scripts.pop(0) if self.scripts else self.default_script(message)
        started = time.monotonic()
        text, items, calls, images = [], [], [], []
        for event in script:
            if self.delay:
                time.sleep(self.delay)
            if isinstance(event, BaseException):
                raise event
            if isinstance(event, threading.Event):  # a gate the test opens when it is ready
                if not event.wait(timeout=30):
                    raise TimeoutError("the test never opened the gate")
                continue
            if isinstance(event, Token):
                text.append(event.text)
            elif isinstance(event, Item):
                items.append(event.item)
            elif isinstance(event, Image):
                images.append(event.path)
            elif isinstance(event, ToolStarted):
                calls.append(ToolCallRecord(name=event.name, arguments=event.arguments))
            elif isinstance(event, Error):
                yield event.model_copy(update={"conversation_id": cid})
                return
            yield event
        reply = ChatReply(
            conversation_id=cid, text="".join(text), items=items, tool_calls=calls, images=images,
            backend=self._info.backend, timings=Timings(total_s=time.monotonic() - started),
        )
        conv = self.conversations_[cid]
        conv["messages"] += [
            HistoryMessage(role="user", text=message, created_at=_now()),
            HistoryMessage(role="assistant", text=reply.text, items=items, created_at=_now()),
        ]
        conv["updated"] = _now()
        yield Done(reply=reply)

    def chat(self, message: str, conversation_id: str | None = None, user_id: str | None = None) -> ChatReply:
        for event in self.stream(message, conversation_id, user_id):
            if isinstance(event, Done):
                return event.reply
            if isinstance(event, Error):
                raise StylistError(event.message)
        raise StylistError("the stream ended without a reply")

    # -- feedback and info --------------------------------------------------------------------
    def feedback(self, item_id: str, kind: FeedbackKind, user_id: str | None = None) -> None:
        if item_id not in self.catalogue:
            raise ItemNotFoundError(item_id)
        user = user_id or DEFAULT_USER
        self.feedback_calls.append((item_id, kind, user))
        self.profile_store.record(user, item_id, kind)

    def info(self) -> StylistInfo:
        return self._info


_clock = itertools.count()


def _now() -> str:
    # Strictly increasing timestamps so ordering by update time is deterministic in tests.
    base = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()
    return datetime.fromtimestamp(base + next(_clock), tz=timezone.utc).isoformat()


FakeStylistFactory = Callable[..., FakeStylist]
