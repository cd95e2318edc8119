"""Rolling-origin backtest of the trend models on the demo series and on each real file.

    nice -n 10 .venv/bin/python benchmarks/trends.py [--max-series 100] [--origins 3] [--horizon 8]

For each dataset (the seeded demo series; each file in ../shared/data/trends, skipped when
absent) and each model: MAE, sMAPE, MAPE (only cases without a zero actual), MASE (mean and
median; < 1 beats the in-sample one-step seasonal naive), rel MAE (total MAE over seasonal
naive's on the same cases; < 1 beats the seasonal-naive *forecaster*), rising/falling direction
accuracy over the horizon, and interval coverage (nominal 80%). Weekly data uses ``--horizon``
weeks; monthly data ``--horizon-monthly`` months (the global model is weekly-only and is skipped
there). Series are sampled (seeded) down to ``--max-series`` per file to keep the run to a few
minutes on two shared cores; the table says how many ran. Writes benchmarks/results/trends.json.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def shared_trends_dir() -> Path | None:
    if os.environ.get("STYLIST_SHARED_DATA"):
        return Path(os.environ["STYLIST_SHARED_DATA"]) / "trends"
    for folder in REPO.parents:
        if (folder / "shared" / "data" / "trends").is_dir():
            return folder / "shared" / "data" / "trends"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--horizon", type=int, default=8, help="weeks ahead for weekly data")
    parser.add_argument("--horizon-monthly", type=int, default=6, help="months ahead for monthly data")
    parser.add_argument(
        "--origins", type=int, default=3, help="forecast origins per series (spaced one horizon apart)"
    )
    parser.add_argument(
        "--max-series",
        type=int,
        default=100,
        help="series per dataset (seeded sample; 100 covers every file now)",
    )
    parser.add_argument("--models", default="seasonal_naive,ets,theta,global")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder with the real files (default: ../shared/data/trends)",
    )
    parser.add_argument("--only", default=None, help="run only datasets whose name contains this")
    parser.add_argument(
        "--checkpoint", type=Path, default=None, help="global model checkpoint (default: packaged)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "trends.json")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    from stylist.tools.trends.backtest import rolling_origin
    from stylist.tools.trends.demo import generate_demo_series
    from stylist.tools.trends.forecast import model_factories
    from stylist.tools.trends.ingest import read_events

    factories = model_factories(args.checkpoint)
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in names if m not in factories]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; choose from {list(factories)}")

    datasets = [("demo", lambda: generate_demo_series().series)]
    data_dir = args.data_dir or shared_trends_dir()
    skipped_files = []
    if data_dir and data_dir.is_dir():
        for path in sorted(data_dir.glob("*.csv")):
            datasets.append((path.stem, lambda path=path: read_events(path, source=path.stem)[0]))
    else:
        skipped_files.append("../shared/data/trends is absent: real files skipped")
    if args.only:
        datasets = [(n, f) for n, f in datasets if args.only in n]

    results = []
    for name, load in datasets:
        series = load()
        total = len(series)
        if len(series) > args.max_series:
            picks = np.random.default_rng(args.seed).choice(len(series), size=args.max_series, replace=False)
            series = [series[i] for i in sorted(picks)]
        freq = series[0].freq
        horizon = args.horizon if freq == "W" else args.horizon_monthly
        models = {m: factories[m] for m in names if not (m == "global" and freq != "W")}
        start = time.time()
        result = rolling_origin(series, models, horizon=horizon, origins=args.origins)
        elapsed = time.time() - start
        entry = {
            "dataset": name,
            "freq": freq,
            "series_total": total,
            "series_run": result.series,
            "horizon": horizon,
            "origins": args.origins,
            "seconds": round(elapsed, 1),
            "models_skipped": [m for m in names if m not in models],
            "series_skipped": result.skipped,
            "scores": {m: s.as_dict() for m, s in result.scores.items()},
        }
        results.append(entry)
        print_table(entry)
        sys.stdout.flush()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "trends rolling-origin backtest",
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "checkpoint_meta": _checkpoint_meta(args.checkpoint),
        "notes": skipped_files,
        "results": results,
    }
    args.out.write_text(json.dumps(payload, indent=2))
    print(f"\nwrote {args.out}")
    return 0


def _checkpoint_meta(path: Path | None) -> dict:
    from stylist.tools.trends.neural import PACKAGED_CHECKPOINT, load_checkpoint

    try:
        return load_checkpoint(path or PACKAGED_CHECKPOINT)[2]
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        return {"error": str(exc)}


def _fmt(value, digits=3, n=None):
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "n/a"
    text = f"{value:.{digits}f}"
    return f"{text} ({n})" if n is not None else text


def print_table(entry: dict) -> None:
    unit = "weeks" if entry["freq"] == "W" else "months"
    print(
        f"\n## {entry['dataset']}: {entry['series_run']}/{entry['series_total']} series, "
        f"{entry['origins']} origins, horizon {entry['horizon']} {unit}, {entry['seconds']} s"
    )
    header = [
        "model",
        "cases",
        "MAE",
        "sMAPE",
        "MAPE (n)",
        "MASE",
        "MASE med",
        "rel MAE",
        "dir acc",
        "cover80",
        "fail",
        "sec",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for m, s in entry["scores"].items():
        row = [
            m,
            str(s["cases"]),
            _fmt(s["mae"], 2),
            _fmt(s["smape"], 1),
            _fmt(s["mape"], 1, s["mape_cases"]),
            _fmt(s["mase"]),
            _fmt(s["mase_median"]),
            _fmt(s["rel_mae"]),
            _fmt(s["direction_acc"]),
            _fmt(s["coverage"], 2),
            str(s["failures"]),
            _fmt(s["seconds"], 1),
        ]
        print("| " + " | ".join(row) + " |")
    for m in entry["models_skipped"]:
        print(f"(skipped {m}: weekly-only model on {entry['freq']} data)")
    for line in entry["series_skipped"]:
        print(f"(series skipped: {line})")


if __name__ == "__main__":
    raise SystemExit(main())
