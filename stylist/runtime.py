"""The service container tools and front ends share.

A ``Runtime`` holds the settings and creates each heavy service (embedders, the catalogue
index, the profile store, the LLM) on first use, so start-up is fast and a command only loads
what it touches. Tests pass fakes as keyword arguments: ``Runtime(settings, text_embedder=fake)``.

The modules behind services import numpy, PIL, SQLAlchemy or pandas when they load, so each
service's factory imports its module when first asked; the modules never import this one back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from stylist.concurrency import BoundedPool, current_token
from stylist.config import Settings, load_settings
from stylist.errors import IndexBuildingError
from stylist.llm import make_chat_model

if TYPE_CHECKING:
    from stylist.index.protocols import TextEmbedder
    from stylist.index.store.catalogue_index import CatalogueIndex

T = TypeVar("T")
_MISSING = object()
INDEX_RETRY_AFTER_S = 15.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerPools:
    """The threads that run turns, model calls and tool calls, each pool with a bounded queue
    (``stylist.concurrency.BoundedPool``: a full queue raises ``BusyError``, a 503 on the server).
    Separate pools: a model call that overran its deadline keeps running in its thread, and must
    not leave the tools of later turns queued behind it."""

    model: BoundedPool
    tools: BoundedPool
    turns: BoundedPool

    @classmethod
    def sized(
        cls,
        model_workers: int,
        tool_workers: int,
        model_queue: int = 32,
        turns: int = 1,
        turn_queue: int = 64,
    ) -> WorkerPools:
        return cls(
            model=BoundedPool("model", model_workers, model_queue),
            tools=BoundedPool("tools", tool_workers, max(64, 8 * tool_workers)),
            turns=BoundedPool("turns", turns, turn_queue, retry_after=5.0),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerPools:
        llm, server = settings.llm, settings.server
        turns = server.concurrency or (1 if llm.backend in ("embedded", "transformers") else 32)
        return cls.sized(llm.model_workers, llm.tool_workers, llm.model_queue, turns, server.queue_size)


class Runtime:
    def __init__(self, settings: Settings | None = None, **services: Any) -> None:
        self.settings = settings if settings is not None else load_settings()
        self._services: dict[str, Any] = dict(services)
        self._lock = threading.Lock()
        self._building: dict[str, threading.RLock] = {}
        self._index_build: threading.Thread | None = None
        self._index_error: Exception | None = None

    def service(self, name: str, factory: Callable[[], T]) -> T:
        """The service called ``name``, created by ``factory`` the first time it is asked for.

        Each service has its own lock: while one is created (a model loading, an index opening)
        the others stay available to the requests that need only them."""
        found = self._services.get(name, _MISSING)
        if found is not _MISSING:
            return found
        with self._lock:
            lock = self._building.setdefault(name, threading.RLock())
        with lock:
            if name not in self._services:
                self._services[name] = factory()
            return self._services[name]

    @property
    def chat_model(self) -> Any:
        """The LangChain chat model from ``settings.llm`` (``None`` when ``llm.backend`` is
        ``none``); local models load on their first message."""

        def factory() -> Any:
            return make_chat_model(self.settings.llm, self.settings.models_dir)

        return self.service("chat_model", factory)

    @property
    def pools(self) -> WorkerPools:
        """The thread pools of turns, model calls and tool calls, sized by ``server.concurrency``,
        ``server.queue_size``, ``llm.model_workers``, ``llm.model_queue`` and ``llm.tool_workers``."""
        return self.service("pools", lambda: WorkerPools.from_settings(self.settings))

    def has(self, name: str) -> bool:
        """Whether ``name`` was already created or injected (nothing is loaded to answer)."""
        return name in self._services

    def replace(self, name: str, value: Any) -> None:
        with self._lock:
            self._services[name] = value

    def forget(self, name: str) -> None:
        with self._lock:
            self._services.pop(name, None)

    @property
    def text_embedder(self) -> TextEmbedder:
        """The text embedder ``embed.text_model`` names (the model loads on first embedding)."""

        def make() -> TextEmbedder:
            from stylist.index.embed.factory import make_text_embedder

            return make_text_embedder(self.settings)

        return self.service("text_embedder", make)

    def text_embedder_named(self, name: str) -> TextEmbedder:
        """The text embedder called ``name`` (a manifest's or a checkpoint's embedder name): the
        runtime's own when it is that one, else that model made once and shared by every reader
        (the design GAN's briefs, the compatibility model's garments)."""
        own = self.text_embedder
        if getattr(own, "name", None) == name:
            return own

        def make() -> TextEmbedder:
            from stylist.index.embed.factory import make_text_embedder, model_ref_for

            return make_text_embedder(self.settings, model_ref_for(name))

        return self.service(f"text_embedder:{name}", make)

    @property
    def catalogue_index(self) -> CatalogueIndex:
        """The current catalogue index; with none on disk, the demo catalogue is indexed first."""

        def make() -> CatalogueIndex:
            from stylist.index.build import open_or_build

            return open_or_build(self)

        if self.index_state() == "building" and threading.current_thread() is not self._index_build:
            raise IndexBuildingError(
                "the catalogue index is being built (once, on first run); try again shortly",
                retry_after=INDEX_RETRY_AFTER_S,
            )
        return self.service("catalogue_index", make)

    def index_state(self) -> str:
        """``ready`` (opened, or on disk to open), ``building`` (``start_index_build`` runs),
        ``failed`` (that build raised; the next use tries again) or ``missing`` (nothing yet)."""
        if self.has("catalogue_index"):
            return "ready"
        build = self._index_build
        if build is not None and build.is_alive():
            return "building"
        if self._index_error is not None:
            return "failed"
        from stylist.index.store.layout import IndexLayout

        return "ready" if IndexLayout(self.settings.index_dir).current_id() is not None else "missing"

    def start_index_build(self) -> bool:
        """Open the catalogue index in a background thread, building it first when there is none
        (minutes for the demo catalogue), once. Meanwhile ``catalogue_index`` raises
        ``IndexBuildingError`` instead of blocking (the server answers 503 ``index_building``).
        Returns whether a thread was started."""
        with self._lock:
            if self.has("catalogue_index") or (self._index_build and self._index_build.is_alive()):
                return False

            def build() -> None:
                try:
                    _ = self.catalogue_index
                    self._index_error = None
                except Exception as exc:  # reported by index_state(); the next use tries again
                    log.error("building the catalogue index failed: %s", exc, exc_info=True)
                    self._index_error = exc

            self._index_build = threading.Thread(target=build, name="stylist-index-build", daemon=True)
            self._index_build.start()
            return True

    def wait_for_index(self) -> None:
        """Block until a running ``start_index_build`` has finished (at once when none runs);
        a turn whose client went away stops waiting."""
        build, token = self._index_build, current_token()
        while build is not None and build.is_alive() and build is not threading.current_thread():
            token.check()
            build.join(0.2)

    @property
    def image_embedder(self) -> Any:
        """The picture encoder ``embed.image_model`` names (``None`` when it is ``none``); with ``auto``,
        the one the current index was built with."""

        def make() -> Any:
            from stylist.index.build import image_model_for_index
            from stylist.index.imagenc.embedder import make_image_embedder

            e = self.settings.embed
            model = image_model_for_index(self.settings)  # auto: the encoder the index was built with
            return make_image_embedder(
                model, self.text_embedder, e.device, e.batch_size, self.settings.models_dir
            )

        return self.service("image_embedder", make)

    @property
    def profile_store(self) -> Any:
        """Profiles, feedback and wardrobes (``stylist.profiles.store.ProfileStore``) in the SQL store."""

        def make() -> Any:
            from stylist.db import open_database
            from stylist.profiles.store import ProfileStore

            return ProfileStore(
                open_database(self.settings.database_url), catalogue=lambda: catalogue_of(self)
            )

        return self.service("profile_store", make)

    @property
    def preference_model(self) -> Any:
        """The preference model (``stylist.profiles.preferences.PreferenceModel``) that re-ranks for a
        user."""

        def make() -> Any:
            from stylist.profiles.preferences import PreferenceModel

            return PreferenceModel.from_runtime(self)

        return self.service("preference_model", make)

    @property
    def trend_store(self):  # -> stylist.tools.trends.store.TrendStore
        """Trend time series in the shared SQL store (the demo series load on first forecast)."""

        def factory():
            from stylist.db import open_database
            from stylist.tools.trends.store import TrendStore

            return TrendStore(open_database(self.settings.database_url))

        return self.service("trend_store", factory)


def catalogue_of(runtime: Runtime) -> Any:
    """The runtime's catalogue index (kept as a function so duck-typed runtimes work too)."""
    return runtime.catalogue_index


_default: Runtime | None = None
_default_lock = threading.Lock()


def default_runtime() -> Runtime:
    """The process-wide runtime the plain tool functions use (settings from file and env)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Runtime()
        return _default


def set_default_runtime(runtime: Runtime | None) -> None:
    global _default
    with _default_lock:
        _default = runtime


def text_embedder_of(runtime: Runtime) -> Any:
    """The runtime's text embedder."""
    return runtime.text_embedder
