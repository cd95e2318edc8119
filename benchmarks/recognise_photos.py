"""The garment recogniser on real product photos: article type, colour, calibration, unsure, speed.

Same split as benchmarks/image_text.py (benchmarks/_photos.py: 70/15/15 by seeded id hash). The
heads are fitted on train features of the packaged image encoder; temperatures and the unsure
threshold on validation; figures for validation and test. Colours: the learned head's first
colour against the pixel method (foreground clusters without skin-toned pixels) and against the
demo recogniser's pixel colours, all scored on the row's base colour. Images/s is the whole
``recognise()`` on photo files (decode, foreground, encoder, heads). Prints tables, writes
benchmarks/results/recognise_photos.json. (benchmarks/recognise.py keeps the demo and
Fashion-MNIST rows.)

    nice -n 10 python benchmarks/recognise_photos.py --save tools/recognise/checkpoints/photos.pt
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, print_table, write_results  # noqa: E402
from _photos import MAPS_BLOCK, cached_maps, load_photos  # noqa: E402

from stylist.index.imagenc.embedder import PACKAGED_CHECKPOINT  # noqa: E402
from stylist.index.imagenc.images import load_image  # noqa: E402
from stylist.index.imagenc.model import load_checkpoint  # noqa: E402
from stylist.index.slots import slot_for_article  # noqa: E402
from stylist.tools.recognise.calibrate import expected_calibration_error  # noqa: E402
from stylist.tools.recognise.photo import PhotoRecogniser, pixel_colours, save_heads  # noqa: E402
from stylist.tools.recognise.train_photos import HeadsTrainConfig, fit_photo_heads  # noqa: E402


@torch.no_grad()
def pooled(backbone, maps: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [
            backbone.tail(
                backbone.prefix_from(torch.from_numpy(maps[i : i + 256]).float(), MAPS_BLOCK)
            ).numpy()
            for i in range(0, len(maps), 256)
        ]
    )


def slot(article: str) -> str:
    try:
        return slot_for_article(article).value
    except Exception:  # unknown to the slot table
        return "?"


def scores(rec: PhotoRecogniser, feats: np.ndarray, garments: list) -> dict:
    pa, pc = rec.probs(feats)
    raw, _ = rec.probs(feats, calibrated=False)
    cfg = rec._load().config
    articles = np.array(cfg.articles)
    truth = np.array([g.article_type for g in garments])
    label_idx = np.array([cfg.articles.index(a) if a in cfg.articles else -1 for a in truth])
    pred = articles[pa.argmax(axis=1)]
    conf = pa.max(axis=1)
    answered = conf >= rec.calibration.unsure_below
    colour_truth = np.array([g.colours[0] if g.colours else "" for g in garments])
    colour_pred = np.array(cfg.colours)[pc.argmax(axis=1)]
    known = label_idx >= 0
    return {
        "photos": len(garments),
        "article accuracy": float(np.mean(pred == truth)),
        "slot accuracy": float(np.mean([slot(p) == slot(t) for p, t in zip(pred, truth)])),
        "answered accuracy": float(np.mean(pred[answered] == truth[answered])) if answered.any() else None,
        "share unsure": float(1 - answered.mean()),
        "ECE": expected_calibration_error(pa[known], label_idx[known]),
        "ECE uncalibrated": expected_calibration_error(raw[known], label_idx[known]),
        "first colour (learned)": float(np.mean(colour_pred == colour_truth)),
        "_pred": pred,
        "_truth": truth,
    }


def worst_types(pred: np.ndarray, truth: np.ndarray, n: int = 5, min_photos: int = 10) -> list[dict]:
    rows = []
    for label, count in Counter(truth).items():
        if count < min_photos:
            continue
        mine = truth == label
        wrong = Counter(pred[mine & (pred != truth)]).most_common(2)
        rows.append(
            {
                "type": label,
                "photos": int(count),
                "accuracy": float(np.mean(pred[mine] == label)),
                "taken for": ", ".join(f"{k} ({v})" for k, v in wrong),
            }
        )
    return sorted(rows, key=lambda r: r["accuracy"])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", type=Path, default=PACKAGED_CHECKPOINT)
    parser.add_argument("--save", type=Path, default=Path("/tmp/photos_cache/recogniser_photos.pt"))
    parser.add_argument("--pixel-photos", type=int, default=400, help="test photos read by the pixel methods")
    parser.add_argument("--speed-photos", type=int, default=48)
    parser.add_argument("--features", type=Path, help="cached pooled features (N, 1280), in photo order")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    ps = load_photos()
    tr, va, te = ps.split["train"], ps.split["val"], ps.split["test"]
    print(f"photos {len(ps.garments)}: train {len(tr)}, validation {len(va)}, test {len(te)}", flush=True)
    encoder, _ = load_checkpoint(args.encoder)
    if args.features:  # pooled features of this encoder's backbone, cached (benchmarks/image_text.py)
        feats = np.load(args.features)
    else:
        feats = pooled(encoder.backbone, cached_maps(ps.ids))
    arts = [g.article_type for g in ps.garments]
    cols = [g.colours[0] if g.colours else "" for g in ps.garments]
    t0 = time.perf_counter()
    heads, calibration = fit_photo_heads(
        feats[tr],
        [arts[i] for i in tr],
        [cols[i] for i in tr],
        feats[va],
        [arts[i] for i in va],
        [cols[i] for i in va],
        HeadsTrainConfig(),
        encoder=args.encoder.name,
    )
    fit_s = time.perf_counter() - t0
    digest = hashlib.sha256(args.encoder.read_bytes()).hexdigest()[:16]
    save_heads(
        args.save,
        heads,
        calibration,
        {"encoder_sha256": digest, "trained_on": f"kaggle photos train {len(tr)}"},
    )
    rec = PhotoRecogniser(args.save)
    rows = {}
    for split, part in (("val", va), ("test", te)):
        rows[split] = scores(rec, feats[part], [ps.garments[i] for i in part])
    test = rows["test"]
    worst = worst_types(test.pop("_pred"), test.pop("_truth"))
    for r in rows.values():
        r.pop("_pred", None), r.pop("_truth", None)

    sample = te[: args.pixel_photos]
    truth = np.array([cols[i] for i in sample])
    pixel = [pixel_colours(load_image(ps.garments[i].image_path)) for i in sample]
    test["first colour (pixel, no skin), same photos"] = float(
        np.mean([p[:1] == [t] for p, t in zip(pixel, truth)])
    )
    pa, pc = rec.probs(feats[sample])
    test["first colour (learned), same photos"] = float(
        np.mean(np.array(heads.config.colours)[pc.argmax(1)] == truth)
    )

    files = [ps.garments[i].image_path for i in te[: args.speed_photos]]
    rec.recognise(files[0])  # load
    t0 = time.perf_counter()
    statuses = Counter(rec.recognise(f).status for f in files)
    test["images/s (recognise)"] = round(len(files) / (time.perf_counter() - t0), 2)
    test["statuses"] = dict(statuses)

    print(
        f"\nphotos: train {len(tr)}, validation {len(va)}, test {len(te)}; heads fitted in {fit_s:.1f} s; "
        f"temperatures {calibration.article_temperature:.2f} / {calibration.colour_temperature:.2f}; "
        f"unsure below {calibration.unsure_below}"
    )
    keys = [k for k in test if k not in ("statuses",)]
    print_table(
        [{"metric": k, "val": rows["val"].get(k), "test": test.get(k)} for k in keys],
        ["metric", "val", "test"],
    )
    print("\nworst 5 article types on test")
    print_table(worst, ["type", "photos", "accuracy", "taken for"])
    path = write_results(
        "recognise_photos",
        {
            "machine": machine(),
            "sizes": {"train": len(tr), "val": len(va), "test": len(te)},
            "calibration": {
                "article_temperature": calibration.article_temperature,
                "colour_temperature": calibration.colour_temperature,
                "unsure_below": calibration.unsure_below,
            },
            "rows": rows,
            "worst_types": worst,
            "articles": len(heads.config.articles),
            "colours": len(heads.config.colours),
        },
    )
    print(f"wrote {path}; saved {args.save} ({args.save.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
