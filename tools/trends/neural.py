"""The learned global model: one small LSTM trained across many series (inference only).

Like DeepAR and KERN (Ma et al. 2020), one network serves every series: each input window is
normalised by its own recent mean and spread, so a colour's search index (0-100) and an
article's unit sales share the weights. The network reads up to ``context`` periods (padded and
masked when shorter) with the calendar position, and outputs quantiles for ``horizon`` steps at
once; the median is the forecast, the outer quantiles the interval. Training is in
:mod:`.train`; the checkpoint holds its :class:`NetConfig`, so this module rebuilds the model
from the file alone.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stylist.errors import ModelUnavailableError
from stylist.tools.trends.models import Forecast, Forecaster

PACKAGED_CHECKPOINT = Path(__file__).parent / "checkpoints" / "global_lstm.pt"
RETRAINED_NAME = "trends_global_lstm.pt"


@dataclass
class NetConfig:
    context: int = 104
    horizon: int = 26
    hidden: int = 48
    layers: int = 1
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9)
    freq: str = "W"
    periods_per_year: int = 52
    features: int = 4  # z-value, mask, sin and cos of the position in the year
    norm_window: int = 52


def build_net(cfg: NetConfig):  # -> torch.nn.Module
    import torch
    from torch import nn

    class GlobalNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.cfg = cfg
            self.lstm = nn.LSTM(cfg.features, cfg.hidden, cfg.layers, batch_first=True)
            self.head = nn.Sequential(
                nn.Linear(cfg.hidden, cfg.hidden),
                nn.GELU(),
                nn.Linear(cfg.hidden, cfg.horizon * len(cfg.quantiles)),
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            # x: (B, context, features)
            out, _ = self.lstm(x)  # (B, context, hidden)
            q = self.head(out[:, -1])  # (B, horizon * Q)
            q = q.view(x.shape[0], cfg.horizon, len(cfg.quantiles))  # (B, horizon, Q)
            # cumulative softplus keeps the quantiles ordered
            base, rest = q[..., :1], torch.nn.functional.softplus(q[..., 1:])
            return torch.cat([base, base + torch.cumsum(rest, dim=-1)], dim=-1)

    return GlobalNet()


def year_position(index: pd.DatetimeIndex | None, n: int, periods_per_year: int) -> np.ndarray:
    """Fraction of the year at each period (0 when dates are unknown)."""
    if index is None or len(index) != n:
        return np.zeros(n)
    return ((index.day_of_year.to_numpy() - 1) / 365.25) % 1.0


def make_window(values: np.ndarray, position: np.ndarray, cfg: NetConfig) -> tuple[np.ndarray, float, float]:
    """Features (context, features) of the last ``context`` periods, and the scaling (mu, s)."""
    v = np.asarray(values, dtype=float)[-cfg.context :]
    p = np.asarray(position, dtype=float)[-cfg.context :]
    recent = v[-cfg.norm_window :]
    mu = float(recent.mean())
    s = float(recent.std()) + 0.02 * abs(mu) + 1e-3
    x = np.zeros((cfg.context, cfg.features), dtype=np.float32)
    n = len(v)
    x[-n:, 0] = np.clip((v - mu) / s, -10, 10)
    x[-n:, 1] = 1.0
    x[-n:, 2] = np.sin(2 * np.pi * p)
    x[-n:, 3] = np.cos(2 * np.pi * p)
    return x, mu, s


def load_checkpoint(path: Path, device: str = "cpu"):
    import torch

    try:
        blob = torch.load(path, map_location=device, weights_only=False)
        cfg = NetConfig(**{**blob["config"], "quantiles": tuple(blob["config"]["quantiles"])})
        net = build_net(cfg)
        net.load_state_dict(blob["state_dict"])
    except (OSError, KeyError, RuntimeError, TypeError) as exc:
        raise ModelUnavailableError(f"cannot load the trend model checkpoint {path}: {exc}") from None
    net.eval().to(device)
    return net, cfg, blob.get("meta", {})


def save_checkpoint(path: Path, net, cfg: NetConfig, meta: dict) -> None:
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu() for k, v in net.state_dict().items()}
    torch.save({"config": asdict(cfg), "state_dict": state, "meta": meta}, path)


def default_checkpoint(models_dir: Path | None = None) -> Path:
    """The retrained checkpoint in the data home when there is one, else the packaged one."""
    if models_dir is not None and (models_dir / RETRAINED_NAME).is_file():
        return models_dir / RETRAINED_NAME
    return PACKAGED_CHECKPOINT


class GlobalForecaster(Forecaster):
    """The pre-trained global LSTM; ``fit`` only keeps the history (the weights are shared)."""

    name = "global"
    _cache: dict[str, tuple] = {}
    _lock = threading.Lock()

    def __init__(self, checkpoint: Path | None = None, device: str | None = None) -> None:
        self.checkpoint = Path(checkpoint) if checkpoint else PACKAGED_CHECKPOINT
        self.device = device or _auto_device()

    def _net(self):
        if not self.checkpoint.is_file():
            raise ModelUnavailableError(
                f"no trend model checkpoint at {self.checkpoint}", hint="run `stylist train trends`"
            )
        # The file's mtime is in the key so a checkpoint retrained in place is loaded afresh.
        key = f"{self.checkpoint}:{self.checkpoint.stat().st_mtime_ns}:{self.device}"
        with self._lock:
            if key not in self._cache:
                self._cache[key] = load_checkpoint(self.checkpoint, self.device)
            return self._cache[key]

    @property
    def config(self) -> NetConfig:
        return self._net()[1]

    def _fit(self) -> None:
        cfg = self.config
        if self.season != cfg.periods_per_year:
            raise ModelUnavailableError(
                (
                    f"the global model was trained on {cfg.freq} data ({cfg.periods_per_year} periods a "
                    f"year), not {self.season} a year"
                ),
                hint="use --model ets or theta for this series",
            )

    def _forecast(self, horizon: int, level: float) -> Forecast:
        lo, _, hi = _quantile_columns(self.config.quantiles, level)
        got = self.config.quantiles[hi] - self.config.quantiles[lo]
        if abs(got - level) > 1e-6:
            self.note = f"the global model's interval is {got:.0%}, not {level:.0%}"
        return self.forecast_many([(self.y, self.index)], horizon, level)[0]

    def forecast_many(
        self, histories: list[tuple[np.ndarray, pd.DatetimeIndex | None]], horizon: int, level: float = 0.8
    ) -> list[Forecast]:
        """Forecast several series in one batch."""
        import torch

        net, cfg, _ = self._net()
        if horizon > cfg.horizon:
            raise ModelUnavailableError(
                f"the global model forecasts at most {cfg.horizon} periods ahead (asked {horizon})"
            )
        xs, scales = [], []
        for values, index in histories:
            x, mu, s = make_window(values, year_position(index, len(values), cfg.periods_per_year), cfg)
            xs.append(x)
            scales.append((mu, s))
        with torch.no_grad():
            q = net(torch.from_numpy(np.stack(xs)).to(self.device)).cpu().numpy()  # (B, horizon, Q)
        lo_i, mid_i, hi_i = _quantile_columns(cfg.quantiles, level)
        out = []
        for row, (mu, s) in zip(q, scales):
            vals = row[:horizon] * s + mu
            out.append(Forecast(vals[:, mid_i], vals[:, lo_i], vals[:, hi_i], level).clipped())
        return out


def _quantile_columns(quantiles: tuple[float, ...], level: float) -> tuple[int, int, int]:
    qs = np.asarray(quantiles)
    lo = int(np.argmin(np.abs(qs - (0.5 - level / 2))))
    hi = int(np.argmin(np.abs(qs - (0.5 + level / 2))))
    return lo, int(np.argmin(np.abs(qs - 0.5))), hi


def _auto_device() -> str:
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover - torch is a dependency
        return "cpu"
