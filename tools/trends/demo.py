"""Seeded demo data: weekly attribute series with known ground truth, and dated synthetic posts.

Each series is level x trend x yearly season x launch ramp x fad bump, with gamma-Poisson noise.
``role`` is the ground truth of where the series is heading at its end: ``rising`` and
``launch`` grow, ``falling`` and ``fad`` (a bump that peaked) shrink, ``stable`` and
``seasonal`` have no trend. ``truth_growth`` is the noiseless growth over the next 8 weeks
against the last 8 (season included), from the same generator run past the end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stylist.tools.trends.series import SeriesKey, TrendSeries

DEMO_START = pd.Timestamp("2020-11-02")  # a Monday
DEMO_WEEKS = 260
TRUTH_HORIZON = 8

# (kind, value, role, season amplitude, peak week of year)
_SPECS: list[tuple[str, str, str, float, int]] = [
    ("colour", "black", "stable", 0.15, 47),
    ("colour", "white", "seasonal", 0.45, 26),
    ("colour", "beige", "stable", 0.1, 15),
    ("colour", "brown", "rising", 0.2, 42),
    ("colour", "red", "seasonal", 0.35, 50),
    ("colour", "burgundy", "rising", 0.35, 44),
    ("colour", "pink", "fad", 0.15, 20),
    ("colour", "yellow", "launch", 0.3, 24),
    ("colour", "green", "falling", 0.15, 18),
    ("colour", "sage", "rising", 0.2, 16),
    ("colour", "olive", "falling", 0.2, 40),
    ("colour", "blue", "stable", 0.1, 25),
    ("colour", "navy", "falling", 0.15, 45),
    ("colour", "lilac", "launch", 0.25, 14),
    ("colour", "silver", "fad", 0.3, 51),
    ("article", "dress", "seasonal", 0.45, 25),
    ("article", "jeans", "stable", 0.1, 38),
    ("article", "baggy jeans", "rising", 0.1, 38),
    ("article", "cargo pants", "fad", 0.1, 36),
    ("article", "maxi skirt", "rising", 0.35, 24),
    ("article", "shorts", "seasonal", 0.8, 27),
    ("article", "sweater", "seasonal", 0.6, 48),
    ("article", "coat", "seasonal", 0.7, 47),
    ("article", "blazer", "rising", 0.2, 38),
    ("article", "hoodie", "falling", 0.3, 46),
    ("article", "sneakers", "stable", 0.15, 30),
    ("article", "boots", "seasonal", 0.55, 45),
    ("article", "loafers", "launch", 0.15, 38),
    ("article", "slip dress", "fad", 0.3, 27),
    ("article", "jumpsuit", "falling", 0.3, 26),
    ("pattern", "striped", "stable", 0.2, 23),
    ("pattern", "floral", "seasonal", 0.5, 18),
    ("pattern", "checked", "rising", 0.4, 44),
    ("pattern", "polka dot", "fad", 0.2, 22),
    ("pattern", "animal print", "rising", 0.15, 42),
    ("pattern", "solid", "stable", 0.05, 10),
    ("pattern", "camouflage", "falling", 0.1, 40),
    ("pattern", "tie-dye", "falling", 0.35, 28),
    ("style", "minimalist", "rising", 0.1, 10),
    ("style", "boho", "falling", 0.4, 26),
    ("style", "streetwear", "stable", 0.1, 36),
    ("style", "preppy", "rising", 0.25, 37),
    ("style", "y2k", "fad", 0.15, 24),
    ("style", "cottagecore", "falling", 0.35, 22),
    ("style", "athleisure", "stable", 0.15, 2),
    ("style", "quiet luxury", "launch", 0.2, 44),
    ("fabric", "linen", "rising", 0.6, 26),
    ("fabric", "denim", "stable", 0.1, 36),
    ("fabric", "leather", "rising", 0.35, 45),
    ("fabric", "wool", "seasonal", 0.6, 49),
    ("fabric", "cashmere", "rising", 0.55, 50),
    ("fabric", "velvet", "falling", 0.5, 50),
    ("fabric", "crochet", "fad", 0.4, 25),
    ("fabric", "satin", "rising", 0.2, 50),
]


@dataclass
class SeriesParams:
    level: float
    slope: float  # log growth per year
    season_amp: float
    peak_week: int
    launch_week: float | None = None
    launch_width: float = 6.0
    fad_week: float | None = None
    fad_height: float = 0.0
    fad_width: float = 10.0
    dispersion: float = 20.0  # gamma shape: larger = less noise beyond Poisson

    def mean(self, t: np.ndarray, week_of_year: np.ndarray) -> np.ndarray:
        """Noiseless expected count at week indices ``t``."""
        trend = np.exp(self.slope * t / 52.0)
        season = 1.0 + self.season_amp * np.cos(2 * np.pi * (week_of_year - self.peak_week) / 52.0)
        out = self.level * trend * season
        if self.launch_week is not None:
            out = out * (0.03 + 0.97 / (1.0 + np.exp(-(t - self.launch_week) / self.launch_width)))
        if self.fad_week is not None:
            out = out * (1.0 + self.fad_height * np.exp(-0.5 * ((t - self.fad_week) / self.fad_width) ** 2))
        return out


def params_for_role(role: str, amp: float, peak: int, n_weeks: int, rng: np.random.Generator) -> SeriesParams:
    level = float(np.exp(rng.normal(np.log(300), 0.7)))
    p = SeriesParams(
        level=level,
        slope=float(rng.normal(0, 0.03)),
        season_amp=amp,
        peak_week=peak,
        dispersion=float(rng.uniform(8, 60)),
    )
    if role == "rising":
        p.slope = float(rng.uniform(0.25, 0.6))
        p.level = level * float(np.exp(-p.slope * n_weeks / 52 / 2))
    elif role == "falling":
        p.slope = float(-rng.uniform(0.25, 0.6))
        p.level = level * float(np.exp(-p.slope * n_weeks / 52 / 2))
    elif role == "launch":
        p.launch_week = float(n_weeks - rng.uniform(8, 30))
        p.launch_width = float(rng.uniform(3, 8))
        p.slope = float(rng.uniform(0.0, 0.2))
    elif role == "fad":
        p.fad_week = float(n_weeks - rng.uniform(18, 40))
        p.fad_height = float(rng.uniform(2.0, 5.0))
        p.fad_width = float(rng.uniform(5, 12))
    return p


def simulate(
    p: SeriesParams, start: pd.Timestamp, n_weeks: int, rng: np.random.Generator
) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Dates, noiseless means and noisy counts for ``n_weeks`` weeks."""
    dates = pd.date_range(start, periods=n_weeks, freq=pd.DateOffset(weeks=1))
    t = np.arange(n_weeks, dtype=float)
    woy = dates.isocalendar().week.to_numpy(dtype=float)
    mu = p.mean(t, woy)
    counts = rng.poisson(rng.gamma(p.dispersion, mu / p.dispersion)).astype(float)
    return dates, mu, counts


@dataclass
class DemoData:
    series: list[TrendSeries]
    roles: dict[tuple[str, str], str]
    truth_growth: dict[tuple[str, str], float]
    means: dict[tuple[str, str], np.ndarray] = field(repr=False, default_factory=dict)


def generate_demo_series(seed: int = 11, n_weeks: int = DEMO_WEEKS, source: str = "demo") -> DemoData:
    """The named demo series (about 55, five kinds) with their ground truth."""
    rng = np.random.default_rng(seed)
    series, roles, growth, means = [], {}, {}, {}
    for kind, value, role, amp, peak in _SPECS:
        p = params_for_role(role, amp, peak, n_weeks, rng)
        dates, mu, counts = simulate(p, DEMO_START, n_weeks + TRUTH_HORIZON, rng)
        series.append(
            TrendSeries(
                SeriesKey(source, kind, value), "W", pd.Series(counts[:n_weeks], index=dates[:n_weeks])
            )
        )
        roles[(kind, value)] = role
        growth[(kind, value)] = float(
            mu[n_weeks:].mean() / mu[n_weeks - TRUTH_HORIZON : n_weeks].mean() - 1.0
        )
        means[(kind, value)] = mu
    return DemoData(series, roles, growth, means)


def generate_training_series(
    n: int = 600, seed: int = 123, min_weeks: int = 120, max_weeks: int = 300
) -> list[np.ndarray]:
    """Random series with random roles, lengths and noise for training the global model."""
    rng = np.random.default_rng(seed)
    roles = ["rising", "falling", "launch", "fad", "stable", "seasonal"]
    out = []
    for _ in range(n):
        weeks = int(rng.integers(min_weeks, max_weeks))
        role = roles[int(rng.integers(len(roles)))]
        amp = float(rng.choice([0.0, rng.uniform(0, 0.3), rng.uniform(0.3, 0.9)]))
        p = params_for_role(role, amp, int(rng.integers(1, 53)), weeks, rng)
        if rng.random() < 0.3:  # scores on a 0-100 scale, like search interest
            p.level = float(rng.uniform(2, 60))
        if rng.random() < 0.3:  # fad or launch anywhere, not only near the end
            p.fad_week = float(rng.uniform(0, weeks + 20))
            p.fad_height = float(rng.uniform(0.5, 4))
        if rng.random() < 0.15:  # intermittent: a few units a week, many zeros
            p.level = float(rng.uniform(0.3, 4))
        start = pd.Timestamp("2012-01-02") + pd.DateOffset(weeks=int(rng.integers(0, 52)))
        dates, mu, _ = simulate(p, start, weeks, rng)
        if rng.random() < 0.4:  # a stochastic trend (random-walk drift), as real interest has
            mu = mu * np.exp(np.cumsum(rng.normal(0, rng.uniform(0.01, 0.06), weeks)))
        counts = rng.poisson(rng.gamma(p.dispersion, mu / p.dispersion)).astype(float)
        out.append(pd.Series(counts, index=dates))
    return out


_TEMPLATES = [
    "Loving my new {colour} {article} today",
    "Is {pattern} still a thing? I keep seeing {colour} everywhere",
    "Street style report: {style} looks with a {fabric} {article}",
    "Just thrifted a {pattern} {article} in {colour}",
    "Can't stop wearing {fabric} this season, especially in {colour}",
    "Hot take: {style} is overrated, give me a {colour} {article}",
    "Outfit of the day: {colour} {article}, {pattern} scarf, very {style}",
    "Need a {fabric} {article} for the weekend, thoughts?",
]
# Words the lexicons do not list, for the embedding matcher to place.
_OFF_LEXICON = {"colour": {"sage": ["seafoam"], "burgundy": ["merlot"], "beige": ["sand"]}}


def generate_demo_posts(n: int = 1200, seed: int = 5, weeks: int = 104) -> list[dict]:
    """Dated synthetic posts whose mentions follow the demo series over the last ``weeks`` weeks."""
    data = generate_demo_series()
    rnd = random.Random(seed)
    start = DEMO_WEEKS - weeks
    by_kind: dict[str, list[tuple[str, np.ndarray]]] = {}
    for (kind, value), mu in data.means.items():
        by_kind.setdefault(kind, []).append((value, mu))
    dates = data.series[0].values.index
    posts = []
    for _ in range(n):
        week = rnd.randrange(start, DEMO_WEEKS)
        words = {}
        for kind, items in by_kind.items():
            weights = [float(mu[week]) for _, mu in items]
            value = rnd.choices([v for v, _ in items], weights=weights)[0]
            alt = _OFF_LEXICON.get(kind, {}).get(value)
            words[kind] = rnd.choice(alt) if alt and rnd.random() < 0.3 else value
        day = dates[week] + pd.Timedelta(days=rnd.randrange(7))
        posts.append({"date": str(day.date()), "text": rnd.choice(_TEMPLATES).format(**words)})
    posts.sort(key=lambda p: p["date"])
    return posts
