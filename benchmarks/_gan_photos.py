"""The photo GAN measured on the held-out real test photos of ``_photos.py``'s split (``gan.py --datasets
photos``; the validation split is what ``--split val`` picks snapshots on).

Each system draws one picture per condition of ``--n`` real photos of the split (their article type, colour
and the text embedding of their product name + attributes):

- ``photo GAN``: the packaged (or ``--photos-checkpoint``) text-conditioned generator;
- ``untrained``: the same architecture, randomly initialised;
- ``previous demo GAN``: the demo-trained checkpoint, given the nearest demo labels;
- ``nearest real``: the training photo whose words are closest to the condition's (retrieval).

Figures: FID and KID (x1000) against all real photos of the split, on EfficientNet-Lite0 pooled features
(ImageNet weights, at 64 px) and on the packaged photo encoder's 384-d vectors (same input); precision /
recall (Kynkäänniemi et al. 2019, k = 3, encoder features); conditional article and colour accuracy as
read by the real-photo recogniser (``--reader``; its accuracy on the real photos is the ceiling); within /
between-condition diversity (``--groups`` conditions x ``--per-group`` seeds); memorisation: the share of
pictures whose nearest training photo (EfficientNet features) is closer than the median (and the 5th
percentile) real-to-real nearest distance (split photo → training photo). All pictures are 64 px, real ones
downscaled the same way.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

CACHE = Path("/tmp/gan_cache")


# ---------------------------------------------------------------- features
class Features:
    """EfficientNet-Lite0 pooled features of uint8 (N, 3, 64, 64) pictures at 64 px, and the packaged
    photo encoder's 384-d vectors for the same input: its backbone is that frozen EfficientNet
    (``tune_blocks`` 0), so its vectors are its head applied to those pooled features (one pass for
    both; the encoder sees the pictures at 64 px, their native size, not upscaled to 224).
    Real photos' features are cached in /tmp."""

    def __init__(self) -> None:
        from gan import Backbone

        from stylist.index.imagenc.embedder import PHOTOS_CHECKPOINT
        from stylist.index.imagenc.model import load_checkpoint

        self.backbone = Backbone()
        model, _ = load_checkpoint(PHOTOS_CHECKPOINT, "cpu")
        if model.config.tune_blocks:
            raise SystemExit("the photo encoder tunes its backbone: its vectors need their own pass")
        self.head = model.head.eval()
        self.encoder_digest = hashlib.sha256(PHOTOS_CHECKPOINT.read_bytes()).hexdigest()[:8]

    def __call__(self, images: torch.Tensor) -> dict[str, np.ndarray]:
        eff = self.backbone(images)
        with torch.no_grad():
            enc = self.head(torch.from_numpy(eff).float()).numpy().astype(np.float64)
        return {"eff": eff, "enc": enc}

    def cached(self, name: str, images: torch.Tensor) -> dict[str, np.ndarray]:
        digest = hashlib.sha256(images.numpy().tobytes()).hexdigest()[:12]
        path = CACHE / f"feats64_{name}_{len(images)}_{digest}_enc{self.encoder_digest}.npz"
        if path.is_file():
            with np.load(path) as z:
                return {k: z[k] for k in z.files}
        t0 = time.perf_counter()
        out = self(images)
        np.savez(path, **out)
        print(f"features of {len(images)} {name} photos in {time.perf_counter() - t0:.0f}s", flush=True)
        return out


# ---------------------------------------------------------------- metrics
def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019): the share of fake samples inside the
    real manifold (union of k-NN balls of the real samples) and of real samples inside the fake one."""
    from gan import distances

    def radii(x: np.ndarray) -> np.ndarray:
        d = distances(x, x)
        return np.sort(d, axis=1)[:, k]  # column 0 is the point itself

    r_real, r_fake = radii(real), radii(fake)
    d = distances(fake, real)  # (n_fake, n_real)
    precision = float((d <= r_real[None]).any(1).mean())
    recall = float((d.T <= r_fake[None]).any(1).mean())
    return precision, recall


def memorisation(fake: np.ndarray, train: np.ndarray, real_nn: np.ndarray) -> dict[str, float]:
    """Share of pictures whose nearest training photo is closer than the typical (median) and the
    5th-percentile real-to-real nearest distance."""
    from gan import distances

    nn = np.concatenate([distances(fake[s : s + 256], train).min(1) for s in range(0, len(fake), 256)])
    return {
        "memorised_share": float((nn < np.median(real_nn)).mean()),
        "near_copy_share": float((nn < np.percentile(real_nn, 5)).mean()),
        "nearest_train": float(nn.mean()),
    }


# ---------------------------------------------------------------- readers of article and colour
class ProbeReader:
    """FALLBACK reader, used only when no photo recogniser checkpoint is installed: logistic-regression
    probes (article type, colour) on EfficientNet pooled features, fitted on the training photos."""

    name = "fallback: linear probes on EfficientNet-Lite0 features (no photo recogniser installed)"

    def __init__(self, train_eff: np.ndarray, labels: dict[str, np.ndarray]) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        self.scaler = StandardScaler().fit(train_eff)
        x = self.scaler.transform(train_eff)
        self.heads = {k: LogisticRegression(max_iter=300, C=0.5).fit(x, y) for k, y in labels.items()}

    def read(self, feats: dict[str, np.ndarray], images: torch.Tensor) -> dict[str, np.ndarray]:
        x = self.scaler.transform(feats["eff"])
        return {k: h.predict(x) for k, h in self.heads.items()}


class RecogniserReader:
    """The real-photo recogniser (``tools/recognise``): its top article type and top colour per picture,
    mapped onto the GAN's vocabulary by the fashion vocabulary's garment groups and canonical colours."""

    def __init__(self, checkpoint: Path, conditions: dict[str, list[str]]) -> None:
        from stylist.tools.recognise.photo import PhotoRecogniser

        self.model = PhotoRecogniser(checkpoint)
        self.name = f"photo recogniser {checkpoint.name}"
        self.conditions = conditions

    def read(self, feats: dict[str, np.ndarray], images: torch.Tensor) -> dict[str, np.ndarray]:
        from PIL import Image

        return self.read_pictures([Image.fromarray(a) for a in images.permute(0, 2, 3, 1).numpy()])

    def read_pictures(self, pics: list[Any]) -> dict[str, np.ndarray]:
        """The recogniser on PIL pictures of any size (the real photos at their full 224 px)."""
        from stylist.fashion.terms import article_key, canonical_colour

        keys: dict[str, int] = {}
        for i, v in enumerate(self.conditions["article_type"]):
            keys.setdefault(v, i)
            keys.setdefault(article_key(v), i)
        colours = {v: i for i, v in enumerate(self.conditions["colour"])}
        preds = self.model.predict(pics)  # the recogniser's batch API (tools/recognise/service.py)
        arts = [keys.get(p.article_type, keys.get(article_key(p.article_type), -1)) for p in preds]
        cols = [colours.get(canonical_colour(p.colour), -1) for p in preds]
        return {"article_type": np.array(arts), "colour": np.array(cols)}


def full_photo(garment_id: str) -> Any:
    """A real photo as stored (224 px), the picture the recogniser's ceiling is measured on."""
    from _photos import IMAGES
    from PIL import Image

    with Image.open(IMAGES / f"{garment_id}.jpg") as im:
        return im.convert("RGB")


def accuracy(read: dict[str, np.ndarray], labels: dict[str, torch.Tensor]) -> dict[str, float]:
    return {f"acc_{k}": float((read[k] == labels[k].numpy()).mean()) for k in read}


# ---------------------------------------------------------------- systems
def demo_images(checkpoint: Path, data: Any, seed: int) -> tuple[torch.Tensor, float]:
    """The previous demo-trained GAN, each condition read into its vocabulary (its article type when
    the demo has it, else a brief's closest; colour when known, else the article's usual one)."""
    from stylist.errors import ToolInputError
    from stylist.tools.designs.brief import plan_designs
    from stylist.tools.designs.condition import article_words
    from stylist.tools.designs.sample import DesignSampler

    sampler = DesignSampler(checkpoint)
    rows, mapped = [], 0
    for i in range(len(data)):
        names = data.label_names(i)
        brief = f"{names['colour']} {article_words(names['article_type'])}"
        try:
            plan = plan_designs(brief, sampler.conditions, 1, seed=i, seen=sampler.metrics.get("seen"))
            mapped += plan.read.get("article_type") != []
        except ToolInputError:  # an article the demo cannot draw: its first one, varied colour
            first = sampler.conditions["article_type"][0]
            plan = plan_designs("", sampler.conditions, 1, seed=i, article_type=first)
        rows.append(plan.labels[0])
    images = sampler.generate(rows, seed=seed)
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(), mapped / max(len(data), 1)


def gan_images(generator: Any, data: Any, seed: int, per: int = 1, truncation: float = 1.0) -> torch.Tensor:
    """One picture per condition of ``data`` (``per`` latents each, consecutive), from ``seed``; latents
    scaled by ``truncation`` as the sampler does (``DesignSampler.truncation``)."""
    labels = {k: v.repeat_interleave(per) for k, v in data.labels.items()}
    text = data.text.repeat_interleave(per, dim=0)
    z = torch.randn(len(text), generator.config.z_dim, generator=torch.Generator().manual_seed(seed))
    z = z * truncation
    out = []
    with torch.no_grad():
        for s in range(0, len(z), 128):
            part = {k: v[s : s + 128] for k, v in labels.items()}
            out.append(generator(z[s : s + 128], part, text[s : s + 128]))
    return ((torch.cat(out).clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


def nearest_real_images(train: Any, data: Any) -> torch.Tensor:
    """For each condition, the training photo whose text embedding is closest (retrieval)."""
    best = (data.text @ train.text.T).argmax(1)
    return train.images[best]


def within_between_both(feats: np.ndarray, per: int) -> dict[str, float]:
    from gan import mean_pairwise, within_between

    return {"diversity": mean_pairwise(feats, per), "within_between": within_between(feats, per)}


# ---------------------------------------------------------------- the benchmark
def photo_rows(args: Any) -> tuple[list[dict], dict[str, Any]]:
    from gan import distances, fid, kid

    from stylist.tools.designs.data import from_photo_cache
    from stylist.tools.designs.model import Generator
    from stylist.tools.designs.sample import DATASETS, DesignSampler

    sampler = DesignSampler(args.photos_checkpoint)
    vocab = sampler.conditions
    train = from_photo_cache(args.photo_cache, "train", keep=vocab)
    split = from_photo_cache(args.photo_cache, args.split, keep=vocab)
    left_out = len(split.problems)
    pick = torch.randperm(len(split), generator=torch.Generator().manual_seed(0))[: args.n]
    cond = split.subset(pick)
    feats = Features()
    gen = torch.Generator().manual_seed(1)
    train_all = train
    train = train.subset(torch.randperm(len(train), generator=gen)[: args.n_train])
    split = split.subset(torch.randperm(len(split), generator=gen)[: args.n_real])
    real_train = feats.cached("train", train.images)
    real = feats.cached(args.split, split.images)
    real_nn = np.concatenate(
        [distances(real["eff"][s : s + 256], real_train["eff"]).min(1) for s in range(0, len(split), 256)]
    )
    reader = _reader(args, vocab, real_train, train)
    cond_real = feats(cond.images)
    rows = []
    if isinstance(reader, RecogniserReader):  # the ceiling as #19 defines it: the photos as they are
        full = reader.read_pictures([full_photo(i) for i in cond.ids])
        rows.append(
            {"system": f"real {args.split} photos, full 224 px (ceiling)", **accuracy(full, cond.labels)}
        )
    rows.append(
        {
            "system": f"real {args.split} photos at 64 px (the GAN's resolution)",
            **accuracy(reader.read(cond_real, cond.images), cond.labels),
            **memorisation(cond_real["eff"], real_train["eff"], real_nn),
        }
    )
    torch.manual_seed(0)
    untrained = Generator(sampler.config).eval()
    groups = cond.subset(torch.arange(min(args.groups, len(cond))))
    systems = {
        "photo GAN": lambda: gan_images(sampler.generator, cond, 0, truncation=sampler.truncation),
        "untrained generator": lambda: gan_images(untrained, cond, 0),
        "previous demo GAN": lambda: demo_images(DATASETS["demo"], cond, 0)[0],
        "nearest real (retrieval)": lambda: nearest_real_images(train_all, cond),
    }
    if getattr(args, "previous", None):  # the checkpoint the shipped one replaced
        before = DesignSampler(args.previous)
        systems["previous photo GAN"] = lambda: gan_images(
            before.generator, cond, 0, truncation=before.truncation
        )
    for name, draw in systems.items():
        t0 = time.perf_counter()
        images = draw()
        f = feats(images)
        precision, recall = precision_recall(real["enc"], f["enc"])
        row = {
            "system": name,
            "FID_eff": fid(f["eff"], real["eff"]),
            "KIDx1000_eff": kid(f["eff"], real["eff"]),
            "FID_enc": fid(f["enc"] * 10, real["enc"] * 10),
            "KIDx1000_enc": kid(f["enc"] * 10, real["enc"] * 10),
            "precision": precision,
            "recall": recall,
            **accuracy(reader.read(f, images), cond.labels),
            **memorisation(f["eff"], real_train["eff"], real_nn),
        }
        if name in ("photo GAN", "untrained generator"):
            gen, psi = (sampler.generator, sampler.truncation) if name == "photo GAN" else (untrained, 1.0)
            row |= within_between_both(
                feats(gan_images(gen, groups, 1, args.per_group, psi))["enc"], args.per_group
            )
        rows.append(row)
        print(f"[photos] {name} done in {time.perf_counter() - t0:.0f}s", flush=True)
    meta = {
        "split": args.split,
        "conditions": len(cond),
        "split_photos": len(split),
        "left_out_of_vocabulary": left_out,
        "reference_real_photos": len(split),
        "training_photos_compared": len(train),
        "reader": reader.name,
        "checkpoint": str(args.photos_checkpoint),
        "truncation": sampler.truncation,
        "real_to_real_nearest_median": float(np.median(real_nn)),
        "features": {
            "eff": "EfficientNet-Lite0 pooled 1280-d, ImageNet weights, pictures at 64 px",
            "enc": "packaged photo encoder (imagenc photos.pt) 384-d: its head on those pooled features",
        },
    }
    return rows, meta


def _reader(args: Any, vocab: dict[str, list[str]], real_train: dict[str, np.ndarray], train: Any) -> Any:
    if args.recogniser and Path(args.recogniser).is_file():
        return RecogniserReader(Path(args.recogniser), vocab)
    return ProbeReader(real_train["eff"], {k: v.numpy() for k, v in train.labels.items()})


def images_per_second(checkpoint: Path, batch: int, seconds: float = 20.0) -> float:
    """Designs per second of the sampler on CPU (latents, text embeddings given), ``batch`` at a time."""
    from stylist.tools.designs.sample import DesignSampler

    sampler = DesignSampler(checkpoint)
    rows = [{k: v[0] for k, v in sampler.conditions.items()}] * batch
    text = np.ones((batch, sampler.config.text_dim), np.float32) if sampler.config.text_dim else None
    sampler.generate(rows, seed=0, text=text)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        sampler.generate(rows, seed=done, text=text)
        done += batch
    return done / (time.perf_counter() - t0)


GRID_BRIEFS = (
    "olive cotton shirt for men",
    "black leather handbag",
    "white sports shoes",
    "navy blue t-shirt for men",
    "pink top for women",
    "brown leather belt",
    "silver watch",
    "blue jeans",
)


def brief_grid(checkpoint: Path, out: Path, briefs=GRID_BRIEFS, seeds: int = 6) -> Path:  # noqa: ANN001
    """Briefs (rows, written on the left) x seeds (columns) through the tool's own path (brief →
    understood labels + MiniLM text → generator), at the native 64 px, as one small PNG."""
    from PIL import Image, ImageDraw

    from stylist.config import load_settings
    from stylist.index.embed.factory import make_text_embedder
    from stylist.tools.designs.condition import read_brief
    from stylist.tools.designs.sample import DesignSampler

    sampler = DesignSampler(checkpoint)
    encoder = make_text_embedder(load_settings())
    s, gap, label = sampler.native_size, 2, 190
    canvas = Image.new("RGB", (label + seeds * (s + gap) + gap, len(briefs) * (s + gap) + gap), "white")
    draw = ImageDraw.Draw(canvas)
    for r, brief in enumerate(briefs):
        cond = read_brief(
            brief,
            sampler.conditions,
            1,
            seen=sampler.metrics.get("seen"),
            prototypes=sampler.prototypes,
            encoder=encoder,
        )
        rows = cond.labels * seeds
        images = sampler.generate(rows, seed=0, text=cond.vectors.repeat(seeds, axis=0))
        y = gap + r * (s + gap)
        draw.text((4, y + 18), brief, fill=(0, 0, 0))
        draw.text((4, y + 34), cond.understood(0), fill=(110, 110, 110))
        for c, img in enumerate(images):
            canvas.paste(Image.fromarray(img), (label + gap + c * (s + gap), y))
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas.quantize(256).save(out, optimize=True)  # a palette PNG: a fraction of the size
    return out


def select_snapshot(args: Any) -> tuple[list[dict], Path]:
    """KID (x1000, EfficientNet features) of every snapshot in ``args.snapshots`` (at each of
    ``--truncations``) on ``--n`` validation
    conditions against ``--n-real`` validation photos and, with ``--recogniser``, the article and colour
    accuracy the recogniser reads from them. The choice: the lowest KID without a recogniser; with one,
    the best validation article accuracy among the snapshots whose KID is within ``--kid-slack`` times
    the lowest (so the condition is not bought with worse pictures). Returns the rows and the choice."""
    from gan import Backbone, kid

    from stylist.tools.designs.data import from_photo_cache
    from stylist.tools.designs.sample import DesignSampler

    paths = sorted(Path(args.snapshots).glob("epoch_*.pt"))
    if not paths:
        raise SystemExit(f"no snapshots in {args.snapshots}")
    vocab = DesignSampler(paths[-1]).conditions
    val = from_photo_cache(args.photo_cache, "val", keep=vocab)
    cond = val.subset(torch.randperm(len(val), generator=torch.Generator().manual_seed(0))[: args.n])
    backbone = Backbone()
    real = backbone(
        val.subset(torch.randperm(len(val), generator=torch.Generator().manual_seed(1))[: args.n_real]).images
    )
    reader = RecogniserReader(Path(args.recogniser), vocab) if args.recogniser else None
    rows = []
    for path in paths:
        sampler = DesignSampler(path)
        if sampler.conditions != vocab:
            raise SystemExit(f"{path.name} has another vocabulary than {paths[-1].name}")
        for psi in args.truncations:
            images = gan_images(sampler.generator, cond, 0, truncation=psi)
            row = {"snapshot": path.name, "truncation": psi, "KIDx1000_eff_val": kid(backbone(images), real)}
            if reader is not None:
                row |= {f"{k}_val": v for k, v in accuracy(reader.read({}, images), cond.labels).items()}
            rows.append(row)
            print(rows[-1], flush=True)
    floor = min(r["KIDx1000_eff_val"] for r in rows)
    if reader is None:
        best = min(rows, key=lambda r: r["KIDx1000_eff_val"])
    else:
        fair = [r for r in rows if r["KIDx1000_eff_val"] <= args.kid_slack * floor]
        best = max(fair, key=lambda r: (r["acc_article_type_val"], -r["KIDx1000_eff_val"]))
    return rows, best


def ship(snapshot: Path, truncation: float, out: Path) -> Path:
    """The chosen snapshot as the packaged checkpoint, with the chosen truncation in its metrics."""
    from stylist.tools.designs.model import load_checkpoint

    data = load_checkpoint(snapshot)
    data["metrics"] = {**data.get("metrics", {}), "truncation": truncation}
    torch.save(data, out)
    return out
