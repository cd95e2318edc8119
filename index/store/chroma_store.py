"""The Chroma collection that is the record of truth: documents, metadata, our own vectors."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlparse

import numpy as np

from stylist.errors import ConfigError, IndexNotBuiltError
from stylist.index.schema import Garment

log = logging.getLogger(__name__)

PAGE = 2000


def open_client(path: Path | None, url: str | None) -> Any:
    """A persistent client on ``path``, or an HTTP client when ``url`` (``index.chroma_url``) is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigError(
                f"index.chroma_url {url!r} is not an http(s) URL", hint="e.g. http://localhost:8000"
            )
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
        try:
            return chromadb.HttpClient(
                host=parsed.hostname, port=port, ssl=parsed.scheme == "https", settings=chroma_settings
            )
        except Exception as exc:
            raise IndexNotBuiltError(
                f"cannot reach the Chroma server at {url}: {exc}", hint="is `chroma run` up?"
            ) from None
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def garment_metadata(g: Garment, seq: int) -> dict[str, Any]:
    """Flat, filterable metadata plus the full garment as JSON (so Chroma alone can restore it)."""
    md: dict[str, Any] = {
        "seq": int(seq),
        "slot": g.slot.value,
        "gender": g.gender.value,
        "article_type": g.article_type.lower(),
        "garment": g.model_dump_json(),
    }
    if g.colours:
        md["colour"] = g.colours[0]
        md["colours"] = ",".join(g.colours)
    if g.seasons:
        md["seasons"] = ",".join(g.seasons)
    if g.occasions:
        md["occasions"] = ",".join(g.occasions)
    for name in ("pattern", "material", "brand"):
        value = getattr(g, name)
        if value:
            md[name] = value.lower()
    if g.price is not None:
        md["price"] = float(g.price)
    return md


class Changes(NamedTuple):
    """What ``ChromaStore.changes_since`` found: (seq, garment, vector) written, (id, seq) deleted."""

    written: list[tuple[int, Garment, np.ndarray]]
    deleted: list[tuple[str, int]]
    images: dict[str, np.ndarray]


class ChromaStore:
    """One text collection and, when image vectors exist, a companion ``<name>-img`` collection."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self.text = client.get_or_create_collection(
            name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self._image: Any = None
        self._tombstones: Any = None

    @property
    def image(self) -> Any:
        if self._image is None:
            self._image = self.client.get_or_create_collection(
                f"{self.name}-img", embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        return self._image

    def _batches(self, n: int) -> Iterator[slice]:
        size = max(1, min(PAGE, int(self.client.get_max_batch_size())))
        for start in range(0, n, size):
            yield slice(start, min(n, start + size))

    def upsert(self, garments: Sequence[Garment], vectors: np.ndarray, seqs: Sequence[int]) -> None:
        for part in self._batches(len(garments)):
            chunk = garments[part]
            self.text.upsert(
                ids=[g.id for g in chunk],
                embeddings=vectors[part],
                documents=[g.document() for g in chunk],
                metadatas=[garment_metadata(g, s) for g, s in zip(chunk, seqs[part])],
            )

    def upsert_images(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        for part in self._batches(len(ids)):
            self.image.upsert(ids=list(ids[part]), embeddings=vectors[part])

    @property
    def tombstones(self) -> Any:
        """``<name>-del``: one record per deleted id with the ``seq`` of its deletion, so other
        processes following the collection learn of deletes (``changes_since``)."""
        if self._tombstones is None:
            self._tombstones = self.client.get_or_create_collection(
                f"{self.name}-del", embedding_function=None
            )
        return self._tombstones

    def delete(self, ids: Sequence[str], seq: int | None = None) -> None:
        """Remove ``ids``; with ``seq``, also record their deletion for followers."""
        for part in self._batches(len(ids)):
            chunk = list(ids[part])
            self.text.delete(ids=chunk)
            self.image.delete(ids=chunk)
            if seq is not None:
                self.tombstones.upsert(
                    ids=chunk, embeddings=[[1.0]] * len(chunk), metadatas=[{"seq": int(seq)}] * len(chunk)
                )

    def changes_since(self, seq: int) -> Changes:
        """Garments written and ids deleted with a ``seq`` above ``seq`` (a metadata range query)."""
        written: list[tuple[int, Garment, np.ndarray]] = []
        where = {"seq": {"$gt": int(seq)}}
        offset = 0
        while True:
            page = self.text.get(where=where, limit=PAGE, offset=offset, include=["metadatas", "embeddings"])
            for md, vec in zip(page["metadatas"], page["embeddings"]):
                written.append(
                    (int(md["seq"]), Garment.model_validate_json(md["garment"]), np.asarray(vec, np.float32))
                )
            if len(page["ids"]) < PAGE:
                break
            offset += PAGE
        dead = self.tombstones.get(where=where, include=["metadatas"])
        deleted = [(i, int(md["seq"])) for i, md in zip(dead["ids"], dead["metadatas"])]
        images: dict[str, np.ndarray] = {}
        if written:
            got = self.image.get(ids=[g.id for _, g, _ in written], include=["embeddings"])
            images = {i: np.asarray(v, np.float32) for i, v in zip(got["ids"], got["embeddings"])}
        written.sort(key=lambda r: r[0])
        return Changes(written, deleted, images)

    def count(self) -> int:
        return int(self.text.count())

    def read_all(self) -> tuple[list[Garment], np.ndarray, dict[str, np.ndarray]]:
        """Every garment (in insertion order), its text vector and any image vectors by id."""
        garments, vectors, images, _ = self.read_all_with_seqs()
        return garments, vectors, images

    def read_all_with_seqs(self) -> tuple[list[Garment], np.ndarray, dict[str, np.ndarray], np.ndarray]:
        """``read_all`` plus each garment's write ``seq``."""
        rows: list[tuple[int, Garment, np.ndarray]] = []
        total = self.count()
        for offset in range(0, total, PAGE):
            page = self.text.get(limit=PAGE, offset=offset, include=["metadatas", "embeddings"])
            for md, vec in zip(page["metadatas"], page["embeddings"]):
                rows.append(
                    (
                        int(md["seq"]),
                        Garment.model_validate_json(md["garment"]),
                        np.asarray(vec, dtype=np.float32),
                    )
                )
        rows.sort(key=lambda r: r[0])
        garments = [g for _, g, _ in rows]
        vectors = np.stack([v for _, _, v in rows]) if rows else np.zeros((0, 0), dtype=np.float32)
        images: dict[str, np.ndarray] = {}
        n_img = int(self.image.count())
        for offset in range(0, n_img, PAGE):
            page = self.image.get(limit=PAGE, offset=offset, include=["embeddings"])
            for item_id, vec in zip(page["ids"], page["embeddings"]):
                images[item_id] = np.asarray(vec, dtype=np.float32)
        return garments, vectors, images, np.array([r[0] for r in rows], dtype=np.int64)

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Chroma's own nearest-neighbour query (used by the benchmark and for server-side use)."""
        res = self.text.query(
            query_embeddings=vector.reshape(1, -1), n_results=k, where=where, include=["distances"]
        )
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def drop(self) -> None:
        for name in (self.name, f"{self.name}-img"):
            try:
                self.client.delete_collection(name)
            except Exception:  # already gone
                pass
