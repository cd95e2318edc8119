"""``CatalogueScorer``: ranks a build's rows for words, a photo or both, within filters.

A score combines up to three similarities (see ``CatalogueScorer.search_scored``): words ↔ garment
description (``text``), words ↔ garment picture (``text_image``) and query photo ↔ garment picture
(``image``). Small candidate sets are scored exactly; big ones go through FAISS first.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from stylist.errors import IndexNotBuiltError, ModelUnavailableError, ToolInputError
from stylist.index.filters import SearchFilters
from stylist.index.imagenc.images import ImageInputError, load_image
from stylist.index.schema import Garment
from stylist.index.store.filtering import FilterArrays
from stylist.index.store.persistence import CatalogueRows

if TYPE_CHECKING:
    from stylist.config import EmbedSettings
    from stylist.index.protocols import ImageEmbedder, TextEmbedder

log = logging.getLogger(__name__)

#: Filtered searches whose candidate set is at most this big are scored exactly (no ANN).
EXACT_SUBSET_MAX = 20_000
#: Query texts whose vectors are remembered: outfit assembly and follow-up turns repeat them.
QUERY_CACHE_SIZE = 256
Hit = tuple[Garment, float]


@dataclass(frozen=True)
class ScoreWeights:
    """How the parts of a score combine (see ``CatalogueScorer.search_scored``)."""

    text: float = 0.85
    """Text queries: words ↔ garment description."""
    text_image: float = 0.15
    """Text queries: words ↔ garment picture (needs image vectors in a space words map into)."""
    words: float = 0.7
    """Words + photo queries: the words score; the photo ↔ picture score gets ``1 - words``."""

    def __post_init__(self) -> None:
        if (
            min(self.text, self.text_image) < 0
            or self.text + self.text_image <= 0
            or not 0 <= self.words <= 1
        ):
            raise ToolInputError(
                f"bad score weights {self}: text and text_image ≥ 0, not both 0; words in [0, 1]"
            )

    @classmethod
    def from_settings(cls, embed: EmbedSettings) -> ScoreWeights:
        return cls(
            text=embed.hybrid_text_weight, text_image=embed.hybrid_image_weight, words=embed.text_weight
        )


class ScoredHit(NamedTuple):
    """A search hit with its score's parts: ``text`` (words ↔ description), ``text_image`` (words ↔
    picture), ``image`` (query photo ↔ picture); a part is absent when it did not apply."""

    garment: Garment
    score: float
    parts: dict[str, float]


class CatalogueScorer:
    """Searches the rows of ``rows`` (read under its lock; derived caches follow its generation)."""

    def __init__(
        self,
        rows: CatalogueRows,
        text_embedder: TextEmbedder,
        image_embedder: ImageEmbedder | Callable[[], ImageEmbedder | None] | None,
        weights: ScoreWeights,
    ) -> None:
        self.rows = rows
        self.text_embedder = text_embedder
        self.weights = weights
        self.query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()  # guards the query cache only, never an embedding
        self._image_embedder = image_embedder
        self._warned: set[str] = set()
        self._filter_arrays: FilterArrays | None = None
        self._id_order: np.ndarray | None = None
        self._generation = -1

    def search_scored(
        self,
        query: str | None = None,
        filters: SearchFilters | None = None,
        k: int = 10,
        image_path: str | None = None,
        *,
        weights: ScoreWeights | None = None,
    ) -> list[ScoredHit]:
        """The ``k`` best garments for ``query`` and/or a picture within ``filters``, with score parts.

        - words only: ``w.text · text + w.text_image · text_image`` over ``w.text + w.text_image``,
          where ``text_image`` compares the query with the garment's picture (a garment without a
          picture, or an index without image vectors, scores by ``text`` alone);
        - photo only: ``image``, the photo's similarity to each garment's picture;
        - words and photo: ``w.words · (words score) + (1 - w.words) · image``;
        - neither: the filtered garments in id order with score 0.
        """
        if k < 1:
            raise ToolInputError(f"k must be at least 1, got {k}")
        filters = filters or SearchFilters()
        w = weights or self.weights
        text = (query or "").strip()
        if self.rows.follower is not None:  # other replicas' writes, at most every index.sync_seconds
            self.rows.follower.maybe_sync()
        # Query and photo embedding run outside the lock: they are the slow part, and a write that
        # lands meanwhile only changes which rows they are compared with.
        photo = self._photo_vector(image_path) if image_path else None
        qt = self.query_vector(text) if text else None
        qti = self._text_in_image_space(text, qt) if qt is not None and w.text_image > 0 else None
        with self.rows.lock.read():
            mask = self._mask(filters)
            if not text and not image_path:
                return [ScoredHit(g, s, {}) for g, s in self._browse(mask, k)]
            if photo is None and qti is None:
                assert qt is not None
                rows, scores = self._text_search(qt, mask, k)
                return [
                    ScoredHit(self.rows.garments[r], float(s), {"text": round(float(s), 4)})
                    for r, s in zip(rows, scores)
                ]
            return self._combined(qt, qti, photo, mask, k, w)

    def query_vector(self, text: str) -> np.ndarray:
        """The text embedder's vector for ``text``, from a small LRU cache when it was asked lately."""
        with self._cache_lock:
            q = self.query_vectors.get(text)
            if q is not None:
                self.query_vectors.move_to_end(text)
                return q
        q = self.text_embedder.embed_texts([text])[0]
        with self._cache_lock:
            self.query_vectors[text] = q
            if len(self.query_vectors) > QUERY_CACHE_SIZE:
                self.query_vectors.popitem(last=False)
        return q

    # ----------------------------------------------------------------- hybrid scoring
    def _combined(
        self, qt: np.ndarray | None, qti: np.ndarray | None, photo: np.ndarray | None,
        mask: np.ndarray | None, k: int, w: ScoreWeights,
    ) -> list[ScoredHit]:  # fmt: skip
        rows = self._candidates(qt, qti, photo, mask, k)
        everything = len(rows) == len(self.rows.garments)  # score whole matrices: no row copies
        top_rows, top_scores = top(
            rows, self._score_rows(None if everything else rows, qt, qti, photo, w)[0], k
        )
        _, parts, has = self._score_rows(top_rows, qt, qti, photo, w)
        return [
            ScoredHit(
                self.rows.garments[r],
                float(s),
                {n: round(float(v[i]), 4) for n, v in parts.items() if n != "text_image" or has[i]},
            )
            for i, (r, s) in enumerate(zip(top_rows, top_scores))
        ]

    def _score_rows(
        self,
        rows: np.ndarray | None,
        qt: np.ndarray | None,
        qti: np.ndarray | None,
        photo: np.ndarray | None,
        w: ScoreWeights,
    ) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
        """Combined scores of ``rows`` (``None``: every row), their parts, and which rows have a picture."""
        data = self.rows
        assert data.image is not None
        text_m, image_m = (
            (data.vectors, data.image) if rows is None else (data.vectors[rows], data.image[rows])
        )
        has = data.has_image if rows is None else data.has_image[rows]
        parts: dict[str, np.ndarray] = {}
        score = np.zeros(len(has), dtype=np.float32)
        if qt is not None:
            score = parts["text"] = text_m @ qt
            if qti is not None:
                # a garment with no picture keeps its text score rather than losing the picture's share
                parts["text_image"] = np.where(has, image_m @ qti, parts["text"])
                score = (w.text * parts["text"] + w.text_image * parts["text_image"]) / (
                    w.text + w.text_image
                )
        if photo is not None:
            parts["image"] = image_m @ photo
            score = parts["image"] if qt is None else w.words * score + (1.0 - w.words) * parts["image"]
        return np.asarray(score, dtype=np.float32), parts, has

    def _candidates(
        self,
        qt: np.ndarray | None,
        qti: np.ndarray | None,
        photo: np.ndarray | None,
        mask: np.ndarray | None,
        k: int,
    ) -> np.ndarray:
        """Rows to score exactly: every allowed row of a small catalogue; on a big one, the union of
        the best rows by each query vector (text through FAISS, pictures by a matrix product)."""
        data = self.rows
        assert data.image is not None
        allowed = np.flatnonzero(data.alive if mask is None else mask)
        if photo is not None and qt is None:
            allowed = allowed[data.has_image[allowed]]  # a garment with no picture cannot look like the photo
        if len(allowed) <= EXACT_SUBSET_MAX:
            return allowed
        pool = max(10 * k, 200)
        picked = [self._text_search(qt, mask, pool)[0]] if qt is not None else []
        with_image = allowed[data.has_image[allowed]]
        for q in (qti, photo):
            if q is not None:
                picked.append(self._exact(q, with_image, pool, matrix=data.image)[0])
        return np.unique(np.concatenate(picked)).astype(np.int64)

    # ----------------------------------------------------------------- query vectors
    def _photo_vector(self, image_path: str) -> np.ndarray:
        embedder = self._resolve_image_embedder()
        data = self.rows
        if embedder is None:
            raise ModelUnavailableError(
                (
                    "search by picture needs an image encoder, and none is configured (embed.image_model "
                    "is 'none')"
                ),
                hint="search by words, or set embed.image_model (default 'embedded')",
            )
        if data.image is None or not data.has_image_vectors:
            raise IndexNotBuiltError(
                f"the index in {data.build_dir} has no image vectors to compare a picture with",
                hint=(
                    "rebuild it with pictures: `stylist index build` (with embed.index_images on, the "
                    "default)"
                ),
            )
        if embedder.dim != data.image.shape[1]:
            raise IndexNotBuiltError(
                f"the image encoder {embedder.name} gives {embedder.dim}-d vectors but the index holds "
                f"{data.image.shape[1]}-d ones from {data.manifest.image_embedder}",
                hint="rebuild the index with `stylist index build`",
            )
        if data.manifest.image_embedder and embedder.name != data.manifest.image_embedder:
            self._warn_once(
                "stale",
                (
                    "the index's image vectors come from %s but the configured encoder is %s: rebuild "
                    "with `stylist index build`"
                ),
                data.manifest.image_embedder,
                embedder.name,
            )
        return np.asarray(embedder.embed_images([_open_image(image_path)])[0], dtype=np.float32)

    def _text_in_image_space(self, text: str, qt: np.ndarray) -> np.ndarray | None:
        """The query as a vector comparable with the garment pictures, or ``None`` when there is none.

        The packaged/trained encoders map pictures into the text model's space, so the text query
        vector serves as is (no image model loads); a CLIP-family encoder embeds the words with its
        own text tower."""
        data = self.rows
        if data.image is None or not data.has_image_vectors:
            return None
        if data.manifest.image_shares_text_space and data.image.shape[1] == qt.shape[0]:
            return qt
        try:
            embedder = self._resolve_image_embedder()
        except Exception as exc:  # a broken optional model must not break word search
            self._warn_once("embedder", "text→picture scoring is off: %s", exc)
            return None
        if (
            embedder is None
            or not getattr(embedder, "has_text_tower", False)
            or embedder.name != data.manifest.image_embedder
        ):
            return None
        return np.asarray(embedder.embed_query([text])[0], dtype=np.float32)

    def _resolve_image_embedder(self) -> ImageEmbedder | None:
        e = self._image_embedder
        if e is not None and not hasattr(e, "embed_images") and callable(e):
            e = e()
        return e

    def _warn_once(self, key: str, message: str, *args: Any) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message, *args)

    # ----------------------------------------------------------------- filters and ranking
    def _fresh(self) -> None:
        """Drop the caches derived from rows that have changed since they were made."""
        if self._generation != self.rows.generation:
            self._filter_arrays = None
            self._id_order = None
            self._generation = self.rows.generation

    def _mask(self, filters: SearchFilters) -> np.ndarray | None:
        """Rows allowed by the filters and not deleted; ``None`` when that is every row."""
        alive = self.rows.alive
        if filters.is_empty():
            return None if alive.all() else alive
        self._fresh()
        arrays = self._filter_arrays
        if arrays is None:  # concurrent readers may both build it: same result, last one kept
            arrays = self._filter_arrays = FilterArrays(self.rows.garments)
        return arrays.mask(filters, base=alive)

    def _browse(self, mask: np.ndarray | None, k: int) -> list[Hit]:
        garments = self.rows.garments
        self._fresh()
        id_order = self._id_order
        if id_order is None:
            id_order = self._id_order = np.array(
                sorted(range(len(garments)), key=lambda r: garments[r].id), dtype=np.int64
            )
        order = id_order if mask is None else id_order[mask[id_order]]
        return [(garments[r], 0.0) for r in order[:k]]

    def _exact(
        self, q: np.ndarray, rows: np.ndarray | None, k: int, matrix: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        matrix = self.rows.vectors if matrix is None else matrix
        if rows is None:
            scores = matrix @ q
            rows = np.arange(len(scores))
        elif len(rows) > len(matrix) // 4:
            scores = (matrix @ q)[rows]
        else:
            scores = matrix[rows] @ q
        return top(rows, scores, k)

    def _text_search(self, q: np.ndarray, mask: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
        faiss = self.rows.faiss
        ntotal = faiss.ntotal
        if ntotal == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if mask is None:
            scores, rows = faiss.search(q, k)
            keep = rows[0] >= 0
            return rows[0][keep], scores[0][keep]
        candidates = np.flatnonzero(mask)
        if len(candidates) == 0:
            return candidates, np.zeros(0, np.float32)
        if len(candidates) <= EXACT_SUBSET_MAX or faiss.kind == "flat" and len(candidates) < ntotal // 2:
            return self._exact(q, candidates, k)
        # Over-fetch from the ANN index, growing until k allowed rows come back or all rows were asked.
        fetch = min(ntotal, max(2 * k, int(1.5 * k * ntotal / len(candidates))))
        while True:
            scores, rows = faiss.search(q, fetch)
            rows, scores = rows[0], scores[0]
            keep = (rows >= 0) & mask[np.maximum(rows, 0)]
            if keep.sum() >= k or fetch >= ntotal:
                break
            fetch = min(ntotal, fetch * 4)
        rows, scores = rows[keep][:k], scores[keep][:k]
        if len(rows) < min(k, len(candidates)):  # the ANN index could not reach them: score exactly
            return self._exact(q, candidates, k)
        return rows, scores


def top(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best ``rows`` by ``scores``, best first; ties by row for a stable order."""
    if len(scores) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[part], scores[part]
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order]


def _open_image(path: str) -> Any:
    try:
        return load_image(path)
    except ImageInputError as exc:
        raise ToolInputError(
            f"image_path: {exc.message}", hint="give the path of a JPEG/PNG/WebP photo"
        ) from None
