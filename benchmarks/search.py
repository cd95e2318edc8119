"""Vector search at catalogue scale: FAISS exact vs approximate vs Chroma's own query.

Synthetic clustered, L2-normalised 384-d vectors (the MiniLM dimension) at each size; queries are
fresh points from the same clusters. For each index: build time, memory, recall@10 against exact
search, single-query p50/p95 latency and queries per second (one query at a time).

    nice -n 10 python benchmarks/search.py --sizes 10000 100000 1000000

Chroma runs only up to ``--chroma-max`` items (inserting a million rows on 2 cores takes too
long); the table says so for the sizes it skips. Results merge into benchmarks/results/search.json.

With ``--writes``, it times single-garment add/update/delete through ``CatalogueIndex`` instead,
on the embedded Chroma and on a ``chroma run`` server (benchmarks/_writes.py); results go to
benchmarks/results/search_writes.json:

    nice -n 10 python benchmarks/search.py --writes --sizes 100000 --write-ops 50
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, percentiles_ms, print_table, read_results, write_results  # noqa: E402

DIM = 384
K = 10


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def synthetic(n: int, n_queries: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Clustered unit vectors: 1 centre per ~1000 items, each point at cosine ~0.45 from its centre,
    so the 10 nearest neighbours are a fine distinction inside a crowded cluster (harder for an
    approximate index than well-separated clusters, closer to how sentence embeddings crowd)."""
    rng = np.random.default_rng(seed)
    n_centres = max(20, n // 1000)
    centres = rng.standard_normal((n_centres, DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)

    def draw(m: int) -> np.ndarray:
        out = np.empty((m, DIM), dtype=np.float32)
        for start in range(0, m, 100_000):
            stop = min(m, start + 100_000)
            idx = rng.integers(0, n_centres, stop - start)
            block = centres[idx] + 0.1 * rng.standard_normal((stop - start, DIM), dtype=np.float32)
            out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
        return out

    return draw(n), draw(n_queries)


def time_queries(search, queries: np.ndarray) -> tuple[list[float], list[np.ndarray]]:
    lat, found = [], []
    for q in queries:
        t = time.perf_counter()
        rows = search(q)
        lat.append(time.perf_counter() - t)
        found.append(rows)
    return lat, found


def recall(found: list[np.ndarray], truth: np.ndarray) -> float:
    return float(np.mean([len(set(f[:K].tolist()) & set(t.tolist())) / K for f, t in zip(found, truth)]))


def row(
    size: int, name: str, build_s: float, mem_mb: float, lat: list[float], rec: float, note: str = ""
) -> dict[str, Any]:
    return {
        "size": size,
        "index": name,
        "build_s": round(build_s, 3),
        "mem_mb": round(mem_mb, 1),
        f"recall@{K}": round(rec, 4),
        **percentiles_ms(lat),
        "qps": round(len(lat) / sum(lat), 1),
        "note": note,
    }


def bench_faiss(
    size: int, data: np.ndarray, queries: np.ndarray, kinds: list[str], hnsw_max: int, ivf_max: int
) -> tuple[list[dict], np.ndarray]:
    import faiss

    from stylist.index.store.vector_index import VectorIndex

    out = []
    truth = None
    for kind in ["flat", *[k for k in kinds if k != "flat"]]:
        if kind == "hnsw" and size > hnsw_max:
            out.append(
                {
                    "size": size,
                    "index": "faiss-hnsw",
                    "note": (
                        f"skipped: HNSW build above {hnsw_max:,} takes too long on {os.cpu_count()} "
                        "shared cores (--hnsw-max)"
                    ),
                }
            )
            continue
        if kind == "ivf" and size > ivf_max:
            out.append(
                {
                    "size": size,
                    "index": "faiss-ivf",
                    "note": (
                        f"skipped: IVF k-means above {ivf_max:,} takes too long on {os.cpu_count()} "
                        "shared cores (--ivf-max)"
                    ),
                }
            )
            continue
        gc.collect()
        before = rss_mb()
        t = time.perf_counter()
        index = VectorIndex.build(data, kind)  # the product's own settings for each kind
        build_s = time.perf_counter() - t
        mem = max(
            rss_mb() - before,
            len(faiss.serialize_index(index.index)) / 2**20 if kind != "flat" else data.nbytes / 2**20,
        )
        lat, found = time_queries(lambda q, index=index: index.search(q, K)[1][0], queries)
        if kind == "flat":
            truth = np.stack(found)
        note = {
            "flat": "exact",
            "hnsw": "M=32 efC=80 efSearch=64",
            "ivf": f"nlist={getattr(index.index, 'nlist', '?')} nprobe={getattr(index.index, 'nprobe', '?')}",
        }[kind]
        out.append(row(size, f"faiss-{kind}", build_s, mem, lat, recall(found, truth), note))
        print_table(out[-1:], list(out[-1]))
        sys.stdout.flush()
        del index
    return out, truth


def bench_chroma(size: int, data: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    import chromadb
    from chromadb.config import Settings

    folder = Path(tempfile.mkdtemp(prefix="chroma-bench-"))
    try:
        client = chromadb.PersistentClient(path=str(folder), settings=Settings(anonymized_telemetry=False))
        col = client.create_collection("bench", embedding_function=None, metadata={"hnsw:space": "cosine"})
        ids = [str(i) for i in range(size)]
        batch = client.get_max_batch_size()
        t = time.perf_counter()
        for start in range(0, size, batch):
            col.add(ids=ids[start : start + batch], embeddings=data[start : start + batch])
        build_s = time.perf_counter() - t
        col.query(query_embeddings=queries[:1], n_results=K)  # load the segment before timing
        lat, found = time_queries(
            lambda q: np.array(
                [int(i) for i in col.query(query_embeddings=q[None, :], n_results=K, include=[])["ids"][0]]
            ),
            queries,
        )
        disk_mb = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20
        return row(
            size,
            "chroma",
            build_s,
            disk_mb,
            lat,
            recall(found, truth),
            "hnsw (Chroma defaults); mem_mb = on-disk size",
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--kinds",
        nargs="*",
        default=["hnsw", "ivf"],
        choices=["hnsw", "ivf"],
        help="approximate indexes besides exact flat",
    )
    parser.add_argument("--chroma-max", type=int, default=100_000, help="largest size Chroma is run at")
    parser.add_argument("--hnsw-max", type=int, default=200_000, help="largest size HNSW is built at")
    parser.add_argument("--ivf-max", type=int, default=1_000_000, help="largest size IVF is built at")
    parser.add_argument("--threads", type=int, default=None, help="FAISS threads (default: all cores)")
    parser.add_argument(
        "--writes", action="store_true", help="benchmark index writes (add/update/delete) instead of search"
    )
    parser.add_argument("--write-ops", type=int, default=50, help="single-garment writes of each kind")
    args = parser.parse_args()
    if args.writes:
        return main_writes(args.sizes, args.write_ops)
    if args.threads:
        import faiss

        faiss.omp_set_num_threads(args.threads)
    rows: list[dict[str, Any]] = []
    for size in args.sizes:
        print(f"\n== {size:,} vectors of {DIM}-d ==", flush=True)
        data, queries = synthetic(size, args.queries)
        faiss_rows, truth = bench_faiss(size, data, queries, args.kinds, args.hnsw_max, args.ivf_max)
        rows += faiss_rows
        if size <= args.chroma_max:
            rows.append(bench_chroma(size, data, queries, truth))
            print_table(rows[-1:], list(rows[-1]))
        else:
            rows.append(
                {
                    "size": size,
                    "index": "chroma",
                    "note": (
                        f"skipped: inserting {size:,} rows into Chroma on {os.cpu_count()} cores is "
                        f"too slow (--chroma-max {args.chroma_max})"
                    ),
                }
            )
        del data
        gc.collect()
    previous = read_results("search") or {}
    kept = [r for r in previous.get("rows", []) if r["size"] not in args.sizes]
    all_rows = sorted(kept + rows, key=lambda r: (r["size"], r["index"]))
    print(
        f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared "
        "machine: latencies are noisy)"
    )
    path = write_results(
        "search", {"machine": machine(), "dim": DIM, "k": K, "queries": args.queries, "rows": all_rows}
    )
    print()
    print_table(
        all_rows, ["size", "index", "build_s", "mem_mb", f"recall@{K}", "p50_ms", "p95_ms", "qps", "note"]
    )
    print(f"\nwrote {path}")


def main_writes(sizes: list[int], ops: int) -> None:
    """Write throughput at each size, on the local embedded Chroma and on a `chroma run` server."""
    from _writes import bench_writes

    rows = []
    for size in sizes:
        for where in ("local", "chroma-server"):
            print(f"\n== writes on {size:,} garments, {where} ==", flush=True)
            rows.append(bench_writes(size, ops, where))
            print_table(rows[-1:], list(rows[-1]))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    path = write_results("search_writes", {"machine": machine(), "ops": ops, "rows": rows})
    print()
    print_table(rows, list(rows[0]))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
