"""The personal models' cache, owned by a runtime (one per runtime, not one per process).

Models are keyed on the store's identity (a hash of its database URL) and a fingerprint of what
the models learn from (aggregates of the imported ratings, body measurements and interaction-only
items), so new or deleted feedback retrains, and two stores never share a pickle even when they
hold the same number of ratings. Training happens outside any lock: the first request
for a key trains it and later requests for the same key wait for that one result (they never train
a second time), while requests for a key that is ready, or for another store, do not wait at all.
Trained models are also pickled under ``cache_dir`` (``personal-<store>-<fingerprint>.pkl``) so the
next process loads instead of training; writing one deletes only that store's older pickles.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select

from stylist.errors import ProfileError
from stylist.profiles.personal import PersonalModels
from stylist.profiles.rental_data import Rentals, from_store
from stylist.profiles.rental_models import BodyRow, InteractionItemRow, RatingRow

log = logging.getLogger(__name__)

Key = tuple[str, str]


def rating_version(store: Any) -> tuple[int, int]:
    """(number of imported ratings, highest rating id): changes whenever feedback is imported."""
    with store.db.session() as s:
        n, top = s.execute(select(func.count(), func.max(RatingRow.id)).select_from(RatingRow)).one()
    return int(n or 0), int(top or 0)


def store_identity(store: Any) -> str:
    """A short hash of the store's database URL (password hidden): the pickles' per-store prefix."""
    url = store.db.engine.url.render_as_string(hide_password=True)
    return hashlib.sha256(url.encode()).hexdigest()[:12]


def content_fingerprint(store: Any) -> str:
    """A hash of aggregates over every row the models learn from (cheap SQL, no full scan in Python).

    Counts, id sums and value sums of the ratings (rating, size, fit, time), and of the body
    measurements and interaction-only items: importing, deleting or editing feedback changes it.
    """
    r, b, i = RatingRow, BodyRow, InteractionItemRow
    fit_code = func.sum(case((r.fit == "small", 1), (r.fit == "fit", 2), (r.fit == "large", 4), else_=0))
    with store.db.session() as s:
        ratings = s.execute(
            select(
                func.count(),
                func.max(r.id),
                func.sum(r.id),
                func.sum(r.rating),
                func.sum(r.size),
                fit_code,
                func.min(r.rated_at),
                func.max(r.rated_at),
            ).select_from(r)
        ).one()
        body = s.execute(
            select(
                func.count(),
                func.sum(b.height_in),
                func.sum(b.weight_lbs),
                func.sum(b.bust_in),
                func.sum(b.age),
                func.max(b.updated_at),
            ).select_from(b)
        ).one()
        items = s.execute(select(func.count(), func.sum(func.length(i.occasions_json))).select_from(i)).one()
    text = repr((tuple(ratings), tuple(body), tuple(items)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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
        key = (store_identity(store), content_fingerprint(store))
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
            models = self._load_or_train(store, key, version)
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

    def _load_or_train(self, store: Any, key: Key, version: tuple[int, int]) -> PersonalModels:
        path = self.cache_dir / f"personal-{key[0]}-{key[1]}.pkl" if self.cache_dir else None
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
            _write_atomically(path, pickle.dumps(models), stale=f"personal-{key[0]}-*.pkl")
        return models


def _write_atomically(path: Path, data: bytes, stale: str) -> None:
    """Write ``data`` to ``path`` (other processes see no file or the whole one, never half), then
    delete the files matching ``stale`` (this store's older versions; other stores' stay)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    for old in path.parent.glob(stale):
        if old != path:
            old.unlink(missing_ok=True)


def personal_cache(runtime: Any) -> PersonalModelCache:
    """The runtime's cache (made once per runtime; pickles under ``models_dir/personal``)."""
    return runtime.service(
        "personal_models", lambda: PersonalModelCache(runtime.settings.models_dir / "personal")
    )
