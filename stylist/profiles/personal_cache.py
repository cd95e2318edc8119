"""The personal models' cache, owned by a runtime (one per runtime, not one per process).

Models are keyed on the store's database and its rating version (count and highest id of the
imported ratings), so new feedback retrains. Training happens outside any lock: the first request
for a key trains it and later requests for the same key wait for that one result (they never train
a second time), while requests for a key that is ready, or for another store, do not wait at all.
Trained models are also pickled under ``cache_dir`` so the next process loads instead of training.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from stylist.errors import ProfileError
from stylist.profiles.personal import PersonalModels
from stylist.profiles.rental_data import Rentals, from_store
from stylist.profiles.rental_models import RatingRow

log = logging.getLogger(__name__)

Key = tuple[str, tuple[int, int]]


def rating_version(store: Any) -> tuple[int, int]:
    """(number of imported ratings, highest rating id): changes whenever feedback is imported."""
    with store.db.session() as s:
        n, top = s.execute(select(func.count(), func.max(RatingRow.id)).select_from(RatingRow)).one()
    return int(n or 0), int(top or 0)


class PersonalModelCache:
    """``get(store)``: the personal models trained on everything in ``store``."""

    def __init__(
        self,
        cache_dir: Path | None = None,
        train: Callable[[Rentals, tuple[int, int]], PersonalModels] = PersonalModels.train,
    ) -> None:
        self.cache_dir = cache_dir
        self._train = train
        self._ready: dict[Key, PersonalModels] = {}
        self._training: dict[Key, Future[PersonalModels]] = {}
        self._lock = threading.Lock()
        """Guards the two dicts only; never held while loading or training."""
        self.trained = 0
        """How many times this cache trained (not loaded) models."""
        self.waited = 0
        """How many requests waited for another request's training of the same models."""

    def get(self, store: Any) -> PersonalModels:
        """The models for ``store``'s current ratings (ProfileError when nothing is imported)."""
        version = rating_version(store)
        if not version[0]:
            raise ProfileError(
                "no rated items imported yet",
                hint="import some: stylist feedback import FILE --format renttherunway",
            )
        key = (str(store.db.engine.url), version)
        with self._lock:
            if key in self._ready:
                return self._ready[key]
            pending = self._training.get(key)
            owner = pending is None
            if owner:
                pending = self._training[key] = Future()
            else:
                self.waited += 1
        if not owner:
            return pending.result()  # another request is training these very models
        try:
            models = self._load_or_train(store, version)
        except BaseException as exc:
            with self._lock:
                del self._training[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            # keep one version per store: older ones are stale once new feedback arrives
            for old in [k for k in self._ready if k[0] == key[0]]:
                del self._ready[old]
            self._ready[key] = models
            del self._training[key]
        pending.set_result(models)
        return models

    def _load_or_train(self, store: Any, version: tuple[int, int]) -> PersonalModels:
        path = self.cache_dir / f"personal-{version[0]}-{version[1]}.pkl" if self.cache_dir else None
        if path is not None and path.is_file():
            try:
                models = pickle.loads(path.read_bytes())
                if isinstance(models, PersonalModels) and models.catalogue is not None:
                    return models
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
                log.warning("ignoring an unreadable model cache %s: %s", path, exc)
        models = self._train(from_store(store), version)
        self.trained += 1
        if path is not None:
            _write_atomically(path, pickle.dumps(models))
        return models


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace the cache with ``data`` (other processes see the old file or the new, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    for old in path.parent.glob("personal-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)


def personal_cache(runtime: Any) -> PersonalModelCache:
    """The runtime's cache (made once per runtime; pickles under ``models_dir/personal``)."""
    return runtime.service(
        "personal_models", lambda: PersonalModelCache(runtime.settings.models_dir / "personal")
    )
