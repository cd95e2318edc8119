"""Training the global trend model (not imported at inference time).

``train_global(series)`` fits the LSTM of :mod:`.neural` on random windows cut from many weekly
series with a pinball (quantile) loss. The packaged checkpoint was made with
``python -m stylist.tools.trends.train`` (synthetic series from the demo generator);
``stylist train trends`` retrains on everything in the store and saves to the data home.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from stylist.errors import ModelUnavailableError
from stylist.tools.trends.demo import generate_training_series
from stylist.tools.trends.neural import (
    PACKAGED_CHECKPOINT,
    NetConfig,
    build_net,
    make_window,
    save_checkpoint,
    year_position,
)

log = logging.getLogger(__name__)


def make_windows(
    series: list[pd.Series], cfg: NetConfig, n_windows: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Random (input, normalised target) pairs; every target has the full horizon."""
    usable = [s for s in series if len(s) >= 26 + cfg.horizon]
    if not usable:
        raise ModelUnavailableError(
            f"no weekly series long enough to train on (need {26 + cfg.horizon} periods)"
        )
    weights = np.array([len(s) - 26 - cfg.horizon + 1 for s in usable], dtype=float)
    picks = rng.choice(len(usable), size=n_windows, p=weights / weights.sum())
    xs = np.zeros((n_windows, cfg.context, cfg.features), dtype=np.float32)
    ys = np.zeros((n_windows, cfg.horizon), dtype=np.float32)
    positions = [year_position(s.index, len(s), cfg.periods_per_year) for s in usable]
    values = [s.to_numpy(dtype=float) for s in usable]
    for row, i in enumerate(picks):
        v, p = values[i], positions[i]
        cut = int(rng.integers(26, len(v) - cfg.horizon + 1))
        x, mu, s = make_window(v[:cut], p[:cut], cfg)
        xs[row] = x
        ys[row] = np.clip((v[cut : cut + cfg.horizon] - mu) / s, -20, 20)
    return xs, ys


def pinball(pred, target, quantiles):  # pred (B, H, Q), target (B, H)
    import torch

    q = torch.tensor(quantiles, dtype=pred.dtype, device=pred.device)
    diff = target.unsqueeze(-1) - pred
    return torch.maximum(q * diff, (q - 1) * diff).mean()


def train_global(
    series: list[pd.Series],
    *,
    cfg: NetConfig | None = None,
    steps: int = 1500,
    batch: int = 64,
    lr: float = 3e-3,
    n_windows: int = 12_000,
    seed: int = 0,
    threads: int | None = 1,
    progress: Callable[[int, float], None] | None = None,
):
    """Train a fresh network on ``series``; returns (net, cfg, meta)."""
    import torch

    cfg = cfg or NetConfig()
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    # no point cutting more windows than the steps will draw
    xs, ys = make_windows(series, cfg, max(64, min(n_windows, 2 * steps * batch)), rng)
    n_val = max(1, len(xs) // 20)
    x_train, y_train = torch.from_numpy(xs[n_val:]).to(device), torch.from_numpy(ys[n_val:]).to(device)
    x_val, y_val = torch.from_numpy(xs[:n_val]).to(device), torch.from_numpy(ys[:n_val]).to(device)
    net = build_net(cfg).to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    start = time.time()
    loss_value = float("nan")
    for step in range(steps):
        idx = torch.randint(0, len(x_train), (batch,), device=device)
        loss = pinball(net(x_train[idx]), y_train[idx], cfg.quantiles)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        loss_value = float(loss.detach())
        if progress is not None:
            progress(step + 1, loss_value)
    net.eval()
    with torch.no_grad():
        val = float(pinball(net(x_val), y_val, cfg.quantiles))
    meta = {
        "series": len(series),
        "windows": int(len(xs)),
        "steps": steps,
        "batch": batch,
        "train_loss": round(loss_value, 4),
        "val_pinball": round(val, 4),
        "seconds": round(time.time() - start, 1),
        "device": device,
    }
    return net.cpu(), cfg, meta


def weekly_series_from_store(store) -> list[pd.Series]:
    return [s.values for s in store.load() if s.freq == "W"]


def main(argv: list[str] | None = None) -> None:
    """Train the packaged checkpoint on synthetic demo-generator series."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--series", type=int, default=600)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=PACKAGED_CHECKPOINT)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    series = generate_training_series(args.series, seed=args.seed + 123)

    def report(step: int, loss: float) -> None:
        if step % 100 == 0:
            print(f"step {step}: pinball {loss:.4f}", flush=True)

    net, cfg, meta = train_global(series, steps=args.steps, seed=args.seed, progress=report)
    meta["data"] = f"generate_training_series(n={args.series}, seed={args.seed + 123})"
    save_checkpoint(args.out, net, cfg, meta)
    print(f"saved {args.out} ({args.out.stat().st_size // 1024} KB): {meta} config {asdict(cfg)}")


if __name__ == "__main__":
    main()
