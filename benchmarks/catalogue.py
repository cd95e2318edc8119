"""Catalogue benchmark: loader throughput on the real catalogues and demo generation/rendering speed.

    nice -n 10 .venv/bin/python benchmarks/catalogue.py [--shared ../shared/data] [-n 3000]

Prints a table and writes benchmarks/results/catalogue.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from _common import shared_data

from stylist.index.demo import generate_demo_catalogue
from stylist.index.loaders import load_catalogue, write_catalogue

ROOT = Path(__file__).resolve().parents[1]


def timed(fn):
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - start_wall, time.process_time() - start_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared_data())
    parser.add_argument("-n", type=int, default=3000, help="demo catalogue size")
    args = parser.parse_args()
    rows: list[dict] = []

    for name, path in (
        ("kaggle styles.csv", args.shared / "kaggle-fashion-styles" / "styles.csv"),
        ("polyvore outfits.jsonl", args.shared / "polyvore-maryland" / "outfits.jsonl"),
    ):
        if not path.is_file():
            print(f"skipping {name}: {path} is absent")
            continue
        result, wall, cpu = timed(lambda path=path: load_catalogue(path))
        rows.append(
            {
                "case": f"load {name}",
                "items": result.rows_read,
                "loaded": len(result.garments),
                "skipped": result.summary()["skipped"],
                "wall_s": wall,
                "cpu_s": cpu,
                "items_per_s": result.rows_read / wall,
            }
        )

    garments, wall, cpu = timed(lambda: generate_demo_catalogue(n=args.n, seed=7))
    rows.append(
        {
            "case": "demo garments (no images)",
            "items": args.n,
            "loaded": len(garments),
            "skipped": 0,
            "wall_s": wall,
            "cpu_s": cpu,
            "items_per_s": args.n / wall,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        rendered, wall, cpu = timed(
            lambda: generate_demo_catalogue(n=args.n, seed=7, image_dir=Path(tmp) / "images")
        )
        size = sum(f.stat().st_size for f in (Path(tmp) / "images").iterdir())
        rows.append(
            {
                "case": "demo garments + 128px PNGs",
                "items": args.n,
                "loaded": len(rendered),
                "skipped": 0,
                "wall_s": wall,
                "cpu_s": cpu,
                "items_per_s": args.n / wall,
                "image_bytes": size,
            }
        )
        path = Path(tmp) / "catalogue.jsonl"
        _, wall_w, cpu_w = timed(lambda: write_catalogue(rendered, path))
        reloaded, wall_r, cpu_r = timed(lambda: load_catalogue(path))
        rows.append(
            {
                "case": "write + reload demo JSONL (verifies images)",
                "items": args.n,
                "loaded": len(reloaded.garments),
                "skipped": reloaded.summary()["skipped"],
                "wall_s": wall_w + wall_r,
                "cpu_s": cpu_w + cpu_r,
                "items_per_s": args.n / (wall_w + wall_r),
            }
        )

    header = (
        f"{'case':<46} {'items':>7} {'loaded':>7} {'skipped':>7} {'wall s':>8} {'cpu s':>8} {'items/s':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['case']:<46} {r['items']:>7} {r['loaded']:>7} {r['skipped']:>7} {r['wall_s']:>8.2f} "
            f"{r['cpu_s']:>8.2f} {r['items_per_s']:>9.0f}"
        )
    out = ROOT / "benchmarks" / "results" / "catalogue.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"machine": platform.platform(), "cpus": os.cpu_count(), "rows": rows}, indent=2)
    )
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
