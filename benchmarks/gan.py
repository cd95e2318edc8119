"""How good are the design GAN's pictures? Measured against held-out real pictures.

For each dataset (the demo catalogue; Fashion-MNIST when installed) and each system — the trained
GAN, the same generator untrained, and nearest-neighbour retrieval of real training pictures with
the requested labels — it reports:

- FID and KID (x1000) between the system's pictures and held-out real pictures, on the features
  of the project's image backbone (EfficientNet-Lite0, ImageNet weights, pooled 1280-d, at 64 px);
  plus KID on the packaged image encoder's 384-d text-space vectors when that checkpoint exists.
  Inception features are not installable here, so the numbers do not compare 1:1 with papers.
- conditional accuracy: a small CNN trained on real training pictures (demo: article type and
  colour heads; Fashion-MNIST: the 10 classes) classifies the pictures drawn for given labels.
  Its accuracy on held-out real pictures is the ceiling.
- diversity: mean pairwise feature distance between pictures drawn for the same labels, and that
  over the mean distance between pictures of different labels (within/between: near 0 when the
  latent changes nothing, mode collapse), on the features and on raw pixels; and
  nearest-real distance: mean feature distance to the closest training picture (0 = a copy).
- sampling throughput in images/s (CPU; CUDA too when available).

    python benchmarks/gan.py                              # demo + Fashion-MNIST, packaged/--*-checkpoint
    python benchmarks/gan.py --datasets demo --grid benchmarks/results/gan_demo_grid.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from scipy import linalg
from torch import nn

sys.path.insert(0, str(Path(__file__).parent))
from _common import RESULTS, machine, print_table, write_results  # noqa: E402

from stylist.tools.designs.data import FASHION_MNIST_DIR, GanData, fashion_mnist, from_garments  # noqa: E402
from stylist.tools.designs.model import GanConfig, Generator  # noqa: E402
from stylist.tools.designs.sample import DATASETS, DesignSampler  # noqa: E402
from stylist.tools.designs.train import sample_grid  # noqa: E402


# ---------------------------------------------------------------- data
def relabel(data: GanData, conditions: dict[str, list[str]]) -> GanData:
    """``data`` with labels re-indexed into ``conditions``; items with unknown values dropped."""
    keep = [i for i in range(len(data)) if all(data.label_names(i)[k] in v for k, v in conditions.items())]
    sub = data.subset(keep)
    labels = {
        k: torch.tensor([conditions[k].index(sub.conditions[k][int(j)]) for j in sub.labels[k]])
        for k in conditions
    }
    return GanData(sub.images, labels, conditions, sub.ids)


def demo_sets(conditions: dict[str, list[str]], n_train: int, n_held: int) -> tuple[GanData, GanData]:
    from stylist.index.demo import generate_demo_catalogue

    folder = Path(tempfile.mkdtemp(prefix="gan-bench-"))
    train = from_garments(generate_demo_catalogue(n_train, 7, folder / "train"), image_size=64)
    held = from_garments(
        generate_demo_catalogue(n_held, 8, folder / "held"), image_size=64
    )  # another seed: unseen
    return relabel(train, conditions), relabel(held, conditions)


def to_float(images: torch.Tensor) -> torch.Tensor:
    return images.float() / 127.5 - 1.0


# ---------------------------------------------------------------- features
FEATURE_SIZE = 64  # the pictures are 32-64 px; 96 px (the encoder's size) costs 2.25x on shared cores


class Backbone:
    """EfficientNet-Lite0 pooled features (the image encoder's frozen backbone)."""

    def __init__(self) -> None:
        from stylist.index.imagenc.model import EfficientNetBackbone

        self.net = EfficientNetBackbone().eval()

    @torch.no_grad()
    def __call__(self, images: torch.Tensor, batch: int = 64) -> np.ndarray:
        out = []
        for s in range(0, len(images), batch):
            x = to_float(images[s : s + batch])
            if x.shape[1] == 1:
                x = x.repeat(1, 3, 1, 1)
            x = nn.functional.interpolate(x, size=FEATURE_SIZE, mode="bilinear", align_corners=False)
            out.append(self.net(x).numpy())
        return np.concatenate(out).astype(np.float64)


def project_encoder_features(images: torch.Tensor) -> np.ndarray | None:
    """The packaged image encoder's 384-d vectors, or None when it is not installed."""
    from stylist.index.imagenc.embedder import DEMO_CHECKPOINT as ENC

    if not ENC.is_file():
        return None
    from PIL import Image

    from stylist.config import load_settings
    from stylist.index.embed.factory import make_text_embedder
    from stylist.index.imagenc.embedder import TrainedImageEmbedder

    global _ENCODER
    if "_ENCODER" not in globals():
        _ENCODER = TrainedImageEmbedder(ENC, make_text_embedder(load_settings()), "cpu")
    arr = images.permute(0, 2, 3, 1).numpy()
    pics = [Image.fromarray(a[..., 0] if a.shape[-1] == 1 else a).convert("RGB") for a in arr]
    return _ENCODER.embed_images(pics).astype(np.float64)


def fid(a: np.ndarray, b: np.ndarray) -> float:
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(s1 @ s2, disp=False)
    covmean = covmean.real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def kid(a: np.ndarray, b: np.ndarray, subsets: int = 50, size: int = 200, seed: int = 0) -> float:
    """Unbiased MMD² with the cubic polynomial kernel (Bińkowski et al. 2018), x1000."""
    rng = np.random.default_rng(seed)
    d = a.shape[1]
    size = min(size, len(a), len(b))
    vals = []
    for _ in range(subsets):
        x, y = a[rng.choice(len(a), size, replace=False)], b[rng.choice(len(b), size, replace=False)]
        kxx, kyy, kxy = (x @ x.T / d + 1) ** 3, (y @ y.T / d + 1) ** 3, (x @ y.T / d + 1) ** 3
        m = size
        vals.append(
            (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
            + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2 * kxy.mean()
        )
    return float(np.mean(vals) * 1000)


# ---------------------------------------------------------------- classifier
class Classifier(nn.Module):
    """A small CNN with one head per condition, trained on real pictures (at 32 px)."""

    def __init__(self, channels: int, heads: dict[str, int]) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, 16, 3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, 16, 16, 16)
            nn.Conv2d(16, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, 32, 8, 8)
            nn.Conv2d(32, 64, 3, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )  # (B, 64)
        self.heads = nn.ModuleDict({k: nn.Linear(64, n) for k, n in heads.items()})

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        x = nn.functional.interpolate(x, size=32, mode="area") if x.shape[-1] != 32 else x
        h = self.body(x)
        return {k: head(h) for k, head in self.heads.items()}


def train_classifier(data: GanData, epochs: int, heads: list[str], limit: int = 8000) -> Classifier:
    torch.manual_seed(0)
    data = data.subset(torch.randperm(len(data))[:limit])
    model = Classifier(data.images.shape[1], {k: len(data.conditions[k]) for k in heads})
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(data))
        for s in range(0, len(data), 64):
            idx = order[s : s + 64]
            out = model(to_float(data.images[idx]))
            loss = sum(nn.functional.cross_entropy(out[k], data.labels[k][idx]) for k in heads)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.eval()


@torch.no_grad()
def accuracy(model: Classifier, images: torch.Tensor, labels: dict[str, torch.Tensor]) -> dict[str, float]:
    preds: dict[str, list[torch.Tensor]] = {k: [] for k in model.heads}
    for s in range(0, len(images), 256):
        out = model(to_float(images[s : s + 256]))
        for k in preds:
            preds[k].append(out[k].argmax(1))
    return {k: float((torch.cat(v) == labels[k]).float().mean()) for k, v in preds.items()}


# ---------------------------------------------------------------- systems
def gan_images(generator: Generator, labels: dict[str, torch.Tensor], seed: int) -> torch.Tensor:
    z = torch.randn(
        len(next(iter(labels.values()))),
        generator.config.z_dim,
        generator=torch.Generator().manual_seed(seed),
    )
    out = []
    with torch.no_grad():
        for s in range(0, len(z), 256):
            out.append(generator(z[s : s + 256], {k: v[s : s + 256] for k, v in labels.items()}))
    return ((torch.cat(out).clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


def retrieval_images(train: GanData, labels: dict[str, torch.Tensor], seed: int) -> torch.Tensor:
    """For each label set, a random real training picture with the same labels (or with the same
    first condition, then any): the 'show an existing garment' baseline."""
    rng = np.random.default_rng(seed)
    keys = list(labels)
    train_keys = np.stack([train.labels[k].numpy() for k in keys], axis=1)
    by_key: dict[tuple[int, ...], list[int]] = {}
    by_first: dict[int, list[int]] = {}
    for i, key in enumerate(map(tuple, train_keys.tolist())):
        by_key.setdefault(key, []).append(i)
        by_first.setdefault(key[0], []).append(i)
    wanted = np.stack([labels[k].numpy() for k in keys], axis=1).tolist()
    picks = []
    for key in map(tuple, wanted):
        pool = by_key.get(key) or by_first.get(key[0]) or list(range(len(train)))
        picks.append(int(rng.choice(pool)))
    return train.images[torch.tensor(picks)]


def diversity_groups(train: GanData, n_groups: int, per: int, seed: int) -> dict[str, torch.Tensor]:
    """``n_groups`` label sets seen in training, each repeated ``per`` times."""
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(train), n_groups, replace=False)
    idx = torch.tensor(rows).repeat_interleave(per)
    return {k: v[idx] for k, v in train.labels.items()}


def mean_pairwise(features: np.ndarray, per: int) -> float:
    out = []
    for s in range(0, len(features), per):
        f = features[s : s + per]
        d = np.sqrt(((f[:, None] - f[None]) ** 2).sum(-1))
        out.append(d[np.triu_indices(len(f), 1)].mean())
    return float(np.mean(out))


def diversity(features: np.ndarray, per: int) -> dict[str, float]:
    return {"diversity": mean_pairwise(features, per), "within_between": within_between(features, per)}


def within_between(features: np.ndarray, per: int) -> float:
    """Mean distance between pictures of the same labels over that between pictures of different
    labels: near 0 when every latent of a label gives the same picture (mode collapse)."""
    d = distances(features, features)
    group = np.arange(len(features)) // per
    same = (group[:, None] == group[None]) & ~np.eye(len(features), dtype=bool)
    other = group[:, None] != group[None]
    return float(d[same].mean() / d[other].mean())


def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance of every row of ``a`` to every row of ``b``."""
    return np.sqrt(np.clip((a**2).sum(1)[:, None] + (b**2).sum(1)[None] - 2 * a @ b.T, 0, None))


def nearest_real(features: np.ndarray, train_features: np.ndarray) -> float:
    return float(distances(features, train_features).min(1).mean())


def throughput(generator: Generator, device: str, n: int = 512, batch: int = 64) -> float:
    generator = generator.to(device)
    labels = {
        k: torch.randint(0, len(v), (batch,), device=device) for k, v in generator.config.conditions.items()
    }
    z = torch.randn(batch, generator.config.z_dim, device=device)
    with torch.no_grad():
        generator(z, labels)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(n // batch):
            generator(z, labels)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
    generator.to("cpu")
    return n / (time.perf_counter() - t0)


def evaluate(
    name: str, checkpoint: Path, train: GanData, held: GanData, args: argparse.Namespace
) -> list[dict]:
    sampler = DesignSampler(checkpoint)
    trained = sampler.generator
    untrained = Generator(GanConfig(**{**sampler.config.__dict__})).eval()
    heads = [k for k in ("article_type", "colour") if k in train.conditions]
    t0 = time.perf_counter()
    clf = train_classifier(train, args.classifier_epochs, heads)
    print(f"[{name}] classifier trained in {time.perf_counter() - t0:.0f}s", flush=True)
    backbone = Backbone()
    train_ref = train.subset(
        torch.randperm(len(train), generator=torch.Generator().manual_seed(0))[: args.n_ref]
    )
    ref_feats = backbone(train_ref.images)
    held_feats = backbone(held.images)
    held_enc = project_encoder_features(held.images)
    groups = diversity_groups(train, args.groups, args.per_group, seed=1)
    rows = [
        {
            "dataset": name,
            "system": "real held-out (ceiling)",
            **{f"acc_{k}": v for k, v in accuracy(clf, held.images, held.labels).items()},
            "nearest_real": nearest_real(held_feats[:500], ref_feats),
        }
    ]
    systems = {
        "trained GAN": lambda labels, seed: gan_images(trained, labels, seed),
        "untrained generator": lambda labels, seed: gan_images(untrained, labels, seed),
        "NN retrieval (real)": lambda labels, seed: retrieval_images(train, labels, seed),
    }
    for system, draw in systems.items():
        t0 = time.perf_counter()
        images = draw(held.labels, 0)
        feats = backbone(images)
        row = {
            "dataset": name,
            "system": system,
            "FID": fid(feats, held_feats),
            "KIDx1000": kid(feats, held_feats),
            **{f"acc_{k}": v for k, v in accuracy(clf, images, held.labels).items()},
            **diversity(backbone(group_images := draw(groups, 1)), args.per_group),
            "within_between_px": within_between(
                group_images.float().flatten(1).numpy() / 255.0, args.per_group
            ),
            "nearest_real": nearest_real(feats[:500], ref_feats),
        }
        enc = project_encoder_features(images) if held_enc is not None else None
        if enc is not None:
            row["KIDx1000_encoder"] = kid(enc * 10, held_enc * 10)
        if system != "NN retrieval (real)":
            gen = trained if system == "trained GAN" else untrained
            row["img_per_s_cpu"] = throughput(gen, "cpu")
            if torch.cuda.is_available():
                row["img_per_s_cuda"] = throughput(gen, "cuda", n=4096, batch=512)
        rows.append(row)
        print(f"[{name}] {system} done in {time.perf_counter() - t0:.0f}s", flush=True)
    if args.grid:
        labels = diversity_groups(train, 8, 8, seed=2)
        grid = sample_grid(to_float(gan_images(trained, labels, 0)), 8)
        path = Path(args.grid.replace("{dataset}", name.replace(" ", "-")))
        path.parent.mkdir(parents=True, exist_ok=True)
        grid.resize((grid.width * 2, grid.height * 2)).save(path)
        print(f"[{name}] sample grid: {path.resolve()}")
    return rows


def photos(args: argparse.Namespace) -> None:
    """The photo GAN on real held-out photos (``_gan_photos.py``): table + ``results/gan_photos*.json``."""
    import os

    from _gan_photos import brief_grid, images_per_second, photo_rows, select_snapshot, ship

    if args.snapshots:
        rows, chosen = select_snapshot(args)
        best = Path(args.snapshots) / chosen["snapshot"]
        print_table(rows, list(rows[0]))
        rule = (
            "best val article accuracy within --kid-slack x the lowest val KID" if args.recogniser else "KID"
        )
        path = write_results(
            "gan_photos_snapshots",
            {
                "machine": machine(),
                "rows": rows,
                "best": chosen,
                "rule": rule,
                "kid_slack": args.kid_slack,
            },
        )
        print(f"best on validation: {best} at truncation {chosen['truncation']}; wrote {path}")
        if args.ship:
            print(f"shipped as {ship(best, chosen['truncation'], args.photos_checkpoint)}")
        return
    if args.timing:
        load = os.getloadavg()
        rows = [
            {"batch": b, "img_per_s_cpu": images_per_second(args.photos_checkpoint, b)} for b in (1, 16, 64)
        ]
        after = os.getloadavg()
        print_table(rows, ["batch", "img_per_s_cpu"])
        path = write_results(
            "gan_photos_speed",
            {
                "machine": machine(),
                "load_before": load,
                "load_after": after,
                "threads": args.threads,
                "rows": rows,
            },
        )
        print(f"load average before {load}, after {after}; wrote {path}")
        return
    if args.photo_grid:
        out = brief_grid(args.photos_checkpoint, Path(args.photo_grid))
        print(f"sample grid: {out} ({out.stat().st_size // 1000} KB)")
    rows, meta = photo_rows(args)
    columns = [
        "system",
        "FID_eff",
        "KIDx1000_eff",
        "FID_enc",
        "KIDx1000_enc",
        "precision",
        "recall",
        "acc_article_type",
        "acc_colour",
        "within_between",
        "diversity",
        "memorised_share",
        "near_copy_share",
    ]
    print_table(rows, [c for c in columns if any(c in r for r in rows)])
    gan = next(r for r in rows if r["system"] == "photo GAN")
    real = [r for r in rows if r["system"].startswith("real ")]  # the ceiling first, then at 64 px
    for key, ceiling in zip(("of_ceiling", "of_real_at_64px"), real if len(real) == 2 else real * 2):
        meta[key] = {k: gan[k] / ceiling[k] for k in ("acc_article_type", "acc_colour") if ceiling.get(k)}
        print(f"photo GAN / {ceiling['system']}: {meta[key]}")
    print(f"reader: {meta['reader']}")
    name = "gan_photos" if args.split == "test" else f"gan_photos_{args.split}"
    path = write_results(
        name, {"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}, "rows": rows, **meta}
    )
    print(f"wrote {path}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--datasets", default="photos", help="photos, demo, fashion-mnist (comma-separated)")
    p.add_argument("--demo-checkpoint", type=Path, default=DATASETS["demo"])
    p.add_argument("--fmnist-checkpoint", type=Path, default=DATASETS["fashion-mnist"])
    p.add_argument("--photos-checkpoint", type=Path, default=DATASETS["photos"])
    p.add_argument("--photo-cache", type=Path, default=Path("/tmp/gan_cache/photos64.npz"))
    p.add_argument("--split", default="test", help="photos: test (headline) or val (choosing snapshots)")
    p.add_argument("--n", type=int, default=500, help="photos: conditions (real photos of the split) drawn")
    p.add_argument("--previous", type=Path, default=None, help="photos: also the checkpoint it replaced")
    p.add_argument("--recogniser", default=None, help="photos: a photo recogniser checkpoint (the reader)")
    p.add_argument("--n-real", type=int, default=1200, help="photos: real photos of the split as reference")
    p.add_argument("--n-train", type=int, default=6000, help="photos: training photos for nearest distances")
    p.add_argument("--photo-grid", default=None, help="photos: also write the briefs x seeds grid PNG here")
    p.add_argument(
        "--snapshots", default=None, help="photos: choose among the snapshots in DIR on validation"
    )
    p.add_argument(
        "--truncations",
        type=lambda s: [float(x) for x in s.split(",")],
        default=[1.0],
        help="photos --snapshots: latent scales to try, e.g. 1,0.7,0.5",
    )
    p.add_argument(
        "--ship", action="store_true", help="photos --snapshots: write the choice to --photos-checkpoint"
    )
    p.add_argument(
        "--kid-slack",
        type=float,
        default=1.25,
        help="photos --snapshots with --recogniser: best val article accuracy within this x the lowest KID",
    )
    p.add_argument(
        "--timing", action="store_true", help="photos: only images/s (run it under the quiet lock)"
    )
    p.add_argument("--n-held", type=int, default=300, help="held-out real pictures (and pictures per system)")
    p.add_argument("--n-ref", type=int, default=1000, help="training pictures for nearest-real distances")
    p.add_argument("--groups", type=int, default=16)
    p.add_argument("--per-group", type=int, default=8)
    p.add_argument("--classifier-epochs", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--grid", default=str(RESULTS / "gan_{dataset}_grid.png"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    rows: list[dict] = []
    for name in args.datasets.split(","):
        t0 = time.perf_counter()
        if name == "photos":
            photos(args)
        elif name == "demo":
            conditions = DesignSampler(args.demo_checkpoint).conditions
            train, held = demo_sets(conditions, 3000, args.n_held)
            rows += evaluate("demo", args.demo_checkpoint, train, held, args)
        elif name == "fashion-mnist":
            if not (FASHION_MNIST_DIR / "train-images-idx3-ubyte.gz").is_file():
                print("Fashion-MNIST not installed: skipped")
                continue
            train = fashion_mnist(split="train")
            held = fashion_mnist(split="t10k")
            held = held.subset(
                torch.randperm(len(held), generator=torch.Generator().manual_seed(0))[: args.n_held]
            )
            rows += evaluate("fashion-mnist", args.fmnist_checkpoint, train, held, args)
        else:
            raise SystemExit(f"unknown dataset {name!r}: photos, demo or fashion-mnist")
        print(f"[{name}] {time.perf_counter() - t0:.0f}s", flush=True)
    columns = [
        "dataset",
        "system",
        "FID",
        "KIDx1000",
        "KIDx1000_encoder",
        "acc_article_type",
        "acc_colour",
        "diversity",
        "within_between",
        "within_between_px",
        "nearest_real",
        "img_per_s_cpu",
        "img_per_s_cuda",
    ]
    if not rows:
        return
    columns = [c for c in columns if any(c in r for r in rows)]
    print_table(rows, columns)
    path = write_results(
        "gan",
        {
            "machine": machine(),
            "args": {k: str(v) for k, v in vars(args).items()},
            "rows": rows,
            "features": f"EfficientNet-Lite0 pooled 1280-d at {FEATURE_SIZE} px (ImageNet weights)",
            "encoder_features": "packaged image encoder 384-d"
            if any("KIDx1000_encoder" in r for r in rows)
            else "absent",
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
