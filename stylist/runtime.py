"""The service container tools and front ends share.

A ``Runtime`` holds the settings and creates each heavy service (embedders, the catalogue
index, the profile store, the LLM) on first use, so start-up is fast and a command only loads
what it touches. Tests pass fakes as keyword arguments: ``Runtime(settings, text_embedder=fake)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from stylist.config import Settings, load_settings

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
    def trend_store(self):  # -> stylist.tools.trends.store.TrendStore
        """Trend time series in the shared SQL store (the demo series load on first forecast)."""

        def factory():
            from stylist.db import open_database
            from stylist.tools.trends.store import TrendStore

            return TrendStore(open_database(self.settings.database_url))

        return self.service("trend_store", factory)


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
