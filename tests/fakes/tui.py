"""The scripted fake of the ``Stylist`` facade the TUI tests drive (same methods and event
stream as ``stylist.Stylist``, with gates, delays and errors under the test's control), and
in-memory stand-ins for the profile and trend tools it registers."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from stylist.errors import ItemNotFoundError, StylistError
from stylist.events import (
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
from stylist.tools.base import Tool
from stylist.tools.output import ToolOutput
from stylist.tools.registry import ToolRegistry

#: A scripted turn: the events ``stream`` yields for one message (``Done`` is added when missing).
#: An exception instance in it is raised there; a ``threading.Event`` pauses the stream until set.
Script = list[Any]


def write_swatch(
    path: Path, top: tuple[int, int, int], bottom: tuple[int, int, int], size: tuple[int, int] = (24, 32)
) -> Path:
    """A small two-colour PNG standing in for a garment photo."""
    from PIL import Image as PILImage

    img = PILImage.new("RGB", size, top)
    img.paste(bottom, (0, size[1] // 2, size[0], size[1]))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


class FakeProfile(BaseModel):
    """The shape of ``stylist.profiles.schema.Profile`` (the parts the TUI shows)."""

    user_id: str
    name: str | None = None
    sizes: dict[str, str] = Field(default_factory=dict)
    budget: float | None = None
    likes: dict[str, list[str]] = Field(default_factory=dict)
    dislikes: dict[str, list[str]] = Field(default_factory=dict)
    wardrobe: list[dict[str, Any]] = Field(default_factory=list)
    feedback_count: int = 0


class FakeFeedback(BaseModel):
    item_id: str
    kind: str


class FakeProfileView(ToolOutput):
    profile: FakeProfile
    recent_feedback: list[FakeFeedback] = Field(default_factory=list)


class FakeProfileStore:
    """Profiles and feedback in memory: what ``runtime.profile_store`` provides for real."""

    def __init__(self) -> None:
        self.profiles: dict[str, FakeProfile] = {}
        self.events: list[FakeFeedback] = []
        self._lock = threading.Lock()

    def get_profile(self, user_id: str = DEFAULT_USER) -> FakeProfile:
        with self._lock:
            return self.profiles.setdefault(user_id, FakeProfile(user_id=user_id))

    def record_feedback(self, user_id: str, item_id: str, kind: str) -> None:
        profile = self.get_profile(user_id)
        with self._lock:
            self.events.append(FakeFeedback(item_id=item_id, kind=kind))
            profile.feedback_count += 1

    def feedback(self, user_id: str = DEFAULT_USER) -> list[FakeFeedback]:
        return list(self.events)


class _UserArgs(BaseModel):
    user_id: str = DEFAULT_USER


class _UpdateArgs(BaseModel):
    """Like ``update_profile``'s input: list fields add, scalar fields set."""

    user_id: str = DEFAULT_USER
    statement: str | None = Field(None, description="What the user said about their taste")
    liked_colours: list[str] = Field(default_factory=list)
    sizes: dict[str, str] | None = Field(None, description="e.g. top=M, shoes=42")
    budget: float | None = Field(None, ge=0, description="Most per item")


class _UpdateResult(ToolOutput):
    changes: list[str]
    profile: FakeProfile


class FakeGetProfile(Tool):
    """Read a user's profile: preferences, sizes, wardrobe and feedback."""

    name = "get_profile"

    def __init__(self, store: FakeProfileStore) -> None:
        self.store = store

    def run(self, args: _UserArgs) -> FakeProfileView:
        return FakeProfileView(
            profile=self.store.get_profile(args.user_id), recent_feedback=self.store.feedback(args.user_id)
        )


class FakeUpdateProfile(Tool):
    """Change a user's preferences."""

    name = "update_profile"

    def __init__(self, store: FakeProfileStore) -> None:
        self.store = store

    def run(self, args: _UpdateArgs) -> _UpdateResult:
        from stylist.errors import ToolInputError

        profile = self.store.get_profile(args.user_id)
        changes = []
        if args.statement:
            profile.likes.setdefault("style", []).append(args.statement)
            changes.append(f"liked styles: + {args.statement}")
        for colour in args.liked_colours:
            profile.likes.setdefault("colour", []).append(colour)
            changes.append(f"liked colours: + {colour}")
        for field in ("sizes", "budget"):
            if getattr(args, field) is not None:
                setattr(profile, field, getattr(args, field))
                changes.append(f"{field}: {getattr(args, field)}")
        if not changes:
            raise ToolInputError("update_profile: nothing to change")
        return _UpdateResult(changes=changes, profile=profile)


class _TrendArgs(BaseModel):
    kind: str = Field("colour", description="colour, article, pattern, style or fabric")
    horizon: str = Field("8w", description="e.g. 8w, 3m")


class _Trend(BaseModel):
    kind: str
    value: str
    growth: float
    history: list[float]
    forecast: list[float]


class _Trends(ToolOutput):
    kind: str
    source: str
    horizon_label: str
    rising: list[_Trend]
    falling: list[_Trend]


class FakeTrendForecast(Tool):
    """Forecast which colours and garment attributes are rising or falling."""

    name = "trend_forecast"

    def __init__(self) -> None:
        self.calls: list[_TrendArgs] = []

    def run(self, args: _TrendArgs) -> _Trends:
        self.calls.append(args)
        k = args.kind
        return _Trends(
            kind=k,
            source="demo",
            horizon_label=args.horizon,
            rising=[
                _Trend(kind=k, value="olive", growth=0.31, history=[1, 2, 2, 3, 5], forecast=[6, 8, 9]),
                _Trend(kind=k, value="linen", growth=0.18, history=[3, 3, 4, 4, 5], forecast=[5, 6, 7]),
            ],
            falling=[_Trend(kind=k, value="neon", growth=-0.22, history=[9, 8, 8, 6, 5], forecast=[4, 3, 2])],
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
        self.chosen_by: str | None = None
        """What the replies' ``metadata["chosen_by"]`` says (who chose the tools); ``None``: unset."""
        self.profile_store = FakeProfileStore()
        self.runtime = Runtime(profile_store=self.profile_store)
        available = [
            FakeGetProfile(self.profile_store),
            FakeUpdateProfile(self.profile_store),
            FakeTrendForecast(),
        ]
        self.registry = ToolRegistry(t for t in available if t.name in tools)
        self._info = info or StylistInfo(backend="fake", model="scripted", device="cpu", catalogue_size=3000)
        self.catalogue = {
            "g-101": ItemRef(
                id="g-101",
                title="Olive linen midi dress",
                price=89.0,
                slot="full_body",
                image_path=str(write_swatch(image_dir / "g-101.png", (107, 124, 60), (90, 100, 50))),
                reason="earthy olive, breathable linen for a summer day",
            ),
            "g-202": ItemRef(
                id="g-202",
                title="Tan leather sandals",
                price=55.0,
                slot="feet",
                image_path=str(write_swatch(image_dir / "g-202.png", (200, 160, 110), (150, 110, 70))),
                reason="warm tan ties the look together",
            ),
            "g-303": ItemRef(
                id="g-303", title="Rust silk scarf", price=25.0, slot="accessory", reason="a rust accent"
            ),
        }
        self.conversations_: dict[str, dict[str, Any]] = {}
        self.feedback_calls: list[tuple[str, FeedbackKind, str]] = []
        self.messages: list[tuple[str, str | None]] = []
        self._ids = itertools.count(1)
        self._clock = itertools.count()

    def _now(self) -> str:
        # Strictly increasing per fake, so ordering and snapshots do not depend on other tests.
        base = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
        return datetime.fromtimestamp(base + next(self._clock), tz=UTC).isoformat()

    # -- conversations ----------------------------------------------------------------------
    def new_conversation(self, user_id: str | None = None) -> str:
        cid = f"conv-{next(self._ids)}"
        self.conversations_[cid] = {"user": user_id or DEFAULT_USER, "messages": [], "updated": self._now()}
        return cid

    def conversations(self, user_id: str | None = None) -> list[ConversationSummary]:
        user = user_id or DEFAULT_USER
        out = []
        for cid, conv in self.conversations_.items():
            if conv["user"] != user or not conv["messages"]:
                continue
            title = conv["messages"][0].text[:60]
            out.append(
                ConversationSummary(
                    id=cid,
                    title=title,
                    user_id=user,
                    updated_at=conv["updated"],
                    turns=len(conv["messages"]) // 2,
                )
            )
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
            ToolStarted(
                call_id="call-1", name="search_garments", arguments={"query": message, "max_price": 200}
            ),
            ToolFinished(call_id="call-1", name="search_garments", ok=True, duration_s=0.12),
            ToolStarted(call_id="call-2", name="score_outfit", arguments={"item_ids": [i.id for i in items]}),
            ToolFinished(call_id="call-2", name="score_outfit", ok=True, duration_s=0.05),
            *[Item(item=i) for i in items],
            *[Token(text=w if n == 0 else " " + w) for n, w in enumerate(words)],
        ]

    def stream(
        self, message: str, conversation_id: str | None = None, user_id: str | None = None
    ) -> Iterator[ChatEvent]:
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
            conversation_id=cid,
            text="".join(text),
            items=items,
            tool_calls=calls,
            images=images,
            backend=self._info.backend,
            timings=Timings(total_s=time.monotonic() - started),
            metadata={"chosen_by": self.chosen_by} if self.chosen_by else {},
        )
        conv = self.conversations_[cid]
        conv["messages"] += [
            HistoryMessage(role="user", text=message, created_at=self._now()),
            HistoryMessage(role="assistant", text=reply.text, items=items, created_at=self._now()),
        ]
        conv["updated"] = self._now()
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
        self.profile_store.record_feedback(user, item_id, kind)

    def info(self) -> StylistInfo:
        return self._info
