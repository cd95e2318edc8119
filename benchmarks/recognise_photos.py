"""The garment recogniser on real product photos: article type, colour, calibration, unsure, speed.

Same split as benchmarks/image_text.py (benchmarks/_photos.py: 70/15/15 by seeded id hash). The
recogniser's heads are fitted on the train split (frozen EfficientNet-Lite0 features, cached in
/tmp/photos_cache), temperatures and the unsure threshold on validation; every figure is given for
validation (tuned on) and test (never tuned on). Labels: the catalogue's article types mapped to
Stylist's types (``article_key``: Tshirts -> t-shirt, Flip Flops -> sandals), the row's base
colour, the pattern read from the product name where it names one.

Colour: the learned colour head against the pixel method (largest CIELAB cluster of the garment
pixels, named by per-colour prototypes fitted on train photos) on two garment masks: the foreground
without skin-toned pixels, and the colour head's own learned pixel weights. Images/s: the whole
``recognise()`` on photo files (decode, foreground, backbone, heads), timed under
``flock /tmp/stylist-quiet.lock`` when ``--timing`` is given. Prints tables, writes
benchmarks/results/recognise_photos.json.

    nice -n 19 python benchmarks/recognise_photos.py --save tools/recognise/checkpoints/photos.pt
    nice -n 19 python benchmarks/recognise_photos.py --checkpoint tools/recognise/checkpoints/photos.pt
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, print_table, read_results, write_results  # noqa: E402
from _photos import CACHE, MAPS_BLOCK, cached_maps, load_photos  # noqa: E402

from stylist.fashion.terms import article_key  # noqa: E402
from stylist.index.slots import slot_for_article  # noqa: E402
from stylist.tools.recognise.calibrate import expected_calibration_error  # noqa: E402
from stylist.tools.recognise.photo import PhotoRecogniser, load_net, save_net  # noqa: E402
from stylist.tools.recognise.photonet import FrozenBackbone, pixel_grid  # noqa: E402
from stylist.tools.recognise.pixelcolour import (  # noqa: E402
    PixelNamer,
    dominant_lab,
    garment_weights,
)
from stylist.tools.recognise.tail import TailConfig  # noqa: E402
from stylist.tools.recognise.train_photos import (  # noqa: E402
    PhotoData,
    PhotoTrainConfig,
    add_tuned_tail,
    fit_photo_net,
)

PIXELS = 28  # the colour head's grid (the cache holds 56 px grids; 2x2 means give 28 px)


def features(ids: list[str], files: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pooled (N, 1280), last-block maps (N, 320, 7, 7) fp16, pixel grids (N, 28, 28, 3)), cached."""
    last, grid_file, pooled_file = CACHE / "last_maps.npz", CACHE / "grid56.npy", CACHE / "frozen_pooled.npy"
    if last.is_file() and np.load(last)["ids"].tolist() == ids:
        maps = np.load(last)["maps"]
    else:
        backbone = FrozenBackbone()
        block = cached_maps(ids)
        maps = np.concatenate(
            [
                backbone.from_block(torch.from_numpy(block[i : i + 128]).float(), MAPS_BLOCK)[0]
                .half()
                .numpy()
                for i in range(0, len(block), 128)
            ]
        )
        np.savez(last, ids=np.array(ids), maps=maps)
    if pooled_file.is_file() and len(np.load(pooled_file, mmap_mode="r")) == len(ids):
        pooled = np.load(pooled_file)
    else:
        backbone = FrozenBackbone()
        pooled = np.concatenate(
            [
                backbone.net._swish(
                    backbone.net._bn1(backbone.net._conv_head(torch.from_numpy(maps[i : i + 256]).float()))
                )
                .mean(dim=(2, 3))
                .detach()
                .numpy()
                for i in range(0, len(maps), 256)
            ]
        )
        np.save(pooled_file, pooled)
    if grid_file.is_file() and len(np.load(grid_file, mmap_mode="r")) == len(ids):
        grid = np.load(grid_file)
    else:
        grid = np.concatenate(
            [
                pixel_grid([Image.open(f).convert("RGB") for f in files[i : i + 256]], 56)
                for i in range(0, len(files), 256)
            ]
        )
        np.save(grid_file, grid)
    n, side = grid.shape[:2]
    if side != PIXELS:  # box-average the cached 56 px grids (what pixel_grid(img, 28) computes, to rounding)
        f = side // PIXELS
        grid = grid.reshape(n, PIXELS, f, PIXELS, f, 3).mean(axis=(2, 4)).round().astype(np.uint8)
    return pooled, maps, grid


def tail_maps(ids: list[str], start: int) -> np.ndarray:
    """(N, 192, 7, 7) fp16 input maps of block ``start`` (>= MAPS_BLOCK): the cached block-13
    inputs run through the frozen blocks in between, cached in turn."""
    if start == MAPS_BLOCK:
        return cached_maps(ids)
    path = CACHE / f"block{start}_inputs.npz"
    if path.is_file() and np.load(path)["ids"].tolist() == ids:
        return np.load(path)["maps"]
    blocks, maps = FrozenBackbone().net._blocks[MAPS_BLOCK:start], cached_maps(ids)
    out = []
    with torch.no_grad():
        for i in range(0, len(maps), 256):
            h = torch.from_numpy(maps[i : i + 256]).float()
            for block in blocks:
                h = block(h)
            out.append(h.half().numpy())
    np.savez(path, ids=np.array(ids), maps=np.concatenate(out))
    return np.load(path)["maps"]


def slot(article: str) -> str:
    try:
        return slot_for_article(article).value
    except Exception:  # unknown to the slot table
        return "?"


def scores(rec: PhotoRecogniser, data: PhotoData) -> tuple[dict, dict]:
    logits = rec.logits(data.pooled, data.maps, data.grid, data.tail_maps)
    cal, raw = rec.probs(logits), rec.probs(logits, calibrated=False)
    cfg = rec.config
    pa, pc, pp = cal["article"], cal["colour"], cal["pattern"]
    truth = np.array(data.articles)
    label = np.array([cfg.articles.index(a) if a in cfg.articles else -1 for a in truth])
    pred = np.array(cfg.articles)[pa.argmax(1)]
    conf = pa.max(1)
    answered = conf >= rec.calibration.unsure_below
    colour_truth = np.array(data.colours)
    colour_pred = np.array(cfg.colours)[pc.argmax(1)]
    colour_label = np.array([cfg.colours.index(c) if c in cfg.colours else -1 for c in colour_truth])
    known, kc = label >= 0, colour_label >= 0
    pattern_truth = np.array([p or "" for p in data.patterns])
    has_pattern = pattern_truth != ""
    pattern_pred = np.array(cfg.patterns)[pp.argmax(1)]
    pattern_answered = has_pattern & (pp.max(1) >= rec.calibration.pattern_unsure_below)
    second = np.argsort(pc, axis=1)[:, -2]
    row = {
        "photos": len(truth),
        "article accuracy": float(np.mean(pred == truth)),
        "slot accuracy": float(np.mean([slot(p) == slot(t) for p, t in zip(pred, truth)])),
        "share unsure": float(1 - answered.mean()),
        "accuracy on answered": float(np.mean(pred[answered] == truth[answered])) if answered.any() else None,
        "article ECE uncalibrated": expected_calibration_error(raw["article"][known], label[known]),
        "article ECE calibrated": expected_calibration_error(pa[known], label[known]),
        "first colour accuracy (learned)": float(np.mean(colour_pred == colour_truth)),
        "colour in first two (learned)": float(
            np.mean((colour_pred == colour_truth) | (np.array(cfg.colours)[second] == colour_truth))
        ),
        "colour ECE uncalibrated": expected_calibration_error(raw["colour"][kc], colour_label[kc]),
        "colour ECE calibrated": expected_calibration_error(pc[kc], colour_label[kc]),
        "pattern accuracy (labelled photos)": float(
            np.mean(pattern_pred[has_pattern] == pattern_truth[has_pattern])
        )
        if has_pattern.any()
        else None,
        "pattern answered share / accuracy": (
            f"{pattern_answered.sum() / max(1, has_pattern.sum()):.3f} / "
            f"{np.mean(pattern_pred[pattern_answered] == pattern_truth[pattern_answered]):.3f}"
        )
        if pattern_answered.any()
        else None,
    }
    return row, {"pred": pred, "truth": truth, "where": logits["where"], "colour_pred": colour_pred}


def worst_types(pred: np.ndarray, truth: np.ndarray, n: int = 5, min_photos: int = 10) -> list[dict]:
    rows = []
    for label, count in Counter(truth).items():
        if count < min_photos:
            continue
        mine = truth == label
        wrong = Counter(pred[mine & (pred != truth)]).most_common(3)
        rows.append(
            {
                "type": label,
                "photos": int(count),
                "accuracy": float(np.mean(pred[mine] == label)),
                "taken for": ", ".join(f"{k} ({v})" for k, v in wrong),
            }
        )
    return sorted(rows, key=lambda r: r["accuracy"])[:n]


def pixel_methods(grid: np.ndarray, where: np.ndarray | None) -> list[np.ndarray | None]:
    """Dominant Lab of each pixel grid: on the foreground-without-skin mask, or on ``where``."""
    out = []
    for row, g in enumerate(grid):
        img = Image.fromarray(g)
        weights = garment_weights(img) if where is None else where[row].reshape(g.shape[:2])
        out.append(dominant_lab(img, weights))
    return out


def colour_comparison(
    grid: np.ndarray, colours: list[str], tr: list[int], parts: dict[str, list[int]], extra: dict, n: int
) -> dict:
    """First-colour accuracy of the pixel method on both masks (prototypes fitted on the first ``n``
    train photos), and of the learned head, on the first ``n`` photos of each split."""
    out: dict[str, dict] = {}
    train = tr[:n]
    for mask in ("foreground without skin", "learned garment weights"):
        learned_mask = "learned" in mask
        labs_train = pixel_methods(grid[train], extra["train_where"][:n] if learned_mask else None)
        namer = PixelNamer.fit(labs_train, [colours[i] for i in train])
        for split, idx in parts.items():
            idx = idx[:n]
            labs = pixel_methods(grid[idx], extra[f"{split}_where"][:n] if learned_mask else None)
            named = [namer.name(lab) for lab in labs]
            row = out.setdefault(split, {})
            row[f"first colour, {len(idx)} photos: pixel, {mask}"] = float(
                np.mean([k == colours[i] for k, i in zip(named, idx)])
            )
            learned = extra[split]["colour_pred"][: len(idx)]
            row[f"first colour, {len(idx)} photos: learned head"] = float(
                np.mean([k == colours[i] for k, i in zip(learned, idx)])
            )
    return out


def speed(rec: PhotoRecogniser, files: list[str]) -> dict:
    import os

    rec.recognise(files[0])  # load
    before = os.getloadavg()
    t0 = time.perf_counter()
    statuses = Counter(rec.recognise(f).status for f in files)
    seconds = time.perf_counter() - t0
    batch = [Image.open(f).convert("RGB") for f in files]
    t1 = time.perf_counter()
    rec.predict(batch)
    batch_s = time.perf_counter() - t1
    return {
        "images/s recognise()": round(len(files) / seconds, 2),
        "images/s predict() batch": round(len(files) / batch_s, 2),
        "statuses": dict(statuses),
        "load before": [round(v, 2) for v in before],
        "load after": [round(v, 2) for v in os.getloadavg()],
        "photos": len(files),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="train the heads and save the checkpoint here")
    parser.add_argument("--checkpoint", type=Path, help="evaluate this checkpoint (no training)")
    parser.add_argument("--colour-head", choices=("cnn", "bins"), default="cnn")
    parser.add_argument("--colour-epochs", type=int, default=PhotoTrainConfig.colour_epochs, help="bins head")
    parser.add_argument("--cnn-epochs", type=int, default=PhotoTrainConfig.cnn_epochs, help="cnn head")
    parser.add_argument("--cnn-width", type=int, default=PhotoTrainConfig.cnn_width, help="cnn head")
    parser.add_argument("--target-precision", type=float, default=PhotoTrainConfig.target_precision)
    parser.add_argument(
        "--tail-start",
        type=int,
        default=0,
        help="with --save: also fine-tune EfficientNet's blocks from this one (13-15) and fuse them",
    )
    parser.add_argument("--tail-epochs", type=int, default=TailConfig.epochs)
    parser.add_argument(
        "--heads-from",
        type=Path,
        help="with --save and --tail-start: keep this checkpoint's fitted heads, fit only the tail",
    )
    parser.add_argument(
        "--pixel-photos",
        type=int,
        default=400,
        help="photos per split for the pixel methods (train: prototypes)",
    )
    parser.add_argument("--no-pixel", dest="pixel", action="store_false")
    parser.add_argument(
        "--speed-photos", type=int, default=0, help="time recognise() on this many test photos"
    )
    parser.add_argument(
        "--speed-only",
        action="store_true",
        help="only time --checkpoint on --speed-photos test photos; keep the accuracy figures written",
    )
    parser.add_argument("--val-only", action="store_true", help="figures on validation only (no test)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if bool(args.save) == bool(args.checkpoint):
        raise SystemExit("give --save PATH (train) or --checkpoint PATH (evaluate)")

    ps = load_photos()
    tr, va, te = ps.split["train"], ps.split["val"], ps.split["test"]
    if args.speed_only:
        old = read_results("recognise_photos") or {}
        files = [ps.garments[i].image_path for i in te[: args.speed_photos or 64]]
        old["speed"] = speed(PhotoRecogniser(args.checkpoint), files)
        print("speed:", old["speed"])
        print(f"wrote {write_results('recognise_photos', old)}")
        return
    print(f"photos {len(ps.garments)}: train {len(tr)}, validation {len(va)}, test {len(te)}", flush=True)
    pooled, maps, grid = features(ps.ids, [g.image_path for g in ps.garments])
    arts = [article_key(g.article_type) for g in ps.garments]
    cols = [g.colours[0] if g.colours else "" for g in ps.garments]
    pats = [g.pattern for g in ps.garments]

    tail_start = args.tail_start or (load_net(args.checkpoint)[0].config.tail_start if args.checkpoint else 0)
    tails = tail_maps(ps.ids, tail_start) if tail_start else None

    def data(idx: list[int]) -> PhotoData:
        return PhotoData(
            pooled[idx],
            maps[idx],
            grid[idx],
            [arts[i] for i in idx],
            [cols[i] for i in idx],
            [pats[i] for i in idx],
            None if tails is None else tails[idx],
        )

    fit_s = None
    if args.save:
        config = PhotoTrainConfig(
            colour_head=args.colour_head,
            colour_epochs=args.colour_epochs,
            cnn_epochs=args.cnn_epochs,
            cnn_width=args.cnn_width,
            target_precision=args.target_precision,
            pixels=PIXELS,
        )
        t0 = time.perf_counter()

        def say(message: str) -> None:
            print(f"{time.perf_counter() - t0:.0f} s: {message}", flush=True)

        if args.heads_from:
            net, calibration, _ = load_net(args.heads_from)
        else:
            net, calibration = fit_photo_net(data(tr), data(va), config, progress=say)
        if args.tail_start:
            tail = TailConfig(start=args.tail_start, epochs=args.tail_epochs)
            net, calibration = add_tuned_tail(net, data(tr), data(va), config, tail, progress=say)
        fit_s = time.perf_counter() - t0
        meta = {
            "trained_on": f"kaggle photos: train {len(tr)}, calibrated on val {len(va)}",
            "fit_s": fit_s,
            "heads_from": str(args.heads_from) if args.heads_from else None,
            "tail": vars(TailConfig(start=args.tail_start, epochs=args.tail_epochs))
            if args.tail_start
            else None,
        }
        save_net(args.save, net, calibration, meta)
        print(f"heads fitted in {fit_s:.0f} s; saved {args.save}", flush=True)
    rec = PhotoRecogniser(args.save or args.checkpoint)
    if args.val_only:  # choosing between variants: the test split stays unseen
        row, _ = scores(rec, data(va))
        print_table([{"metric": k, "val": v} for k, v in row.items()], ["metric", "val"])
        saved = {"checkpoint": str(args.save or args.checkpoint), "fit_s": fit_s, "val": row}
        print(f"wrote {write_results('recognise_photos_val', saved)}")
        return
    rows, extra = {}, {}
    for split, idx in (("train", tr), ("val", va), ("test", te)):
        if split == "train" and not args.pixel:  # train figures only feed the pixel methods
            continue
        row, more = scores(rec, data(idx))
        extra[f"{split}_where"] = more["where"]
        extra[split] = more
        if split != "train":
            rows[split] = row
    worst = worst_types(extra["test"]["pred"], extra["test"]["truth"])
    if args.pixel:
        t0 = time.perf_counter()
        compared = colour_comparison(grid, cols, tr, {"val": va, "test": te}, extra, args.pixel_photos)
        for split, more in compared.items():
            rows[split].update(more)
        print(f"pixel methods in {time.perf_counter() - t0:.0f} s", flush=True)
    cal = rec.calibration
    if rec.config.tail_start:
        print(
            f"tuned tail from block {rec.config.tail_start}; fusion weights (chosen on validation): colour "
            f"{rec.config.colour_fusion}, article {rec.config.article_fusion}"
        )
    print(
        f"\narticle types {len(rec.config.articles)}, colours {len(rec.config.colours)}, patterns "
        f"{len(rec.config.patterns)}; temperatures article {cal.article_temperature:.2f}, colour "
        f"{cal.colour_temperature:.2f}, pattern {cal.pattern_temperature:.2f}; unsure below "
        f"{cal.unsure_below} (chosen on validation for precision {args.target_precision}); pattern "
        f"below {cal.pattern_unsure_below}"
    )
    keys = list(rows["test"])
    print_table(
        [{"metric": k, "val": rows["val"].get(k), "test": rows["test"].get(k)} for k in keys],
        ["metric", "val", "test"],
    )
    print("\nworst 5 article types on test (10+ photos)")
    print_table(worst, ["type", "photos", "accuracy", "taken for"])
    result = {
        "machine": machine(),
        "checkpoint": str(args.save or args.checkpoint),
        "sizes": {"train": len(tr), "val": len(va), "test": len(te)},
        "fit_s": fit_s,
        "calibration": {k: v for k, v in vars(cal).items() if k != "metrics"},
        "tail": {
            "start": rec.config.tail_start,
            "colour_fusion": rec.config.colour_fusion,
            "article_fusion": rec.config.article_fusion,
        },
        "rows": rows,
        "worst_types_test": worst,
        "articles": rec.config.articles,
        "colours": rec.config.colours,
        "patterns": rec.config.patterns,
    }
    if args.speed_photos:
        result["speed"] = speed(rec, [ps.garments[i].image_path for i in te[: args.speed_photos]])
        print("\nspeed:", result["speed"])
    elif (old := read_results("recognise_photos")) and "speed" in old:
        result["speed"] = {**old["speed"], "note": "kept from an earlier --speed-photos run"}
    path = write_results("recognise_photos", result)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
