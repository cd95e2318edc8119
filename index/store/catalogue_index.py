"""``CatalogueIndex``: the garment catalogue with its vectors, searchable by words and filters.

Chroma holds the record of truth (garment JSON, document, vectors). Alongside it each build keeps
row-ordered caches (garments, vectors) and a FAISS index over the same vectors, so a search process
starts without reading Chroma. Mutations write Chroma first, then the caches.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from pydantic import TypeAdapter

from stylist.errors import (
    CatalogueError,
    IndexNotBuiltError,
    ItemNotFoundError,
    ModelUnavailableError,
    ToolInputError,
)
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment
from stylist.index.store.filtering import FilterArrays
from stylist.index.store.layout import MANIFEST, IndexLayout, Manifest, read_manifest, write_atomic
from stylist.index.store.vector_index import VectorIndex, resolve_kind, use_gpu

if TYPE_CHECKING:
    from stylist.config import EmbedSettings, IndexSettings
    from stylist.index.protocols import ImageEmbedder, TextEmbedder
    from stylist.index.store.chroma_store import ChromaStore

log = logging.getLogger(__name__)

_GARMENTS = TypeAdapter(list[Garment])
#: Filtered searches whose candidate set is at most this big are scored exactly (no ANN).
EXACT_SUBSET_MAX = 20_000
#: Query texts whose vectors are remembered: outfit assembly and follow-up turns repeat them.
QUERY_CACHE_SIZE = 256
Hit = tuple[Garment, float]


@dataclass(frozen=True)
class ScoreWeights:
    """How the parts of a score combine (see ``CatalogueIndex.search_scored``)."""

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


class CatalogueIndex:
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
        image_embedder: ImageEmbedder | Callable[[], ImageEmbedder | None] | None = None,
        text_weight: float = 0.7,
        weights: ScoreWeights | None = None,
        vector_index: VectorIndex | None = None,
        store: ChromaStore | None = None,
    ) -> None:
        self.build_dir = build_dir
        self.manifest = manifest
        self.text_embedder = text_embedder
        self.weights = weights or ScoreWeights(words=text_weight)
        self._warned: set[str] = set()
        self._image_embedder = image_embedder
        self._kind_setting = faiss_kind_setting
        self._gpu_setting = faiss_gpu
        self._lock = threading.RLock()
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._store = store
        self._set_rows(garments, vectors, seqs, image_vectors, has_image)
        self._faiss = vector_index or self._build_faiss()

    # ----------------------------------------------------------------- construction
    def _set_rows(self, garments, vectors, seqs, image_vectors, has_image) -> None:
        n = len(garments)
        self._garments = list(garments)
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(n, self.manifest.dim)
        self._seqs = np.asarray(seqs, dtype=np.int64)
        self._alive = np.ones(n, dtype=bool)
        self._row_of = {g.id: row for row, g in enumerate(self._garments)}
        if image_vectors is not None and self.manifest.image_dim:
            self._image = np.ascontiguousarray(image_vectors, dtype=np.float32).reshape(
                n, self.manifest.image_dim
            )
            self._has_image = (
                np.asarray(has_image, dtype=bool) if has_image is not None else np.ones(n, dtype=bool)
            )
        else:
            self._image = None
            self._has_image = np.zeros(n, dtype=bool)
        self._filter_arrays: FilterArrays | None = None
        self._id_order: np.ndarray | None = None

    def _build_faiss(self) -> VectorIndex:
        gpu = use_gpu(self._gpu_setting)
        kind = resolve_kind(len(self._garments), self._kind_setting, gpu=gpu)
        self.manifest = self.manifest.model_copy(update={"faiss_kind": kind})
        return VectorIndex.build(self._vectors, kind, gpu=gpu)

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
        from stylist.index.store.chroma_store import ChromaStore, open_client

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
        for start in range(0, n, 2000):
            stop = min(n, start + 2000)
            store.upsert(garments[start:stop], vectors[start:stop], seqs[start:stop])
            if on_write:
                on_write(stop - start)
        img_matrix, has_image, image_dim = _image_matrix(ids, image_vectors)
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
        index = cls(
            build_dir, manifest, list(garments), vectors, seqs, text_embedder,
            faiss_kind_setting=settings.faiss_kind, faiss_gpu=settings.faiss_gpu,
            image_vectors=img_matrix, has_image=has_image, text_weight=text_weight, weights=weights, store=store,
        )  # fmt: skip
        index.save()
        return index

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
        manifest = read_manifest(build_dir)
        if manifest.embedder != text_embedder.name or manifest.dim != text_embedder.dim:
            raise IndexNotBuiltError(
                f"the index in {build_dir} was built with text embedder {manifest.embedder!r} ({manifest.dim}-d), "
                f"but the configured one is {text_embedder.name!r} ({text_embedder.dim}-d)",
                hint="rebuild it with `stylist index build` or set embed.text_model back",
            )
        common = dict(
            faiss_kind_setting=settings.faiss_kind, faiss_gpu=settings.faiss_gpu,
            image_embedder=image_embedder, text_weight=text_weight, weights=weights,
        )  # fmt: skip
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
            index = cls(
                build_dir,
                manifest,
                [],
                np.zeros((0, manifest.dim), np.float32),
                np.zeros(0),
                text_embedder,
                **common,
            )
            index.rebuild_faiss()
            return index
        faiss_path = build_dir / "faiss.index"
        vector_index = None
        if manifest.faiss_kind != "flat" and faiss_path.is_file():
            vector_index = VectorIndex.load(
                faiss_path, manifest.faiss_kind, manifest.dim, gpu=use_gpu(settings.faiss_gpu)
            )
            if vector_index.ntotal != len(garments):
                vector_index = None
        if vector_index is None:  # flat indexes are cheaper to rebuild than to read
            common["faiss_kind_setting"] = (
                manifest.faiss_kind
                if settings.faiss_kind == "auto" and manifest.faiss_kind != "flat"
                else settings.faiss_kind
            )
        return cls(
            build_dir, manifest, garments, vectors, seqs, text_embedder,
            image_vectors=image_vectors, has_image=has_image, vector_index=vector_index, **common,
        )  # fmt: skip

    # ----------------------------------------------------------------- reading
    def __len__(self) -> int:
        return len(self._row_of)

    def __iter__(self) -> Iterator[Garment]:
        with self._lock:
            rows = np.flatnonzero(self._alive)
            garments = [self._garments[r] for r in rows]
        return iter(garments)

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and item_id in self._row_of

    def get(self, item_id: str) -> Garment:
        row = self._row_of.get(item_id)
        if row is None:
            raise ItemNotFoundError(item_id, hint="ids come from `stylist search`")
        return self._garments[row]

    def get_many(self, ids: Iterable[str]) -> list[Garment]:
        return [self.get(i) for i in ids]

    def vectors_for(self, ids: Sequence[str]) -> np.ndarray:
        """Text vectors of ``ids`` (raises ``ItemNotFoundError`` for an unknown one)."""
        rows = self._rows(ids)
        return self._vectors[rows].copy()

    def image_vectors_for(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Image vectors of ``ids`` and a mask of which have one (zeros where not)."""
        rows = self._rows(ids)
        if self._image is None:
            return np.zeros((len(rows), 0), dtype=np.float32), np.zeros(len(rows), dtype=bool)
        return self._image[rows].copy(), self._has_image[rows].copy()

    def _rows(self, ids: Sequence[str]) -> np.ndarray:
        rows = []
        for item_id in ids:
            row = self._row_of.get(item_id)
            if row is None:
                raise ItemNotFoundError(item_id)
            rows.append(row)
        return np.array(rows, dtype=np.int64)

    @property
    def faiss_kind(self) -> str:
        return self._faiss.kind

    @property
    def has_image_vectors(self) -> bool:
        return self._image is not None and bool(self._has_image[self._alive].any())

    def info(self) -> dict[str, Any]:
        return {
            **self.manifest.model_dump(mode="json"),
            "count": len(self),
            "faiss_kind": self._faiss.kind,
            "faiss_gpu": self._faiss.on_gpu,
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
        """Like ``search``, with each score's parts.

        - words only: ``w.text · text + w.text_image · text_image`` over ``w.text + w.text_image``,
          where ``text_image`` compares the query with the garment's picture (a garment without a
          picture, or an index without image vectors, scores by ``text`` alone);
        - photo only: ``image``, the photo's similarity to each garment's picture;
        - words and photo: ``w.words · (words score) + (1 - w.words) · image``.
        """
        if k < 1:
            raise ToolInputError(f"k must be at least 1, got {k}")
        filters = filters or SearchFilters()
        w = weights or self.weights
        text = (query or "").strip()
        with self._lock:
            mask = self._mask(filters)
            if not text and not image_path:
                return [ScoredHit(g, s, {}) for g, s in self._browse(mask, k)]
            photo = self._photo_vector(image_path) if image_path else None
            qt = self.query_vector(text) if text else None
            qti = (
                self._text_in_image_space(text, qt)
                if text is not None and qt is not None and w.text_image > 0
                else None
            )
            if photo is None and qti is None:
                assert qt is not None
                rows, scores = self._text_search(qt, mask, k)
                return [
                    ScoredHit(self._garments[r], float(s), {"text": round(float(s), 4)})
                    for r, s in zip(rows, scores)
                ]
            return self._combined(qt, qti, photo, mask, k, w)

    def _combined(
        self, qt: np.ndarray | None, qti: np.ndarray | None, photo: np.ndarray | None,
        mask: np.ndarray | None, k: int, w: ScoreWeights,
    ) -> list[ScoredHit]:  # fmt: skip
        rows = self._candidates(qt, qti, photo, mask, k)
        everything = len(rows) == len(self._garments)  # score whole matrices: no row copies
        top_rows, top_scores = _top(
            rows, self._score_rows(None if everything else rows, qt, qti, photo, w)[0], k
        )
        _, parts, has = self._score_rows(top_rows, qt, qti, photo, w)
        return [
            ScoredHit(
                self._garments[r],
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
        assert self._image is not None
        text_m, image_m = (
            (self._vectors, self._image) if rows is None else (self._vectors[rows], self._image[rows])
        )
        has = self._has_image if rows is None else self._has_image[rows]
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
        assert self._image is not None
        allowed = np.flatnonzero(self._alive if mask is None else mask)
        if photo is not None and qt is None:
            allowed = allowed[
                self._has_image[allowed]
            ]  # a garment with no picture cannot look like the photo
        if len(allowed) <= EXACT_SUBSET_MAX:
            return allowed
        pool = max(10 * k, 200)
        picked = [self._text_search(qt, mask, pool)[0]] if qt is not None else []
        with_image = allowed[self._has_image[allowed]]
        for q in (qti, photo):
            if q is not None:
                picked.append(self._exact(q, with_image, pool, matrix=self._image)[0])
        return np.unique(np.concatenate(picked)).astype(np.int64)

    def _photo_vector(self, image_path: str) -> np.ndarray:
        embedder = self._resolve_image_embedder()
        if embedder is None:
            raise ModelUnavailableError(
                "search by picture needs an image encoder, and none is configured (embed.image_model is 'none')",
                hint="search by words, or set embed.image_model (default 'embedded')",
            )
        if self._image is None or not self.has_image_vectors:
            raise IndexNotBuiltError(
                f"the index in {self.build_dir} has no image vectors to compare a picture with",
                hint="rebuild it with pictures: `stylist index build` (with embed.index_images on, the default)",
            )
        if embedder.dim != self._image.shape[1]:
            raise IndexNotBuiltError(
                f"the image encoder {embedder.name} gives {embedder.dim}-d vectors but the index holds "
                f"{self._image.shape[1]}-d ones from {self.manifest.image_embedder}",
                hint="rebuild the index with `stylist index build`",
            )
        if self.manifest.image_embedder and embedder.name != self.manifest.image_embedder:
            self._warn_once(
                "stale",
                "the index's image vectors come from %s but the configured encoder is %s: rebuild with `stylist index build`",
                self.manifest.image_embedder, embedder.name,
            )  # fmt: skip
        return np.asarray(embedder.embed_images([_open_image(image_path)])[0], dtype=np.float32)

    def _text_in_image_space(self, text: str, qt: np.ndarray) -> np.ndarray | None:
        """The query as a vector comparable with the garment pictures, or ``None`` when there is none.

        The packaged/trained encoders map pictures into the text model's space, so the text query
        vector serves as is (no image model loads); a CLIP-family encoder embeds the words with its
        own text tower."""
        if self._image is None or not self.has_image_vectors:
            return None
        if self.manifest.image_shares_text_space and self._image.shape[1] == qt.shape[0]:
            return qt
        try:
            embedder = self._resolve_image_embedder()
        except Exception as exc:  # a broken optional model must not break word search
            self._warn_once("embedder", "text→picture scoring is off: %s", exc)
            return None
        if (
            embedder is None
            or not getattr(embedder, "has_text_tower", False)
            or embedder.name != self.manifest.image_embedder
        ):
            return None
        return np.asarray(embedder.embed_query([text])[0], dtype=np.float32)

    def _warn_once(self, key: str, message: str, *args: Any) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message, *args)

    def query_vector(self, text: str) -> np.ndarray:
        """The text embedder's vector for ``text``, from a small LRU cache when it was asked lately."""
        with self._lock:
            q = self._query_vectors.get(text)
            if q is not None:
                self._query_vectors.move_to_end(text)
                return q
            q = self.text_embedder.embed_texts([text])[0]
            self._query_vectors[text] = q
            if len(self._query_vectors) > QUERY_CACHE_SIZE:
                self._query_vectors.popitem(last=False)
            return q

    def _mask(self, filters: SearchFilters) -> np.ndarray | None:
        """Rows allowed by the filters and not deleted; ``None`` when that is every row."""
        if filters.is_empty():
            return None if self._alive.all() else self._alive
        if self._filter_arrays is None:
            self._filter_arrays = FilterArrays(self._garments)
        return self._filter_arrays.mask(filters, base=self._alive)

    def _browse(self, mask: np.ndarray | None, k: int) -> list[Hit]:
        if self._id_order is None:
            self._id_order = np.array(
                sorted(range(len(self._garments)), key=lambda r: self._garments[r].id), dtype=np.int64
            )
        order = self._id_order if mask is None else self._id_order[mask[self._id_order]]
        return [(self._garments[r], 0.0) for r in order[:k]]

    def _exact(
        self, q: np.ndarray, rows: np.ndarray | None, k: int, matrix: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        matrix = self._vectors if matrix is None else matrix
        if rows is None:
            scores = matrix @ q
            rows = np.arange(len(scores))
        elif len(rows) > len(matrix) // 4:
            scores = (matrix @ q)[rows]
        else:
            scores = matrix[rows] @ q
        return _top(rows, scores, k)

    def _text_search(self, q: np.ndarray, mask: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
        ntotal = self._faiss.ntotal
        if ntotal == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if mask is None:
            scores, rows = self._faiss.search(q, k)
            keep = rows[0] >= 0
            return rows[0][keep], scores[0][keep]
        candidates = np.flatnonzero(mask)
        if len(candidates) == 0:
            return candidates, np.zeros(0, np.float32)
        if (
            len(candidates) <= EXACT_SUBSET_MAX
            or self._faiss.kind == "flat"
            and len(candidates) < ntotal // 2
        ):
            return self._exact(q, candidates, k)
        # Over-fetch from the ANN index, growing until k allowed rows come back or all rows were asked.
        fetch = min(ntotal, max(2 * k, int(1.5 * k * ntotal / len(candidates))))
        while True:
            scores, rows = self._faiss.search(q, fetch)
            rows, scores = rows[0], scores[0]
            keep = (rows >= 0) & mask[np.maximum(rows, 0)]
            if keep.sum() >= k or fetch >= ntotal:
                break
            fetch = min(ntotal, fetch * 4)
        rows, scores = rows[keep][:k], scores[keep][:k]
        if len(rows) < min(k, len(candidates)):  # the ANN index could not reach them: score exactly
            return self._exact(q, candidates, k)
        return rows, scores

    def _resolve_image_embedder(self) -> ImageEmbedder | None:
        e = self._image_embedder
        if e is not None and not hasattr(e, "embed_images") and callable(e):
            e = e()
        return e

    # ----------------------------------------------------------------- writing
    def add(
        self, garments: Sequence[Garment], *, image_vectors: Mapping[str, np.ndarray] | None = None
    ) -> None:
        """Add new garments (``CatalogueError`` if an id is already in the index)."""
        ids = [g.id for g in garments]
        with self._lock:
            taken = [i for i in ids if i in self._row_of]
            if taken:
                raise CatalogueError(
                    f"garment id {taken[0]!r} is already in the index", hint="use update() to change it"
                )
            if len(set(ids)) != len(ids):
                raise CatalogueError("duplicate ids in the garments to add")
            self._write(garments, image_vectors)

    def update(
        self, garments: Sequence[Garment], *, image_vectors: Mapping[str, np.ndarray] | None = None
    ) -> None:
        """Replace garments that exist (``ItemNotFoundError`` for an unknown id); re-embeds them."""
        with self._lock:
            for g in garments:
                if g.id not in self._row_of:
                    raise ItemNotFoundError(g.id, hint="use add() for new garments")
            self._write(garments, image_vectors, replace=True)

    def delete(self, ids: Sequence[str]) -> None:
        """Remove garments by id (``ItemNotFoundError`` for an unknown id)."""
        with self._lock:
            rows = self._rows(ids)
            self.store.delete(list(ids))
            self._alive[rows] = False
            for item_id in ids:
                self._row_of.pop(item_id, None)
            self.save()

    def _write(
        self,
        garments: Sequence[Garment],
        image_vectors: Mapping[str, np.ndarray] | None,
        *,
        replace: bool = False,
    ) -> None:
        if not garments:
            return
        vectors = self.text_embedder.embed_texts([g.document() for g in garments]).astype(np.float32)
        start_seq = int(self._seqs.max()) + 1 if len(self._seqs) else 0
        seqs = np.arange(start_seq, start_seq + len(garments), dtype=np.int64)
        ids = [g.id for g in garments]
        img, has, image_dim = _image_matrix(ids, image_vectors)
        if img is not None:
            if self._image is None:
                self.manifest = self.manifest.model_copy(update={"image_dim": image_dim})
                self._image = np.zeros((len(self._garments), image_dim), dtype=np.float32)
            elif image_dim != self._image.shape[1]:
                raise CatalogueError(
                    f"image vectors are {image_dim}-d but the index holds {self._image.shape[1]}-d ones"
                )
        self.store.upsert(list(garments), vectors, seqs)
        if img is not None:
            rows = np.flatnonzero(has)
            self.store.upsert_images([ids[r] for r in rows], img[rows])
        if replace:
            old = self._rows(ids)
            self._alive[old] = False
        base = len(self._garments)
        self._garments.extend(garments)
        self._vectors = np.concatenate([self._vectors, vectors])
        self._seqs = np.concatenate([self._seqs, seqs])
        self._alive = np.concatenate([self._alive, np.ones(len(garments), dtype=bool)])
        if self._image is not None:
            block = (
                img if img is not None else np.zeros((len(garments), self._image.shape[1]), dtype=np.float32)
            )
            self._image = np.concatenate([self._image, block])
        self._has_image = np.concatenate(
            [self._has_image, has if img is not None else np.zeros(len(garments), dtype=bool)]
        )
        for offset, g in enumerate(garments):
            self._row_of[g.id] = base + offset
        self._faiss.add(vectors)
        self.save()

    @property
    def store(self) -> ChromaStore:
        """The Chroma collection (opened on first use: searching never needs it)."""
        if self._store is None:
            from stylist.index.store.chroma_store import ChromaStore, open_client

            url = self.manifest.chroma_url
            self._store = ChromaStore(
                open_client(None if url else self.build_dir / "chroma", url), self.manifest.collection
            )
        return self._store

    def save(self) -> None:
        """Drop deleted rows and write the caches, the FAISS index and the manifest."""
        with self._lock:
            if not self._alive.all():
                keep = np.flatnonzero(self._alive)
                image = self._image[keep] if self._image is not None else None
                self._set_rows(
                    [self._garments[r] for r in keep],
                    self._vectors[keep],
                    self._seqs[keep],
                    image,
                    self._has_image[keep],
                )
                self._faiss = self._build_faiss()
            self._filter_arrays = None
            self._id_order = None
            d = self.build_dir
            write_atomic(d / "garments.json", _GARMENTS.dump_json(self._garments))
            write_atomic(d / "vectors.npy", _npy(self._vectors))
            write_atomic(d / "seqs.npy", _npy(self._seqs))
            if self._image is not None:
                write_atomic(d / "image_vectors.npy", _npy(self._image))
                write_atomic(d / "image_rows.npy", _npy(self._has_image))
            if self._faiss.kind != "flat":
                self._faiss.save(d / "faiss.index")
            else:
                (d / "faiss.index").unlink(missing_ok=True)
            self.manifest = self.manifest.model_copy(
                update={
                    "count": len(self._garments),
                    "faiss_kind": self._faiss.kind,
                    "image_count": int(self._has_image.sum()),
                }
            )
            write_atomic(d / MANIFEST, self.manifest.model_dump_json(indent=2).encode())

    def rebuild_faiss(self) -> None:
        """Reload every garment and vector from Chroma, rebuild FAISS and rewrite the caches."""
        with self._lock:
            garments, vectors, images = self.store.read_all()
            if not garments:
                vectors = np.zeros((0, self.manifest.dim), dtype=np.float32)
            ids = [g.id for g in garments]
            img, has, image_dim = _image_matrix(ids, images or None)
            if image_dim:
                self.manifest = self.manifest.model_copy(update={"image_dim": image_dim})
            self._set_rows(garments, vectors, np.arange(len(garments)), img, has)
            self._faiss = self._build_faiss()
            self.save()


def _top(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    if len(scores) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[part], scores[part]
    order = np.lexsort((rows, -scores))  # best first; ties by row for a stable order
    return rows[order], scores[order]


def _image_matrix(
    ids: Sequence[str], image_vectors: Mapping[str, np.ndarray] | None
) -> tuple[np.ndarray | None, np.ndarray, int | None]:
    has = np.zeros(len(ids), dtype=bool)
    if not image_vectors:
        return None, has, None
    dims = {np.asarray(v).shape[-1] for v in image_vectors.values()}
    if len(dims) != 1:
        raise CatalogueError(f"image vectors of different sizes: {sorted(dims)}")
    dim = dims.pop()
    matrix = np.zeros((len(ids), dim), dtype=np.float32)
    for row, item_id in enumerate(ids):
        vec = image_vectors.get(item_id)
        if vec is not None:
            matrix[row] = vec
            has[row] = True
    return matrix, has, dim


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def _open_image(path: str) -> Any:
    from stylist.index.imagenc.images import ImageInputError, load_image

    try:
        return load_image(path)
    except ImageInputError as exc:
        raise ToolInputError(
            f"image_path: {exc.message}", hint="give the path of a JPEG/PNG/WebP photo"
        ) from None
