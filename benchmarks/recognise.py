"""Garment recognition: Fashion-MNIST test accuracy, held-out demo pictures, bad inputs, speed, calibration.

* Fashion-MNIST t10k (10,000 real product photos, never seen in training): article accuracy with
  the prediction restricted to the ten Fashion-MNIST classes (the head knows 27 article types),
  per-class recall and the confusion matrix, ECE before/after temperature scaling, and the
  accuracy/coverage of confident ("ok") answers at the unsure threshold.
  Published anchors: small CNNs about 93%, the best models about 96%.
* Held-out demo pictures (garments rendered from a seed and ids never used in training, known
  article type, pattern and colours): article and pattern accuracy, coverage, ECE, and colour
  accuracy (first named colour = the garment's main colour; main colour among the names).
* Photo-like held-out pictures (textured backdrop, cast shadow, lighting gradient, noise, JPEG;
  ``recognise_cases.photo_like``): colour accuracy reported apart from the clean renders.
* Hard cases (``recognise_cases.cases``): empty plain and photo-like backdrops, two garments apart
  or touching, two identical garments apart / touching / overlapping 10%, a garment with a small
  accessory, an off-centre single garment, a single garment on a photo-like backdrop: the
  confusion of answers per case; "ok WRONG" (a confident label naming nothing in the picture)
  should be 0.
* Heads: the shipped small CNN against a logistic head on the packaged image encoder's features
  (article type and pattern on held-out demo pictures, article type on Fashion-MNIST), accuracy
  and pictures/s.
* Speed: end-to-end ``recognise()`` pictures/s (foreground, colours, both heads) and batched
  classifier pictures/s, CPU, one thread.

    nice -n 10 python benchmarks/recognise.py [--checkpoint PATH] [--demo 600] [--threads 1]

Writes benchmarks/results/recognise.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, print_table, write_results  # noqa: E402

from stylist.tools.recognise.calibrate import expected_calibration_error, softmax  # noqa: E402
from stylist.tools.recognise.data import (  # noqa: E402
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_DIR,
    FASHION_MNIST_TO_ARTICLE,
    fashion_mnist_available,
    load_fashion_mnist,
)
from stylist.tools.recognise.preprocess import fashion_mnist_inputs  # noqa: E402
from stylist.tools.recognise.recogniser import PACKAGED_CHECKPOINT, Recogniser  # noqa: E402


def fashion_mnist(rec: Recogniser, folder: Path) -> dict:
    x, y = load_fashion_mnist(folder, "t10k")
    shapes = fashion_mnist_inputs(x)
    started = time.perf_counter()
    raw = rec.article_probs(shapes, calibrated=False)
    seconds = time.perf_counter() - started
    ids = [rec.articles.index(a) for a in FASHION_MNIST_TO_ARTICLE]
    t = rec.calibration.article_temperature
    logits = np.log(np.clip(raw, 1e-12, 1))
    restricted_raw = softmax(logits[:, ids])
    restricted = softmax(logits[:, ids], t)
    pred = restricted.argmax(1)
    confusion = np.zeros((10, 10), dtype=int)
    for truth, guess in zip(y, pred):
        confusion[truth, guess] += 1
    full = softmax(logits, t)
    confident = full.max(1) >= rec.calibration.unsure_below
    full_pred_ok = np.asarray([rec.articles[i] for i in full.argmax(1)]) == np.asarray(
        [FASHION_MNIST_TO_ARTICLE[c] for c in y]
    )
    return {
        "accuracy": float((pred == y).mean()),
        "accuracy_all_27_labels": float(full_pred_ok.mean()),
        "per_class_recall": {
            FASHION_MNIST_CLASSES[c]: float(confusion[c, c] / confusion[c].sum()) for c in range(10)
        },
        "confusion": confusion.tolist(),
        "classes": list(FASHION_MNIST_CLASSES),
        "ece_raw": expected_calibration_error(restricted_raw, y),
        "ece_calibrated": expected_calibration_error(restricted, y),
        "confident_coverage": float(confident.mean()),
        "confident_accuracy": float(full_pred_ok[confident].mean()) if confident.any() else None,
        "classifier_images_per_s": len(y) / seconds,
    }


def demo(rec: Recogniser, n: int) -> dict:
    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.demo.render import render

    garments = [
        g.model_copy(update={"id": f"bench-{i}"}) for i, g in enumerate(generate_demo_catalogue(n, seed=202))
    ]
    images = [render(g) for g in garments]
    started = time.perf_counter()
    results = [rec.recognise(img) for img in images]
    seconds = time.perf_counter() - started
    labels = [rec.articles.index(g.article_type) for g in garments]
    article_ok = [r.candidates and r.candidates[0].label == g.article_type for g, r in zip(garments, results)]
    ok = [(g, r) for g, r in zip(garments, results) if r.status == "ok"]
    probs = np.zeros((len(results), len(rec.articles)))
    for row, r in enumerate(results):
        for c in r.candidates:
            probs[row, rec.articles.index(c.label)] = c.confidence
    with_pattern = [(g, r) for g, r in zip(garments, results) if g.pattern and r.pattern_candidates]
    solid = [(g, r) for g, r in zip(garments, results) if g.pattern in (None, "solid")]
    top_colour = [bool(r.colours) and r.colours[0].name == g.colours[0] for g, r in zip(garments, results)]
    statuses = {
        s: sum(r.status == s for r in results) for s in ("ok", "unsure", "no_garment", "several_garments")
    }
    return {
        "pictures": n,
        "article_accuracy": float(np.mean(article_ok)),
        "confident_coverage": len(ok) / n,
        "confident_article_accuracy": float(np.mean([r.article_type == g.article_type for g, r in ok]))
        if ok
        else None,
        "article_ece": expected_calibration_error(probs, np.asarray(labels)),
        "pattern_accuracy": float(
            np.mean([r.pattern_candidates[0].label == g.pattern for g, r in with_pattern])
        ),
        "colour_top1_accuracy": float(np.mean(top_colour)),
        "colour_top1_accuracy_solid": float(
            np.mean([bool(r.colours) and r.colours[0].name == g.colours[0] for g, r in solid])
        ),
        "colour_listed_accuracy": float(
            np.mean([g.colours[0] in [c.name for c in r.colours] for g, r in zip(garments, results)])
        ),
        "statuses": statuses,
        "end_to_end_images_per_s": n / seconds,
    }


ANSWERS = ("ok right", "ok present", "ok WRONG", "unsure", "no_garment", "several_garments")


def hard_cases(rec: Recogniser, n: int = 40) -> dict:
    """The answer to every hard case picture (see recognise_cases.py), as a confusion per case.

    ``ok right``: the label names the garment the case expects; ``ok present``: it names a
    garment in the picture but the case wanted another answer (a pair of identical shirts
    labelled "shirt"); ``ok WRONG``: a confident label naming nothing in the picture.
    """
    from recognise_cases import cases

    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.demo.render import render

    garments = [
        g.model_copy(update={"id": f"hard-{i}"})
        for i, g in enumerate(generate_demo_catalogue(14 * n, seed=404))
    ]
    table: dict[str, dict] = {}
    for name, img, truth in cases(garments, render, n=n):
        r = rec.recognise(img)
        if r.status == "ok":
            answer = (
                "ok right"
                if truth.main and r.article_type == truth.main
                else ("ok present" if r.article_type in truth.present else "ok WRONG")
            )
        else:
            answer = r.status
        row = table.setdefault(
            name, {"pictures": 0, "right": 0, **{a: 0 for a in ANSWERS}, "expected": sorted(truth.expected)}
        )
        row["pictures"] += 1
        row[answer] += 1
        row["right"] += answer == "ok right" or (answer in truth.expected and answer != "ok")
    return table


def photo_like_colours(rec: Recogniser, n: int) -> dict:
    """Held-out demo garments made photo-like (textured backdrop, cast shadow, lighting gradient,
    noise, JPEG): colour naming against the garment's catalogue colours, and the answers."""
    from recognise_cases import photo_like

    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.demo.render import render

    rng = np.random.default_rng(5)
    garments = [
        g.model_copy(update={"id": f"photo-{i}"}) for i, g in enumerate(generate_demo_catalogue(n, seed=505))
    ]
    results = [rec.recognise(photo_like(render(g), rng)) for g in garments]
    solid = [(g, r) for g, r in zip(garments, results) if g.pattern in (None, "solid")]
    ok = [(g, r) for g, r in zip(garments, results) if r.status == "ok"]
    return {
        "pictures": n,
        "colour_top1_accuracy": float(
            np.mean(
                [bool(r.colours) and r.colours[0].name == g.colours[0] for g, r in zip(garments, results)]
            )
        ),
        "colour_top1_accuracy_solid": float(
            np.mean([bool(r.colours) and r.colours[0].name == g.colours[0] for g, r in solid])
        ),
        "colour_listed_accuracy": float(
            np.mean([g.colours[0] in [c.name for c in r.colours] for g, r in zip(garments, results)])
        ),
        "confident_coverage": len(ok) / n,
        "confident_article_accuracy": float(np.mean([r.article_type == g.article_type for g, r in ok]))
        if ok
        else None,
        "statuses": {
            s: sum(r.status == s for r in results) for s in ("ok", "unsure", "no_garment", "several_garments")
        },
    }


def compare_heads(
    rec: Recogniser, n_train: int, n_test: int, fm_folder: Path | None, fm_train: int, fm_test: int
) -> dict:
    """The shipped small CNN against a logistic-regression head on the packaged image encoder's
    features (index/imagenc, ``make_image_embedder("embedded")``), on the same held-out pictures.
    The logistic head is fitted here on ``n_train`` demo renders (and ``fm_train`` Fashion-MNIST
    training photos); images/s count the whole path from a PIL picture to a label."""
    from sklearn.linear_model import LogisticRegression

    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.demo.render import render
    from stylist.index.embed.text import EMBEDDED_NAME
    from stylist.index.imagenc.embedder import make_image_embedder
    from stylist.tools.recognise.preprocess import find_foreground, shape_input, texture_input

    class _TextSpace:  # the encoder checks the text space it maps into; no text model is needed here
        name, dim = EMBEDDED_NAME, 384

    encoder = make_image_embedder("embedded", _TextSpace())  # type: ignore[arg-type]

    def cnn(images: list[Image.Image]) -> tuple[np.ndarray, np.ndarray, float]:
        started = time.perf_counter()
        shapes, textures = [], []
        for img in images:
            mask = find_foreground(img).mask
            shapes.append(shape_input(img, mask))
            textures.append(texture_input(img, mask))
        a = rec.article_probs(np.stack(shapes)).argmax(1)
        p = rec.pattern_probs(np.stack(textures)).argmax(1)
        return a, p, len(images) / (time.perf_counter() - started)

    def features(images: list[Image.Image]) -> tuple[np.ndarray, float]:
        started = time.perf_counter()
        x = encoder.embed_images(images)
        return x, len(images) / (time.perf_counter() - started)

    def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
        return LogisticRegression(max_iter=2000, C=2.0).fit(x, y)

    train = generate_demo_catalogue(n_train, seed=101)
    test = [
        g.model_copy(update={"id": f"heads-{i}"})
        for i, g in enumerate(generate_demo_catalogue(n_test, seed=202))
    ]
    x_train, _ = features([render(g) for g in train])
    test_images = [render(g) for g in test]
    x_test, enc_speed = features(test_images)
    started = time.perf_counter()
    article_head = fit(x_train, np.asarray([g.article_type for g in train]))
    pattern_head = fit(x_train, np.asarray([g.pattern or "solid" for g in train]))
    fit_seconds = time.perf_counter() - started
    a_cnn, p_cnn, cnn_speed = cnn(test_images)
    truth_a = np.asarray([g.article_type for g in test])
    truth_p = np.asarray([g.pattern or "solid" for g in test])
    out: dict = {
        "demo_train_pictures": n_train,
        "demo_test_pictures": n_test,
        "logistic_fit_seconds": fit_seconds,
        "demo_article": {
            "cnn": float((np.asarray(rec.articles)[a_cnn] == truth_a).mean()),
            "encoder_logistic": float((article_head.predict(x_test) == truth_a).mean()),
        },
        "demo_pattern": {
            "cnn": float((np.asarray(rec.patterns)[p_cnn] == truth_p).mean()),
            "encoder_logistic": float((pattern_head.predict(x_test) == truth_p).mean()),
        },
        "images_per_s": {"cnn": cnn_speed, "encoder_logistic": enc_speed},
    }
    if fm_folder is not None and fashion_mnist_available(fm_folder):
        rng = np.random.default_rng(0)
        xs, ys = load_fashion_mnist(fm_folder, "train")
        keep = rng.permutation(len(ys))[:fm_train]
        xt, yt = load_fashion_mnist(fm_folder, "t10k")
        kt = rng.permutation(len(yt))[:fm_test]

        def photos(
            arr: np.ndarray,
        ) -> list[Image.Image]:  # white garment on black → dark on white, like a product photo
            return [Image.fromarray(255 - a).convert("RGB") for a in arr]

        f_train, _ = features(photos(xs[keep]))
        f_test, _ = features(photos(xt[kt]))
        head = fit(f_train, ys[keep])
        ids = [rec.articles.index(a) for a in FASHION_MNIST_TO_ARTICLE]
        cnn_probs = rec.article_probs(fashion_mnist_inputs(xt[kt]))[:, ids]
        out["fashion_mnist"] = {
            "train_pictures": fm_train,
            "test_pictures": fm_test,
            "cnn": float((cnn_probs.argmax(1) == yt[kt]).mean()),
            "encoder_logistic": float((head.predict(f_test) == yt[kt]).mean()),
        }
    return out


def _pair(a: float | None, b: float | None, sep: str = " / ") -> str:
    return sep.join("-" if v is None else f"{v:.3f}" for v in (a, b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", type=Path, default=PACKAGED_CHECKPOINT)
    parser.add_argument("--fashion-mnist", type=Path, default=FASHION_MNIST_DIR)
    parser.add_argument("--demo", type=int, default=600)
    parser.add_argument("--photo", type=int, default=300, help="photo-like held-out pictures")
    parser.add_argument("--hard", type=int, default=40, help="pictures per hard case")
    parser.add_argument(
        "--no-heads",
        dest="heads",
        action="store_false",
        help="skip the CNN vs encoder-feature head comparison",
    )
    parser.add_argument(
        "--heads-train", type=int, default=800, help="demo renders the logistic head is fitted on"
    )
    parser.add_argument("--heads-test", type=int, default=400)
    parser.add_argument(
        "--heads-fm-train", type=int, default=2000, help="Fashion-MNIST training photos for the logistic head"
    )
    parser.add_argument("--heads-fm-test", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rec = Recogniser(args.checkpoint)
    out: dict = {
        "checkpoint": str(args.checkpoint),
        "machine": machine(),
        "threads": args.threads,
        "unsure_below": rec.calibration.unsure_below,
        "trained": rec.meta.get("metrics", {}),
    }
    rows = []
    if fashion_mnist_available(args.fashion_mnist):
        fm = fashion_mnist(rec, args.fashion_mnist)
        out["fashion_mnist"] = fm
        rows += [
            {
                "set": "Fashion-MNIST test",
                "metric": "accuracy (10 classes)",
                "value": fm["accuracy"],
                "anchor": "small CNN ~0.93, best ~0.96",
            },
            {
                "set": "Fashion-MNIST test",
                "metric": "accuracy (all 27 labels)",
                "value": fm["accuracy_all_27_labels"],
                "anchor": "",
            },
            {
                "set": "Fashion-MNIST test",
                "metric": "ECE raw -> calibrated",
                "value": _pair(fm["ece_raw"], fm["ece_calibrated"], " -> "),
                "anchor": "lower is better",
            },
            {
                "set": "Fashion-MNIST test",
                "metric": "confident coverage / accuracy",
                "value": _pair(fm["confident_coverage"], fm["confident_accuracy"]),
                "anchor": f"unsure below {rec.calibration.unsure_below}",
            },
            {
                "set": "Fashion-MNIST test",
                "metric": "classifier images/s (batched)",
                "value": fm["classifier_images_per_s"],
                "anchor": f"{args.threads} thread(s)",
            },
        ]
        rows += [
            {"set": "Fashion-MNIST test", "metric": f"recall {name}", "value": v, "anchor": ""}
            for name, v in fm["per_class_recall"].items()
        ]
    else:
        why = (
            f"Fashion-MNIST not found at {args.fashion_mnist} (apt-get install dataset-fashion-mnist): "
            "its rows are NOT re-run, and no Fashion-MNIST figure is written"
        )
        out["fashion_mnist"] = {"skipped": why}
        print(why, file=sys.stderr)
    d = demo(rec, args.demo)
    out["demo"] = d
    rows += [
        {
            "set": f"demo held-out ({d['pictures']})",
            "metric": "article accuracy (top-1)",
            "value": d["article_accuracy"],
            "anchor": "",
        },
        {
            "set": f"demo held-out ({d['pictures']})",
            "metric": "confident coverage / accuracy",
            "value": _pair(d["confident_coverage"], d["confident_article_accuracy"]),
            "anchor": "",
        },
        {
            "set": f"demo held-out ({d['pictures']})",
            "metric": "article ECE",
            "value": d["article_ece"],
            "anchor": "",
        },
        {
            "set": f"demo held-out ({d['pictures']})",
            "metric": "pattern accuracy",
            "value": d["pattern_accuracy"],
            "anchor": "6 patterns",
        },
        {
            "set": f"demo held-out ({d['pictures']})",
            "metric": "colour top-1 (all / solid)",
            "value": _pair(d["colour_top1_accuracy"], d["colour_top1_accuracy_solid"]),
            "anchor": "44 names",
        },
        {
            "set": f"demo held-out ({d['pictures']})",
            "metric": "main colour among names",
            "value": d["colour_listed_accuracy"],
            "anchor": "",
        },
        {
            "set": f"demo held-out ({d['pictures']})",
            "metric": "end-to-end images/s",
            "value": d["end_to_end_images_per_s"],
            "anchor": f"{args.threads} thread(s), 128 px",
        },
    ]
    p = photo_like_colours(rec, args.photo)
    out["photo_like"] = p
    rows += [
        {
            "set": f"photo-like ({p['pictures']})",
            "metric": "colour top-1 (all / solid)",
            "value": _pair(p["colour_top1_accuracy"], p["colour_top1_accuracy_solid"]),
            "anchor": "same garments kind as demo, new seed",
        },
        {
            "set": f"photo-like ({p['pictures']})",
            "metric": "main colour among names",
            "value": p["colour_listed_accuracy"],
            "anchor": "",
        },
        {
            "set": f"photo-like ({p['pictures']})",
            "metric": "confident coverage / accuracy",
            "value": _pair(p["confident_coverage"], p["confident_article_accuracy"]),
            "anchor": "",
        },
    ]
    print_table(rows, ["set", "metric", "value", "anchor"])
    if args.heads:
        c = compare_heads(
            rec,
            args.heads_train,
            args.heads_test,
            args.fashion_mnist,
            args.heads_fm_train,
            args.heads_fm_test,
        )
        out["heads"] = c
        head_rows = [
            {
                "task": f"demo article ({c['demo_test_pictures']} held-out)",
                "small CNN (shipped)": c["demo_article"]["cnn"],
                "encoder + logistic": c["demo_article"]["encoder_logistic"],
            },
            {
                "task": f"demo pattern ({c['demo_test_pictures']} held-out)",
                "small CNN (shipped)": c["demo_pattern"]["cnn"],
                "encoder + logistic": c["demo_pattern"]["encoder_logistic"],
            },
        ]
        if "fashion_mnist" in c:
            fm = c["fashion_mnist"]
            head_rows.append(
                {
                    "task": f"Fashion-MNIST article ({fm['test_pictures']} test)",
                    "small CNN (shipped)": fm["cnn"],
                    "encoder + logistic": fm["encoder_logistic"],
                }
            )
        head_rows.append(
            {
                "task": "images/s (picture -> labels)",
                "small CNN (shipped)": c["images_per_s"]["cnn"],
                "encoder + logistic": c["images_per_s"]["encoder_logistic"],
            }
        )
        print()
        print_table(head_rows, ["task", "small CNN (shipped)", "encoder + logistic"])
    h = hard_cases(rec, args.hard)
    out["hard_cases"] = h
    print()
    print_table(
        [
            {
                "case": name,
                "n": row["pictures"],
                **{a: row[a] for a in ANSWERS},
                "right": f"{row['right'] / row['pictures']:.3f}",
                "want": "/".join(row["expected"]),
            }
            for name, row in h.items()
        ],
        ["case", "n", *ANSWERS, "right", "want"],
    )
    wrong = sum(row["ok WRONG"] for row in h.values())
    pictures = sum(row["pictures"] for row in h.values())
    out["hard_cases_confident_wrong_rate"] = wrong / pictures
    print(f"\nconfident wrong labels over all hard cases: {wrong}/{pictures}")
    path = write_results("recognise", out)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
