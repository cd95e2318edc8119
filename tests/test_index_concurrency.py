"""The catalogue index under concurrent use: searches overlap, writes are exclusive, embedding is
lock-free."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from stylist.config import load_settings
from stylist.index.build import build_index
from stylist.index.store import CatalogueIndex
from stylist.index.store.rwlock import ReadWriteLock
from tests.fakes import HashingTextEmbedder
from tests.sample_catalogue import sample_garments

WAIT = 5.0


@pytest.fixture
def index(tmp_path):
    settings = load_settings(home=str(tmp_path / "home"))
    build_index(settings, HashingTextEmbedder(), garments=sample_garments())
    return CatalogueIndex.open(settings.index_dir, HashingTextEmbedder(), settings=settings.index)


class MeetingFaiss:
    """Wraps the FAISS index so each search waits at a barrier: it only opens when two are inside."""

    def __init__(self, inner: Any, parties: int) -> None:
        self.inner = inner
        self.barrier = threading.Barrier(parties, timeout=WAIT)
        self.kind, self.ntotal = inner.kind, inner.ntotal

    def search(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        self.barrier.wait()  # BrokenBarrierError if searches were serialised
        return self.inner.search(q, k)


def _run(targets: list) -> list[BaseException]:
    errors: list[BaseException] = []

    def guard(fn):
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=guard, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 2)
    return errors


def test_two_searches_run_inside_faiss_at_once(index):
    index.rows.faiss = MeetingFaiss(index.rows.faiss, parties=2)
    results: list = []
    errors = _run([lambda: results.append(index.search("navy wool coat", k=3))] * 2)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1] and len(results[0]) == 3


def test_a_write_waits_for_searches_and_searches_wait_for_a_write(index):
    inside, release = threading.Event(), threading.Event()
    inner = index.rows.faiss

    class HeldFaiss:
        kind, ntotal = inner.kind, inner.ntotal

        def search(self, q, k):
            inside.set()
            assert release.wait(WAIT)
            return inner.search(q, k)

    index.rows.faiss = HeldFaiss()
    searcher = threading.Thread(target=lambda: index.search("coat", k=2))
    searcher.start()
    assert inside.wait(WAIT)
    deleted = threading.Event()
    writer = threading.Thread(target=lambda: (index.delete(["g0001"]), deleted.set()))
    writer.start()
    assert not deleted.wait(0.3), "a delete went ahead while a search was reading the rows"
    release.set()
    searcher.join(WAIT)
    assert deleted.wait(WAIT)
    writer.join(WAIT)
    assert "g0001" not in index and len(index) == len(sample_garments()) - 1


def test_query_embedding_happens_outside_the_lock(index):
    """A slow query embedding must not hold up a search whose query vector is cached."""
    index.search("black boots", k=2)  # cached now
    started, release = threading.Event(), threading.Event()
    plain = index.scorer.text_embedder.embed_texts

    def slow(texts):
        if texts == ["very slow query"]:
            started.set()
            assert release.wait(WAIT)
        return plain(texts)

    index.scorer.text_embedder.embed_texts = slow
    slow_thread = threading.Thread(target=lambda: index.search("very slow query", k=2))
    slow_thread.start()
    assert started.wait(WAIT)
    fast: list = []
    fast_thread = threading.Thread(target=lambda: fast.append(index.search("black boots", k=2)))
    fast_thread.start()
    fast_thread.join(WAIT)
    done_while_embedding = bool(fast)
    release.set()
    slow_thread.join(WAIT)
    assert done_while_embedding


def test_rwlock_writer_is_reentrant_and_may_read():
    lock = ReadWriteLock()
    with lock.write(), lock.write(), lock.read():
        assert lock.readers == 0
    with lock.read(), lock.read():
        assert lock.readers == 1
    with lock.write():
        pass


def test_rwlock_waiting_writer_blocks_new_readers():
    lock = ReadWriteLock()
    order: list[str] = []
    reader_in = threading.Event()
    writer_started = threading.Event()

    def first_reader():
        with lock.read():
            reader_in.set()
            assert writer_started.wait(WAIT)
            threading.Event().wait(0.2)  # the writer is queued now
            order.append("reader1")

    def writer():
        assert reader_in.wait(WAIT)
        writer_started.set()
        with lock.write():
            order.append("writer")

    def late_reader():
        assert writer_started.wait(WAIT)
        threading.Event().wait(0.1)
        with lock.read():
            order.append("reader2")

    assert _run([first_reader, writer, late_reader]) == []
    assert order == ["reader1", "writer", "reader2"]


def test_local_writes_do_not_rewrite_the_caches_and_reopen_replays_them(index, tmp_path):
    """A write goes to Chroma and memory only; the manifest's seq tells a reopen to replay it."""
    from stylist.index.store import persistence

    build = index.build_dir
    cached = (build / "garments.json").stat().st_mtime_ns, (build / "vectors.npy").stat().st_mtime_ns
    new = sample_garments(1)[0].model_copy(update={"id": "w-new", "title": "Zebra velvet cape"})
    index.add([new])
    index.update([index.get("g0002").model_copy(update={"title": "Golden sequin gown"})])
    index.delete(["g0005"])
    assert (
        (build / "garments.json").stat().st_mtime_ns,
        (build / "vectors.npy").stat().st_mtime_ns,
    ) == cached
    assert index.manifest.last_seq > index.manifest.cache_seq
    settings = load_settings(home=str(tmp_path / "home"))
    again = CatalogueIndex.open(settings.index_dir, HashingTextEmbedder(), settings=settings.index)
    assert len(again) == len(index) == len(sample_garments())
    assert "g0005" not in again and again.search("zebra velvet cape", k=1)[0][0].id == "w-new"
    assert again.get("g0002").title == "Golden sequin gown"
    # past SAVE_FRACTION of the rows the caches are rewritten and nothing is left to replay
    persistence.SAVE_MIN, persistence.SAVE_FRACTION = 0, 0.0
    try:
        again.delete(["g0006"])
    finally:
        persistence.SAVE_MIN, persistence.SAVE_FRACTION = 1000, 0.1
    assert again.manifest.last_seq == again.manifest.cache_seq
    assert (build / "garments.json").stat().st_mtime_ns != cached[0]
    third = CatalogueIndex.open(settings.index_dir, HashingTextEmbedder(), settings=settings.index)
    assert "g0006" not in third and "w-new" in third and len(third) == len(sample_garments()) - 1
