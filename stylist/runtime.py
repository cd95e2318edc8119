"""The service container tools and front ends share.

A ``Runtime`` holds the settings and creates each heavy service (embedders, the catalogue
index, the profile store, the LLM) on first use, so start-up is fast and a command only loads
what it touches. Tests pass fakes as keyword arguments: ``Runtime(settings, text_embedder=fake)``.

The modules behind services import numpy, PIL, SQLAlchemy or pandas when they load, so each
service's factory imports its module when first asked; the modules never import this one back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from stylist.config import Settings, load_settings
from stylist.llm import make_chat_model

if TYPE_CHECKING:
    from stylist.index.protocols import TextEmbedder
    from stylist.index.store.catalogue_index import CatalogueIndex

T = TypeVar("T")


@dataclass(frozen=True)
class WorkerPools:
    """The threads that run model and tool calls with a deadline. Separate pools: a model call
    that overran its deadline keeps running in its thread, and must not leave the tools of later
    turns queued behind it."""

    model: ThreadPoolExecutor
    tools: ThreadPoolExecutor

    @classmethod
    def sized(cls, model_workers: int, tool_workers: int) -> WorkerPools:
        return cls(
            model=ThreadPoolExecutor(max_workers=model_workers, thread_name_prefix="stylist-model"),
            tools=ThreadPoolExecutor(max_workers=tool_workers, thread_name_prefix="stylist-tool"),
        )


class Runtime:
    def __init__(self, settings: Settings | None = None, **services: Any) -> None:
        self.settings = settings if settings is not None else load_settings()
        self._services: dict[str, Any] = dict(services)
        self._lock = threading.RLock()

    def service(self, name: str, factory: Callable[[], T]) -> T:
        """The service called ``name``, created by ``factory`` the first time it is asked for."""
        with self._lock:
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
        """The thread pools of agent turns, sized by ``llm.model_workers`` and ``llm.tool_workers``."""
        llm = self.settings.llm
        return self.service("pools", lambda: WorkerPools.sized(llm.model_workers, llm.tool_workers))

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

    @property
    def catalogue_index(self) -> CatalogueIndex:
        """The current catalogue index; with none on disk, the demo catalogue is indexed first."""

        def make() -> CatalogueIndex:
            from stylist.index.build import open_or_build

            return open_or_build(self)

        return self.service("catalogue_index", make)

    @property
    def image_embedder(self) -> Any:
        """The picture encoder ``embed.image_model`` names (``None`` when it is ``none``)."""

        def make() -> Any:
            from stylist.index.imagenc.embedder import make_image_embedder

            e = self.settings.embed
            return make_image_embedder(
                e.image_model, self.text_embedder, e.device, e.batch_size, self.settings.models_dir
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
