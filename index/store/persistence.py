"""``CatalogueRows``: one build's garments and vectors, in memory and on disk.

Chroma holds the record of truth (garment JSON, document, vectors). Alongside it each build keeps
row-ordered caches (``garments.json``, ``vectors.npy``, ``seqs.npy``, image vectors) and a FAISS
index over the same vectors, so a search process starts without reading Chroma. Mutations write
Chroma first, then the caches, then the manifest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import TypeAdapter

from stylist.errors import CatalogueError, IndexNotBuiltError, ItemNotFoundError
from stylist.index.schema import Garment
from stylist.index.store.chroma_store import ChromaStore, open_client
from stylist.index.store.layout import MANIFEST, Manifest, read_manifest, write_atomic
from stylist.index.store.matrices import image_matrix, npy_bytes
from stylist.index.store.rwlock import ReadWriteLock
from stylist.index.store.sync import ChromaFollower, load_from_chroma, replay
from stylist.index.store.vector_index import VectorIndex, resolve_kind, use_gpu

if TYPE_CHECKING:
    from stylist.config import IndexSettings
    from stylist.index.protocols import TextEmbedder

log = logging.getLogger(__name__)

_GARMENTS = TypeAdapter(list[Garment])
#: Garments written to Chroma per call while a build is created.
WRITE_BATCH = 2000
#: A shared (Chroma server) build compacts its memory when this share of its rows is dead.
COMPACT_FRACTION = 0.2
#: A local build rewrites its caches once this share of its rows (plus SAVE_MIN) changed since.
SAVE_FRACTION = 0.1
SAVE_MIN = 1000


class CatalogueRows:
    """Row-ordered garments, text vectors, optional image vectors and the FAISS index over them.

    Rows are append-only between saves: ``update`` and ``delete`` mark rows dead, ``save`` drops them.
    ``generation`` changes whenever rows change, so readers can keep caches derived from them.
    """

    def __init__(
        self,
        build_dir: Path,
        manifest: Manifest,
        garments: list[Garment],
        vectors: np.ndarray,
        seqs: np.ndarray,
        text_embedder: TextEmbedder,
        *,
        faiss_kind_setting: str = "auto",
        faiss_gpu: str = "auto",
        image_vectors: np.ndarray | None = None,
        has_image: np.ndarray | None = None,
        vector_index: VectorIndex | None = None,
        store: ChromaStore | None = None,
        sync_seconds: float = 2.0,
    ) -> None:
        self.build_dir = build_dir
        self.manifest = manifest
        self.text_embedder = text_embedder
        self.lock = ReadWriteLock()
        self.generation = 0
        self._kind_setting = faiss_kind_setting
        self._gpu_setting = faiss_gpu
        self._store = store
        self.set_rows(garments, vectors, seqs, image_vectors, has_image)
        self.faiss = vector_index or self._build_faiss()
        self._last_seq = max(int(self.seqs.max()) if len(self.seqs) else -1, manifest.last_seq)
        self._pending = 0  # rows written or deleted since the caches were last rewritten
        #: Follows the shared Chroma collection when ``index.chroma_url`` is set (see ``sync``).
        self.follower = ChromaFollower(self, sync_seconds) if manifest.chroma_url else None

    @property
    def shared(self) -> bool:
        """Whether Chroma on a server is the shared record (other processes write to it too)."""
        return bool(self.manifest.chroma_url)

    def set_rows(self, garments, vectors, seqs, image_vectors, has_image) -> None:
        n = len(garments)
        self.garments = list(garments)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(n, self.manifest.dim)
        self.seqs = np.asarray(seqs, dtype=np.int64)
        self.alive = np.ones(n, dtype=bool)
        self.row_of = {g.id: row for row, g in enumerate(self.garments)}
        self.image: np.ndarray | None
        if image_vectors is not None and self.manifest.image_dim:
            self.image = np.ascontiguousarray(image_vectors, dtype=np.float32).reshape(
                n, self.manifest.image_dim
            )
            self.has_image = (
                np.asarray(has_image, dtype=bool) if has_image is not None else np.ones(n, dtype=bool)
            )
        else:
            self.image = None
            self.has_image = np.zeros(n, dtype=bool)
        self.generation += 1

    def _build_faiss(self) -> VectorIndex:
        gpu = use_gpu(self._gpu_setting)
        kind = resolve_kind(len(self.garments), self._kind_setting, gpu=gpu)
        self.manifest = self.manifest.model_copy(update={"faiss_kind": kind})
        return VectorIndex.build(self.vectors, kind, gpu=gpu)

    @classmethod
    def create(
        cls,
        build_dir: Path,
        garments: Sequence[Garment],
        vectors: np.ndarray,
        text_embedder: TextEmbedder,
        *,
        settings: IndexSettings,
        build_id: str | None = None,
        image_vectors: Mapping[str, np.ndarray] | None = None,
        image_embedder_name: str | None = None,
        image_shares_text_space: bool = False,
        source: str = "demo",
        source_format: str = "demo",
        on_write: Callable[[int], None] | None = None,
    ) -> CatalogueRows:
        """Write a complete new build into ``build_dir`` (Chroma, caches, FAISS, manifest last)."""
        build_dir.mkdir(parents=True, exist_ok=True)
        build_id = build_id or build_dir.name
        n = len(garments)
        if vectors.shape[0] != n:
            raise ValueError(f"{n} garments but {vectors.shape[0]} vectors")
        ids = [g.id for g in garments]
        if len(set(ids)) != n:
            dup = next(i for i in ids if ids.count(i) > 1)
            raise CatalogueError(f"duplicate garment id {dup!r} in the build input")
        collection = f"{settings.collection}-{build_id}".replace("_", "-")[:500]
        store = ChromaStore(
            open_client(None if settings.chroma_url else build_dir / "chroma", settings.chroma_url),
            collection,
        )
        seqs = np.arange(n, dtype=np.int64)
        for start in range(0, n, WRITE_BATCH):
            stop = min(n, start + WRITE_BATCH)
            store.upsert(garments[start:stop], vectors[start:stop], seqs[start:stop])
            if on_write:
                on_write(stop - start)
        img_matrix, has_image, image_dim = image_matrix(ids, image_vectors)
        if img_matrix is not None:
            rows = np.flatnonzero(has_image)
            store.upsert_images([ids[r] for r in rows], img_matrix[rows])
        manifest = Manifest(
            build_id=build_id,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            embedder=text_embedder.name,
            dim=int(vectors.shape[1]) if n else int(text_embedder.dim),
            count=n,
            faiss_kind="flat",
            collection=collection,
            chroma_url=settings.chroma_url,
            image_embedder=image_embedder_name if img_matrix is not None else None,
            image_dim=image_dim,
            image_count=int(has_image.sum()) if img_matrix is not None else 0,
            image_shares_text_space=bool(
                image_shares_text_space and img_matrix is not None and image_dim == text_embedder.dim
            ),
            source=source,
            source_format=source_format,
        )
        rows = cls(
            build_dir, manifest, list(garments), vectors, seqs, text_embedder,
            faiss_kind_setting=settings.faiss_kind, faiss_gpu=settings.faiss_gpu,
            image_vectors=img_matrix, has_image=has_image, store=store, sync_seconds=settings.sync_seconds,
        )  # fmt: skip
        rows.save()
        return rows

    @classmethod
    def open_build(
        cls, build_dir: Path, text_embedder: TextEmbedder, *, settings: IndexSettings
    ) -> CatalogueRows:
        """The build in ``build_dir`` from its caches; from Chroma when the caches are unusable."""
        manifest = read_manifest(build_dir)
        if manifest.embedder != text_embedder.name or manifest.dim != text_embedder.dim:
            raise IndexNotBuiltError(
                f"the index in {build_dir} was built with text embedder {manifest.embedder!r} "
                f"({manifest.dim}-d), "
                f"but the configured one is {text_embedder.name!r} ({text_embedder.dim}-d)",
                hint="rebuild it with `stylist index build` or set embed.text_model back",
            )
        kind_setting = settings.faiss_kind
        if manifest.chroma_url:  # the server is the record; local caches may be behind other replicas
            rows = cls(
                build_dir,
                manifest,
                [],
                np.zeros((0, manifest.dim), np.float32),
                np.zeros(0),
                text_embedder,
                faiss_kind_setting=kind_setting,
                faiss_gpu=settings.faiss_gpu,
                sync_seconds=settings.sync_seconds,
            )
            load_from_chroma(rows)
            return rows
        try:
            garments = _GARMENTS.validate_json((build_dir / "garments.json").read_bytes())
            vectors = np.load(build_dir / "vectors.npy")
            seqs = np.load(build_dir / "seqs.npy")
            image_vectors = has_image = None
            if manifest.image_dim:
                image_vectors = np.load(build_dir / "image_vectors.npy")
                has_image = np.load(build_dir / "image_rows.npy")
            if not (len(garments) == vectors.shape[0] == seqs.shape[0] == manifest.count):
                raise ValueError("cache sizes disagree with the manifest")
        except (OSError, ValueError) as exc:
            log.warning("index caches in %s are unusable (%s); restoring them from Chroma", build_dir, exc)
            empty = np.zeros((0, manifest.dim), np.float32)
            rows = cls(
                build_dir, manifest, [], empty, np.zeros(0), text_embedder,
                faiss_kind_setting=kind_setting, faiss_gpu=settings.faiss_gpu,
            )  # fmt: skip
            rows.rebuild_faiss()
            return rows
        faiss_path = build_dir / "faiss.index"
        vector_index = None
        if manifest.faiss_kind != "flat" and faiss_path.is_file():
            vector_index = VectorIndex.load(
                faiss_path, manifest.faiss_kind, manifest.dim, gpu=use_gpu(settings.faiss_gpu)
            )
            if vector_index.ntotal != len(garments):
                vector_index = None
        if vector_index is None:  # flat indexes are cheaper to rebuild than to read
            kind_setting = (
                manifest.faiss_kind
                if settings.faiss_kind == "auto" and manifest.faiss_kind != "flat"
                else settings.faiss_kind
            )
        rows = cls(
            build_dir, manifest, garments, vectors, seqs, text_embedder,
            faiss_kind_setting=kind_setting, faiss_gpu=settings.faiss_gpu,
            image_vectors=image_vectors, has_image=has_image, vector_index=vector_index,
        )  # fmt: skip
        replay(rows)
        return rows

    # ----------------------------------------------------------------- reading
    def __len__(self) -> int:
        return len(self.row_of)

    def rows(self, ids: Sequence[str]) -> np.ndarray:
        """Row numbers of ``ids`` (``ItemNotFoundError`` for an unknown one)."""
        rows = []
        for item_id in ids:
            row = self.row_of.get(item_id)
            if row is None:
                raise ItemNotFoundError(item_id)
            rows.append(row)
        return np.array(rows, dtype=np.int64)

    @property
    def has_image_vectors(self) -> bool:
        return self.image is not None and bool(self.has_image[self.alive].any())

    # ----------------------------------------------------------------- writing
    def add(self, garments: Sequence[Garment], image_vectors: Mapping[str, np.ndarray] | None) -> None:
        ids = [g.id for g in garments]
        vectors = self._embed(garments)
        with self.lock.write():
            taken = [i for i in ids if i in self.row_of]
            if taken:
                raise CatalogueError(
                    f"garment id {taken[0]!r} is already in the index", hint="use update() to change it"
                )
            if len(set(ids)) != len(ids):
                raise CatalogueError("duplicate ids in the garments to add")
            self._write(garments, vectors, image_vectors)

    def update(self, garments: Sequence[Garment], image_vectors: Mapping[str, np.ndarray] | None) -> None:
        vectors = self._embed(garments)
        with self.lock.write():
            for g in garments:
                if g.id not in self.row_of:
                    raise ItemNotFoundError(g.id, hint="use add() for new garments")
            self._write(garments, vectors, image_vectors, replace=True)

    def delete(self, ids: Sequence[str]) -> None:
        with self.lock.write():
            self.rows(ids)  # ItemNotFoundError before anything is written
            self.store.delete(list(ids), seq=int(self.next_seqs(1)[0]))
            self.mark_dead(ids)
            self._persist()

    def mark_dead(self, ids: Sequence[str]) -> None:
        """Drop ``ids`` from searches (their rows stay until the next compaction)."""
        for item_id in ids:
            row = self.row_of.pop(item_id, None)
            if row is not None:
                self.alive[row] = False
                self._pending += 1
        self.generation += 1

    def next_seqs(self, n: int) -> np.ndarray:
        """``n`` new write sequence numbers: increasing, and nanosecond times so that writers in
        different processes order their writes alike (followers read writes above a seq)."""
        base = max(time.time_ns(), self._last_seq + 1)
        self._last_seq = base + n - 1
        return np.arange(base, base + n, dtype=np.int64)

    def _persist(self) -> None:
        """After a write (Chroma holds it; no O(N) work per write): a shared build compacts when
        many rows are dead; a local one notes the seq in the manifest (``sync.replay`` reads it on
        open) and rewrites its caches once ``SAVE_FRACTION`` of the rows changed since the last time."""
        if self.shared:
            if (~self.alive).sum() > COMPACT_FRACTION * max(len(self.alive), 1):
                self.compact()
        elif self._pending > SAVE_FRACTION * len(self.alive) + SAVE_MIN:
            self.save()
        else:
            self.manifest = self.manifest.model_copy(update={"last_seq": self._last_seq})
            write_atomic(self.build_dir / MANIFEST, self.manifest.model_dump_json(indent=2).encode())

    def _embed(self, garments: Sequence[Garment]) -> np.ndarray:
        """Text vectors of ``garments``, computed before any lock is taken (searches keep running)."""
        if not garments:
            return np.zeros((0, self.manifest.dim), dtype=np.float32)
        return self.text_embedder.embed_texts([g.document() for g in garments]).astype(np.float32)

    def _write(
        self,
        garments: Sequence[Garment],
        vectors: np.ndarray,
        image_vectors: Mapping[str, np.ndarray] | None,
        *,
        replace: bool = False,
    ) -> None:
        if not garments:
            return
        seqs = self.next_seqs(len(garments))
        ids = [g.id for g in garments]
        img, has, image_dim = image_matrix(ids, image_vectors)
        if img is not None:
            if self.image is None:
                self.manifest = self.manifest.model_copy(update={"image_dim": image_dim})
                self.image = np.zeros((len(self.garments), image_dim), dtype=np.float32)
            elif image_dim != self.image.shape[1]:
                raise CatalogueError(
                    f"image vectors are {image_dim}-d but the index holds {self.image.shape[1]}-d ones"
                )
        self.store.upsert(list(garments), vectors, seqs)
        if img is not None:
            rows = np.flatnonzero(has)
            self.store.upsert_images([ids[r] for r in rows], img[rows])
        if replace:
            self.mark_dead(ids)
        self.append_rows(garments, vectors, seqs, img, has)
        self._persist()

    def append_rows(
        self, garments: Sequence[Garment], vectors: np.ndarray, seqs: np.ndarray,
        img: np.ndarray | None, has: np.ndarray,
    ) -> None:  # fmt: skip
        """New rows at the end (memory and FAISS only; the caller holds the write lock)."""
        if img is not None and self.image is None:
            self.manifest = self.manifest.model_copy(update={"image_dim": img.shape[1]})
            self.image = np.zeros((len(self.garments), img.shape[1]), dtype=np.float32)
        base = len(self.garments)
        self.garments.extend(garments)
        self.vectors = np.concatenate([self.vectors, vectors])
        self.seqs = np.concatenate([self.seqs, seqs])
        self.alive = np.concatenate([self.alive, np.ones(len(garments), dtype=bool)])
        if self.image is not None:
            block = (
                img if img is not None else np.zeros((len(garments), self.image.shape[1]), dtype=np.float32)
            )
            self.image = np.concatenate([self.image, block])
        self.has_image = np.concatenate(
            [self.has_image, has if img is not None else np.zeros(len(garments), dtype=bool)]
        )
        for offset, g in enumerate(garments):
            self.row_of[g.id] = base + offset
        self.faiss.add(vectors)
        self._last_seq = max(self._last_seq, int(seqs.max()))
        self._pending += len(garments)
        self.generation += 1

    @property
    def store(self) -> ChromaStore:
        """The Chroma collection (opened on first use: searching never needs it)."""
        if self._store is None:
            url = self.manifest.chroma_url
            self._store = ChromaStore(
                open_client(None if url else self.build_dir / "chroma", url), self.manifest.collection
            )
        return self._store

    def compact(self) -> None:
        """Drop dead rows from memory and rebuild FAISS over the live ones."""
        with self.lock.write():
            if not self.alive.all():
                keep = np.flatnonzero(self.alive)
                image = self.image[keep] if self.image is not None else None
                self.set_rows(
                    [self.garments[r] for r in keep], self.vectors[keep], self.seqs[keep], image,
                    self.has_image[keep],
                )  # fmt: skip
                self.faiss = self._build_faiss()

    def save(self) -> None:
        """Drop deleted rows and write the caches, the FAISS index and the manifest."""
        with self.lock.write():
            self.compact()
            self.generation += 1
            d = self.build_dir
            write_atomic(d / "garments.json", _GARMENTS.dump_json(self.garments))
            write_atomic(d / "vectors.npy", npy_bytes(self.vectors))
            write_atomic(d / "seqs.npy", npy_bytes(self.seqs))
            if self.image is not None:
                write_atomic(d / "image_vectors.npy", npy_bytes(self.image))
                write_atomic(d / "image_rows.npy", npy_bytes(self.has_image))
            if self.faiss.kind != "flat":
                self.faiss.save(d / "faiss.index")
            else:
                (d / "faiss.index").unlink(missing_ok=True)
            self._pending = 0
            self.manifest = self.manifest.model_copy(
                update={
                    "cache_seq": self._last_seq,
                    "last_seq": self._last_seq,
                    "count": len(self.garments),
                    "faiss_kind": self.faiss.kind,
                    "image_count": int(self.has_image.sum()),
                }
            )
            write_atomic(d / MANIFEST, self.manifest.model_dump_json(indent=2).encode())

    def rebuild_faiss(self) -> None:
        """Reload every garment and vector from Chroma, rebuild FAISS and rewrite the caches."""
        with self.lock.write():
            load_from_chroma(self)
            self.save()
