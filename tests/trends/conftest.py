"""Helpers for the trend tests: CSV writers and a store on the test's data home."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stylist.config import load_settings
from stylist.runtime import Runtime


def write_csv(path: Path, rows: list[str], header: str = "date,kind,value,count") -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def weekly_rows(kind: str, value: str, counts, start: str = "2022-01-03") -> list[str]:
    dates = pd.date_range(start, periods=len(counts), freq=pd.DateOffset(weeks=1))
    return [f"{d.date()},{kind},{value},{c}" for d, c in zip(dates, counts)]


def trend_counts(
    n: int, slope: float, level: float = 100.0, seed: int = 0, season_amp: float = 0.0
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1 + season_amp * np.cos(2 * np.pi * t / 52)
    return np.round(np.maximum(level + slope * t, 1) * season + rng.normal(0, 2, n), 1)


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(load_settings(trends={"model": "theta"}))


@pytest.fixture
def store(runtime):
    return runtime.trend_store
