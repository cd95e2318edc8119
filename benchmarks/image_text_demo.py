"""Image ↔ text retrieval of the image encoder on the held-out split of the demo catalogue.

Trains each encoder variant (frozen EfficientNet-Lite0 + head, compact CNN from scratch) on the
train split, then reports text→image and image→text Recall@1/5/10 on the held-out split against
two baselines (random; colour-histogram nearest neighbour), attribute probes (does the best
image→text match share the garment's colour / article type?), training time and embedding
throughput. Prints a table and writes benchmarks/results/image_text_demo.json.

    python benchmarks/image_text_demo.py                      # 3000 demo garments, both variants
    python benchmarks/image_text_demo.py --save index/imagenc/checkpoints/demo.pt --variants effnet
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from stylist.config import load_settings
from stylist.index.demo import generate_demo_catalogue
from stylist.index.embed.factory import make_text_embedder
from stylist.index.imagenc.catalogue import load_pictures
from stylist.index.imagenc.model import EncoderConfig, save_checkpoint
from stylist.index.imagenc.train import (
    TrainConfig,
    embed_images,
    retrieval_metrics,
    split_ids,
    train_image_encoder,
)

VARIANTS = {
    "effnet": (
        EncoderConfig(backbone="efficientnet-lite0", image_size=96),
        TrainConfig(epochs=40, views=2, lr=2e-3),
    ),
    "compact": (
        EncoderConfig(backbone="compact", image_size=64, width=32),
        TrainConfig(epochs=12, lr=3e-3, batch_size=96),
    ),
}


def colour_histograms(images, bins: int = 6) -> np.ndarray:
    """Joint RGB histograms of the non-background pixels, L2-normalised."""
    rows = []
    for img in images:
        px = np.asarray(img.resize((48, 48)), dtype=np.int32).reshape(-1, 3)
        px = px[(px < 245).any(axis=1)]  # drop the white background
        q = (px * bins) // 256
        h = np.bincount(q[:, 0] * bins * bins + q[:, 1] * bins + q[:, 2], minlength=bins**3).astype(
            np.float32
        )
        rows.append(h / (np.linalg.norm(h) or 1.0))
    return np.stack(rows)


def histogram_baseline(train_h, train_t, val_h, val_t) -> dict[str, float]:
    """Nearest training neighbour by colour histogram (for images) or by text, as a proxy."""
    img_proxy_text = train_t[
        (val_h @ train_h.T).argmax(axis=1)
    ]  # image -> its histogram-nearest training text
    text_proxy_hist = train_h[
        (val_t @ train_t.T).argmax(axis=1)
    ]  # text -> the histogram of its nearest training text
    i2t = retrieval_metrics(img_proxy_text, val_t)
    t2i = retrieval_metrics(val_h, text_proxy_hist)
    return {
        **{k: v for k, v in i2t.items() if k.startswith("image_to_text")},
        **{k: v for k, v in t2i.items() if k.startswith("text_to_image")},
    }


def probes(img_vecs, val_t, garments) -> dict[str, float]:
    best = (img_vecs @ val_t.T).argmax(axis=1)
    colour = np.mean(
        [set(garments[i].colours) & set(garments[j].colours) != set() for i, j in enumerate(best)]
    )
    article = np.mean([garments[i].article_type == garments[j].article_type for i, j in enumerate(best)])
    return {"probe_colour": float(colour), "probe_article_type": float(article)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3000, help="demo garments")
    parser.add_argument("--variants", default="effnet,compact")
    parser.add_argument(
        "--save", type=Path, help="save the first variant's model here (the packaged checkpoint)"
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/image_text_demo.json"))
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    settings = load_settings()
    text = make_text_embedder(settings)
    with tempfile.TemporaryDirectory() as tmp:
        garments = generate_demo_catalogue(n=args.n, seed=7, image_dir=tmp)
        pics = load_pictures(garments)
    ids = [g.id for g in pics.garments]
    train_ids, val_ids = split_ids(ids, 0.15)
    pos = {gid: k for k, gid in enumerate(ids)}
    tr, va = [pos[i] for i in train_ids], [pos[i] for i in val_ids]
    docs = [g.document() for g in pics.garments]
    t0 = time.perf_counter()
    text_vecs = text.embed_texts(docs)
    text_rate = len(docs) / (time.perf_counter() - t0)
    val_garments = [pics.garments[i] for i in va]

    rows: dict[str, dict[str, float]] = {}
    n_val = len(va)
    rows["random"] = {
        f"{d}_R@{k}": min(1.0, k / n_val) for d in ("text_to_image", "image_to_text") for k in (1, 5, 10)
    }
    hist = colour_histograms(pics.images)
    rows["colour-histogram NN"] = histogram_baseline(hist[tr], text_vecs[tr], hist[va], text_vecs[va])
    hist_img_to_text = text_vecs[tr][(hist[va] @ hist[tr].T).argmax(axis=1)]
    rows["colour-histogram NN"].update(probes(hist_img_to_text, text_vecs[va], val_garments))

    for name in args.variants.split(","):
        config, train = VARIANTS[name]
        t0 = time.perf_counter()
        result = train_image_encoder(
            [ids[i] for i in tr],
            [pics.images[i] for i in tr],
            [docs[i] for i in tr],
            text,
            EncoderConfig(**vars(config)),
            train,
        )
        train_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        val_img = embed_images(result.model, [pics.images[i] for i in va])
        rate = len(va) / (time.perf_counter() - t0)
        metrics = retrieval_metrics(val_img, text_vecs[va])
        metrics.update(probes(val_img, text_vecs[va], val_garments))
        metrics.update({"train_s": round(train_s, 1), "images_per_s": round(rate, 1)})
        rows[f"{name} ({config.image_size}px)"] = metrics
        if args.save and name == args.variants.split(",")[0]:
            save_checkpoint(
                result.model,
                args.save,
                {**metrics, "trained_on": f"demo n={args.n} seed=7, train split {len(tr)}"},
            )

    cols = [
        "text_to_image_R@1",
        "text_to_image_R@5",
        "text_to_image_R@10",
        "image_to_text_R@1",
        "image_to_text_R@5",
        "image_to_text_R@10",
        "probe_colour",
        "probe_article_type",
        "train_s",
        "images_per_s",
    ]
    print(
        f"held-out garments: {n_val} of {len(ids)}; text embedding {text_rate:.0f} texts/s; device "
        f"cpu, torch threads {torch.get_num_threads()}"
    )
    print(
        f"{'model':<24}"
        + "".join(f"{c.replace('text_to_image', 't→i').replace('image_to_text', 'i→t'):>12}" for c in cols)
    )
    for name, m in rows.items():
        print(f"{name:<24}" + "".join(f"{m[c]:>12.3f}" if c in m else f"{'-':>12}" for c in cols))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"n": len(ids), "held_out": n_val, "text_per_s": text_rate, "rows": rows}, indent=2)
    )


if __name__ == "__main__":
    main()
