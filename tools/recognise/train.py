"""Training the recogniser on Fashion-MNIST and a catalogue's pictures (CPU-friendly, minutes).

Article head: Fashion-MNIST (mapped onto catalogue article names) plus the catalogue pictures.
Pattern head: catalogue pictures with a known pattern. A held-out split of both fits the
temperatures (calibrated confidences) and reports held-out accuracy and ECE.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from stylist.errors import CatalogueError
from stylist.index.demo import generate_demo_catalogue
from stylist.index.demo.render import render
from stylist.index.demo.spec import ARTICLES, PATTERNS
from stylist.index.imagenc.images import load_image
from stylist.index.schema import Garment
from stylist.tools.recognise.calibrate import expected_calibration_error, fit_temperature, softmax
from stylist.tools.recognise.data import (
    FASHION_MNIST_TO_ARTICLE,
    fashion_mnist_samples,
    garment_samples,
    load_fashion_mnist,
)
from stylist.tools.recognise.model import Calibration, RecogniserConfig, RecogniserNet, save_checkpoint
from stylist.training import OptimiserConfig, prepare_torch

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


@dataclass
class TrainConfig(OptimiserConfig):
    epochs: int = 6
    lr: float = 3e-3
    pattern_batch: int = 16
    val_fraction: float = 0.1
    fashion_mnist: str | None = None  # folder with the idx .gz files; None: catalogue only
    fashion_mnist_limit: int | None = None  # use only this many training pictures (smoke tests)
    demo_repeat: int = 2  # catalogue pictures are seen this many times per epoch (they are fewer)
    unsure_below: float = 0.5
    shape_width: int = 24
    texture_width: int = 32


def default_vocab(garments: Sequence[Garment]) -> tuple[list[str], list[str]]:
    """Articles: the demo's, then any others in ``garments``; patterns: the demo's six."""
    articles = [a.name for a in ARTICLES]
    seen = {a.lower() for a in articles}
    for g in garments:
        if g.article_type.lower() not in seen:
            seen.add(g.article_type.lower())
            articles.append(g.article_type)
    return articles, list(PATTERNS)


def _split(n: int, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(n)
    cut = int(round(n * fraction)) if n > 1 else 0
    return order[cut:], order[:cut]


def _logits(fn: Callable[[torch.Tensor], torch.Tensor], x: np.ndarray, batch: int = 512) -> np.ndarray:
    if len(x) == 0:
        return np.zeros((0, 0), np.float32)
    with torch.no_grad():
        return np.concatenate(
            [fn(torch.from_numpy(x[i : i + batch])).numpy() for i in range(0, len(x), batch)]
        )


def _augment_shape(x: torch.Tensor) -> torch.Tensor:
    flip = torch.rand(len(x)) < 0.5
    x = x.clone()
    x[flip] = x[flip].flip(-1)
    return x


def _augment_texture(x: torch.Tensor) -> torch.Tensor:
    x = _augment_shape(x)
    k = int(torch.randint(0, 4, ()).item())
    return torch.rot90(x, k, dims=(-2, -1))


def train_recogniser(
    garments: Sequence[Garment],
    picture: Callable[[Garment], object],
    out: str | Path,
    config: TrainConfig | None = None,
    progress: Progress | None = None,
) -> dict:
    """Train, calibrate and save a checkpoint at ``out``; returns held-out metrics."""
    config = config or TrainConfig()
    prepare_torch(config)
    rng = np.random.default_rng(config.seed)
    report = progress or (lambda stage, done, total: None)
    started = time.perf_counter()

    articles, patterns = default_vocab(garments)
    counter = [0]

    def tick(n: int) -> None:
        counter[0] += n
        report("pictures", counter[0], len(garments))

    cat = garment_samples(garments, articles, patterns, picture, progress=tick)  # type: ignore[arg-type]
    cat_train, cat_val = _split(len(cat), config.val_fraction, rng)
    fm_train = fm_val = None
    if config.fashion_mnist:
        x, y = load_fashion_mnist(config.fashion_mnist, "train")
        if config.fashion_mnist_limit:
            keep = rng.permutation(len(y))[: config.fashion_mnist_limit]
            x, y = x[keep], y[keep]
        fm = fashion_mnist_samples(x, y, articles)
        tr, va = _split(len(fm), config.val_fraction, rng)
        fm_train, fm_val = fm.take(tr), fm.take(va)
    if len(cat_train) == 0 and fm_train is None:
        raise CatalogueError(
            "no training pictures: the catalogue has no readable garment pictures and no "
            "Fashion-MNIST folder was given"
        )

    ct = cat.take(cat_train)
    known = ct.article >= 0
    shape_x = [np.repeat(ct.shape[known], config.demo_repeat, axis=0)]
    shape_y = [np.repeat(ct.article[known], config.demo_repeat)]
    if fm_train is not None:
        shape_x.append(fm_train.shape)
        shape_y.append(fm_train.article)
    sx, sy = np.concatenate(shape_x), np.concatenate(shape_y)
    with_pattern = ct.pattern >= 0
    tx, ty = ct.texture[with_pattern], ct.pattern[with_pattern]

    net = RecogniserNet(
        RecogniserConfig(
            articles=articles,
            patterns=patterns,
            shape_width=config.shape_width,
            texture_width=config.texture_width,
        )
    )
    steps_per_epoch = max(1, len(sx) // config.batch_size)
    opt = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=config.lr, total_steps=steps_per_epoch * config.epochs
    )
    sx_t, sy_t = torch.from_numpy(sx).unsqueeze(1), torch.from_numpy(sy)
    tx_t, ty_t = torch.from_numpy(tx), torch.from_numpy(ty)
    losses: list[float] = []
    for epoch in range(config.epochs):
        net.train()
        order = torch.from_numpy(rng.permutation(len(sx)))
        t_order = torch.from_numpy(rng.permutation(max(len(tx), 1)))
        total = 0.0
        for step in range(steps_per_epoch):
            idx = order[step * config.batch_size : (step + 1) * config.batch_size]
            loss = F.cross_entropy(
                net.article_logits(_augment_shape(sx_t[idx])), sy_t[idx], label_smoothing=0.05
            )
            if len(tx):
                j = t_order[(torch.arange(config.pattern_batch) + step * config.pattern_batch) % len(tx)]
                loss = loss + F.cross_entropy(net.pattern_logits(_augment_texture(tx_t[j])), ty_t[j])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
            if step % 20 == 0:
                report(
                    f"epoch {epoch + 1}/{config.epochs}",
                    epoch * steps_per_epoch + step,
                    steps_per_epoch * config.epochs,
                )
        losses.append(total / steps_per_epoch)
        log.info("epoch %d loss %.4f", epoch + 1, losses[-1])

    net.eval()
    cv = cat.take(cat_val)
    val_shape = [cv.shape[cv.article >= 0]]
    val_article = [cv.article[cv.article >= 0]]
    if fm_val is not None:
        val_shape.append(fm_val.shape)
        val_article.append(fm_val.article)
    vs, va_y = np.concatenate(val_shape)[:, None], np.concatenate(val_article)
    a_logits = _logits(net.article_logits, vs)
    vt, vt_y = cv.texture[cv.pattern >= 0], cv.pattern[cv.pattern >= 0]
    p_logits = _logits(net.pattern_logits, vt)
    a_t = fit_temperature(a_logits, va_y) if len(va_y) else 1.0
    p_t = fit_temperature(p_logits, vt_y) if len(vt_y) else 1.0
    metrics: dict = {
        "train_pictures": int(len(sx)),
        "val_pictures": int(len(va_y)),
        "catalogue_pictures": int(len(cat)),
        "skipped_pictures": int(cat.skipped),
        "loss": losses,
    }
    if len(va_y):
        probs = softmax(a_logits, a_t)
        metrics.update(
            article_val_accuracy=float((probs.argmax(1) == va_y).mean()),
            article_ece_raw=expected_calibration_error(softmax(a_logits), va_y),
            article_ece=expected_calibration_error(probs, va_y),
        )
        if fm_val is not None and len(fm_val):
            ids = [articles.index(a) for a in FASHION_MNIST_TO_ARTICLE]
            fm_logits = a_logits[-len(fm_val) :][:, ids]
            metrics["fashion_mnist_val_accuracy"] = float(
                (fm_logits.argmax(1) == np.asarray([ids.index(v) for v in fm_val.article])).mean()
            )
        if len(cv):
            n_cat = int((cv.article >= 0).sum())
            metrics["catalogue_article_val_accuracy"] = (
                float((probs[:n_cat].argmax(1) == va_y[:n_cat]).mean()) if n_cat else None
            )
    if len(vt_y):
        pp = softmax(p_logits, p_t)
        metrics.update(
            pattern_val_accuracy=float((pp.argmax(1) == vt_y).mean()),
            pattern_ece=expected_calibration_error(pp, vt_y),
        )
    calibration = Calibration(
        article_temperature=a_t,
        pattern_temperature=p_t,
        unsure_below=config.unsure_below,
        metrics={k: v for k, v in metrics.items() if isinstance(v, float)},
    )
    metrics.update(
        article_temperature=a_t, pattern_temperature=p_t, seconds=round(time.perf_counter() - started, 1)
    )
    save_checkpoint(
        out,
        net,
        calibration,
        meta={"train": asdict(config), "metrics": {k: v for k, v in metrics.items() if k != "loss"}},
    )
    metrics["checkpoint"] = str(out)
    return metrics


def train_on_demo(
    out: str | Path,
    config: TrainConfig | None = None,
    n: int = 5000,
    seed: int = 101,
    progress: Progress | None = None,
) -> dict:
    """Train on ``n`` freshly rendered demo garments (not the catalogue's own ids) plus Fashion-MNIST."""
    garments = [
        g.model_copy(update={"id": f"train-{seed}-{i}"})
        for i, g in enumerate(generate_demo_catalogue(n, seed))
    ]
    return train_recogniser(garments, render, out, config, progress)


def train_on_catalogue(
    garments: Sequence[Garment],
    out: str | Path,
    base: Path | None = None,
    config: TrainConfig | None = None,
    progress: Progress | None = None,
) -> dict:
    """Train on a loaded catalogue's own pictures (``image_path``, relative to ``base``)."""

    def picture(g: Garment):
        if not g.image_path:
            raise FileNotFoundError(f"{g.id} has no image_path")
        path = Path(g.image_path)
        return load_image(path if path.is_absolute() or base is None else base / path)

    return train_recogniser(garments, picture, out, config, progress)


if __name__ == "__main__":  # python -m stylist.tools.recognise.train OUT [EPOCHS]
    import json
    import sys

    logging.basicConfig(level=logging.INFO)
    cfg = TrainConfig(
        epochs=int(sys.argv[2]) if len(sys.argv) > 2 else 6,
        fashion_mnist="/usr/share/datasets/fashion-mnist",
        threads=1,
    )
    last = [0.0]

    def show(stage: str, done: int, total: int) -> None:
        if time.time() - last[0] > 30:
            last[0] = time.time()
            print(f"{time.strftime('%H:%M:%S')} {stage} {done}/{total}", flush=True)

    print(json.dumps(train_on_demo(sys.argv[1], cfg, progress=show), indent=1))
