"""The design GAN's training data from the real product photos: every photo of the fixed split of
``_photos.py`` decoded once to 64 px (squared onto white) with its article type, base colour and the
MiniLM text embedding of its product name + attributes (``_photos.pair_text``, the same text the
image encoder trains on), written to one ``.npz`` (default /tmp/gan_cache/photos64.npz; never the repo).

    nice -n 19 python benchmarks/gan_photos.py [--size 64] [--out /tmp/gan_cache/photos64.npz]

and trains the photo GAN on its train split (resumable; sampling snapshots for the choice on validation):

    nice -n 5 python benchmarks/gan_photos.py --train --run /tmp/gan_cache/run [--max-minutes 75]

The second run (AC-GAN heads on the discriminator, article-balanced sampling) started from the first's
epoch 107: ``--train --run /tmp/gan_cache/run_ac --warm-from /tmp/gan_cache/run/last.pt``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from _photos import IMAGES, CachedEmbedder, load_photos, pair_text  # noqa: E402

from stylist.tools.designs.data import garment_labels, to_array  # noqa: E402

DEFAULT_OUT = Path("/tmp/gan_cache/photos64.npz")


def build(out: Path, size: int = 64) -> Path:
    import torch

    from stylist.config import load_settings
    from stylist.index.embed.factory import make_text_embedder

    torch.set_num_threads(1)
    photos = load_photos()
    garments = photos.garments
    t0 = time.perf_counter()
    images = np.stack([to_array(Image.open(IMAGES / f"{g.id}.jpg"), size) for g in garments])
    print(f"decoded {len(images)} photos in {time.perf_counter() - t0:.0f} s", flush=True)
    embedder = CachedEmbedder(make_text_embedder(load_settings()))
    texts = [pair_text(g) for g in garments]
    vectors = embedder.embed_texts(texts)
    split = np.empty(len(garments), dtype="<U5")
    for name, positions in photos.split.items():
        split[positions] = name
    labels = [garment_labels(g) for g in garments]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    np.savez(
        tmp,
        ids=np.array([g.id for g in garments]),
        images=images,
        article=np.array([r["article_type"] for r in labels]),
        colour=np.array([r["colour"] for r in labels]),
        gender=np.array([g.gender.value for g in garments]),
        texts=np.array(texts),
        text=vectors.astype(np.float16),
        split=split,
        embedder=np.array(embedder.name),
    )
    os.replace(tmp, out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return out


def train(cache: Path, run: Path, args: argparse.Namespace) -> None:
    import logging

    from stylist.tools.designs.data import from_photo_cache
    from stylist.tools.designs.model import GanConfig
    from stylist.tools.designs.train import TrainConfig, train_gan

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    data = from_photo_cache(cache, "train")
    print(f"{len(data)} train photos; {len(data.problems)} left out (rare article type or colour)")
    config = GanConfig(
        conditions=data.conditions,
        image_size=64,
        z_dim=64,
        embed_dim=16,
        g_width=args.g_width,
        d_width=args.d_width,
        text_dim=int(data.text.shape[1]),
        text_model="all-MiniLM-L6-v2",
        classifier=args.classifier_weight > 0,
        source="Kaggle fashion product photos (train split of benchmarks/_photos.py)",
    )
    settings = TrainConfig(
        epochs=10_000,
        batch_size=args.batch_size,
        epoch_size=args.epoch_size,
        threads=1,
        mode_seeking=0.3,
        max_minutes=args.max_minutes,
        snapshot_every=args.snapshot_every,
        classifier_weight=args.classifier_weight,
        g_classifier_weight=args.g_classifier_weight,
        balance=args.balance,
    )
    train_gan(data, config, settings, run, resume=True, warm_from=args.warm_from)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--train", action="store_true", help="train the GAN on the cache's train split")
    parser.add_argument("--run", type=Path, default=Path("/tmp/gan_cache/run"))
    parser.add_argument("--max-minutes", type=float, default=75)
    parser.add_argument("--g-width", type=int, default=24)
    parser.add_argument("--d-width", type=int, default=32)
    parser.add_argument("--epoch-size", type=int, default=800)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--snapshot-every", type=int, default=4)
    parser.add_argument(
        "--classifier-weight",
        type=float,
        default=1.0,
        help="AC-GAN condition heads on the discriminator and their weight (0: none, the first run's model)",
    )
    parser.add_argument(
        "--g-classifier-weight", type=float, default=None, help="the heads' weight in G's loss (default: D's)"
    )
    parser.add_argument("--balance", type=float, default=0.5, help="article-balanced sampling exponent")
    parser.add_argument("--warm-from", type=Path, default=None, help="another run's last.pt to start from")
    args = parser.parse_args()
    cache = args.out or DEFAULT_OUT.with_name(f"photos{args.size}.npz")
    if args.train:
        train(cache, args.run, args)
    else:
        build(cache, args.size)


if __name__ == "__main__":
    main()
