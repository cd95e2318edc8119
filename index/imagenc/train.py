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

from stylist.errors import ToolInputError
from stylist.index.imagenc.losses import clip_loss, label_loss, same_kind_loss
from stylist.index.imagenc.model import EfficientNetBackbone, EncoderConfig, ImageEncoder, preprocess
from stylist.index.imagenc.prompts import prompt_matrix
from stylist.index.protocols import TextEmbedder
from stylist.training import OptimiserConfig, prepare_torch

Progress = Callable[[str, int, int], None]


@dataclass
class TrainConfig(OptimiserConfig):
    val_fraction: float = 0.15
    views: int = 3
    """Augmented views per image cached for a pretrained backbone (the first is the plain image)."""
    group_run: int = 8
    """With ``groups`` (article types): items of one group sit together in runs of this many in a
    batch, so the in-batch negatives include hard ones of the same type."""
    backbone_lr_scale: float = 0.1
    """The learning rate of a pretrained backbone's trained blocks, relative to the heads'."""
    alt_text_share: float = 0.5
    """How often a step's text target is the alternative text (e.g. the product name) when given."""
    label_weight: float = 0.5
    """Weight of each label-prompt loss (``Pairs.label_sets``) next to the picture ↔ text loss."""
    kind_weight: float = 0.0
    """Weight of the picture ↔ picture loss that pulls pictures of one group (``Pairs.groups``) together."""


@dataclass
class TrainResult:
    model: ImageEncoder
    metrics: dict[str, Any] = field(default_factory=dict)
    train_ids: list[str] = field(default_factory=list)
    val_ids: list[str] = field(default_factory=list)


@dataclass
class LabelTargets:
    """A label per picture (e.g. its article type; "" = unknown) and each label's prompts in words:
    the picture is also pulled towards its label's prompt vector (the mean of its prompts)."""

    values: Sequence[str]
    prompts: dict[str, Sequence[str]]


@dataclass
class Pairs:
    """What a picture is trained against: its text, an optional alternative text, its group (batches
    hold runs of one group: hard negatives), its label key (pictures with one key, e.g. article type
    and colour, are not each other's negatives) and label targets."""

    texts: Sequence[str]
    alt_texts: Sequence[str] | None = None
    groups: Sequence[str] | None = None
    same_label: Sequence[str] | None = None
    label_sets: Sequence[LabelTargets] = ()


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


def grouped_batches(
    items: Sequence[int], groups: Sequence[str] | None, batch_size: int, run: int, rng: random.Random
) -> list[list[int]]:
    """Shuffled batches; with ``groups``, built from runs of ``run`` items of one group each."""
    if groups is None:
        order = list(items)
        rng.shuffle(order)
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    by_group: dict[str, list[int]] = {}
    for i in items:
        by_group.setdefault(groups[i], []).append(i)
    runs: list[list[int]] = []
    for members in by_group.values():
        rng.shuffle(members)
        runs += [members[k : k + run] for k in range(0, len(members), run)]
    rng.shuffle(runs)
    order = [i for r in runs for i in r]
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def train_image_encoder(
    ids: Sequence[str],
    images: Sequence[Image.Image],
    texts: Sequence[str] | Pairs,
    text_embedder: TextEmbedder,
    config: EncoderConfig | None = None,
    train: TrainConfig | None = None,
    progress: Progress | None = None,
    *,
    extra_embedders: Sequence[TextEmbedder] = (),
    maps: torch.Tensor | None = None,
    maps_block: int = 0,
) -> TrainResult:
    """Contrastive training of a new encoder on pictures and their texts.

    ``extra_embedders`` add a head per further text space (e.g. the ``--fast`` static model).
    ``maps`` (optional, (N, C, H, W)) are cached EfficientNet input maps of block ``maps_block``
    for every picture, or (N, 1280) pooled features when the backbone is frozen; then ``images``
    are not read (and may be empty).
    """
    config = config or EncoderConfig()
    train = train or TrainConfig()
    pairs = texts if isinstance(texts, Pairs) else Pairs(texts)
    n_pictures = len(maps) if maps is not None else len(images)
    if not (len(ids) == n_pictures == len(pairs.texts)):
        raise ToolInputError("ids, images and texts must have the same length")
    if len(ids) < 8:
        raise ToolInputError(f"training needs at least 8 garments with pictures, got {len(ids)}")
    if text_embedder.dim != config.embed_dim:
        config.embed_dim = text_embedder.dim
    prepare_torch(train)
    rng = random.Random(train.seed)
    report = progress or (lambda stage, done, total: None)

    spaces = [text_embedder, *extra_embedders]
    text_vecs = [_embed(e, pairs.texts) for e in spaces]
    alt_vecs = [_embed(e, pairs.alt_texts) for e in spaces] if pairs.alt_texts else None
    label_targets = [_label_targets(e, pairs.label_sets) for e in spaces]  # per space: [(prompts, idx)]
    keys = _key_codes(pairs.same_label)
    kinds = _key_codes(pairs.groups) if train.kind_weight > 0 else None
    train_ids, val_ids = split_ids(ids, train.val_fraction)
    index = {gid: n for n, gid in enumerate(ids)}
    tr = [index[i] for i in train_ids]
    va = [index[i] for i in val_ids]

    model = ImageEncoder(config, {e.name: e.dim for e in extra_embedders})
    heads = [model.head, *model.extra_heads]
    pretrained = isinstance(model.backbone, EfficientNetBackbone)
    tail = [p for p in model.backbone.parameters() if p.requires_grad]
    rest = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("backbone.")]
    scale = train.backbone_lr_scale if pretrained else 1.0
    groups = [{"params": rest, "lr": train.lr}] + ([{"params": tail, "lr": train.lr * scale}] if tail else [])
    optimiser = torch.optim.AdamW(groups, weight_decay=train.weight_decay)

    feats = None
    if pretrained:
        feats = _cached_inputs(model, images, maps, maps_block, train.views, rng, report)  # (V, N, ...)
    steps_per_epoch = max(1, (len(tr) + train.batch_size - 1) // train.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=[g["lr"] for g in groups], total_steps=train.epochs * steps_per_epoch + 1
    )
    history = []
    for epoch in range(train.epochs):
        model.train()
        losses = []
        for batch in grouped_batches(tr, pairs.groups, train.batch_size, train.group_run, rng):
            if len(batch) < 2:
                continue
            if feats is not None:
                pooled = _pooled(model, feats, batch, augment=True)
            else:
                pixels = preprocess([augment(images[i], rng) for i in batch], config.image_size)
                pooled = model.backbone(pixels)
            use_alt = alt_vecs is not None and rng.random() < train.alt_text_share
            targets = alt_vecs if use_alt and alt_vecs is not None else text_vecs
            same = (keys[batch][:, None] == keys[batch][None, :]) if keys is not None else None
            loss = torch.zeros(())
            for head, vecs, labels in zip(heads, targets, label_targets):
                out = head(pooled)
                loss = loss + clip_loss(out, vecs[batch], model.logit_scale, same)
                for prompts, idx in labels:
                    loss = loss + train.label_weight * label_loss(out, prompts, idx[batch], model.logit_scale)
                if kinds is not None:
                    loss = loss + train.kind_weight * same_kind_loss(out, kinds[batch], model.logit_scale)
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
            if feats is not None:
                val_img = model.head(_pooled(model, feats, va, augment=False)).numpy()
            else:
                val_img = embed_images(model, [images[i] for i in va])
        metrics.update(retrieval_metrics(val_img, text_vecs[0][va].numpy()))
    return TrainResult(model=model, metrics=metrics, train_ids=list(train_ids), val_ids=list(val_ids))


def _embed(embedder: TextEmbedder, texts: Sequence[str]) -> torch.Tensor:
    return torch.from_numpy(np.asarray(embedder.embed_texts(list(texts)), dtype=np.float32))


def _label_targets(
    embedder: TextEmbedder, sets: Sequence[LabelTargets]
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Per label set: the labels' prompt vectors (L, D) and each picture's label index (-100: none)."""
    out = []
    for targets in sets:
        names = list(targets.prompts)
        where = {name: n for n, name in enumerate(names)}
        idx = torch.tensor([where.get(v, -100) for v in targets.values], dtype=torch.long)
        out.append((torch.from_numpy(prompt_matrix(embedder, targets.prompts)), idx))
    return out


def _key_codes(keys: Sequence[str] | None) -> torch.Tensor | None:
    if keys is None:
        return None
    codes: dict[str, int] = {}
    return torch.tensor([codes.setdefault(k, len(codes)) if k else -1 - n for n, k in enumerate(keys)])


def _pooled(model: ImageEncoder, feats: torch.Tensor, batch: list[int], augment: bool) -> torch.Tensor:
    """Pooled backbone features of ``batch`` from cached inputs: a random view, and a random
    horizontal flip of the maps when the tail trains; pooled features when it is frozen."""
    view = (
        torch.randint(0, feats.shape[0], (len(batch),))
        if augment
        else torch.zeros(len(batch), dtype=torch.long)
    )
    x = feats[view, torch.tensor(batch)].float()
    if x.dim() == 2:  # frozen tail: already pooled
        return x
    if augment:
        flip = torch.rand(len(batch)) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(3), x)
    return model.backbone.tail(x)  # type: ignore[operator]


@torch.no_grad()
def _cached_inputs(
    model: ImageEncoder,
    images: Sequence[Image.Image],
    maps: torch.Tensor | None,
    maps_block: int,
    views: int,
    rng: random.Random,
    report: Progress,
) -> torch.Tensor:
    """What a pretrained backbone's trained part reads, computed once: the tail's input maps
    (half precision) when the tail trains, pooled features when nothing in the backbone does.
    (views, N, C, H, W) or (views, N, 1280)."""
    backbone = model.backbone
    assert isinstance(backbone, EfficientNetBackbone)
    frozen = not model.trains_backbone

    def finish(x: torch.Tensor) -> torch.Tensor:
        return backbone.tail(x.float()) if frozen else x.half()

    if maps is not None and maps.dim() == 2:  # pooled features of a frozen backbone, cached by the caller
        if not frozen:
            raise ToolInputError("pooled features can stand in for pictures only when the backbone is frozen")
        return maps.float()[None]
    if maps is not None:
        rows = [
            finish(backbone.prefix_from(maps[i : i + 256].float(), maps_block))
            for i in range(0, len(maps), 256)
        ]
        report("features", len(maps), len(maps))
        return torch.cat(rows)[None]
    out = []
    total, done = views * len(images), 0
    for v in range(views):
        rows = []
        for start in range(0, len(images), 64):
            chunk = list(images[start : start + 64])
            if v > 0:
                chunk = [augment(img, rng) for img in chunk]
            rows.append(finish(backbone.prefix(preprocess(chunk, model.config.image_size))))
            done += len(chunk)
            report("features", done, total)
        out.append(torch.cat(rows))
    return torch.stack(out)


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
