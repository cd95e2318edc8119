"""Training the conditional GAN: hinge loss and a spectral-norm projection discriminator (Miyato
et al. 2018), Adam (β1 = 0.5: on a CPU budget of a few thousand steps it left the noise phase
sooner than β1 = 0) with a faster discriminator (TTUR, Heusel et al. 2017), differentiable
augmentation of what the discriminator sees (DiffAugment, Zhao et al. 2020: translation and
cutout, which keep colours), a mode-seeking term (Mao et al. 2019) against pictures that ignore
the latent (one design per label), and an exponential moving average of the generator for sampling
whose batch-norm statistics are re-measured before every checkpoint.

Every epoch writes ``<out_dir>/last.pt`` (full state: both networks, the EMA, optimisers, the
epoch; written atomically) and ``<out_dir>/samples/epoch_NNN.png``. ``resume=True`` carries on
from ``last.pt`` after an interruption.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from stylist.errors import ToolInputError
from stylist.tools.designs.data import GanData
from stylist.tools.designs.model import (
    CHECKPOINT_FORMAT,
    Discriminator,
    GanConfig,
    Generator,
    classifier_loss,
    export_generator,
    load_checkpoint,
)

log = logging.getLogger(__name__)

#: progress(epoch, step, steps_per_epoch, losses) after each step.
Progress = Callable[[int, int, int, dict[str, float]], None]


@dataclass
class TrainConfig:
    epochs: int = 20
    batch_size: int = 64
    lr_g: float = 2e-4
    lr_d: float = 4e-4
    beta1: float = 0.5
    beta2: float = 0.9
    ema_decay: float = 0.995
    """Per-step decay of the generator's moving average (warmed up: early steps average less)."""
    flip: bool = False
    """Horizontal flips of real pictures. Off by default: shoes and bags face one way and the demo
    pictures are lit from the left, so flipped pictures are not from the data's distribution."""
    augment: bool = True
    """DiffAugment (translation by up to 1/8 of the side, one cutout square of 1/4 of the side) on
    every picture the discriminator sees, real and generated."""
    mode_seeking: float = 0.3
    """Weight of the mode-seeking term: two latents with the same labels must give pictures as far
    apart as the latents are (the generator minimises 1 / (mean |G(z1) - G(z2)| / mean |z1 - z2|)).
    Without it the demo GAN drew near-identical pictures for every latent of one label. 0 = off."""
    seed: int = 0
    threads: int | None = None
    epoch_size: int | None = None
    """Images per epoch (a random subset each epoch); ``None`` is the whole set. Big sets such as
    Fashion-MNIST get checkpoints and sample grids more often this way."""
    max_minutes: float | None = None
    """Stop after the epoch during which this much wall time has passed."""
    snapshot_every: int = 0
    """Every this many epochs also keep a sampling-only snapshot (``snapshots/epoch_NNN.pt``), so the
    best one by a validation score can be shipped; 0 = none."""
    device: str = "cpu"
    text_noise: float = 0.04
    """Gaussian noise (per dimension, then re-normalised) on the text embedding each step, so the
    generator is smooth between the training texts and a brief's words land among them."""
    classifier_weight: float = 1.0
    """Weight of the AC-GAN terms when the model's discriminator has condition heads
    (``GanConfig.classifier``): its cross-entropy on real pictures in D's loss, on fakes in G's."""
    g_classifier_weight: float | None = None
    """Weight of the heads' cross-entropy on fakes in G's loss when it differs from D's (``None``: the
    same as ``classifier_weight``); a larger one pulls G harder toward pictures of the asked article."""
    balance: float = 0.0
    """Class-balanced sampling: each picture is drawn with weight count(its article type) ** -balance
    (0 = uniform shuffling, 0.5 = square-root balancing, 1 = every article equally often)."""


def _to_float(batch: torch.Tensor) -> torch.Tensor:
    return batch.float().div_(127.5).sub_(1.0)


def sample_grid(images: torch.Tensor, rows: int) -> Image.Image:
    """(N, C, S, S) in [-1, 1] → one PNG-ready picture with ``rows`` rows, 2 px white gaps."""
    arr = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().cpu().numpy()
    n, c, s, _ = arr.shape
    cols = -(-n // rows)
    canvas = np.full((rows * (s + 2) + 2, cols * (s + 2) + 2, c), 255, np.uint8)
    for i in range(n):
        r, k = divmod(i, cols)
        canvas[2 + r * (s + 2) : 2 + r * (s + 2) + s, 2 + k * (s + 2) : 2 + k * (s + 2) + s] = arr[
            i
        ].transpose(1, 2, 0)
    return Image.fromarray(canvas[..., 0] if c == 1 else canvas)


def _grid_rows(data: GanData, rows: int, cols: int) -> torch.Tensor:
    """Indices of ``rows`` pictures with distinct label combinations, each repeated ``cols`` times."""
    seen: list[int] = []
    keys: set[tuple[int, ...]] = set()
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(1)).tolist()
    for i in order:
        key = tuple(int(v[i]) for v in data.labels.values())
        if key not in keys:
            keys.add(key)
            seen.append(i)
        if len(seen) == rows:
            break
    return torch.tensor(seen).repeat_interleave(cols)


def diff_augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random translation (edge pixels repeated) and one cutout square per picture; differentiable
    in ``x``, colour-preserving."""
    n, _, s, _ = x.shape
    pad = max(s // 8, 1)
    shifts = torch.randint(-pad, pad + 1, (n, 2), generator=gen).tolist()
    padded = F.pad(x, (pad, pad, pad, pad), mode="replicate")
    x = torch.stack(
        [padded[i, :, pad + dy : pad + dy + s, pad + dx : pad + dx + s] for i, (dy, dx) in enumerate(shifts)]
    )
    cut = max(s // 4, 1)
    corner = torch.randint(0, s - cut + 1, (n, 2), generator=gen)
    ys = torch.arange(s)[None, :, None]
    xs = torch.arange(s)[None, None, :]
    cy, cx = corner[:, 0, None, None], corner[:, 1, None, None]
    keep = ~((ys >= cy) & (ys < cy + cut) & (xs >= cx) & (xs < cx + cut))  # (n, s, s)
    return x * keep[:, None].to(x.dtype).to(x.device)


def mode_seeking_loss(
    g: Generator,
    z: torch.Tensor,
    fake: torch.Tensor,
    labels: dict[str, torch.Tensor],
    text: torch.Tensor | None = None,
) -> torch.Tensor:
    """MSGAN's regulariser on the first half of the batch: new latents with the same labels, and
    1 / (picture distance / latent distance), so it falls as the latent changes the picture more."""
    half = len(z) // 2
    z2 = torch.randn_like(z[:half])
    other = g(z2, {k: v[:half] for k, v in labels.items()}, None if text is None else text[:half])
    ratio = (fake[:half] - other).abs().mean() / (z[:half] - z2).abs().mean()
    return 1.0 / (ratio + 1e-5)


@torch.no_grad()
def recalibrate_batch_norm(
    g: Generator, data: GanData, batches: int = 8, batch_size: int = 64, seed: int = 0
) -> None:
    """Re-measure ``g``'s batch-norm statistics with its own weights on random latents and real
    label combinations. The moving-average generator otherwise samples (in eval mode) with the
    statistics of the training generator, which no longer match its weights."""
    norms = [m for m in g.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the batches below
    gen = torch.Generator().manual_seed(seed)
    device = next(g.parameters()).device
    g.train()
    for _ in range(batches):
        idx = torch.randint(0, len(data), (batch_size,), generator=gen)
        z = torch.randn(batch_size, g.config.z_dim, generator=gen).to(device)
        text = None if data.text is None else data.text[idx].to(device)
        g(z, {k: v[idx].to(device) for k, v in data.labels.items()}, text)
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
    g.eval()


def _init_output_bias(g: Generator, data: GanData) -> None:
    """Start the generator's output at the data's mean colour (white backgrounds for catalogue
    pictures, black for Fashion-MNIST): early training no longer spends its steps on that."""
    last = g.output_layer
    sample = data.images[: min(len(data), 2048)].float().div(127.5).sub(1.0)
    mean = sample.mean(dim=(0, 2, 3)).clamp(-0.95, 0.95)
    with torch.no_grad():
        last.bias.copy_(torch.atanh(mean).to(last.bias.device))


def seen_values(data: GanData) -> dict[str, dict[str, list[str]]]:
    """Condition → article type → the values seen with it, most frequent first (the sampler
    draws open conditions from these, so an unnamed colour is one the article comes in)."""
    if "article_type" not in data.labels:
        return {}
    articles = data.labels["article_type"].tolist()
    out: dict[str, dict[str, list[str]]] = {}
    for name, labels in data.labels.items():
        if name == "article_type":
            continue
        counts: dict[str, dict[str, int]] = {}
        for a, v in zip(articles, labels.tolist()):
            row = counts.setdefault(data.conditions["article_type"][a], {})
            value = data.conditions[name][v]
            row[value] = row.get(value, 0) + 1
        out[name] = {a: sorted(c, key=lambda v: (-c[v], v)) for a, c in counts.items()}
    return out


def noisy_text(text: torch.Tensor | None, sigma: float, gen: torch.Generator) -> torch.Tensor | None:
    """``text`` plus per-dimension Gaussian noise, re-normalised to unit length."""
    if text is None or sigma <= 0:
        return text
    noisy = text + sigma * torch.randn(text.shape, generator=gen).to(text.device)
    return F.normalize(noisy, dim=1)


def text_prototypes(data: GanData) -> dict[str, dict[str, list[float]]]:
    """Condition → value → the mean text embedding of its training pictures (unit length): the
    sampler reads an unnamed article from a brief by the nearest of these."""
    if data.text is None:
        return {}
    out: dict[str, dict[str, list[float]]] = {}
    for name, labels in data.labels.items():
        out[name] = {}
        for i, value in enumerate(data.conditions[name]):
            rows = data.text[labels == i]
            if len(rows):
                out[name][value] = [round(float(x), 5) for x in F.normalize(rows.mean(0), dim=0)]
    return out


def epoch_order(data: GanData, balance: float, gen: torch.Generator) -> torch.Tensor:
    """One epoch's picture indices: a shuffle, or with ``balance`` > 0 a draw (with replacement)
    weighted by count(article type) ** -balance, so rare articles are not drowned by t-shirts."""
    if balance <= 0 or "article_type" not in data.labels:
        return torch.randperm(len(data), generator=gen)
    article = data.labels["article_type"]
    counts = torch.bincount(article).float()
    weights = counts[article] ** -balance
    return torch.multinomial(weights, len(data), replacement=True, generator=gen)


def _warm_start(path: Path, config: GanConfig, nets: dict[str, Any], device: str) -> dict[str, Any]:
    """Load a previous run's networks into ``nets`` (``g``, ``g_ema``, ``d``, ``opt_g``): same generator,
    the discriminator may gain condition heads (left freshly initialised); returns that run's state."""
    state = load_checkpoint(path, device)
    old = {**state["config"], "classifier": config.classifier}
    if old != asdict(config):
        raise ToolInputError(f"{path} has a different generator or vocabulary: it cannot warm-start this one")
    nets["g"].load_state_dict(state["generator"])
    nets["g_ema"].load_state_dict(state["generator_ema"])
    missing, unexpected = nets["d"].load_state_dict(state["discriminator"], strict=False)
    if unexpected or any(not k.startswith("heads.") for k in missing):
        raise ToolInputError(f"{path}'s discriminator does not fit this one ({missing + unexpected})")
    nets["opt_g"].load_state_dict(state["opt_g"])
    return state


def _save_atomic(obj: dict[str, Any], path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def train_gan(
    data: GanData,
    config: GanConfig,
    train: TrainConfig,
    out_dir: str | Path,
    *,
    resume: bool = False,
    warm_from: str | Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train on ``data`` (whose conditions must equal ``config.conditions``); returns metrics.
    ``warm_from``: another run's ``last.pt`` to start from (when ``out_dir`` has none to resume)."""
    if (data.text is None) != (config.text_dim == 0) or (
        data.text is not None and data.text.shape[1] != config.text_dim
    ):
        raise ToolInputError(f"the data's text embeddings do not fit the model's text_dim {config.text_dim}")
    if data.conditions != config.conditions:
        raise ToolInputError("the data's conditions differ from the model config's")
    if tuple(data.images.shape[1:]) != (config.channels, config.image_size, config.image_size):
        raise ToolInputError(
            f"images are {tuple(data.images.shape[1:])}, the model wants "
            f"{(config.channels, config.image_size, config.image_size)}"
        )
    if train.threads:
        torch.set_num_threads(train.threads)
    out_dir = Path(out_dir)
    (out_dir / "samples").mkdir(parents=True, exist_ok=True)
    last = out_dir / "last.pt"
    device = torch.device(train.device)
    torch.manual_seed(train.seed)
    g, d = Generator(config).to(device), Discriminator(config).to(device)
    _init_output_bias(g, data)
    g_ema = copy.deepcopy(g).eval()
    opt_g = torch.optim.Adam(g.parameters(), lr=train.lr_g, betas=(train.beta1, train.beta2))
    opt_d = torch.optim.Adam(d.parameters(), lr=train.lr_d, betas=(train.beta1, train.beta2))
    history: list[dict[str, float]] = []
    start_epoch = ema_steps = 0
    if resume and last.is_file():
        state = load_checkpoint(last, train.device)
        if state["config"] != asdict(config):
            raise ToolInputError(
                f"{last} was trained with a different model or vocabulary; "
                "remove it or train into another --out folder"
            )
        g.load_state_dict(state["generator"])
        d.load_state_dict(state["discriminator"])
        g_ema.load_state_dict(state["generator_ema"])
        opt_g.load_state_dict(state["opt_g"])
        opt_d.load_state_dict(state["opt_d"])
        history = state["metrics"].get("history", [])
        ema_steps = state["metrics"].get("ema_steps", 0)
        start_epoch = state["epoch"]
        log.info("resuming from %s after epoch %d", last, start_epoch)
    elif warm_from is not None:
        nets = {"g": g, "g_ema": g_ema, "d": d, "opt_g": opt_g}
        state = _warm_start(Path(warm_from), config, nets, train.device)
        history = state["metrics"].get("history", [])
        ema_steps = state["metrics"].get("ema_steps", 0)
        start_epoch = state["epoch"]
        log.info("warm start from %s after epoch %d", warm_from, start_epoch)
    cols = 8
    grid_idx = _grid_rows(data, 8, cols)
    grid_labels = {k: v[grid_idx].to(device) for k, v in data.labels.items()}
    grid_text = None if data.text is None else data.text[grid_idx].to(device)
    rows = len(grid_idx) // cols
    grid_z = torch.randn(rows * cols, config.z_dim, generator=torch.Generator().manual_seed(0)).to(device)
    seen = seen_values(data)
    prototypes = text_prototypes(data)
    batch = min(train.batch_size, len(data))
    steps = min(len(data), train.epoch_size or len(data)) // batch
    started = time.monotonic()
    for epoch in range(start_epoch, train.epochs):
        t0 = time.monotonic()
        gen = torch.Generator().manual_seed(train.seed * 100_003 + epoch)
        order = epoch_order(data, train.balance, gen)
        g.train()
        d.train()
        sums = {"d_loss": 0.0, "g_loss": 0.0, "d_real": 0.0, "d_fake": 0.0, "d_cls": 0.0, "g_cls": 0.0}
        for step in range(steps):
            idx = order[step * batch : (step + 1) * batch]
            real = _to_float(data.images[idx]).to(device)
            if train.flip:
                flip = torch.rand(len(idx), generator=gen) < 0.5
                real[flip] = real[flip].flip(3)
            labels = {k: v[idx].to(device) for k, v in data.labels.items()}
            text = noisy_text(None if data.text is None else data.text[idx].to(device), train.text_noise, gen)
            z = torch.randn(len(idx), config.z_dim, device=device)
            fake = g(z, labels, text)
            aug = (lambda x: diff_augment(x, gen)) if train.augment else (lambda x: x)
            (d_real, logits_real), d_fake = (
                d.score_and_logits(aug(real), labels, text),
                d(aug(fake.detach()), labels, text),
            )
            d_cls = classifier_loss(logits_real, labels)  # real pictures only: fakes would teach it noise
            loss_d = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean() + train.classifier_weight * d_cls
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            score, logits_fake = d.score_and_logits(aug(fake), labels, text)
            g_cls = classifier_loss(logits_fake, labels)
            g_weight = (
                train.classifier_weight if train.g_classifier_weight is None else train.g_classifier_weight
            )
            loss_g = -score.mean() + g_weight * g_cls
            if train.mode_seeking > 0 and len(idx) >= 4:
                loss_g = loss_g + train.mode_seeking * mode_seeking_loss(g, z, fake, labels, text)
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            ema_steps += 1
            decay = min(train.ema_decay, (1 + ema_steps) / (10 + ema_steps))
            with torch.no_grad():
                for pe, p in zip(g_ema.parameters(), g.parameters()):
                    pe.lerp_(p, 1 - decay)
            losses = {
                "d_loss": loss_d.item(),
                "g_loss": loss_g.item(),
                "d_real": d_real.mean().item(),
                "d_fake": d_fake.mean().item(),
                "d_cls": d_cls.item(),
                "g_cls": g_cls.item(),
            }
            for k, v in losses.items():
                sums[k] += v
            if progress:
                progress(epoch + 1, step + 1, steps, losses)
        record = {k: v / max(steps, 1) for k, v in sums.items()} | {
            "epoch": epoch + 1,
            "seconds": time.monotonic() - t0,
        }
        history.append(record)
        recalibrate_batch_norm(g_ema, data, seed=epoch)
        with torch.no_grad():
            grid = g_ema(grid_z, grid_labels, grid_text)
        sample_grid(grid, rows).save(out_dir / "samples" / f"epoch_{epoch + 1:03d}.png")
        state = {
            "format": CHECKPOINT_FORMAT,
            "config": asdict(config),
            "epoch": epoch + 1,
            "generator": g.state_dict(),
            "discriminator": d.state_dict(),
            "generator_ema": g_ema.state_dict(),
            "opt_g": opt_g.state_dict(),
            "opt_d": opt_d.state_dict(),
            "metrics": {
                "history": history,
                "train_size": len(data),
                "train": asdict(train),
                "seen": seen,
                "prototypes": prototypes,
                "ema_steps": ema_steps,
            },
        }
        _save_atomic(state, last)
        if train.snapshot_every and (epoch + 1) % train.snapshot_every == 0:
            (out_dir / "snapshots").mkdir(exist_ok=True)
            export_generator(state, out_dir / "snapshots" / f"epoch_{epoch + 1:03d}.pt")
        log.info("epoch %d: %s", epoch + 1, record)
        if train.max_minutes is not None and time.monotonic() - started > train.max_minutes * 60:
            log.info("stopping after epoch %d: %.1f minutes passed", epoch + 1, train.max_minutes)
            break
    return {
        "history": history,
        "checkpoint": str(last),
        "samples": str(out_dir / "samples"),
        "epochs_done": history[-1]["epoch"] if history else start_epoch,
        "train_size": len(data),
    }
