"""A FAISS index over row-ordered, L2-normalised vectors (inner product = cosine).

``flat`` is exact; ``hnsw`` and ``ivf`` are approximate. ``auto`` picks exact below
``EXACT_LIMIT`` vectors and IVF above: measured by benchmarks/search.py on 2 cores, IVF builds 5-8x
faster than HNSW and keeps recall@10 at 1.0 at 100k and 1M vectors, where HNSW (M=32, efSearch=64)
drops to 0.98 and 0.82; its queries stay far under 100 ms (13 ms p95 at 1M).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np

from stylist.errors import IndexNotBuiltError, MissingDependencyError

log = logging.getLogger(__name__)

Kind = Literal["flat", "hnsw", "ivf"]
EXACT_LIMIT = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64


def gpu_available() -> bool:
    import faiss

    return hasattr(faiss, "StandardGpuResources") and faiss.get_num_gpus() > 0


def use_gpu(setting: str) -> bool:
    """Whether ``index.faiss_gpu`` (auto/on/off) puts the index on a GPU here."""
    if setting == "off":
        return False
    import faiss

    if not hasattr(faiss, "StandardGpuResources"):
        if setting == "on":
            raise MissingDependencyError("faiss-gpu", "gpu", purpose="index.faiss_gpu=on")
        return False
    if faiss.get_num_gpus() == 0:
        if setting == "on":
            raise IndexNotBuiltError(
                "index.faiss_gpu=on but FAISS sees no CUDA GPU", hint="set index.faiss_gpu=auto"
            )
        return False
    return True


def resolve_kind(n: int, setting: str, *, gpu: bool = False) -> Kind:
    if setting != "auto":
        return setting  # type: ignore[return-value]
    if n < EXACT_LIMIT:
        return "flat"
    return "ivf"


def ivf_lists(n: int) -> int:
    """About 2·sqrt(n) lists, and at least 39 training points per list (FAISS's minimum)."""
    return int(min(65_536, max(1, min(2 * math.sqrt(max(n, 1)), n // 39 or 1))))


class VectorIndex:
    """FAISS search over rows ``0..ntotal-1``; new vectors get the next row numbers."""

    def __init__(self, index: Any, kind: Kind, dim: int, *, on_gpu: bool = False) -> None:
        self.index = index
        self.kind = kind
        self.dim = dim
        self.on_gpu = on_gpu

    @classmethod
    def build(cls, vectors: np.ndarray, kind: Kind, *, gpu: bool = False) -> VectorIndex:
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        if kind == "flat":
            index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        elif kind == "ivf":
            nlist = ivf_lists(n)
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.nprobe = max(1, min(nlist, max(8, nlist // 16)))
            index.cp.niter = 10
            if n:
                rng = np.random.default_rng(0)
                sample = vectors if n <= 64 * nlist else vectors[rng.choice(n, 64 * nlist, replace=False)]
                index.train(sample)
        else:
            raise ValueError(f"unknown FAISS kind {kind!r}")
        out = cls(index, kind, dim)
        if gpu and kind != "hnsw":
            out._to_gpu()
        if n:
            out.index.add(vectors)
        return out

    def _to_gpu(self) -> None:
        import faiss

        self._gpu_resources = faiss.StandardGpuResources()
        self.index = faiss.index_cpu_to_gpu(self._gpu_resources, 0, self.index)
        self.on_gpu = True

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        if self.kind == "ivf" and not self.index.is_trained:
            raise IndexNotBuiltError(
                "the IVF index was built empty and cannot take vectors", hint="rebuild the index"
            )
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and rows of the ``k`` nearest rows to each query (rows -1 where fewer exist)."""
        k = max(1, min(k, self.ntotal)) if self.ntotal else 1
        params = None
        if self.kind == "hnsw":  # per-call parameters: concurrent searches never write the index
            import faiss

            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
        if self.on_gpu and k > 2048:  # GPU FAISS caps k; the caller falls back to exact search
            k = 2048
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1, self.dim)
        if self.on_gpu or len(query) > 1:
            return self.index.search(query, k, params=params)
        # One query is faster on one thread: OpenMP's fork/join costs more than it saves, and on a
        # busy machine spinning threads make it many times slower (measured in benchmarks/search.py).
        import faiss

        threads = faiss.omp_get_max_threads()  # OpenMP keeps this per calling thread
        faiss.omp_set_num_threads(1)
        try:
            return self.index.search(query, k, params=params)
        finally:
            faiss.omp_set_num_threads(threads)

    def save(self, path: Path) -> None:
        import faiss

        index = faiss.index_gpu_to_cpu(self.index) if self.on_gpu else self.index
        tmp = path.with_name(f".{path.name}.tmp")
        faiss.write_index(index, str(tmp))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, kind: Kind, dim: int, *, gpu: bool = False) -> VectorIndex:
        import faiss

        out = cls(faiss.read_index(str(path)), kind, dim)
        if out.index.d != dim:
            raise IndexNotBuiltError(
                f"{path} holds {out.index.d}-d vectors, expected {dim}", hint="stylist index build"
            )
        if gpu and kind != "hnsw":
            out._to_gpu()
        return out
