"""Search quality and speed with the real MiniLM embedder.

1. Demo catalogue: precision@5 over the labelled queries in benchmarks/data/search_queries.jsonl
   (a hit counts when it has every attribute the query's ``expect`` names), for MiniLM, the static
   model distilled from it (``stylist index build --fast``) and, as a floor, the hashing fake
   embedder the unit tests use.
2. Real Kaggle catalogue (../shared/data/kaggle-fashion-styles/styles.csv; skipped when absent):
   build time, warm query latency p50/p95, and the CLI's cold start (`stylist search` in a fresh
   process).

    nice -n 10 python benchmarks/search_quality.py [--skip-kaggle] [--demo-size 3000]

Writes benchmarks/results/search_quality.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from _common import machine, percentiles_ms, print_table, read_results, shared_data, write_results  # noqa: E402

QUERIES = HERE / "data" / "search_queries.jsonl"


KAGGLE = shared_data() / "kaggle-fashion-styles" / "styles.csv"
P_AT = 5
THREADS: int | None = None  # --threads


def load_queries(path: Path = QUERIES) -> list[dict[str, Any]]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON: {exc}") from None
    return out


def hit_matches(garment: Any, expect: dict[str, Any]) -> bool:
    """Whether a garment has every attribute the query expects (lists mean "any of")."""
    for key, want in expect.items():
        if key == "slot" and garment.slot.value != want:
            return False
        if key == "gender" and garment.gender.value not in (want, "unisex"):
            return False
        if key == "article_type" and garment.article_type.lower() not in want:
            return False
        if key == "colours" and not set(want) & set(garment.colours):
            return False
        if key in ("material", "pattern") and (getattr(garment, key) or "").lower() not in want:
            return False
        if key in ("seasons", "occasions") and not set(want) & set(getattr(garment, key)):
            return False
        if key == "max_price" and (garment.price is None or garment.price > want):
            return False
    return True


def search_filters(spec: dict[str, Any]) -> Any:
    from stylist.index.filters import SearchFilters

    filters = dict(spec)
    if "gender" in filters:
        filters["genders"] = [filters.pop("gender")]
    return SearchFilters(**filters)


def precision_at(
    index: Any, queries: list[dict[str, Any]], k: int = P_AT
) -> tuple[float, list[dict[str, Any]]]:
    rows = []
    for q in queries:
        hits = index.search(q["query"], filters=search_filters(q.get("filters", {})), k=k)
        good = sum(hit_matches(g, q["expect"]) for g, _ in hits)
        rows.append({"query": q["query"], f"p@{k}": good / k, "top": hits[0][0].title if hits else "-"})
    return sum(r[f"p@{k}"] for r in rows) / len(rows), rows


def open_index(home: Path, embedder: Any) -> Any:
    from stylist.config import load_settings
    from stylist.index.store import CatalogueIndex

    settings = load_settings(home=str(home))
    return CatalogueIndex.open(settings.index_dir, embedder, settings=settings.index)


def demo_quality(size: int, queries: list[dict[str, Any]]) -> dict[str, Any]:
    from stylist.config import load_settings
    from stylist.index.build import build_index
    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.embed import SentenceTransformerTextEmbedder

    sys.path.insert(0, str(HERE.parent))
    from tests.fakes import HashingTextEmbedder

    garments = generate_demo_catalogue(n=size, seed=7)
    out: dict[str, Any] = {"size": size, "queries": len(queries)}
    from stylist.index.embed.static import EMBEDDED_STATIC, StaticTextEmbedder

    static = StaticTextEmbedder(
        EMBEDDED_STATIC, models_dir=load_settings().models_dir
    )  # distilled once per data home
    for name, embedder in [
        ("minilm", SentenceTransformerTextEmbedder("embedded", threads=THREADS)),
        ("static (--fast)", static),
        ("hashing-fake", HashingTextEmbedder()),
    ]:
        with tempfile.TemporaryDirectory() as tmp:
            settings = load_settings(home=tmp)
            t = time.perf_counter()
            build_index(settings, embedder, garments=garments)
            build_s = time.perf_counter() - t
            precision, rows = precision_at(open_index(Path(tmp), embedder), queries)
        out[name] = {"precision@5": round(precision, 4), "build_s": round(build_s, 2), "per_query": rows}
        print(
            f"\n{name}: precision@{P_AT} = {precision:.3f} over {len(queries)} queries (build {build_s:.1f}s)"
        )
        if name == "minilm":
            print_table(rows, ["query", f"p@{P_AT}", "top"])
    return out


def kaggle_speed(path: Path, queries: list[dict[str, Any]], limit: int | None = None) -> dict[str, Any]:
    from stylist.config import load_settings
    from stylist.index.build import build_index
    from stylist.index.embed import SentenceTransformerTextEmbedder

    home = Path(tempfile.mkdtemp(prefix="stylist-kaggle-"))
    settings = load_settings(home=str(home))
    embedder = SentenceTransformerTextEmbedder("embedded", threads=THREADS)
    done = [0]

    t = time.perf_counter()

    def progress(stage: str, n: int, total: int) -> None:
        done[0] += n
        if done[0] % 2000 < n:
            print(
                (
                    f"  {time.perf_counter() - t:7.1f}s {stage} {done[0]}/{2 * total} (load avg "
                    f"{os.getloadavg()[0]:.1f})"
                ),
                flush=True,
            )

    subset = None
    if limit:
        from stylist.index.loaders import load_catalogue

        loaded = load_catalogue(path)
        full_load_s = time.perf_counter() - t
        subset = loaded.garments[:limit]
        print(
            (
                f"  loaded {len(loaded.garments)} garments in {full_load_s:.1f}s; indexing the first "
                f"{len(subset)}"
            ),
            flush=True,
        )
        t = time.perf_counter()
        report = build_index(settings, embedder, garments=subset, progress=progress)
    else:
        report = build_index(settings, embedder, catalogue=path, progress=progress)
    build_s = time.perf_counter() - t
    index = open_index(home, embedder)
    texts = [q["query"] for q in queries]
    index.search(texts[0], k=10)  # warm: model loaded, caches hot
    lat = []
    for _ in range(3):
        for text in texts:
            t = time.perf_counter()
            index.search(text, k=10)
            lat.append(time.perf_counter() - t)
    lat_filtered = []
    from stylist.index.filters import SearchFilters

    for text in texts:
        t = time.perf_counter()
        index.search(text, filters=SearchFilters(genders=["men"], seasons=["summer"]), k=10)
        lat_filtered.append(time.perf_counter() - t)
    cold = cli_cold_start(home)
    extra: dict[str, Any] = {}
    if subset is not None:
        per_row = build_s / max(1, len(subset))
        extra = {
            "subset_of": len(loaded.garments), "full_load_s": round(full_load_s, 1),
            "estimated_full_build_s": round(full_load_s + per_row * len(loaded.garments), 0),
        }  # fmt: skip
    return {
        **extra,
        "rows_read": report.rows_read, "indexed": report.indexed, "skipped": report.skipped,
        "build_s": round(build_s, 1), "timings": report.timings, "faiss_kind": report.faiss_kind,
        "warm_query": percentiles_ms(lat), "warm_query_filtered": percentiles_ms(lat_filtered),
        "cli_cold_start_s": cold, "cpus": os.cpu_count(),
    }  # fmt: skip


def cli_cold_start(home: Path, runs: int = 2) -> dict[str, float]:
    stylist = Path(sys.executable).parent / "stylist"
    env = {**os.environ, "STYLIST_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    out: dict[str, float] = {}
    for name, argv in [
        ("help", ["--help"]),
        ("search", ["search", "navy formal shirt for men", "-k", "5", "--json"]),
    ]:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            proc = subprocess.run([str(stylist), *argv], env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            if proc.returncode != 0:
                raise SystemExit(f"stylist {' '.join(argv)} failed: {proc.stderr}")
        out[f"{name}_median_s"] = round(sorted(times)[len(times) // 2], 2)
        out[f"{name}_min_s"] = round(min(times), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo-size", type=int, default=3000)
    parser.add_argument("--kaggle", type=Path, default=KAGGLE)
    parser.add_argument("--skip-kaggle", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch CPU threads (1 is faster on a busy shared machine)"
    )
    parser.add_argument(
        "--kaggle-limit",
        type=int,
        default=None,
        help=(
            "index only the first N Kaggle garments (the load is still timed in full) and estimate the "
            "full build"
        ),
    )
    args = parser.parse_args()
    global THREADS
    THREADS = args.threads
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    queries = load_queries()
    results: dict[str, Any] = {"machine": machine()}
    if not args.skip_demo:
        results["demo"] = demo_quality(args.demo_size, queries)
    if args.skip_kaggle:
        pass
    elif not args.kaggle.is_file():
        print(f"\nKaggle catalogue {args.kaggle} is absent: skipped")
        results["kaggle"] = {"skipped": f"{args.kaggle} absent"}
    else:
        print(
            f"\nKaggle catalogue {args.kaggle}: building with MiniLM on {os.cpu_count()} cores …", flush=True
        )
        results["kaggle"] = kaggle_speed(args.kaggle, queries, args.kaggle_limit)
        k = results["kaggle"]
        print_table(
            [
                {
                    "rows": k["rows_read"],
                    "indexed": k["indexed"],
                    "skipped": k["skipped"],
                    "build_s": k["build_s"],
                    "embed_s": k["timings"]["embed_s"],
                    "query_p50_ms": k["warm_query"]["p50_ms"],
                    "query_p95_ms": k["warm_query"]["p95_ms"],
                    "filtered_p95_ms": k["warm_query_filtered"]["p95_ms"],
                    "cli_search_s": k["cli_cold_start_s"]["search_median_s"],
                    "cli_help_s": k["cli_cold_start_s"]["help_median_s"],
                }
            ],
            [
                "rows",
                "indexed",
                "skipped",
                "build_s",
                "embed_s",
                "query_p50_ms",
                "query_p95_ms",
                "filtered_p95_ms",
                "cli_search_s",
                "cli_help_s",
            ],
        )
    previous = read_results("search_quality") or {}
    path = write_results("search_quality", {**previous, **results})  # a partial run keeps the other part
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
