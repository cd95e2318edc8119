from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stylist.errors import ModelUnavailableError, ToolInputError
from stylist.tools.trends.errors import TrendDataError
from stylist.tools.trends.forecast import model_factories
from stylist.tools.trends.horizon import parse_horizon
from stylist.tools.trends.models import ETS, SeasonalNaive, Theta
from stylist.tools.trends.neural import GlobalForecaster
from tests.trends.conftest import trend_counts


def _weekly(values, start="2021-01-04") -> pd.Series:
    return pd.Series(
        np.asarray(values, float),
        index=pd.date_range(start, periods=len(values), freq=pd.DateOffset(weeks=1)),
    )


@pytest.mark.parametrize("name", ["seasonal_naive", "ets", "theta", "global"])
def test_each_model_fits_and_forecasts_with_an_interval(name):
    y = _weekly(trend_counts(130, slope=1.5, season_amp=0.3))
    fc = model_factories()[name]().fit(y, 52).forecast(8, level=0.8)
    assert fc.mean.shape == fc.lower.shape == fc.upper.shape == (8,)
    assert (
        np.all(np.isfinite(fc.mean))
        and np.all(fc.lower <= fc.mean + 1e-9)
        and np.all(fc.mean <= fc.upper + 1e-9)
    )
    assert np.all(fc.lower >= 0)
    # a rising series: every model but the seasonal one sees the level go up from a year ago
    assert fc.mean.mean() > y.iloc[-60:-52].mean()


def test_seasonal_naive_repeats_last_season_and_widens_per_season():
    y = _weekly(np.arange(1, 61, dtype=float))
    fc = SeasonalNaive().fit(y, 52).forecast(54)
    assert fc.mean[:3].tolist() == [9.0, 10.0, 11.0] and fc.mean[52] == 9.0
    assert fc.upper[52] - fc.mean[52] == pytest.approx(np.sqrt(2) * (fc.upper[0] - fc.mean[0]))


def test_short_history_uses_a_simpler_form_and_says_so():
    y = _weekly(trend_counts(30, slope=1.0))
    for model in (SeasonalNaive(), ETS(), Theta()):
        model.fit(y, 52).forecast(4)
        assert model.note and "season" in model.note


def test_too_short_and_broken_series_are_refused():
    with pytest.raises(TrendDataError, match="too short"):
        ETS().fit(_weekly([1, 2, 3]), 52)
    with pytest.raises(TrendDataError, match="missing or infinite"):
        Theta().fit(_weekly([1, 2, np.nan, 4, 5, 6, 7, 8, 9]), 52)


def test_global_model_is_weekly_only_and_reads_its_config_from_the_checkpoint():
    model = GlobalForecaster()
    assert model.config.freq == "W" and model.config.horizon >= 26
    monthly = pd.Series(trend_counts(60, 1.0), index=pd.date_range("2015-01-01", periods=60, freq="MS"))
    with pytest.raises(ModelUnavailableError, match="trained on W data"):
        model.fit(monthly, 12)
    with pytest.raises(ModelUnavailableError, match="at most"):
        model.fit(_weekly(trend_counts(80, 1.0)), 52).forecast(model.config.horizon + 1)


def test_global_model_scales_with_the_series():
    y = _weekly(trend_counts(120, slope=0.5, season_amp=0.2))
    small = GlobalForecaster().fit(y, 52).forecast(8).mean
    big = GlobalForecaster().fit(y * 1000, 52).forecast(8).mean
    assert big == pytest.approx(small * 1000, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "freq", "periods"),
    [
        ("8w", "W", 8),
        ("8 weeks", "W", 8),
        ("3m", "W", 13),
        ("3m", "M", 3),
        ("8w", "M", 2),
        ("1y", "W", 52),
        ("12", "M", 12),
        (6, "W", 6),
    ],
)
def test_horizon_parsing(text, freq, periods):
    assert parse_horizon(text).periods(freq) == periods


@pytest.mark.parametrize("text", ["8x", "", "w8", "0w", "-3m", "300w", "3 fortnights"])
def test_bad_horizons_say_what_to_write(text):
    with pytest.raises(ToolInputError) as err:
        parse_horizon(text)
    assert repr(text) in str(err.value)
