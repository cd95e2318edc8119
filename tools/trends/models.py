"""Forecasting models behind one small interface: ``fit(y, season)`` then ``forecast(h, level)``.

Baselines: seasonal naive, exponential smoothing (statsmodels ETS; STL + damped-trend ETS for
weekly data) and Theta. The learned global model lives in :mod:`.neural`. Every forecast comes
with a central prediction interval at ``level``; counts are never negative, so forecasts and
bounds are clipped at 0.
"""

from __future__ import annotations

import contextlib
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stylist.tools.trends.errors import TrendDataError

#: Fewest observations any model accepts.
MIN_HISTORY = 8


@dataclass
class Forecast:
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float

    def clipped(self) -> Forecast:
        return Forecast(
            np.maximum(self.mean, 0), np.maximum(self.lower, 0), np.maximum(self.upper, 0), self.level
        )


class Forecaster(ABC):
    """Fit on one series, then forecast ``horizon`` periods with a prediction interval."""

    name: str = ""
    #: Set when the model had to fall back to something simpler for this series (reported).
    note: str | None = None

    def fit(self, y: pd.Series, season: int) -> Forecaster:
        values = np.asarray(y, dtype=float)
        if len(values) < MIN_HISTORY:
            raise TrendDataError(
                f"{self.name}: a series of {len(values)} periods is too short to forecast (need "
                f"{MIN_HISTORY})"
            )
        if not np.all(np.isfinite(values)):
            raise TrendDataError(f"{self.name}: the series has missing or infinite values")
        self.y, self.season, self.index = values, season, y.index if isinstance(y, pd.Series) else None
        self.note = None
        self._fit()
        return self

    def _fit(self) -> None:  # noqa: B027 - optional hook
        pass

    @abstractmethod
    def _forecast(self, horizon: int, level: float) -> Forecast: ...

    def forecast(self, horizon: int, level: float = 0.8) -> Forecast:
        if horizon < 1:
            raise ValueError("horizon must be at least 1")
        with _one_blas_thread():
            return self._forecast(horizon, level).clipped()


def _one_blas_thread():
    """Small optimisations run faster on one BLAS thread; several fight over shared cores."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _z(level: float) -> float:
    from scipy.stats import norm  # heavy (about 2 s): only when a forecast needs an interval

    return float(norm.ppf(0.5 + level / 2))


def seasonal_naive_forecast(y: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """y[T + h] = y[T + h - m*(k+1)], k = (h-1) // m; plain naive when the history is under a season."""
    m = season if len(y) >= season else 1
    h = np.arange(1, horizon + 1)
    k = (h - 1) // m
    return y[len(y) + h - m * (k + 1) - 1]


class SeasonalNaive(Forecaster):
    """Last year's value for the same period (last value when under a year of history)."""

    name = "seasonal_naive"

    def _forecast(self, horizon: int, level: float) -> Forecast:
        y, m = self.y, self.season if len(self.y) >= self.season + 2 else 1
        if m == 1 and self.season > 1:
            self.note = "under a season of history: naive (last value)"
        mean = seasonal_naive_forecast(y, horizon, m)
        resid = y[m:] - y[:-m]
        sigma = float(np.sqrt(np.mean(resid**2))) if len(resid) else 0.0
        k = (np.arange(1, horizon + 1) - 1) // m
        width = _z(level) * sigma * np.sqrt(k + 1)
        return Forecast(mean, mean - width, mean + width, level)


class ETS(Forecaster):
    """Exponential smoothing. Weekly data with two years of history: a smooth yearly season
    (Fourier terms, K=3, fitted on the detrended series) is removed, then additive damped-trend
    ETS forecasts the rest and the season is added back (a 52-state seasonal ETS is too
    unstable for a few years of weekly data). Monthly data: ETS(A,Ad,A). Otherwise ETS(A,Ad,N)."""

    name = "ets"
    harmonics = 3

    def _forecast(self, horizon: int, level: float) -> Forecast:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        y, m = self.y, self.season
        scale = float(np.mean(np.abs(y))) or 1.0
        z = y / scale  # keeps the optimiser well conditioned for counts in the millions
        seasonal_future = np.zeros(horizon)
        kwargs: dict = {"error": "add", "trend": "add", "damped_trend": True}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                if m > 24 and len(y) >= 2 * m:
                    past, seasonal_future = fourier_season(z, m, horizon, self.harmonics)
                    z = z - past
                elif m > 1 and len(y) >= 2 * m + 2:
                    kwargs.update(seasonal="add", seasonal_periods=m)
                elif m > 1:
                    self.note = "under two seasons of history: ETS without a seasonal part"
                res = ETSModel(pd.Series(z), **kwargs).fit(disp=False)
                frame = res.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(
                    alpha=1 - level
                )
                mean, lower, upper = (
                    (np.asarray(frame[col], dtype=float) + seasonal_future) * scale
                    for col in ("mean", "pi_lower", "pi_upper")
                )
            except (ValueError, np.linalg.LinAlgError) as exc:
                self.note = f"ETS failed ({exc}); seasonal naive used"
                return SeasonalNaive().fit(pd.Series(y), m)._forecast(horizon, level)
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(lower)) and np.all(np.isfinite(upper))):
            self.note = "ETS diverged; seasonal naive used"
            return SeasonalNaive().fit(pd.Series(y), m)._forecast(horizon, level)
        return Forecast(mean, lower, upper, level)


def fourier_season(y: np.ndarray, period: int, horizon: int, harmonics: int) -> tuple[np.ndarray, np.ndarray]:
    """A smooth periodic component of ``y`` (past values and the next ``horizon``), fitted by
    least squares on ``harmonics`` sine/cosine pairs after removing a centred moving average."""
    n = len(y)
    trend = pd.Series(y).rolling(period, center=True, min_periods=period // 2).mean().to_numpy()
    t = np.arange(n + horizon, dtype=float)
    basis = np.column_stack(
        [f(2 * np.pi * k * t / period) for k in range(1, harmonics + 1) for f in (np.sin, np.cos)]
    )
    ok = np.isfinite(trend)
    coef, *_ = np.linalg.lstsq(basis[:n][ok], (y - trend)[ok], rcond=None)
    season = basis @ coef
    return season[:n], season[n:]


class Theta(Forecaster):
    """The Theta method (Assimakopoulos & Nikolopoulos 2000) with additive deseasonalising."""

    name = "theta"

    def _forecast(self, horizon: int, level: float) -> Forecast:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        y, m = self.y, self.season
        seasonal = m > 1 and len(y) >= 2 * m
        if not seasonal and m > 1:
            self.note = "under two seasons of history: Theta without deseasonalising"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res = ThetaModel(
                    y, period=m if seasonal else 1, deseasonalize=seasonal, method="additive"
                ).fit()
                mean = np.asarray(res.forecast(horizon), dtype=float)
                alpha = float(res.params.iloc[1])
            except (ValueError, np.linalg.LinAlgError) as exc:
                self.note = f"Theta failed ({exc}); seasonal naive used"
                return SeasonalNaive().fit(pd.Series(y), m)._forecast(horizon, level)
        # statsmodels estimates sigma^2 by fitting a SARIMAX, slow on two shared cores; the
        # one-step SES errors on the (deseasonalised) series estimate the same variance.
        try:
            adjusted = np.asarray(res.model._deseasonalize_data()[0], dtype=float)
        except (AttributeError, ValueError):  # private statsmodels API: fall back to the raw series
            adjusted = y
        sigma2 = _ses_sigma2(adjusted, alpha)
        sd = np.sqrt((1 + np.arange(horizon) * (1 + (alpha - 1) ** 2)) * sigma2)
        width = _z(level) * sd
        return Forecast(mean, mean - width, mean + width, level)


def _ses_sigma2(y: np.ndarray, alpha: float) -> float:
    """Innovation variance of SES with drift seen as ARIMA(0,1,1): theta = alpha - 1, constant
    = mean difference; conditional sum of squares instead of statsmodels' SARIMAX fit."""
    d = np.diff(y)
    if not len(d):
        return 0.0
    c, theta, e, errors = float(d.mean()), alpha - 1.0, 0.0, np.empty(len(d))
    for i, value in enumerate(d):
        e = value - c - theta * e
        errors[i] = e
    return float(np.mean(errors**2))


MODEL_NAMES = ("seasonal_naive", "ets", "theta", "global")
