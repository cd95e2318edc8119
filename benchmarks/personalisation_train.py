"""How long the first "for you" / "which size" request trains on a full RentTheRunway import.

``nice -n 0 .venv/bin/python benchmarks/personalisation_train.py`` (under the quiet lock): trains
each part of :class:`~stylist.profiles.personal.PersonalModels` on every review of the shared file
(as the first request after ``stylist feedback import`` of it does), prints a table of seconds per
part and the pickled size, and writes ``benchmarks/results/personalisation_train.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from personalisation_rtr import RESULTS, load, shared_file  # noqa: E402

from stylist.profiles.catalogue_foryou import CatalogueForYou  # noqa: E402
from stylist.profiles.fit import FitModel  # noqa: E402
from stylist.profiles.fitclf import FitClassifier  # noqa: E402
from stylist.profiles.foryou import COLD, WARM, RentalRecommender  # noqa: E402
from stylist.profiles.personal import PersonalModels  # noqa: E402
from stylist.profiles.ratings import ExplicitMF, MFConfig  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", help="RentTheRunway-format CSV (default: the shared file)")
    args = ap.parse_args(argv)
    data = load(Path(args.file) if args.file else shared_file())
    seconds: dict[str, float] = {}

    def timed(name: str, make):  # noqa: ANN001, ANN202
        t = time.perf_counter()
        out = make()
        seconds[name] = round(time.perf_counter() - t, 2)
        return out

    explicit = timed(
        "rating biases", lambda: ExplicitMF(MFConfig(factors=0)).fit(data.user, data.item, data.rating)
    )
    rec = timed("rental recommender", lambda: RentalRecommender(WARM, COLD).fit(data, None, explicit))
    fit = timed("size model", lambda: FitModel().fit(data))
    cat = timed("catalogue for-you", lambda: CatalogueForYou().fit(data))
    clf = timed("fit classifier", lambda: FitClassifier().fit(data))
    models = PersonalModels(
        recommender=rec, fit=fit, version=(len(data), 0), catalogue=cat, fit_classifier=clf
    )
    blob = timed("pickle", lambda: pickle.dumps(models))
    seconds["total"] = round(sum(seconds.values()), 2)
    result = {
        "benchmark": "personalisation_train",
        "dataset": "renttherunway",
        "rows": len(data),
        "users": int(len(np.unique(data.user))),
        "items": int(len(np.unique(data.item))),
        "seconds": seconds,
        "pickle_mb": round(len(blob) / 2**20, 1),
        "load_average": os.getloadavg(),
    }
    print(
        f"PersonalModels.train on {result['rows']} reviews ({result['users']} users, {result['items']} items)"
    )
    print("| part | seconds |\n|---|---|")
    for k, v in seconds.items():
        print(f"| {k} | {v} |")
    print(f"pickle {result['pickle_mb']} MB; load average after {result['load_average']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "personalisation_train.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
