"""Rolling-origin backtests: error metrics per model, direction accuracy, model selection.

For each series, origins are placed at the end (the last origin's test window ends at the last
observation) and every ``step`` periods before it. At each origin a model is fitted on the
history only and forecasts ``horizon`` periods, which are compared with what happened.

Metrics per (series, origin), averaged over cases:
- MAE; sMAPE = mean 200|F-A|/(|F|+|A|) (a term with F = A = 0 counts 0);
- MAPE = mean 100|F-A|/|A|, only for cases with no zero actual (``mape_cases`` says how many);
- MASE = MAE / in-sample mean |y_t - y_{t-m}| (m = season, or 1 under a season of history);
  cases whose history is constant have no scale and are left out (``mase_cases``);
- rel_mae = total MAE / total MAE of seasonal naive on the same cases (< 1 beats it);
- direction: rising if the mean over the horizon is above the mean of the last ``horizon``
  observed periods, falling if below; accuracy of the forecast's direction against the actual one
  (cases where the actual mean equals the recent mean are left out);
- coverage: share of actual values inside the prediction interval.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stylist.errors import StylistError
from stylist.tools.trends.models import Forecaster
from stylist.tools.trends.series import TrendSeries

log = logging.getLogger(__name__)


def mase_scale(history: np.ndarray, season: int) -> float:
    m = season if len(history) > season else 1
    return float(np.mean(np.abs(history[m:] - history[:-m])))


def direction(recent: np.ndarray, future: np.ndarray) -> int:
    """+1 rising, -1 falling, 0 unchanged: mean of ``future`` against mean of ``recent``."""
    return int(np.sign(float(np.mean(future)) - float(np.mean(recent))))


def case_metrics(history: np.ndarray, actual: np.ndarray, forecast: np.ndarray, season: int) -> dict:
    """MAE, sMAPE, MAPE (None with a zero actual), MASE (None with no scale) for one case."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    err = np.abs(forecast - actual)
    mae = float(err.mean())
    denom = np.abs(forecast) + np.abs(actual)
    smape = float(np.mean(np.where(denom > 0, 200.0 * err / np.where(denom > 0, denom, 1.0), 0.0)))
    mape = float(np.mean(100.0 * err / np.abs(actual))) if np.all(actual != 0) else None
    scale = mase_scale(np.asarray(history, float), season)
    mase = mae / scale if scale > 0 else None
    return {"mae": mae, "smape": smape, "mape": mape, "mase": mase}


@dataclass
class Case:
    series: str
    origin: int
    model: str
    mae: float
    smape: float
    mape: float | None
    mase: float | None
    actual_dir: int
    pred_dir: int
    coverage: float


@dataclass
class ModelScore:
    model: str
    cases: int = 0
    mae: float = float("nan")
    smape: float = float("nan")
    mape: float | None = None
    mape_cases: int = 0
    mase: float | None = None
    mase_median: float | None = None
    mase_cases: int = 0
    rel_mae: float | None = None
    direction_acc: float | None = None
    direction_cases: int = 0
    coverage: float = float("nan")
    failures: int = 0
    failure_examples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}
        return out


@dataclass
class BacktestResult:
    horizon: int
    origins: int
    step: int
    series: int
    scores: dict[str, ModelScore]
    cases: list[Case] = field(repr=False, default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def best(self, metric: str = "mase") -> str:
        def key(name: str) -> float:
            value = getattr(self.scores[name], metric)
            return (
                float("inf")
                if value is None or not np.isfinite(value) or self.scores[name].failures
                else value
            )

        return min(self.scores, key=key)


def origins_for(n: int, horizon: int, origins: int, step: int, min_train: int) -> list[int]:
    """Origin indices (history = y[:origin]) from the latest backwards, at least ``min_train`` long."""
    out = [n - horizon - i * step for i in range(origins)]
    return sorted(o for o in out if o >= min_train)


def rolling_origin(
    series: Sequence[TrendSeries],
    models: dict[str, Callable[[], Forecaster]],
    *,
    horizon: int,
    origins: int = 3,
    step: int | None = None,
    min_train: int | None = None,
    level: float = 0.8,
    baseline: str = "seasonal_naive",
) -> BacktestResult:
    """Backtest every model on every series; see the module docstring for the metrics."""
    step = step or horizon
    cases: list[Case] = []
    failures: dict[str, list[str]] = {name: [] for name in models}
    seconds = dict.fromkeys(models, 0.0)
    skipped: list[str] = []
    used = 0
    for s in series:
        y = s.values.to_numpy(dtype=float)
        need = min_train if min_train is not None else max(2 * horizon, 16)
        cuts = origins_for(len(y), horizon, origins, step, need)
        if not cuts:
            skipped.append(f"{s.key.label()}: {len(y)} periods, need {need + horizon} for one origin")
            continue
        used += 1
        for cut in cuts:
            history, actual = y[:cut], y[cut : cut + horizon]
            recent = history[-horizon:]
            actual_dir = direction(recent, actual)
            for name, factory in models.items():
                t0 = time.perf_counter()
                try:
                    fc = factory().fit(s.values.iloc[:cut], s.season).forecast(horizon, level)
                except StylistError as exc:
                    failures[name].append(f"{s.key.label()}@{cut}: {exc.message}")
                    continue
                finally:
                    seconds[name] += time.perf_counter() - t0
                m = case_metrics(history, actual, fc.mean, s.season)
                inside = float(np.mean((actual >= fc.lower) & (actual <= fc.upper)))
                cases.append(
                    Case(
                        s.key.label(),
                        cut,
                        name,
                        m["mae"],
                        m["smape"],
                        m["mape"],
                        m["mase"],
                        actual_dir,
                        direction(recent, fc.mean),
                        inside,
                    )
                )
    scores = {name: _score(name, cases, baseline, failures[name], seconds[name]) for name in models}
    return BacktestResult(horizon, origins, step, used, scores, cases, skipped)


def _score(name: str, cases: list[Case], baseline: str, fails: list[str], seconds: float) -> ModelScore:
    mine = [c for c in cases if c.model == name]
    score = ModelScore(
        model=name,
        cases=len(mine),
        failures=len(fails),
        failure_examples=fails[:3],
        seconds=round(seconds, 2),
    )
    if not mine:
        return score
    score.mae = float(np.mean([c.mae for c in mine]))
    score.smape = float(np.mean([c.smape for c in mine]))
    mapes = [c.mape for c in mine if c.mape is not None]
    score.mape, score.mape_cases = (float(np.mean(mapes)) if mapes else None), len(mapes)
    mases = [c.mase for c in mine if c.mase is not None]
    score.mase, score.mase_cases = (float(np.mean(mases)) if mases else None), len(mases)
    score.mase_median = float(np.median(mases)) if mases else None
    base = {(c.series, c.origin): c.mae for c in cases if c.model == baseline}
    paired = [(c.mae, base[(c.series, c.origin)]) for c in mine if (c.series, c.origin) in base]
    base_total = sum(b for _, b in paired)
    score.rel_mae = sum(a for a, _ in paired) / base_total if paired and base_total > 0 else None
    directed = [c for c in mine if c.actual_dir != 0]
    score.direction_cases = len(directed)
    score.direction_acc = float(np.mean([c.pred_dir == c.actual_dir for c in directed])) if directed else None
    score.coverage = float(np.mean([c.coverage for c in mine]))
    return score


def select_model(
    series: Sequence[TrendSeries],
    models: dict[str, Callable[[], Forecaster]],
    *,
    horizon: int,
    origins: int = 2,
    max_series: int = 12,
    seed: int = 0,
) -> tuple[str, BacktestResult]:
    """The model with the lowest mean MASE on a small rolling-origin backtest (a sample of series)."""
    chosen = list(series)
    if len(chosen) > max_series:
        picks = np.random.default_rng(seed).choice(len(chosen), size=max_series, replace=False)
        chosen = [chosen[i] for i in sorted(picks)]
    result = rolling_origin(chosen, models, horizon=horizon, origins=origins)
    usable = [n for n, s in result.scores.items() if s.cases and not s.failures]
    if not usable:
        return "seasonal_naive", result
    best = min(
        usable, key=lambda n: result.scores[n].mase if result.scores[n].mase is not None else float("inf")
    )
    return best, result


def frame(result: BacktestResult) -> pd.DataFrame:
    return pd.DataFrame([s.as_dict() for s in result.scores.values()]).set_index("model")
