"""Deterministic fakes for the model interfaces."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from stylist.tools.base import Tool


class HashingTextEmbedder:
    """Bag of hashed words (and word pairs): texts sharing words get similar vectors.

    Deterministic across processes, fast, and good enough that "red dress" finds red dresses.
    """

    name = "fake-hashing"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def _bucket(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, 1.0 if (value >> 32) & 1 else -1.0

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for token in words + [a + "_" + b for a, b in zip(words, words[1:])]:
                index, sign = self._bucket(token)
                out[row, index] += sign
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out


class MeanColourImageEmbedder:
    """A fake image embedder: the picture's mean RGB and its mean over a 2x2 grid, normalised."""

    name = "fake-mean-colour"
    dim = 15

    def embed_images(self, images) -> np.ndarray:
        out = np.zeros((len(images), self.dim), dtype=np.float32)
        for row, image in enumerate(images):
            pixels = np.asarray(image.convert("RGB").resize((8, 8)), dtype=np.float32) / 255.0
            cells = [pixels.mean(axis=(0, 1))] + [pixels[y : y + 4, x : x + 4].mean(axis=(0, 1)) for y in (0, 4) for x in (0, 4)]
            vec = np.concatenate(cells)
            out[row] = vec / (np.linalg.norm(vec) or 1.0)
        return out


# --- catalogue and LLM fakes (profile engineer) ------------------------------------------------

from collections.abc import Iterable, Iterator  # noqa: E402

from stylist.errors import ItemNotFoundError  # noqa: E402
from stylist.index.schema import Garment  # noqa: E402

_FAKE_COLOURS = ["navy", "black", "white", "red", "olive", "beige", "orange", "grey"]
_FAKE_MATERIALS = ["linen", "cotton", "wool", "denim", "silk", "leather"]
_FAKE_TYPES = [("shirts", "top"), ("trousers", "bottom"), ("dresses", "dress"), ("blazers", "outerwear"),
               ("sneakers", "shoes"), ("tote bags", "bag")]


def make_garments(n: int = 48) -> list[Garment]:
    """A small deterministic catalogue covering every colour, material and article type above."""
    out = []
    for i in range(n):
        colour = _FAKE_COLOURS[i % len(_FAKE_COLOURS)]
        material = _FAKE_MATERIALS[(i // 2) % len(_FAKE_MATERIALS)]
        article, slot = _FAKE_TYPES[(i // 3) % len(_FAKE_TYPES)]
        noun = article[:-1] if article.endswith("s") else article
        out.append(Garment(
            id=f"g{i:03d}", title=f"{colour.title()} {material} {noun}", slot=slot, article_type=article,
            gender="unisex", colours=[colour], material=material, price=float(20 + (i * 7) % 180),
            brand=["Acme", "Northwind", "Loom"][i % 3], seasons=["summer"] if material in ("linen", "cotton") else ["winter"],
            occasions=["casual"] if i % 2 else ["formal"],
        ))
# ---------------------------------------------------------------- catalogue fakes (compat engineer)

_FAKE_ARTICLES = {
    # slot: [(article_type, occasions, seasons, price range)]
    "top": [("Tshirts", ["casual"], ["summer", "spring"], (10, 40)), ("Shirts", ["formal", "work"], [], (30, 90)),
            ("Blouse", ["party", "work"], ["summer"], (25, 80)), ("Sweaters", ["casual"], ["winter", "autumn"], (30, 100))],
    "bottom": [("Jeans", ["casual"], [], (30, 90)), ("Trousers", ["formal", "work"], [], (35, 110)),
               ("Shorts", ["casual"], ["summer"], (15, 45)), ("Skirts", ["party"], ["summer", "spring"], (25, 80))],
    "dress": [("Dresses", ["party", "wedding"], ["summer", "spring"], (50, 180)), ("Dresses", ["casual"], ["summer"], (30, 80)),
              ("Dresses", ["formal"], ["winter", "autumn"], (80, 220))],
    "shoes": [("Sneakers", ["casual", "sports"], [], (40, 120)), ("Heels", ["party", "formal", "wedding"], [], (50, 150)),
              ("Sandals", ["casual"], ["summer"], (20, 60)), ("Boots", ["casual"], ["winter", "autumn"], (60, 180)),
              ("Formal Shoes", ["formal", "work"], [], (60, 160))],
    "outerwear": [("Blazers", ["formal", "work"], [], (70, 200)), ("Coats", ["casual"], ["winter"], (90, 250))],
    "bag": [("Handbags", ["work", "party"], [], (40, 160)), ("Backpacks", ["casual"], [], (25, 70))],
    "accessory": [("Belts", ["work"], [], (15, 50)), ("Scarves", ["casual"], ["winter", "autumn"], (15, 45))],
}
_SINGULAR = {"Tshirts": "T-shirt", "Shirts": "Shirt", "Sweaters": "Sweater", "Trousers": "Trousers", "Skirts": "Skirt",
             "Dresses": "Dress", "Sneakers": "Sneakers", "Sandals": "Sandals", "Boots": "Boots", "Blazers": "Blazer",
             "Coats": "Coat", "Handbags": "Handbag", "Backpacks": "Backpack", "Belts": "Belt", "Scarves": "Scarf"}
_FAKE_COLOURS = ["black", "white", "navy", "beige", "brown", "olive", "rust", "mustard", "red", "green", "blue", "pink",
                 "yellow", "purple", "grey", "camel"]


def fake_catalogue(n: int = 360, seed: int = 3) -> list:
    """A small deterministic catalogue over every outfit slot, both genders, with attributes."""
    import random

    from stylist.index.schema import Garment

    rng = random.Random(seed)
    slots = list(_FAKE_ARTICLES)
    out = []
    for i in range(n):
        slot = slots[i % len(slots)]
        article, occasions, seasons, (lo, hi) = rng.choice(_FAKE_ARTICLES[slot])
        gender = "women" if slot == "dress" or article in ("Heels", "Blouse", "Skirts") else rng.choice(["women", "men", "unisex"])
        colour = rng.choice(_FAKE_COLOURS)
        out.append(
            Garment(
                id=f"g{i:04d}",
                title=f"{colour.title()} {_SINGULAR.get(article, article)} {i}",
                slot=slot,
                article_type=article,
                gender=gender,
                colours=[colour],
                seasons=seasons,
                occasions=occasions,
                price=float(rng.randint(lo, hi)),
            )
        )
    return out


class FakeCatalogueIndex:
    """The catalogue index contract (get/search/vectors_for …) over a list of garments, with the
    hashing embedder for vectors."""

    def __init__(self, garments: Iterable[Garment] | None = None, embedder: HashingTextEmbedder | None = None) -> None:
        self.garments = {g.id: g for g in (garments if garments is not None else make_garments())}
        self.embedder = embedder or HashingTextEmbedder()
        ids = list(self.garments)
        self._row = {gid: i for i, gid in enumerate(ids)}
        self._vectors = self.embedder.embed_texts([self.garments[i].document() for i in ids])
        self.search_calls: list[dict] = []

    def get(self, item_id: str) -> Garment:
        try:
            return self.garments[item_id]
        except KeyError:
            raise ItemNotFoundError(item_id) from None

    def get_many(self, ids: Iterable[str]) -> list[Garment]:
        return [self.get(i) for i in ids]

    def __len__(self) -> int:
        return len(self.garments)

    def __iter__(self) -> Iterator[Garment]:
        return iter(self.garments.values())

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.garments

    def vectors_for(self, ids: Iterable[str]) -> np.ndarray:
        return self._vectors[[self._row[self.get(i).id] for i in ids]]

    def search(self, query, filters=None, k=10, image_path=None):  # noqa: ANN001
        self.search_calls.append({"query": query, "k": k})
        q = self.embedder.embed_texts([query or ""])[0]
        scored = []
        for g in self.garments.values():
            if filters is not None and not filters.matches(g):
                continue
            scored.append((g, float(self._vectors[self._row[g.id]] @ q)))
        scored.sort(key=lambda t: (-t[1], t[0].id))
        return scored[:k]


class FakeChatModel:
    """Returns scripted replies in order (the last one repeats) and records every prompt."""

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[tuple[str, str | None]] = []

    def generate(self, prompt: str, system: str | None = None, max_tokens: int = 256) -> str:
        self.prompts.append((prompt, system))
        return self.replies[min(len(self.prompts) - 1, len(self.replies) - 1)]


def fake_runtime(settings=None, **services):  # noqa: ANN001, ANN201
    """A ``Runtime`` with injected fakes, also where ``Runtime`` has no ``catalogue_index`` /
    ``text_embedder`` / ``chat_model`` properties yet (they are other engineers' parts)."""
    from stylist.config import load_settings
    from stylist.runtime import Runtime

    attrs = {}
    for name in ("catalogue_index", "text_embedder", "chat_model"):
        if not hasattr(Runtime, name):
            attrs[name] = property(lambda self, _n=name: self.service(_n, lambda: _missing(_n)))
    cls = type("FakeRuntime", (Runtime,), attrs) if attrs else Runtime
    return cls(settings or load_settings(), **services)


def _missing(name: str):  # noqa: ANN202
    raise AttributeError(f"no {name} injected into this test runtime")

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


class FakeProfileView(BaseModel):
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


class _UpdateResult(BaseModel):
    changes: list[str]
    profile: FakeProfile


class FakeGetProfile(Tool):
    """Read a user's profile: preferences, sizes, wardrobe and feedback."""

    name = "get_profile"

    def __init__(self, store: FakeProfileStore) -> None:
        self.store = store

    def run(self, args: _UserArgs) -> FakeProfileView:
        return FakeProfileView(profile=self.store.get_profile(args.user_id), recent_feedback=self.store.feedback(args.user_id))


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


class _Trends(BaseModel):
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
            kind=k, source="demo", horizon_label=args.horizon,
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
        self.profile_store.record_feedback(user, item_id, kind)

    def info(self) -> StylistInfo:
        return self._info


_clock = itertools.count()


def _now() -> str:
    # Strictly increasing timestamps so ordering by update time is deterministic in tests.
    base = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()
    return datetime.fromtimestamp(base + next(_clock), tz=timezone.utc).isoformat()


FakeStylistFactory = Callable[..., FakeStylist]
class EchoStylist:
    """A scripted stand-in for the ``Stylist`` facade (same methods, same event stream).

    Answers ``"turn N: you said <message>"`` word by word, so tests can see streaming,
    conversation continuity (N counts the turns of that conversation) and that concurrent
    conversations do not mix. ``fail_with`` makes ``stream`` raise (a broken facade).
    """

    def __init__(self, runtime, registry, *, items=None, fail_with: Exception | None = None, delay: float = 0.0) -> None:
        import threading

        self.runtime = runtime
        self.registry = registry
        self.items = list(items or [])
        self.fail_with = fail_with
        self.delay = delay
        self.turns: dict[str, list[tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def info(self):
        from stylist.events import StylistInfo

        return StylistInfo(backend="fake", model="echo", device="cpu", catalogue_size=len(self.items))

    def chat(self, message: str, conversation_id: str | None = None, user_id: str | None = None):
        from stylist.events import Done, Error

        for event in self.stream(message, conversation_id=conversation_id, user_id=user_id):
            if isinstance(event, Done):
                return event.reply
            if isinstance(event, Error):
                from stylist.errors import LLMError

                raise LLMError(event.message)
        raise AssertionError("stream ended without Done")

    def stream(self, message: str, conversation_id: str | None = None, user_id: str | None = None):
        import time
        import uuid

        from stylist.events import ChatReply, Done, Item, Timings, Token

        if self.fail_with is not None:
            raise self.fail_with
        cid = conversation_id or uuid.uuid4().hex
        with self._lock:
            turns = self.turns.setdefault(cid, [])
            turns.append((user_id or "", message))
            n = len(turns)
        text = f"turn {n}: you said {message}"
        for i, word in enumerate(text.split(" ")):
            if self.delay:
                time.sleep(self.delay)
            yield Token(text=word if i == 0 else " " + word)
        for item in self.items:
            yield Item(item=item)
        yield Done(reply=ChatReply(conversation_id=cid, text=text, items=self.items, backend="fake", timings=Timings(total_s=0.0)))


class EchoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    times: int = 1


class EchoOut(BaseModel):
    text: str


class Echo(Tool):
    """Repeat the text."""

    name = "echo"

    def run(self, args: EchoIn) -> EchoOut:
        return EchoOut(text=args.text * args.times)
