"""The runtime-owned cache of personal models: one training per version, no lock held while training."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from sqlalchemy import select

from stylist.db import open_database
from stylist.errors import ProfileError
from stylist.profiles.feedback_import import import_feedback
from stylist.profiles.personal_cache import (
    PersonalModelCache,
    content_fingerprint,
    personal_cache,
    rating_version,
    store_identity,
)
from stylist.profiles.rental_data import Rentals
from stylist.profiles.rental_models import RatingRow
from stylist.profiles.store import ProfileStore
from stylist.runtime import Runtime

FIXTURES = Path(__file__).parent / "fixtures" / "renttherunway"


def _store(tmp_path: Path, name: str, *files: str) -> ProfileStore:
    store = ProfileStore(open_database(f"sqlite:///{tmp_path / name}"))
    for f in files:
        import_feedback(store, FIXTURES / f, "renttherunway")
    return store


class GatedTrainer:
    """A fake training (the users it saw) whose first call waits for ``release`` (a slow one)."""

    def __init__(self) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self.fail = False

    def __call__(self, data: Rentals, version: tuple[int, int]) -> SimpleNamespace:
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            assert self.release.wait(10)
            if self.fail:
                raise RuntimeError("training broke")
        return SimpleNamespace(users=set(data.user.tolist()), version=version)


def _until(condition, seconds: float = 10.0) -> None:  # noqa: ANN001
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_two_concurrent_first_requests_train_once_and_share_the_models(tmp_path: Path) -> None:
    store = _store(tmp_path, "a.db", "history.csv")
    trainer = GatedTrainer()
    cache = PersonalModelCache(tmp_path / "models", train=trainer)
    got: list[SimpleNamespace] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get(store))) for _ in range(2)]
    threads[0].start()
    assert trainer.started.wait(10)
    threads[1].start()
    _until(lambda: cache.waited == 1)
    # the second request is waiting for the first one's training, and no lock is held meanwhile
    assert cache._lock.acquire(blocking=False)
    cache._lock.release()
    trainer.release.set()
    for t in threads:
        t.join(10)
    assert trainer.calls == 1 and cache.trained == 1
    assert len(got) == 2 and got[0] is got[1]
    assert cache.get(store) is got[0] and trainer.calls == 1  # later requests: from memory
    assert list((tmp_path / "models").glob("personal-*.pkl"))  # and the next process loads it


def test_an_unrelated_request_does_not_wait_for_a_training(tmp_path: Path) -> None:
    slow, other = (
        _store(tmp_path, "a.db", "history.csv"),
        _store(tmp_path, "b.db", "history.csv", "alice.csv"),
    )
    trainer = GatedTrainer()
    cache = PersonalModelCache(None, train=trainer)
    first = threading.Thread(target=lambda: cache.get(slow))
    first.start()
    assert trainer.started.wait(10)
    done = threading.Event()
    result: list[SimpleNamespace] = []

    def unrelated() -> None:
        result.append(cache.get(other))
        done.set()

    threading.Thread(target=unrelated).start()
    assert done.wait(30), "a request for another store waited for the first store's training"
    assert first.is_alive()  # the first training is still held up
    assert "alice" in result[0].users
    trainer.release.set()
    first.join(10)
    assert trainer.calls == 2


def test_a_failed_training_reaches_every_waiter_and_the_next_request_retrains(tmp_path: Path) -> None:
    store = _store(tmp_path, "a.db", "history.csv")
    trainer = GatedTrainer()
    trainer.fail = True
    cache = PersonalModelCache(None, train=trainer)
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            cache.get(store)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(2)]
    threads[0].start()
    assert trainer.started.wait(10)
    threads[1].start()
    _until(lambda: cache.waited == 1)
    trainer.release.set()
    for t in threads:
        t.join(10)
    assert [str(e) for e in errors] == ["training broke", "training broke"]
    assert cache.get(store).users and trainer.calls == 2


def test_new_feedback_retrains_and_the_old_version_is_dropped(tmp_path: Path) -> None:
    store = _store(tmp_path, "a.db", "history.csv")
    cache = PersonalModelCache(tmp_path / "models")
    before = cache.get(store)
    assert not before.recommender.knows("alice")
    import_feedback(store, FIXTURES / "alice.csv", "renttherunway")
    after = cache.get(store)
    assert after is not before and after.recommender.knows("alice") and cache.trained == 2
    assert len(cache._ready) == 1 and len(list((tmp_path / "models").glob("personal-*.pkl"))) == 1
    # a new cache (another process) loads the pickle instead of training
    again = PersonalModelCache(tmp_path / "models")
    assert again.get(store).recommender.knows("alice") and again.trained == 0


def test_nothing_imported_is_a_clear_error_and_the_runtime_owns_one_cache(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no rated items imported yet"):
        PersonalModelCache(None).get(_store(tmp_path, "empty.db"))
    runtime, other = Runtime(), Runtime()
    assert personal_cache(runtime) is personal_cache(runtime)
    assert personal_cache(runtime) is not personal_cache(other)


def test_two_stores_sharing_one_models_dir_keep_their_own_pickles(tmp_path: Path) -> None:
    """Both stores hold the same number of ratings with the same highest id (the old key), yet
    each process loads its own store's models; a new version of one store replaces only its pickle."""
    a, b = _store(tmp_path, "a.db", "history.csv"), _store(tmp_path, "b.db", "history.csv")
    with b.db.session() as s:  # one rating changed: same count and highest id, other content
        row = s.execute(select(RatingRow).order_by(RatingRow.id.desc())).scalars().first()
        row.rating = 2.0 if row.rating != 2.0 else 4.0
        s.commit()
    assert rating_version(a) == rating_version(b)
    assert store_identity(a) != store_identity(b) and content_fingerprint(a) != content_fingerprint(b)
    models = tmp_path / "models"
    first = PersonalModelCache(models)
    bias_a, bias_b = (first.get(x).recommender._item_bias.copy() for x in (a, b))
    assert first.trained == 2 and not np.allclose(bias_a, bias_b)
    assert len(list(models.glob("personal-*.pkl"))) == 2  # writing b's kept a's
    again = PersonalModelCache(models)  # the next process loads each store's own models
    assert np.allclose(again.get(a).recommender._item_bias, bias_a)
    assert np.allclose(again.get(b).recommender._item_bias, bias_b) and again.trained == 0
    import_feedback(a, FIXTURES / "alice.csv", "renttherunway")
    assert again.get(a).recommender.knows("alice") and again.trained == 1
    files = [p.name for p in models.glob("personal-*.pkl")]
    assert len(files) == 2  # a's old version deleted, b's kept
    assert sum(f.startswith(f"personal-{store_identity(b)}-{content_fingerprint(b)}") for f in files) == 1
