"""Following a Chroma server that other processes write to (``index.chroma_url``).

Every write stores a ``seq`` (a nanosecond time) with each garment, and every delete leaves a
tombstone with its own ``seq`` in ``<collection>-del``. A follower asks Chroma, at most once every
``index.sync_seconds``, for what was written or deleted above the highest ``seq`` it has seen (less
a look-back window, since a writer takes its ``seq`` before its write lands), and applies it to the
in-memory rows and FAISS. A write through one process is therefore searchable through another after
at most ``sync_seconds`` plus one round trip. Clocks of the writing hosts must agree to within the
look-back window.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

import numpy as np

from stylist.index.store.matrices import image_matrix

if TYPE_CHECKING:
    from stylist.index.store.chroma_store import Changes
    from stylist.index.store.persistence import CatalogueRows

log = logging.getLogger(__name__)

#: Writes whose seq is this much older than the newest one seen are read again (then skipped).
LOOKBACK_NS = 30 * 10**9


class ChromaFollower:
    """Applies other processes' writes to ``rows`` (fetched outside the lock, applied under it)."""

    def __init__(self, rows: CatalogueRows, interval: float) -> None:
        self.rows = rows
        self.interval = interval
        self._busy = threading.Lock()
        self._last_poll = time.monotonic()
        self.applied = 0

    def maybe_sync(self) -> None:
        """Sync when the interval has passed and no other thread is syncing (searches never wait)."""
        if time.monotonic() - self._last_poll < self.interval or not self._busy.acquire(blocking=False):
            return
        try:
            self._sync()
        except Exception as exc:  # a Chroma hiccup must not fail the search: retry next interval
            log.warning("could not follow the Chroma collection: %s", exc)
        finally:
            self._busy.release()

    def sync(self) -> int:
        """Apply every change now; returns how many garments were written or deleted."""
        with self._busy:
            return self._sync()

    def _sync(self) -> int:
        rows = self.rows
        changes = rows.store.changes_since(rows._last_seq - LOOKBACK_NS)
        self._last_poll = time.monotonic()
        done = apply_changes(rows, changes)
        self.applied += done
        return done


def apply_changes(rows: CatalogueRows, changes: Changes) -> int:
    """Apply writes and deletes newer than the rows hold (under the write lock); returns how many."""
    done = 0
    with rows.lock.write():
        fresh = []
        for seq, garment, vector in changes.written:
            row = rows.row_of.get(garment.id)
            if row is None or rows.seqs[row] < seq:
                fresh.append((seq, garment, vector))
        dead = [
            item_id
            for item_id, seq in changes.deleted
            if item_id in rows.row_of and rows.seqs[rows.row_of[item_id]] < seq
        ]
        if fresh:
            ids = [g.id for _, g, _ in fresh]
            rows.mark_dead([i for i in ids if i in rows.row_of])
            img = has = None
            if rows.image is not None or changes.images:
                dim = (
                    rows.image.shape[1]
                    if rows.image is not None
                    else len(next(iter(changes.images.values())))
                )
                img = np.zeros((len(ids), dim), dtype=np.float32)
                has = np.zeros(len(ids), dtype=bool)
                for r, item_id in enumerate(ids):
                    vec = changes.images.get(item_id)
                    if vec is not None and len(vec) == dim:
                        img[r], has[r] = vec, True
            rows.append_rows(
                [g for _, g, _ in fresh],
                np.stack([v for _, _, v in fresh]).astype(np.float32),
                np.array([s for s, _, _ in fresh], dtype=np.int64),
                img,
                has if has is not None else np.zeros(len(ids), dtype=bool),
            )
            done += len(fresh)
        if dead:
            rows.mark_dead(dead)
            done += len(dead)
        seen = [s for s, _, _ in changes.written] + [s for _, s in changes.deleted]
        if seen:
            rows._last_seq = max(rows._last_seq, max(seen))
        if done:
            rows._persist()
    return done


def replay(rows: CatalogueRows) -> int:
    """On open of a local build: the writes Chroma holds beyond the row caches (the manifest's
    ``last_seq`` above its ``cache_seq``), applied to the rows. Opens Chroma only when there are some."""
    if rows.manifest.last_seq <= rows.manifest.cache_seq:
        return 0
    return apply_changes(rows, rows.store.changes_since(rows.manifest.cache_seq))


def load_from_chroma(rows: CatalogueRows) -> None:
    """Every garment, vector and seq from Chroma into ``rows``, and FAISS rebuilt over them."""
    garments, vectors, images, seqs = rows.store.read_all_with_seqs()
    if not garments:
        vectors = np.zeros((0, rows.manifest.dim), dtype=np.float32)
    img, has, image_dim = image_matrix([g.id for g in garments], images or None)
    with rows.lock.write():
        if image_dim:
            rows.manifest = rows.manifest.model_copy(update={"image_dim": image_dim})
        rows.set_rows(garments, vectors, seqs, img, has)
        rows.faiss = rows._build_faiss()
        rows._last_seq = max(rows._last_seq, int(seqs.max()) if len(seqs) else -1)
