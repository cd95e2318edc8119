"""Top rising and falling attributes of one kind: forecast every series, rank by growth.

Growth compares the mean forecast over the horizon with the mean of the last ``horizon`` observed
periods (what a reader of the chart sees: is it going up from here). The growth interval uses
the mean of the interval bounds, a simple band rather than an exact interval of the mean.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from stylist.errors import ModelUnavailableError, StylistError, ToolInputError
from stylist.tools.output import ToolOutput, image_pairs
from stylist.tools.trends.backtest import select_model
from stylist.tools.trends.chart import history_and_forecast_sparkline, render_chart
from stylist.tools.trends.errors import TrendDataError
from stylist.tools.trends.horizon import parse_horizon
from stylist.tools.trends.models import (
    ETS,
    MIN_HISTORY,
    MODEL_NAMES,
    Forecast,
    Forecaster,
    SeasonalNaive,
    Theta,
)
from stylist.tools.trends.neural import GlobalForecaster
from stylist.tools.trends.series import TrendSeries, future_dates
from stylist.tools.trends.store import TrendStore

log = logging.getLogger(__name__)
HISTORY_SHOWN = 52


def model_factories(checkpoint: Path | None = None) -> dict[str, Callable[[], Forecaster]]:
    """Every model by name; ``global`` loads ``checkpoint`` (default: the packaged one) lazily."""
    return {
        "seasonal_naive": SeasonalNaive,
        "ets": ETS,
        "theta": Theta,
        "global": lambda: GlobalForecaster(checkpoint),
    }


class AttributeTrend(BaseModel):
    kind: str
    value: str
    recent: float = Field(description="Mean of the last `horizon` observed periods.")
    forecast_mean: float
    growth: float = Field(description="forecast_mean / recent - 1.")
    growth_low: float
    growth_high: float
    dates: list[str] = Field(description="Start dates of the forecast periods.")
    forecast: list[float]
    lower: list[float]
    upper: list[float]
    history: list[float] = Field(description=f"The last {HISTORY_SHOWN} observed values.")
    sparkline: str
    note: str | None = None


class TrendReport(ToolOutput):
    summary: str = Field("", description="One line: the top movers with growth and interval.")
    kind: str
    source: str
    region: str = ""
    segment: str = ""
    freq: str
    horizon: int = Field(description="Periods forecast.")
    horizon_label: str
    as_of: str = Field(description="Start of the last observed period.")
    model: str
    model_selection: dict[str, float | None] = Field(
        default_factory=dict, description="Backtest MASE per model when chosen automatically."
    )
    level: float
    series: int
    rising: list[AttributeTrend]
    falling: list[AttributeTrend]
    skipped: list[str] = Field(default_factory=list, description="Series not ranked, and why.")
    chart_path: str | None = None
    images: list[str] = Field(
        default_factory=list, description="Pictures drawn for this report (the chart), shown in chat replies."
    )
    image_captions: list[str] = Field(default_factory=list)

    def pictures(self) -> list[tuple[str, str]]:
        return image_pairs(self.images, self.image_captions)

    def to_text(self) -> str:
        lines = [f"{self.kind.capitalize()} trends over {self.horizon_label} (source: {self.source}):"]
        for label, group in (("Rising", self.rising), ("Fading", self.falling)):
            if group:
                lines.append(f"{label}: " + ", ".join(f"{t.value} ({t.growth:+.0%})" for t in group) + ".")
        if self.summary:
            lines.append(self.summary)
        return "\n".join(lines)


def resolve_source(store: TrendStore, kind: str, source: str | None) -> str:
    """``source`` if it has ``kind``; else the newest source that has it."""
    sources = store.sources()
    if source is not None:
        match = [s for s in sources if s["name"] == source]
        if not match:
            raise ToolInputError(
                f"no trend source {source!r}",
                hint=f"known sources: {', '.join(s['name'] for s in sources) or 'none'}",
            )
        if kind not in match[0]["kinds"]:
            raise ToolInputError(
                f"source {source!r} has no {kind!r} series",
                hint=f"its kinds: {', '.join(sorted(match[0]['kinds']))}",
            )
        return source
    for s in sources:
        if kind in s["kinds"]:
            return s["name"]
    known = sorted({k for s in sources for k in s["kinds"]})
    raise ToolInputError(
        f"no trend series of kind {kind!r}", hint=f"known kinds: {', '.join(known) or 'none'}"
    )


def available_models(freq: str, horizon: int, checkpoint: Path | None = None) -> dict:
    """The models that can forecast ``horizon`` periods of ``freq`` data."""
    factories = model_factories(checkpoint)
    try:
        cfg = GlobalForecaster(checkpoint).config
        if freq != cfg.freq or horizon > cfg.horizon:
            factories.pop("global")
    except ModelUnavailableError as exc:
        log.warning("global trend model unavailable: %s", exc)
        factories.pop("global")
    return factories


def forecast_series(
    series: list[TrendSeries], model: str, horizon: int, level: float, checkpoint: Path | None = None
) -> list[tuple[Forecast, str | None]]:
    """Forecast each series with ``model`` (the global model in one batch)."""
    if model == "global":
        forecaster = GlobalForecaster(checkpoint)
        for s in series:
            forecaster.fit(s.values, s.season)
        fcs = forecaster.forecast_many(
            [(s.values.to_numpy(float), s.values.index) for s in series], horizon, level
        )
        return [(f, None) for f in fcs]
    factory = model_factories(checkpoint)[model]
    out = []
    for s in series:
        m: Forecaster = factory().fit(s.values, s.season)
        out.append((m.forecast(horizon, level), m.note))
    return out


def trend_report(
    store: TrendStore,
    kind: str = "colour",
    horizon: str | int = "8w",
    *,
    source: str | None = None,
    top: int = 5,
    model: str = "auto",
    region: str = "",
    segment: str = "",
    level: float = 0.8,
    chart_path: Path | None = None,
    checkpoint: Path | None = None,
) -> TrendReport:
    """Forecast every ``kind`` series of one source and rank the top rising and falling."""
    if model != "auto" and model not in MODEL_NAMES:
        raise ToolInputError(
            f"unknown trend model {model!r}", hint=f"choose auto or one of {', '.join(MODEL_NAMES)}"
        )
    store.ensure_demo()
    kind = kind.strip().lower()
    source = resolve_source(store, kind, source)
    all_series = store.load(source=source, kind=kind, region=region.lower(), segment=segment.lower())
    if not all_series:
        raise ToolInputError(
            f"source {source!r} has no {kind!r} series for region {region!r} segment {segment!r}"
        )
    freq = all_series[0].freq
    h = parse_horizon(horizon)
    periods = h.periods(freq)
    need = max(MIN_HISTORY, 2 * periods)
    usable = [s for s in all_series if len(s) >= need]
    skipped = [
        f"{s.key.value}: {len(s)} periods, too short for a {h.label()} forecast (need {need})"
        for s in all_series
        if len(s) < need
    ]
    if not usable:
        raise TrendDataError(
            (
                f"every {kind!r} series in {source!r} is too short to forecast {h.label()} ahead (need "
                f"{need} periods)"
            ),
            hint="ingest more history or ask for a shorter horizon",
        )

    factories = available_models(freq, periods, checkpoint)
    scores: dict[str, float | None] = {}
    if model == "auto":
        cached = store.model_choice(source, kind, periods)
        if cached is not None:
            model, scores = cached
        else:
            model, result = select_model(usable, factories, horizon=periods)
            scores = {n: (round(s.mase, 4) if s.mase is not None else None) for n, s in result.scores.items()}
            store.set_model_choice(source, kind, periods, model, scores)
    elif model not in factories:
        raise ModelUnavailableError(
            f"the {model!r} model cannot forecast this data ({freq}, {periods} periods ahead)"
        )

    trends: list[AttributeTrend] = []
    for s, (fc, note) in zip(usable, forecast_series(usable, model, periods, level, checkpoint)):
        trend = make_trend(s, fc, note, periods)
        if trend is None:
            skipped.append(f"{s.key.value}: no activity in the last {h.label()}, growth undefined")
        else:
            trends.append(trend)
    rising = sorted((t for t in trends if t.growth > 0), key=lambda t: -t.growth)[:top]
    falling = sorted((t for t in trends if t.growth < 0), key=lambda t: t.growth)[:top]
    report = TrendReport(
        kind=kind,
        source=source,
        region=region,
        segment=segment,
        freq=freq,
        horizon=periods,
        horizon_label=h.label(),
        as_of=str(max(s.values.index[-1] for s in usable).date()),
        model=model,
        model_selection=scores,
        level=level,
        series=len(all_series),
        rising=rising,
        falling=falling,
        skipped=skipped,
    )
    report.summary = summarise(report)
    if chart_path is not None:
        try:
            render_chart(
                rising + falling, chart_path, f"{kind} trends in {source}: {h.label()} ahead ({model})"
            )
        except OSError as exc:
            raise StylistError(f"cannot write the chart to {chart_path}: {exc.strerror or exc}") from None
        report.chart_path = str(chart_path)
    return report


def summarise(report: TrendReport) -> str:
    def part(items: list[AttributeTrend]) -> str:
        return (
            ", ".join(
                f"{t.value} {t.growth:+.0%} ({t.growth_low:+.0%} to {t.growth_high:+.0%})" for t in items
            )
            or "none"
        )

    return (
        f"{report.kind} over the next {report.horizon_label} (source {report.source}, data to "
        f"{report.as_of}, "
        f"{report.level:.0%} intervals): rising {part(report.rising)}; falling {part(report.falling)}."
    )


def make_trend(s: TrendSeries, fc: Forecast, note: str | None, periods: int) -> AttributeTrend | None:
    """The ranked view of one forecast; None when the recent level is 0 (growth undefined)."""
    y = s.values.to_numpy(float)
    recent = float(y[-periods:].mean())
    if recent <= 0:
        return None
    dates = future_dates(s.values.index[-1], periods, s.freq)
    hist = y[-HISTORY_SHOWN:]
    mean = float(fc.mean.mean())
    return AttributeTrend(
        kind=s.key.kind,
        value=s.key.value,
        recent=round(recent, 4),
        forecast_mean=round(mean, 4),
        growth=round(mean / recent - 1, 4),
        growth_low=round(float(fc.lower.mean()) / recent - 1, 4),
        growth_high=round(float(fc.upper.mean()) / recent - 1, 4),
        dates=[str(d.date()) for d in dates],
        forecast=[round(float(v), 3) for v in fc.mean],
        lower=[round(float(v), 3) for v in fc.lower],
        upper=[round(float(v), 3) for v in fc.upper],
        history=[round(float(v), 3) for v in hist],
        sparkline=history_and_forecast_sparkline(hist[-26:], fc.mean),
        note=note,
    )


class SeriesForecast(BaseModel):
    source: str
    kind: str
    value: str
    freq: str
    periods: int
    first: str
    last: str
    model: str
    horizon_label: str
    level: float
    trend: AttributeTrend | None = Field(description="None when the recent level is 0 (growth undefined).")
    forecast: list[float]
    lower: list[float]
    upper: list[float]
    dates: list[str]
    sparkline: str


def series_forecast(
    store: TrendStore,
    kind: str,
    value: str,
    horizon: str | int = "8w",
    *,
    source: str | None = None,
    model: str = "auto",
    level: float = 0.8,
    checkpoint: Path | None = None,
) -> tuple[TrendSeries, SeriesForecast]:
    """One series and its forecast (``stylist trends series``)."""
    if model != "auto" and model not in MODEL_NAMES:
        raise ToolInputError(
            f"unknown trend model {model!r}", hint=f"choose auto or one of {', '.join(MODEL_NAMES)}"
        )
    store.ensure_demo()
    kind, value = kind.strip().lower(), value.strip().lower()
    source = resolve_source(store, kind, source)
    found = store.load(source=source, kind=kind, value=value, region="", segment="")
    if not found:
        import difflib

        values = sorted(k.value for k in store.keys(kind=kind, source=source))
        close = difflib.get_close_matches(value, values, n=3)
        raise ToolInputError(
            f"no {kind} series {value!r} in source {source!r}",
            hint=f"did you mean {', '.join(close)}?" if close else f"known values: {', '.join(values[:20])}",
        )
    s = found[0]
    h = parse_horizon(horizon)
    periods = h.periods(s.freq)
    need = max(MIN_HISTORY, 2 * periods)
    if len(s) < need:
        raise TrendDataError(
            f"{s.key.label()} has {len(s)} periods, too short for a {h.label()} forecast (need {need})"
        )
    if model == "auto":
        cached = store.model_choice(source, kind, periods)
        model = cached[0] if cached else "ets"
    if model not in available_models(s.freq, periods, checkpoint):
        raise ModelUnavailableError(
            f"the {model!r} model cannot forecast {s.key.label()} ({s.freq}, {periods} periods ahead)"
        )
    fc, note = forecast_series([s], model, periods, level, checkpoint)[0]
    dates = future_dates(s.values.index[-1], periods, s.freq)
    y = s.values.to_numpy(float)
    return s, SeriesForecast(
        source=source,
        kind=kind,
        value=value,
        freq=s.freq,
        periods=len(s),
        first=str(s.values.index[0].date()),
        last=str(s.values.index[-1].date()),
        model=model,
        horizon_label=h.label(),
        level=level,
        trend=make_trend(s, fc, note, periods),
        forecast=[round(float(v), 3) for v in fc.mean],
        lower=[round(float(v), 3) for v in fc.lower],
        upper=[round(float(v), 3) for v in fc.upper],
        dates=[str(d.date()) for d in dates],
        sparkline=history_and_forecast_sparkline(y[-52:], fc.mean),
    )
