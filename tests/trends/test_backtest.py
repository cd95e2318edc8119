from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stylist.tools.trends.backtest import case_metrics, direction, origins_for, rolling_origin, select_model
from stylist.tools.trends.models import Forecast, Forecaster, SeasonalNaive
from stylist.tools.trends.series import SeriesKey, TrendSeries


def test_case_metrics_by_hand():
    # history 2,4,6,8 (under a season: scale = mean |diff| = 2); actual 10,12; forecast 9,14
    m = case_metrics(np.array([2, 4, 6, 8]), np.array([10, 12]), np.array([9, 14]), season=52)
    assert m["mae"] == pytest.approx(1.5)
    assert m["smape"] == pytest.approx((200 * 1 / 19 + 200 * 2 / 26) / 2)  # 12.9555
    assert m["mape"] == pytest.approx((10 + 100 * 2 / 12) / 2)  # 13.333
    assert m["mase"] == pytest.approx(0.75)


def test_case_metrics_undefined_parts():
    m = case_metrics(np.array([5, 5, 5]), np.array([0, 4]), np.array([0, 2]), season=1)
    assert m["mape"] is None  # a zero actual
    assert m["mase"] is None  # a constant history has no scale
    assert m["smape"] == pytest.approx((0 + 200 * 2 / 6) / 2)  # 0/0 counts as 0


def test_origins_and_direction():
    assert origins_for(20, horizon=2, origins=3, step=2, min_train=4) == [14, 16, 18]
    assert origins_for(10, horizon=4, origins=3, step=4, min_train=4) == [6]
    assert direction(np.array([1, 2]), np.array([3, 3])) == 1
    assert direction(np.array([3, 3]), np.array([1, 2])) == -1
    assert direction(np.array([2, 2]), np.array([1, 3])) == 0


class Oracle(Forecaster):
    """Knows the series is y_t = t: forecasts the truth."""

    name = "oracle"

    def _forecast(self, horizon: int, level: float) -> Forecast:
        mean = len(self.y) + np.arange(horizon, dtype=float)
        return Forecast(mean, mean - 0.5, mean + 0.5, level)


def test_rolling_origin_by_hand():
    y = pd.Series(
        np.arange(20, dtype=float), index=pd.date_range("2022-01-03", periods=20, freq=pd.DateOffset(weeks=1))
    )
    s = TrendSeries(SeriesKey("t", "colour", "red"), "W", y)
    result = rolling_origin(
        [s], {"seasonal_naive": SeasonalNaive, "oracle": Oracle}, horizon=2, origins=2, min_train=4
    )
    naive, oracle = result.scores["seasonal_naive"], result.scores["oracle"]
    # origins 16 and 18; under a season the naive forecast is the last value: errors 1, 2 each time
    assert naive.cases == 2 and naive.mae == pytest.approx(1.5) and naive.mase == pytest.approx(1.5)
    assert naive.smape == pytest.approx(
        np.mean([200 / 31, 400 / 32, 200 / 35, 400 / 36])
    )  # 200|F-A|/(|F|+|A|)
    assert naive.mape == pytest.approx(np.mean([100 / 16, 200 / 17, 100 / 18, 200 / 19]))
    assert naive.rel_mae == pytest.approx(1.0)
    # the naive forecast (flat at the last value) is above the mean of the last 2, so "rising": right
    assert naive.direction_acc == 1.0 and naive.direction_cases == 2
    assert oracle.mae == 0 and oracle.mase == 0 and oracle.rel_mae == 0 and oracle.coverage == 1.0
    assert result.best() == "oracle"
    picked, _ = select_model([s], {"seasonal_naive": SeasonalNaive, "oracle": Oracle}, horizon=2)
    assert picked == "oracle"


def test_series_too_short_for_an_origin_are_listed():
    y = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2022-01-03", periods=3, freq=pd.DateOffset(weeks=1)))
    result = rolling_origin(
        [TrendSeries(SeriesKey("t", "colour", "red"), "W", y)], {"seasonal_naive": SeasonalNaive}, horizon=2
    )
    assert result.series == 0 and "t:colour/red: 3 periods" in result.skipped[0]
