"""Weather and season read from a brief (issue #21, item 3)."""

from __future__ import annotations

import pytest

from stylist.fashion.weather import extract_temperature, extract_weather, month_seasons


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("8 °C and rain", 8.0),
        ("its 5 degrees and raining", 5.0),
        ("minus 2 degrees in Berlin", -2.0),
        ("windy 4°C day", 4.0),
        ("-3c outside", -3.0),
        ("40F and windy", 4.4),
        ("dress under 200", None),
        ("3 outfits for 30 dollars", None),
    ],
)
def test_temperature(text, celsius):
    assert extract_temperature(text) == celsius


def test_cold_rain_hot_and_months():
    w = extract_weather("8 °C and rain")
    assert w.cold and w.rain and not w.hot and w.describe() == "8 °C and rain"
    assert extract_weather("30 °C in Seville").hot
    assert extract_weather("ski trip, something warm").cold
    assert not extract_weather("baby shower as a guest").rain
    assert month_seasons("July in Rome") == ["summer"]
    assert month_seasons("I may need a coat") == []
    assert month_seasons("a city trip in may") == ["spring"]
    assert extract_weather("cold winter wedding in december").seasons == ["winter"]
