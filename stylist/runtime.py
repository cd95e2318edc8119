"""The service container tools and front ends share.

A ``Runtime`` holds the settings and creates each heavy service (embedders, the catalogue
index, the profile store, the LLM) on first use, so start-up is fast and a command only loads
what it touches. Tests pass fakes as keyword arguments: ``Runtime(settings, text_embedder=fake)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from stylist.config import Settings, load_settings

if TYPE_CHECKING:
    from stylist.index.protocols import TextEmbedder
    from stylist.index.store.catalogue_index import CatalogueIndex

T = TypeVar("T")


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
            from stylist.index.embed.text import make_text_embedder

            return make_text_embedder(self.settings)

        return self.service("text_embedder", make)

    @property
    def catalogue_index(self) -> CatalogueIndex:
        """The current catalogue index; with none on disk, the demo catalogue is indexed first."""

        def make() -> CatalogueIndex:
            from stylist.index.build import open_or_build

            return open_or_build(self)

        return self.service("catalogue_index", make)


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
