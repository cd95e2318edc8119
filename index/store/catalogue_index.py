"""``CatalogueIndex``: the garment catalogue with its vectors, searchable by words and filters.

A thin facade over two halves: ``persistence.CatalogueRows`` (Chroma write-through, row caches,
FAISS, manifest) and ``scoring.CatalogueScorer`` (hybrid text/image scoring, filters, ranking).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stylist.errors import IndexNotBuiltError, ItemNotFoundError
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment
from stylist.index.store.chroma_store import ChromaStore
from stylist.index.store.layout import IndexLayout, Manifest
from stylist.index.store.persistence import CatalogueRows
from stylist.index.store.scoring import CatalogueScorer, Hit, ScoredHit, ScoreWeights

if TYPE_CHECKING:
    from stylist.config import IndexSettings
    from stylist.index.protocols import ImageEmbedder, TextEmbedder

__all__ = ["CatalogueIndex", "Hit", "ScoreWeights", "ScoredHit"]


class CatalogueIndex:
    """One build of the catalogue: read, search, add/update/delete garments."""

    def __init__(
        self,
        rows: CatalogueRows,
        text_embedder: TextEmbedder,
        *,
        image_embedder: ImageEmbedder | Callable[[], ImageEmbedder | None] | None = None,
        text_weight: float = 0.7,
        weights: ScoreWeights | None = None,
    ) -> None:
        self.rows = rows
        self.text_embedder = text_embedder
        self.scorer = CatalogueScorer(
            rows, text_embedder, image_embedder, weights or ScoreWeights(words=text_weight)
        )

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
        text_weight: float = 0.7,
        weights: ScoreWeights | None = None,
        on_write: Callable[[int], None] | None = None,
    ) -> CatalogueIndex:
        """Write a complete new build into ``build_dir`` (Chroma, caches, FAISS, manifest last)."""
        rows = CatalogueRows.create(
            build_dir, garments, vectors, text_embedder, settings=settings, build_id=build_id,
            image_vectors=image_vectors, image_embedder_name=image_embedder_name,
            image_shares_text_space=image_shares_text_space, source=source, source_format=source_format,
            on_write=on_write,
        )  # fmt: skip
        return cls(rows, text_embedder, text_weight=text_weight, weights=weights)

    @classmethod
    def open(
        cls,
        index_dir: Path,
        text_embedder: TextEmbedder,
        *,
        settings: IndexSettings,
        image_embedder: ImageEmbedder | Callable[[], ImageEmbedder | None] | None = None,
        text_weight: float = 0.7,
        weights: ScoreWeights | None = None,
    ) -> CatalogueIndex:
        """The current build under ``index_dir``; ``IndexNotBuiltError`` when there is none."""
        build_dir = IndexLayout(index_dir).current_dir()
        if build_dir is None:
            raise IndexNotBuiltError(f"no catalogue index in {index_dir}", hint="run `stylist index build`")
        return cls.open_build(
            build_dir,
            text_embedder,
            settings=settings,
            image_embedder=image_embedder,
            text_weight=text_weight,
            weights=weights,
        )

    @classmethod
    def open_build(
        cls,
        build_dir: Path,
        text_embedder: TextEmbedder,
        *,
        settings: IndexSettings,
        image_embedder: ImageEmbedder | Callable[[], ImageEmbedder | None] | None = None,
        text_weight: float = 0.7,
        weights: ScoreWeights | None = None,
    ) -> CatalogueIndex:
        """The build in ``build_dir`` (restored from Chroma when its caches are unusable)."""
        rows = CatalogueRows.open_build(build_dir, text_embedder, settings=settings)
        return cls(
            rows, text_embedder, image_embedder=image_embedder, text_weight=text_weight, weights=weights
        )

    # ----------------------------------------------------------------- reading
    @property
    def build_dir(self) -> Path:
        return self.rows.build_dir

    @property
    def manifest(self) -> Manifest:
        return self.rows.manifest

    @property
    def weights(self) -> ScoreWeights:
        return self.scorer.weights

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Garment]:
        rows = self.rows
        with rows.lock.read():
            garments = [rows.garments[r] for r in np.flatnonzero(rows.alive)]
        return iter(garments)

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and item_id in self.rows.row_of

    def get(self, item_id: str) -> Garment:
        row = self.rows.row_of.get(item_id)
        if row is None:
            raise ItemNotFoundError(item_id, hint="ids come from `stylist search`")
        return self.rows.garments[row]

    def get_many(self, ids: Iterable[str]) -> list[Garment]:
        return [self.get(i) for i in ids]

    def vectors_for(self, ids: Sequence[str]) -> np.ndarray:
        """Text vectors of ``ids`` (raises ``ItemNotFoundError`` for an unknown one)."""
        return self.rows.vectors[self.rows.rows(ids)].copy()

    def image_vectors_for(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Image vectors of ``ids`` and a mask of which have one (zeros where not)."""
        rows = self.rows.rows(ids)
        if self.rows.image is None:
            return np.zeros((len(rows), 0), dtype=np.float32), np.zeros(len(rows), dtype=bool)
        return self.rows.image[rows].copy(), self.rows.has_image[rows].copy()

    @property
    def faiss_kind(self) -> str:
        return self.rows.faiss.kind

    @property
    def has_image_vectors(self) -> bool:
        return self.rows.has_image_vectors

    def info(self) -> dict[str, Any]:
        return {
            **self.manifest.model_dump(mode="json"),
            "count": len(self),
            "faiss_kind": self.rows.faiss.kind,
            "faiss_gpu": self.rows.faiss.on_gpu,
            "path": str(self.build_dir),
        }

    # ----------------------------------------------------------------- search
    def search(
        self,
        query: str | None = None,
        filters: SearchFilters | None = None,
        k: int = 10,
        image_path: str | None = None,
    ) -> list[Hit]:
        """The ``k`` best garments for ``query`` (and/or a picture) that satisfy ``filters``.

        With neither text nor picture, returns the filtered garments in id order with score 0.
        Fewer than ``k`` hits means fewer than ``k`` garments satisfy the filters.
        """
        return [(h.garment, h.score) for h in self.search_scored(query, filters, k, image_path)]

    def search_scored(
        self,
        query: str | None = None,
        filters: SearchFilters | None = None,
        k: int = 10,
        image_path: str | None = None,
        *,
        weights: ScoreWeights | None = None,
    ) -> list[ScoredHit]:
        """Like ``search``, with each score's parts (``CatalogueScorer.search_scored`` tells how)."""
        return self.scorer.search_scored(query, filters, k, image_path, weights=weights)

    def query_vector(self, text: str) -> np.ndarray:
        """The text embedder's vector for ``text``, from a small LRU cache when it was asked lately."""
        return self.scorer.query_vector(text)

    def forget_queries(self) -> None:
        """Empty the query-vector cache (benchmarks time the embedding of every query)."""
        self.scorer.query_vectors.clear()

    # ----------------------------------------------------------------- writing
    def add(
        self, garments: Sequence[Garment], *, image_vectors: Mapping[str, np.ndarray] | None = None
    ) -> None:
        """Add new garments (``CatalogueError`` if an id is already in the index)."""
        self.rows.add(garments, image_vectors)

    def update(
        self, garments: Sequence[Garment], *, image_vectors: Mapping[str, np.ndarray] | None = None
    ) -> None:
        """Replace garments that exist (``ItemNotFoundError`` for an unknown id); re-embeds them."""
        self.rows.update(garments, image_vectors)

    def delete(self, ids: Sequence[str]) -> None:
        """Remove garments by id (``ItemNotFoundError`` for an unknown id)."""
        self.rows.delete(ids)

    @property
    def store(self) -> ChromaStore:
        """The Chroma collection (opened on first use: searching never needs it)."""
        return self.rows.store

    def save(self) -> None:
        """Drop deleted rows and write the caches, the FAISS index and the manifest."""
        self.rows.save()

    def sync(self) -> int:
        """With ``index.chroma_url``: apply other processes' writes now (searches do it every
        ``index.sync_seconds``); returns how many garments changed. 0 for a local build."""
        return self.rows.follower.sync() if self.rows.follower is not None else 0

    def rebuild_faiss(self) -> None:
        """Reload every garment and vector from Chroma, rebuild FAISS and rewrite the caches."""
        self.rows.rebuild_faiss()
