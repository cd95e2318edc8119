"""Training the image encoder: CLIP-style symmetric contrastive loss against frozen text vectors.

The text side is the catalogue's own text model (frozen), so images land in the space that
queries and descriptions already live in. With a frozen pretrained backbone the backbone
features of a few augmented views are computed once, and only the head trains (fast on CPU);
a from-scratch backbone trains end to end with fresh augmentations every epoch.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageOps
from torch import nn

from stylist.errors import ToolInputError
from stylist.index.imagenc.model import EncoderConfig, ImageEncoder, preprocess
from stylist.index.protocols import TextEmbedder
from stylist.training import OptimiserConfig, prepare_torch

Progress = Callable[[str, int, int], None]


@dataclass
class TrainConfig(OptimiserConfig):
    val_fraction: float = 0.15
    views: int = 3
    """Augmented views per image cached for a frozen backbone (the first is the plain image)."""


@dataclass
class TrainResult:
    model: ImageEncoder
    metrics: dict[str, Any] = field(default_factory=dict)
    train_ids: list[str] = field(default_factory=list)
    val_ids: list[str] = field(default_factory=list)


def split_ids(ids: Sequence[str], val_fraction: float) -> tuple[list[str], list[str]]:
    """A deterministic split by hashed id: the same garment is always on the same side."""
    threshold = int(val_fraction * 10_000)
    val = [i for i in ids if int(hashlib.sha1(i.encode()).hexdigest(), 16) % 10_000 < threshold]
    val_set = set(val)
    return [i for i in ids if i not in val_set], val


def augment(img: Image.Image, rng: random.Random) -> Image.Image:
    """Crops, flips and light brightness changes; hue stays, since colour is what users ask for."""
    w, h = img.size
    scale = rng.uniform(0.75, 1.0)
    cw, ch = int(w * scale), int(h * scale)
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    out = img.crop((x, y, x + cw, y + ch))
    if rng.random() < 0.5:
        out = ImageOps.mirror(out)
    factor = rng.uniform(0.9, 1.1)
    return out.point(lambda v: max(0, min(255, int(v * factor))))


def train_image_encoder(
    ids: Sequence[str],
    images: Sequence[Image.Image],
    texts: Sequence[str],
    text_embedder: TextEmbedder,
    config: EncoderConfig | None = None,
    train: TrainConfig | None = None,
    progress: Progress | None = None,
) -> TrainResult:
    config = config or EncoderConfig()
    train = train or TrainConfig()
    if not (len(ids) == len(images) == len(texts)):
        raise ToolInputError("ids, images and texts must have the same length")
    if len(ids) < 8:
        raise ToolInputError(f"training needs at least 8 garments with pictures, got {len(ids)}")
    if text_embedder.dim != config.embed_dim:
        config.embed_dim = text_embedder.dim
    prepare_torch(train)
    rng = random.Random(train.seed)
    report = progress or (lambda stage, done, total: None)

    text_vecs = torch.from_numpy(np.asarray(text_embedder.embed_texts(list(texts)), dtype=np.float32))
    train_ids, val_ids = split_ids(ids, train.val_fraction)
    index = {gid: n for n, gid in enumerate(ids)}
    tr = [index[i] for i in train_ids]
    va = [index[i] for i in val_ids]

    model = ImageEncoder(config)
    frozen = not model.trains_backbone
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=train.lr, weight_decay=train.weight_decay)

    if frozen:
        feats = _backbone_features(
            model, images, config.image_size, train.views, rng, report
        )  # (views, N, F)
    steps_per_epoch = max(1, (len(tr) + train.batch_size - 1) // train.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=train.lr, total_steps=train.epochs * steps_per_epoch
    )
    history = []
    for epoch in range(train.epochs):
        model.train()
        order = tr[:]
        rng.shuffle(order)
        losses = []
        for start in range(0, len(order), train.batch_size):
            batch = order[start : start + train.batch_size]
            if len(batch) < 2:
                continue
            if frozen:
                view = torch.randint(0, feats.shape[0], (len(batch),))
                img_vecs = model.head(feats[view, torch.tensor(batch)])
            else:
                pixels = preprocess([augment(images[i], rng) for i in batch], config.image_size)
                img_vecs = model(pixels)
            loss = clip_loss(img_vecs, text_vecs[batch], model.logit_scale)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            with torch.no_grad():
                model.logit_scale.clamp_(0, np.log(100))
            losses.append(float(loss.detach()))
        history.append(float(np.mean(losses)) if losses else float("nan"))
        report("train", epoch + 1, train.epochs)

    model.eval()
    metrics: dict[str, Any] = {
        "train_size": len(tr),
        "val_size": len(va),
        "epochs": train.epochs,
        "loss": history,
    }
    if va:
        with torch.no_grad():
            if frozen:
                val_img = model.head(feats[0, torch.tensor(va)]).numpy()
            else:
                val_img = embed_images(model, [images[i] for i in va])
        metrics.update(retrieval_metrics(val_img, text_vecs[va].numpy()))
    return TrainResult(model=model, metrics=metrics, train_ids=list(train_ids), val_ids=list(val_ids))


def clip_loss(img: torch.Tensor, txt: torch.Tensor, logit_scale: torch.Tensor) -> torch.Tensor:
    logits = logit_scale.exp() * img @ txt.T  # (B, B)
    target = torch.arange(len(img))
    return (nn.functional.cross_entropy(logits, target) + nn.functional.cross_entropy(logits.T, target)) / 2


@torch.no_grad()
def _backbone_features(
    model: ImageEncoder,
    images: Sequence[Image.Image],
    size: int,
    views: int,
    rng: random.Random,
    report: Progress,
) -> torch.Tensor:
    out = []
    total = views * len(images)
    done = 0
    for v in range(views):
        rows = []
        for start in range(0, len(images), 64):
            chunk = images[start : start + 64]
            if v > 0:
                chunk = [augment(img, rng) for img in chunk]
            rows.append(model.backbone(preprocess(list(chunk), size)))
            done += len(chunk)
            report("features", done, total)
        out.append(torch.cat(rows))
    return torch.stack(out)  # (views, N, F)


@torch.no_grad()
def embed_images(model: ImageEncoder, images: Sequence[Image.Image], batch_size: int = 64) -> np.ndarray:
    model.eval()
    rows = [
        model(preprocess(list(images[i : i + batch_size]), model.config.image_size)).numpy()
        for i in range(0, len(images), batch_size)
    ]
    return (
        np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, model.config.embed_dim), np.float32)
    )


def retrieval_metrics(
    img_vecs: np.ndarray, txt_vecs: np.ndarray, ks: Sequence[int] = (1, 5, 10)
) -> dict[str, float]:
    """Recall@K both ways when row i of each matrix is the same garment."""
    sims = img_vecs @ txt_vecs.T
    out: dict[str, float] = {}
    for name, matrix in (("text_to_image", sims.T), ("image_to_text", sims)):
        correct = np.diag(matrix)[:, None]
        rank = (matrix > correct).sum(axis=1)  # 0 = first
        for k in ks:
            out[f"{name}_R@{k}"] = float((rank < k).mean())
    return out
