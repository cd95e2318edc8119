"""A real catalogue end to end: `stylist index build` on the 40k-row Kaggle catalogue, warm query
latency on the built index, and the CLI's cold start, per text model.

    nice -n 10 .venv/bin/python benchmarks/index_build.py [--catalogue
    ../shared/data/kaggle-fashion-styles/styles.csv]
        [--text-model embedded-static --text-model embedded]

``embedded`` is the packaged MiniLM (the default); ``embedded-static`` is ``stylist index build
--fast``: its first build includes distilling the static model (once per data home), so it is built
twice, and the second build shows the cost of every later one.

The build runs through the CLI exactly as a user runs it (a fresh STYLIST_HOME, default settings),
so its time includes model loading, parsing, embedding and writing Chroma + FAISS. Warm latency is
measured in-process on the opened index (text queries, with and without filters); cold start is the
wall time of whole `stylist` processes. Prints tables and writes benchmarks/results/index_build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, percentiles_ms, print_table, write_results

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "navy formal shirt for men",
    "black leather boots",
    "red summer dress",
    "white sneakers",
    "blue denim jeans",
    "women's handbag",
    "grey sweatshirt",
    "gold watch",
    "floral kurta",
    "brown belt",
    "sports shoes for running",
    "pink top for girls",
    "green casual t-shirt",
    "silver earrings",
    "formal trousers",
    "sandals for summer",
]


def _default_catalogue() -> Path:
    for folder in ROOT.parents:
        path = folder / "shared" / "data" / "kaggle-fashion-styles" / "styles.csv"
        if path.is_file():
            return path
    return ROOT.parent / "shared" / "data" / "kaggle-fashion-styles" / "styles.csv"


def _stylist() -> list[str]:
    exe = Path(sys.executable).with_name("stylist")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "stylist.cli"]


def build(catalogue: Path, home: Path, text_model: str) -> dict:
    env = {**os.environ, "STYLIST_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [*_stylist(), "index", "build", "--catalogue", str(catalogue), "--text-model", text_model, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"index build failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    return {
        "text_model": text_model,
        "rows_read": report["rows_read"],
        "indexed": report["indexed"],
        "skipped": report["skipped"],
        "faiss_kind": report["faiss_kind"],
        "image_vectors": report.get("image_vectors", 0),
        "wall_s": round(wall, 1),
        **{k: round(v, 1) for k, v in report["timings"].items()},
        "rows_per_s": round(report["indexed"] / wall, 1),
        "cpu_s": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 1),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 0),
    }


def warm_latency(home: Path, runs: int) -> list[dict]:
    from stylist.config import load_settings
    from stylist.index.filters import SearchFilters
    from stylist.index.schema import Gender, Slot
    from stylist.runtime import Runtime

    runtime = Runtime(load_settings(home=str(home)))
    index = runtime.catalogue_index
    index.search("warm up", k=10)
    # The second case repeats the first one's texts: their vectors come from the query cache, so it
    # times the filtered search alone.
    cases = {
        "text (embed + search)": SearchFilters(),
        "same texts + slot/gender/colour filters (cached vector)": SearchFilters(
            slots=[Slot.TOP], genders=[Gender.MEN], colours=["blue"]
        ),
    }
    rows = []
    for name, filters in cases.items():
        times = []
        for i in range(runs):
            query = f"{QUERIES[i % len(QUERIES)]} {i // len(QUERIES)}"  # distinct texts: no query-cache hits
            start = time.perf_counter()
            index.search(query, filters=filters, k=10)
            times.append(time.perf_counter() - start)
        rows.append({"query": name, "n": runs, **percentiles_ms(times), "qps": round(runs / sum(times), 1)})
    return rows


def cold_start(home: Path, runs: int) -> list[dict]:
    env = {**os.environ, "STYLIST_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    commands = {
        "stylist --help": ["--help"],
        "stylist item ID --json": ["item", "__FIRST__", "--json"],
        "stylist search QUERY --json": ["search", "navy formal shirt for men", "--json"],
    }
    first = json.loads(
        subprocess.run(
            [*_stylist(), "search", "shirt", "--json", "-k", "1"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )[0]
    rows = []
    for name, args in commands.items():
        args = [first["id"] if a == "__FIRST__" else a for a in args]
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([*_stylist(), *args], env=env, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        rows.append(
            {
                "command": name,
                "runs": runs,
                "median_s": round(sorted(times)[len(times) // 2], 2),
                "min_s": round(min(times), 2),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=_default_catalogue())
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument(
        "--text-model", action="append", help="embedded-static and/or embedded (default: both)"
    )
    args = parser.parse_args()
    if not args.catalogue.is_file():
        raise SystemExit(f"no catalogue at {args.catalogue} (pass --catalogue PATH to a Kaggle styles.csv)")
    results: dict = {"machine": machine(), "catalogue": str(args.catalogue), "runs": []}
    builds, warm_rows, cold_rows = [], [], []
    for text_model in args.text_model or ["embedded-static", "embedded"]:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "home"
            print(f"building {args.catalogue} with {text_model} ...", flush=True)
            run = {"text_model": text_model, "builds": [build(args.catalogue, home, text_model)]}
            if text_model == "embedded-static":  # the first build distilled the model; later ones reuse it
                run["builds"].append(build(args.catalogue, home, text_model))
            for n, b in enumerate(run["builds"]):
                builds.append({"build": "first" if n == 0 else "again", **b})
            run["warm_query"] = warm_latency(home, args.queries)
            run["cold_start"] = cold_start(home, args.cold_runs)
            warm_rows += [{"text_model": text_model, **r} for r in run["warm_query"]]
            cold_rows += [{"text_model": text_model, **r} for r in run["cold_start"]]
            results["runs"].append(run)
    print_table(builds, list(builds[0]))
    print()
    print_table(warm_rows, ["text_model", "query", "n", "p50_ms", "p95_ms", "qps"])
    print()
    print_table(cold_rows, ["text_model", "command", "runs", "median_s", "min_s"])
    path = write_results("index_build", results)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
