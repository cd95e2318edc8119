"""In-memory series: a key (source, kind, value, region, segment), a frequency and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

#: Frequencies the store accepts: weekly (default) and monthly.
FREQS = ("W", "M")
#: Periods per year, used as the season length.
SEASON = {"W": 52, "M": 12}


@dataclass(frozen=True, order=True)
class SeriesKey:
    source: str
    kind: str
    value: str
    region: str = ""
    segment: str = ""

    def label(self) -> str:
        extra = "/".join(p for p in (self.region, self.segment) if p)
        return f"{self.source}:{self.kind}/{self.value}" + (f" [{extra}]" if extra else "")


@dataclass
class TrendSeries:
    """One regular series: ``values`` indexed by period start dates, no gaps."""

    key: SeriesKey
    freq: str
    values: pd.Series = field(repr=False)

    @property
    def season(self) -> int:
        return SEASON[self.freq]

    def __len__(self) -> int:
        return len(self.values)


def period_offset(freq: str) -> pd.DateOffset:
    return pd.DateOffset(weeks=1) if freq == "W" else pd.DateOffset(months=1)


def future_dates(last: pd.Timestamp, horizon: int, freq: str) -> pd.DatetimeIndex:
    step = period_offset(freq)
    return pd.DatetimeIndex([last + step * (i + 1) for i in range(horizon)])
