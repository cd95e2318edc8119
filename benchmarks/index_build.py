"""A real catalogue end to end: `stylist index build` on the 40k-row Kaggle catalogue, warm query
latency on the built index, and the CLI's cold start, per text model.

    nice -n 10 .venv/bin/python benchmarks/index_build.py [--catalogue
    ../shared/data/kaggle-fashion-styles/styles.csv]
        [--text-model embedded-static --text-model embedded]

With ``--images-dir`` (the Kaggle photos) the build embeds every row's photo too, with the encoder the
default ``embed.image_model = auto`` picks for a catalogue of real photos (the packaged photo encoder);
rows without a photo are indexed by text alone and counted. ``--photo-rate N`` also times embedding N
photos read from disk (images/s). Timing runs go under the quiet lock (docs/benchmarks.md):

    flock /tmp/stylist-quiet.lock nice -n 0 .venv/bin/python benchmarks/index_build.py --text-model embedded \
        --images-dir ../shared/data/kaggle-fashion-images/images --photo-rate 512 --no-latency

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


def build(catalogue: Path, home: Path, text_model: str, images_dir: Path | None = None) -> dict:
    env = {**os.environ, "STYLIST_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    pictures = ["--images-dir", str(images_dir)] if images_dir else ["--no-images"]
    proc = subprocess.run(
        [
            *_stylist(),
            "index",
            "build",
            "--catalogue",
            str(catalogue),
            "--text-model",
            text_model,
            *pictures,
            "--json",
        ],
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
        "images_missing": report.get("images_missing", 0),
        "image_problems": len(report.get("image_problems") or []),
        "images_per_s": report.get("images_per_s"),
        "image_encoder": (report.get("image_embedder") or "-:-:-").split(":")[2],  # its checkpoint file
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


def photo_rate(images_dir: Path, n: int, threads: int | None) -> dict:
    """Images/s of reading ``n`` photos from disk and embedding them with the photo encoder, batch 64
    (what a build does per picture), after one warm-up batch."""
    from stylist.config import load_settings
    from stylist.index.embed.factory import make_text_embedder
    from stylist.index.imagenc.embedder import make_image_embedder
    from stylist.index.imagenc.images import load_image

    if threads:
        import torch

        torch.set_num_threads(threads)
    files = sorted(images_dir.glob("*.jpg"))[: n + 64]
    encoder = make_image_embedder("photos", make_text_embedder(load_settings()), "cpu", 64)
    encoder.embed_images([load_image(f) for f in files[:64]])  # warm-up
    start = time.perf_counter()
    for k in range(64, len(files), 64):
        encoder.embed_images([load_image(f) for f in files[k : k + 64]])
    seconds = time.perf_counter() - start
    return {
        "encoder": encoder.name,
        "photos": len(files) - 64,
        "threads": threads or "default",
        "seconds": round(seconds, 1),
        "images_per_s": round((len(files) - 64) / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=_default_catalogue())
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument(
        "--text-model", action="append", help="embedded-static and/or embedded (default: both)"
    )
    parser.add_argument("--images-dir", type=Path, help="the catalogue's photos: index them too")
    parser.add_argument("--photo-rate", type=int, default=0, help="also time embedding N photos (images/s)")
    parser.add_argument("--threads", type=int, help="torch threads for --photo-rate (default: torch's)")
    parser.add_argument("--no-latency", action="store_true", help="builds only: no warm or cold latency")
    args = parser.parse_args()
    if not args.catalogue.is_file():
        raise SystemExit(f"no catalogue at {args.catalogue} (pass --catalogue PATH to a Kaggle styles.csv)")
    results: dict = {"machine": machine(), "uptime_before": _uptime(), "catalogue": str(args.catalogue)}
    results["images_dir"] = str(args.images_dir) if args.images_dir else None
    results["runs"] = []
    if args.photo_rate and args.images_dir:
        results["photo_rate"] = photo_rate(args.images_dir, args.photo_rate, args.threads)
        print_table([results["photo_rate"]], list(results["photo_rate"]))
    builds, warm_rows, cold_rows = [], [], []
    for text_model in args.text_model or ["embedded-static", "embedded"]:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "home"
            print(f"building {args.catalogue} with {text_model} ...", flush=True)
            first = build(args.catalogue, home, text_model, args.images_dir)
            run = {"text_model": text_model, "builds": [first]}
            if text_model == "embedded-static":  # the first build distilled the model; later ones reuse it
                run["builds"].append(build(args.catalogue, home, text_model, args.images_dir))
            for n, b in enumerate(run["builds"]):
                builds.append({"build": "first" if n == 0 else "again", **b})
            if not args.no_latency:
                run["warm_query"] = warm_latency(home, args.queries)
                run["cold_start"] = cold_start(home, args.cold_runs)
                warm_rows += [{"text_model": text_model, **r} for r in run["warm_query"]]
                cold_rows += [{"text_model": text_model, **r} for r in run["cold_start"]]
            results["runs"].append(run)
    results["uptime_after"] = _uptime()
    print_table(builds, list(builds[0]))
    if warm_rows:
        print()
        print_table(warm_rows, ["text_model", "query", "n", "p50_ms", "p95_ms", "qps"])
        print()
        print_table(cold_rows, ["text_model", "command", "runs", "median_s", "min_s"])
    print(f"\nload average before {results['uptime_before']}, after {results['uptime_after']}")
    path = write_results("index_build_photos" if args.images_dir else "index_build", results)
    print(f"\nwrote {path}")


def _uptime() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
