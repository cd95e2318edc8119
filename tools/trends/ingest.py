"""Reading trend events (CSV) into regular series, with every problem named by file and line.

Layout: ``date,kind,value,count`` plus optional ``region`` and ``segment``. Without
``aggregate`` each row is one period of one series (the layout of the files in
``shared/data/trends``): two rows for the same series and period are a duplicate. With
``aggregate`` rows are raw events, summed into the week (Monday start) or month they fall in.
Gaps are an error unless the caller asks to fill them (``zero`` or ``interpolate``).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field

from stylist.tools.trends.errors import TrendDataError
from stylist.tools.trends.series import SeriesKey, TrendSeries

REQUIRED = ("date", "kind", "value", "count")
OPTIONAL = ("region", "segment")
MAX_LISTED = 8

Fill = Literal["error", "zero", "interpolate"]
OnBad = Literal["error", "skip"]
FreqArg = Literal["auto", "W", "M"]


class RowProblem(BaseModel):
    file: str
    line: int
    field: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        shown = f" (got {self.value!r})" if self.value else ""
        return f"{self.file}:{self.line}: {self.field}: {self.reason}{shown}"


class IngestReport(BaseModel):
    """What an ingest did: rows, series, fills and skipped rows, so nothing is lost silently."""

    file: str
    source: str
    freq: str
    rows_read: int
    series: int
    periods: int = Field(description="Stored points over all series.")
    first: str | None = None
    last: str | None = None
    filled: list[str] = Field(
        default_factory=list, description="Series whose gaps were filled, and how many periods."
    )
    skipped_rows: list[RowProblem] = Field(default_factory=list)
    short_series: list[str] = Field(default_factory=list, description="Series too short to forecast yet.")


@dataclass
class _Row:
    line: int
    day: date
    count: float


def parse_date(text: str) -> date:
    """ISO dates (``2024-03-04``), optionally with a time; raises ValueError otherwise."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def read_events(
    path: str | Path,
    *,
    source: str,
    aggregate: bool = False,
    fill: Fill = "error",
    freq: FreqArg = "auto",
    on_bad: OnBad = "error",
    min_length: int = 16,
) -> tuple[list[TrendSeries], IngestReport]:
    """Parse ``path`` into regular series; raise :class:`TrendDataError` naming each bad row."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise TrendDataError(f"{name}: no such file")
    problems: list[RowProblem] = []
    rows: dict[tuple[str, str, str, str], list[_Row]] = defaultdict(list)
    rows_read = 0
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise TrendDataError(f"{name}: cannot read: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in header]
        unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
        if missing or unknown:
            what = []
            if missing:
                what.append(f"missing column(s) {', '.join(missing)}")
            if unknown:
                what.append(f"unknown column(s) {', '.join(unknown)}")
            raise TrendDataError(
                f"{name}:1: {'; '.join(what)}",
                hint="expected the header date,kind,value,count[,region,segment]",
            )
        reader.fieldnames = header
        try:
            for raw in reader:
                rows_read += 1
                line = reader.line_num
                row = _parse_row(raw, name, line, problems)
                if row is not None:
                    key, parsed = row
                    rows[key].append(parsed)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise TrendDataError(f"{name}:{reader.line_num}: not readable as CSV: {exc}") from None
    if rows_read == 0:
        raise TrendDataError(f"{name}: no data rows")
    if problems and on_bad == "error":
        raise TrendDataError(
            _summarise(f"{name}: {len(problems)} bad row(s)", problems),
            hint="fix the rows, or pass --skip-bad to leave them out (they are listed)",
        )
    if not rows:
        raise TrendDataError(_summarise(f"{name}: every row is bad", problems))
    file_freq = _detect_freq(rows) if freq == "auto" else freq
    series: list[TrendSeries] = []
    filled: list[str] = []
    short: list[str] = []
    for (kind, value, region, segment), items in sorted(rows.items()):
        key = SeriesKey(source, kind, value, region, segment)
        values = _regularise(items, key, name, file_freq, aggregate, fill, filled)
        if len(values) < min_length:
            short.append(f"{key.label()} ({len(values)} periods)")
        series.append(TrendSeries(key, file_freq, values))
    firsts = [s.values.index[0] for s in series]
    lasts = [s.values.index[-1] for s in series]
    report = IngestReport(
        file=name,
        source=source,
        freq=file_freq,
        rows_read=rows_read,
        series=len(series),
        periods=sum(len(s) for s in series),
        first=str(min(firsts).date()),
        last=str(max(lasts).date()),
        filled=filled,
        skipped_rows=problems,
        short_series=short,
    )
    return series, report


def _parse_row(
    raw: dict, name: str, line: int, problems: list[RowProblem]
) -> tuple[tuple[str, str, str, str], _Row] | None:
    bad = len(problems)
    text = {k: (raw.get(k) or "").strip() for k in REQUIRED + OPTIONAL}
    if None in raw:  # more cells than header columns
        problems.append(
            RowProblem(
                file=name,
                line=line,
                field="(row)",
                reason="more cells than columns",
                value=",".join(raw[None]),
            )
        )
    day = None
    try:
        day = parse_date(text["date"])
    except ValueError:
        problems.append(
            RowProblem(
                file=name, line=line, field="date", reason="not an ISO date (YYYY-MM-DD)", value=text["date"]
            )
        )
    for field in ("kind", "value"):
        if not text[field]:
            problems.append(RowProblem(file=name, line=line, field=field, reason="empty"))
    count = math.nan
    try:
        count = float(text["count"])
    except ValueError:
        problems.append(
            RowProblem(file=name, line=line, field="count", reason="not a number", value=text["count"])
        )
    else:
        if not math.isfinite(count):
            problems.append(
                RowProblem(
                    file=name, line=line, field="count", reason="not a finite number", value=text["count"]
                )
            )
        elif count < 0:
            problems.append(
                RowProblem(file=name, line=line, field="count", reason="negative count", value=text["count"])
            )
    if len(problems) > bad or day is None:
        return None
    key = (text["kind"].lower(), text["value"].lower(), text["region"].lower(), text["segment"].lower())
    return key, _Row(line, day, count)


def _detect_freq(rows: dict[tuple[str, str, str, str], list[_Row]]) -> str:
    days = [r.day for items in rows.values() for r in items]
    monthly = all(d.day == 1 for d in days) and len({(d.year, d.month) for d in days}) == len(set(days))
    if monthly and len(set(days)) > 1:
        spans = sorted(set(days))
        if all((b - a).days >= 28 for a, b in zip(spans, spans[1:])):
            return "M"
    return "W"


def _regularise(
    items: list[_Row], key: SeriesKey, name: str, freq: str, aggregate: bool, fill: Fill, filled: list[str]
) -> pd.Series:
    label = key.label()
    by_period: dict[date, _Row] = {}
    for row in sorted(items, key=lambda r: (r.day, r.line)):
        period = row.day
        if aggregate:
            period = week_start(row.day) if freq == "W" else row.day.replace(day=1)
        elif freq == "M" and row.day.day != 1:
            raise TrendDataError(
                (
                    f"{name}:{row.line}: date {row.day} of {label} is not the first of a month, but the "
                    "file is monthly"
                ),
                hint="pass --aggregate to sum events into months",
            )
        if period in by_period:
            if aggregate:
                prev = by_period[period]
                by_period[period] = _Row(prev.line, period, prev.count + row.count)
                continue
            raise TrendDataError(
                (
                    f"{name}:{row.line}: duplicate row for {label} on {period} (first at line "
                    f"{by_period[period].line})"
                ),
                hint="remove one of them, or pass --aggregate if rows are events to sum per period",
            )
        by_period[period] = _Row(row.line, period, row.count)
    periods = sorted(by_period)
    index = pd.DatetimeIndex(pd.to_datetime(periods))
    values = pd.Series([by_period[p].count for p in periods], index=index, dtype=float)
    if len(periods) < 2:
        return values
    if freq == "W":
        steps = [(b - a).days for a, b in zip(periods, periods[1:])]
        for (a, b), step in zip(zip(periods, periods[1:]), steps):
            if step % 7:
                raise TrendDataError(
                    f"{name}:{by_period[b].line}: {label} is not weekly: {b} follows {a} ({step} days)",
                    hint=(
                        "weekly series need one row per week on the same weekday; pass --aggregate to "
                        "sum events into weeks"
                    ),
                )
        full = pd.date_range(index[0], index[-1], freq=pd.DateOffset(weeks=1))
    else:
        full = pd.date_range(index[0], index[-1], freq="MS")
    missing = full.difference(index)
    if len(missing) == 0:
        return values
    if fill == "error":
        raise TrendDataError(
            f"{name}: {label} has {len(missing)} missing period(s), the first on {missing[0].date()}",
            hint="add the rows, or pass --fill zero (no activity) or --fill interpolate",
        )
    values = values.reindex(full)
    values = values.fillna(0.0) if fill == "zero" else values.interpolate(method="linear")
    filled.append(
        f"{label}: {len(missing)} period(s) filled with {'0' if fill == 'zero' else 'linear interpolation'}"
    )
    return values


def _summarise(head: str, problems: list[RowProblem]) -> str:
    lines = [head] + [f"  {p}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  … and {len(problems) - MAX_LISTED} more")
    return "\n".join(lines)
