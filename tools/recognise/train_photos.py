"""Fitting the photo recogniser's heads on frozen-backbone features, and calibrating them.

The article and pattern heads are linear on the standardised pooled features, fitted full-batch
(seconds); the colour head is trained in minibatches on the last-block maps and the pixel grids:
``ColourCNN`` (``colour_head="cnn"``, shipped) also reads the fitted article head's CAM and learns
with horizontal flips and a one-cycle learning rate; ``ColourHead`` (``"bins"``) starts its colour
bins from k-means centres of training pixels. Then,
on the validation split only: one temperature per head (NLL), the article "unsure" threshold
(the lowest confidence above which answered validation photos are right ``target_precision`` of
the time) and the pattern threshold likewise.

``photo_data`` turns pictures into the inputs (slow: the backbone); benchmarks feed cached ones.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torch import nn

from stylist.errors import ToolInputError
from stylist.tools.recognise.calibrate import expected_calibration_error, fit_temperature, softmax
from stylist.tools.recognise.photo import PhotoCalibration
from stylist.tools.recognise.photonet import (
    FrozenBackbone,
    PhotoNet,
    PhotoNetConfig,
    lab_input,
    pixel_grid,
)
from stylist.tools.recognise.tail import TailConfig, best_weight, fit_tail


@dataclass
class PhotoTrainConfig:
    head_epochs: int = 15
    head_batch: int = 256
    head_lr: float = 1e-2
    head_weight_decay: float = 0.1
    colour_epochs: int = 8
    colour_lr: float = 1e-2
    colour_batch: int = 128
    bins: int = 32
    pixels: int = 28
    colour_head: str = "bins"
    """"cnn" (``ColourCNN``: pixels + article CAM + maps; shipped) or "bins" (``ColourHead``)."""
    cnn_epochs: int = 20
    cnn_lr: float = 3e-3
    cnn_width: int = 48
    min_count: int = 3
    """Labels with fewer training photos than this are left out of the vocabulary."""
    target_precision: float = 0.95
    """Answered (not "unsure") validation photos must be right this often."""
    pattern_precision: float = 0.85
    seed: int = 0


@dataclass
class PhotoData:
    """One split's inputs and labels (labels "" / None: unknown, ignored by that head)."""

    pooled: np.ndarray  # (N, 1280) float
    maps: np.ndarray  # (N, 320, 7, 7) float16/32: the last block's output
    grid: np.ndarray  # (N, P, P, 3) uint8 pixel grids
    articles: Sequence[str]
    colours: Sequence[str]
    patterns: Sequence[str | None]
    tail_maps: np.ndarray | None = None
    """(N, C, 7, 7) input maps of the tuned tail's first block (only for a tuned tail)."""

    def __len__(self) -> int:
        return len(self.pooled)


def photo_data(
    images: list[Image.Image],
    articles: Sequence[str],
    colours: Sequence[str],
    patterns: Sequence[str | None],
    pixels: int = 28,
    backbone: FrozenBackbone | None = None,
    tail_start: int = 0,
) -> PhotoData:
    """Run the frozen backbone over ``images`` (batches of 32) and keep what the heads read (and,
    for ``tail_start`` > 0, the input maps of that block, what a tuned tail reads)."""
    backbone = backbone or FrozenBackbone()
    maps, pooled, kept = [], [], []
    for i in range(0, len(images), 32):
        m, p, k = backbone.run(images[i : i + 32], keep=tail_start)
        maps.append(m.half().numpy())
        pooled.append(p.numpy())
        if k is not None:
            kept.append(k.half().numpy())
    return PhotoData(
        np.concatenate(pooled),
        np.concatenate(maps),
        pixel_grid(images, pixels),
        articles,
        colours,
        patterns,
        np.concatenate(kept) if kept else None,
    )


def vocabulary(labels: Sequence[str | None], min_count: int) -> list[str]:
    counts = Counter(label for label in labels if label)
    return sorted(label for label, n in counts.items() if n >= min_count)


def _indices(labels: Sequence[str | None], vocab: list[str]) -> np.ndarray:
    pos = {v: i for i, v in enumerate(vocab)}
    return np.array([pos.get(label or "", -1) for label in labels], dtype=np.int64)


def _fit_linear(layer: nn.Linear, x: torch.Tensor, y: np.ndarray, config: PhotoTrainConfig) -> None:
    """Multinomial logistic regression by minibatch AdamW over the labelled rows."""
    rows = np.nonzero(y >= 0)[0]
    if len(rows) == 0:
        return
    target = torch.from_numpy(y)
    optimiser = torch.optim.AdamW(
        layer.parameters(), lr=config.head_lr, weight_decay=config.head_weight_decay
    )
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(config.seed)
    for _ in range(config.head_epochs):
        order = torch.from_numpy(rng.permutation(rows))
        for i in range(0, len(order), config.head_batch):
            b = order[i : i + config.head_batch]
            loss = loss_fn(layer(x[b]), target[b])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()


def _bin_centres(lab: torch.Tensor, bins: int, rng: np.random.Generator) -> torch.Tensor:
    """k-means centres (bins x 3) of up to 20,000 training pixels (scaled Lab)."""
    px = lab.permute(0, 2, 3, 1).reshape(-1, 3)
    px = px[torch.from_numpy(rng.choice(len(px), min(len(px), 20_000), replace=False))]
    centres = px[torch.from_numpy(rng.choice(len(px), min(bins, len(px)), replace=False))]
    for _ in range(10):
        assign = torch.cdist(px, centres).argmin(1)
        centres = torch.stack(
            [px[assign == j].mean(0) if (assign == j).any() else centres[j] for j in range(len(centres))]
        )
    if len(centres) < bins:  # fewer pixels than bins (tiny fixtures): repeat some
        centres = centres[torch.arange(bins) % len(centres)]
    return centres


def _fit_colour_cnn(
    net: PhotoNet, data: PhotoData, cam: torch.Tensor, y: np.ndarray, config: PhotoTrainConfig
) -> None:
    """Minibatch AdamW with a one-cycle learning rate; half of each batch mirrored left-right."""
    lab, maps, target = lab_input(data.grid), torch.as_tensor(data.maps), torch.from_numpy(y)
    rows = torch.from_numpy(np.nonzero(y >= 0)[0])
    steps = config.cnn_epochs * -(-len(rows) // config.colour_batch)
    optimiser = torch.optim.AdamW(net.colour.parameters(), lr=config.cnn_lr, weight_decay=1e-2)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=config.cnn_lr, total_steps=steps)
    gen = torch.Generator().manual_seed(config.seed)
    net.colour.train()
    for _ in range(config.cnn_epochs):
        for b in rows[torch.randperm(len(rows), generator=gen)].split(config.colour_batch):
            if len(b) < 2:  # batch norm needs two
                continue
            flip = (torch.rand(len(b), generator=gen) < 0.5)[:, None, None]
            c = torch.where(flip, cam[b].flip(-1), cam[b])
            m = torch.where(flip[..., None], maps[b].float().flip(-1), maps[b].float())
            x = torch.where(flip[..., None], lab[b].flip(-1), lab[b])
            loss = nn.functional.cross_entropy(net.colour(m, x, c)[0], target[b])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()


def _fit_colour(net: PhotoNet, data: PhotoData, y: np.ndarray, config: PhotoTrainConfig) -> None:
    rng = np.random.default_rng(config.seed)
    lab = lab_input(data.grid)
    maps = torch.as_tensor(data.maps)
    target = torch.from_numpy(y)
    net.colour.init_bins(_bin_centres(lab, config.bins, rng))
    optimiser = torch.optim.AdamW(net.colour.parameters(), lr=config.colour_lr, weight_decay=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-1)
    rows = np.nonzero(y >= 0)[0]
    for _ in range(config.colour_epochs):
        order = rng.permutation(rows)
        for i in range(0, len(order), config.colour_batch):
            b = torch.from_numpy(order[i : i + config.colour_batch])
            logits, _ = net.colour(maps[b].float(), lab[b])
            loss = loss_fn(logits, target[b])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()


def fit_photo_net(
    train: PhotoData,
    val: PhotoData,
    config: PhotoTrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[PhotoNet, PhotoCalibration]:
    """Train the heads on ``train``; temperatures and thresholds on ``val``."""
    say = progress or (lambda _: None)
    config = config or PhotoTrainConfig()
    if len(train) < 8 or len(val) < 2:
        raise ToolInputError(
            f"fitting the photo recogniser needs 8+ training and 2+ validation photos, got {len(train)} "
            f"and {len(val)}"
        )
    torch.manual_seed(config.seed)
    articles = vocabulary(train.articles, config.min_count)
    colours = vocabulary(train.colours, config.min_count)
    patterns = vocabulary(train.patterns, config.min_count)
    if len(articles) < 2 or len(colours) < 2:
        raise ToolInputError("fitting the photo recogniser needs at least 2 article types and 2 colours")
    net = PhotoNet(
        PhotoNetConfig(
            articles,
            colours,
            patterns,
            bins=config.bins,
            pixels=config.pixels,
            colour_head=config.colour_head,
            colour_width=config.cnn_width,
        )
    )
    pooled = torch.as_tensor(train.pooled).float()
    net.mean.copy_(pooled.mean(0))
    net.std.copy_(pooled.std(0) + 1e-3)
    x = net.standardise(pooled)
    net.train()
    _fit_linear(net.article, x, _indices(train.articles, articles), config)
    say(f"article head fitted ({len(articles)} types)")
    _fit_linear(net.pattern, x, _indices(train.patterns, patterns), config)
    say(f"pattern head fitted ({len(patterns)} patterns)")
    backbone = FrozenBackbone() if net.needs_cam else None
    if backbone is not None:
        net.eval()
        cam = backbone.cams(net, train.maps, train.pooled)
        _fit_colour_cnn(net, train, cam, _indices(train.colours, colours), config)
    else:
        _fit_colour(net, train, _indices(train.colours, colours), config)
    say(f"colour head fitted ({len(colours)} colours, {config.colour_head})")
    net.eval()
    return net, calibrate(net, val, config, backbone)


@torch.no_grad()
def calibrate(
    net: PhotoNet, val: PhotoData, config: PhotoTrainConfig, backbone: FrozenBackbone | None = None
) -> PhotoCalibration:
    cfg = net.config
    cam = (backbone or FrozenBackbone()).cams(net, val.maps, val.pooled) if net.needs_cam else None
    tail_maps = None if val.tail_maps is None else torch.as_tensor(val.tail_maps).float()
    out = net(
        torch.as_tensor(val.pooled).float(),
        torch.as_tensor(val.maps).float(),
        lab_input(val.grid),
        cam,
        tail_maps,
    )
    labels = {
        "article": _indices(val.articles, cfg.articles),
        "colour": _indices(val.colours, cfg.colours),
        "pattern": _indices(val.patterns, cfg.patterns),
    }
    temps = {}
    for head, y in labels.items():
        known = y >= 0
        temps[head] = fit_temperature(out[head].numpy()[known], y[known]) if known.sum() >= 2 else 1.0
    pa = softmax(out["article"].numpy(), temps["article"])
    pp = softmax(out["pattern"].numpy(), temps["pattern"])
    la, lp = labels["article"], labels["pattern"]
    known_p = lp >= 0
    threshold = unsure_threshold(pa.max(1), pa.argmax(1) == la, config.target_precision)
    pattern_threshold = unsure_threshold(
        pp.max(1)[known_p], pp.argmax(1)[known_p] == lp[known_p], config.pattern_precision
    )
    colour_pred = out["colour"].numpy().argmax(1)
    metrics = {
        "val_article_accuracy": float(np.mean(pa.argmax(1) == la)),
        "val_colour_accuracy": float(np.mean(colour_pred == labels["colour"])),
        "val_article_ece": expected_calibration_error(pa[la >= 0], la[la >= 0]),
    }
    return PhotoCalibration(
        article_temperature=temps["article"],
        colour_temperature=temps["colour"],
        pattern_temperature=temps["pattern"],
        unsure_below=threshold,
        pattern_unsure_below=pattern_threshold,
        metrics=metrics,
    )


def unsure_threshold(confidence: np.ndarray, correct: np.ndarray, precision: float) -> float:
    """The lowest confidence above which answers are right at least ``precision`` of the time."""
    for t in np.arange(0.2, 0.96, 0.05):
        answered = confidence >= t
        if answered.any() and correct[answered].mean() >= precision:
            return round(float(t), 2)
    return 0.95


def add_tuned_tail(
    net: PhotoNet,
    train: PhotoData,
    val: PhotoData,
    config: PhotoTrainConfig | None = None,
    tail: TailConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[PhotoNet, PhotoCalibration]:
    """Fine-tune EfficientNet's last blocks (from ``tail.start``) for article type and colour on
    ``train.tail_maps``, fuse them with ``net``'s fitted heads (each weight the most accurate on
    validation, 0 keeping the head alone) and calibrate the fused net on ``val``."""
    say = progress or (lambda _: None)
    config, tail = config or PhotoTrainConfig(), tail or TailConfig()
    if train.tail_maps is None or val.tail_maps is None:
        raise ToolInputError(f"a tuned tail needs the input maps of block {tail.start} (PhotoData.tail_maps)")
    cfg = net.config
    tuned = fit_tail(
        train.tail_maps,
        _indices(train.articles, cfg.articles),
        _indices(train.colours, cfg.colours),
        len(cfg.articles),
        len(cfg.colours),
        tail,
        lambda epoch, _: say(f"tail epoch {epoch + 1}/{tail.epochs}"),
    )
    backbone = FrozenBackbone()
    with torch.no_grad():
        cam = backbone.cams(net, val.maps, val.pooled) if net.needs_cam else None
        heads = net(
            torch.as_tensor(val.pooled).float(), torch.as_tensor(val.maps).float(), lab_input(val.grid), cam
        )
    mine = tuned.logits(val.tail_maps)
    colour_w, colour_acc = best_weight(
        heads["colour"].numpy(), mine["colour"], _indices(val.colours, cfg.colours)
    )
    article_w, article_acc = best_weight(
        heads["article"].numpy(), mine["article"], _indices(val.articles, cfg.articles)
    )
    say(
        f"fusion on validation: colour weight {colour_w} ({colour_acc:.3f}), "
        f"article {article_w} ({article_acc:.3f})"
    )
    fused = PhotoNet(
        dataclasses.replace(cfg, tail_start=tail.start, colour_fusion=colour_w, article_fusion=article_w)
    )
    fused.load_state_dict(net.state_dict(), strict=False)
    assert fused.tail is not None
    fused.tail.load_state_dict(tuned.state_dict())
    fused.eval()
    return fused, calibrate(fused, val, config, backbone)
