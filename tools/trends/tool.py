"""The ``trend_forecast`` tool: what is rising and what is fading, with forecasts and intervals."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stylist.config import TrendSettings
from stylist.fashion.brief import NUMBER_WORDS, normalise
from stylist.fashion.terms import find_terms
from stylist.tools.base import Dep, Tool
from stylist.tools.routing import RouteContext, RouteHint
from stylist.tools.trends.forecast import TrendReport, trend_report
from stylist.tools.trends.store import TrendStore


class TrendInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field("colour", description="Attribute kind: colour, article, pattern, style or fabric.")
    horizon: str = Field("8w", description="How far ahead: weeks like '8w', months like '3m', or '1y'.")
    top: int = Field(5, ge=1, le=20, description="How many rising and how many falling attributes to return.")
    source: str | None = Field(
        None,
        description=(
            "Data source (e.g. 'demo' or an ingested file's name); default: the newest with this kind."
        ),
    )
    region: str = Field("", description="Region, when the data is split by region.")
    chart: bool = Field(False, description="Also draw a PNG chart and return its path.")
    detail: bool = Field(False, description="Include the last year of history per attribute.")


_TREND_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"colou?rs?|shades?|hues?", "colour"),
    (r"fabrics?|materials?|textiles?", "fabric"),
    (r"patterns?|prints?", "pattern"),
    (r"styles?|aesthetics?|vibes?", "style"),
    (
        r"articles?|article types?|garment types?|garments?|pieces|items|silhouettes?|clothes|clothing",
        "article",
    ),
)
_TREND_VALUE_KINDS = {"colour": "colour", "fabric": "material", "pattern": "pattern", "article": "garment"}
_PHRASES_NOT_KINDS = r"\b(out of style|in style|out of fashion|in fashion|going out|fashion)\b"
_HORIZON_UNITS = {
    "week": "w",
    "weeks": "w",
    "wk": "w",
    "wks": "w",
    "month": "m",
    "months": "m",
    "year": "y",
    "years": "y",
}
_NUM_WORDS = {**NUMBER_WORDS, "a": 1}


def trend_kind(text: str) -> str | None:
    """The attribute kind a trend question is about: its kind noun, else the kind of a named value."""
    t = re.sub(_PHRASES_NOT_KINDS, " ", normalise(text).replace("color", "colour"))
    found = []
    for words, kind in _TREND_KIND_WORDS:
        m = re.search(rf"(?<![\w-])(?:{words})(?![\w-])", t)
        if m:
            found.append((m.start(), kind))
    if found:
        return min(found)[1]
    for kind, vocab in _TREND_VALUE_KINDS.items():
        if find_terms(vocab, t):
            return kind
    return None


def trend_horizon(text: str) -> str | None:
    t = normalise(text)
    num = r"(\d{1,3}|" + "|".join(sorted(map(re.escape, _NUM_WORDS), key=len, reverse=True)) + r")"
    m = re.search(rf"\b{num}[ -](weeks?|wks?|months?|years?)\b", t)
    if m:
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else _NUM_WORDS[raw]
        return f"{n}{_HORIZON_UNITS[m.group(2)]}"
    m = re.search(r"\b(?:next|coming|this coming) (week|month|year|season|quarter)\b", t)
    if m:
        return {"week": "1w", "month": "1m", "year": "1y", "season": "3m", "quarter": "3m"}[m.group(1)]
    return None


def trend_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    args: dict[str, Any] = {}
    kind = trend_kind(text)
    if kind:
        args["kind"] = kind
    horizon = trend_horizon(text)
    if horizon:
        args["horizon"] = horizon
    t = normalise(text)
    m = re.search(r"\btop (\d{1,2})\b", t)
    if m and 1 <= int(m.group(1)) <= 20:
        args["top"] = int(m.group(1))
    if re.search(r"\b(chart|graph|plot|visuali[sz]e)\b", t):
        args["chart"] = True
    return args


def trend_followup(text: str, last: dict[str, Any], context: RouteContext) -> dict[str, Any] | None:
    """ "and fabrics?", "over the next year?", "with a chart" after a trend question."""
    if len(normalise(text).split()) > 7:
        return None
    new = trend_arguments(text, context)
    if not new:
        return None
    args = {**last, **new}
    return args if args != last else None


class TrendForecast(Tool):
    """Forecast fashion trends: the top rising and falling attributes of one kind (colour, article
    type, pattern, style, fabric) over a horizon such as '8w' or '3m', from sales, search or
    social-mention time series. Each attribute comes with its recent level, forecast values,
    growth (forecast mean over the recent mean, minus 1) and an 80% prediction interval. Use it
    for questions like "what colours are trending?" or "which fabrics are fading?"."""

    name = "trend_forecast"
    routing = RouteHint(
        keywords=(
            "trend",
            "trends",
            "trending",
            "in fashion",
            "out of fashion",
            "in style",
            "out of style",
            "what's hot",
            "whats hot",
            "what's in",
            "what is in",
            "popular",
            "popularity",
            "rising",
            "fading",
            "falling",
            "forecast",
            "next big thing",
            "in vogue",
            "still in",
            "fashionable",
            "going out",
            "on the way out",
            "going to be big",
            "the next big",
            "buying more",
            "more popular",
            "less popular",
            "lately",
            "these days",
            "must-have",
            "must have",
        ),
        patterns=(
            r"\btrend(?:s|ing|y)?\b",
            r"\b(?:is|are)\b.{1,40}\b(?:still in|in this (?:season|year)|going to be (?:popular|big|in))\b",
        ),
        extract=trend_arguments,
        refine=trend_followup,
        priority=1,
    )

    store = Dep[TrendStore]()
    checkpoint = Dep[Path]()

    def __init__(
        self, store: TrendStore, settings: TrendSettings, checkpoint: Path, charts_dir: Path
    ) -> None:
        self.store = store
        self.settings = settings
        self.checkpoint = checkpoint
        """The neural forecaster's checkpoint (``trends.checkpoint``, else the packaged one)."""
        self.charts_dir = charts_dir
        """Where charts go: beside the designs, the one folder the server and the TUI show pictures from."""

    def run(self, args: TrendInput) -> TrendReport:
        cfg = self.settings
        chart_path = None
        if args.chart:
            safe = "".join(
                c if c.isalnum() else "-" for c in f"{args.source or 'latest'}-{args.kind}-{args.horizon}"
            )
            chart_path = Path(self.charts_dir) / f"trends-{safe}.png"
        report = trend_report(
            self.store,
            args.kind,
            args.horizon,
            source=args.source,
            top=args.top,
            model=cfg.model,
            region=args.region,
            level=cfg.level,
            chart_path=chart_path,
            checkpoint=self.checkpoint,
        )
        if not args.detail:
            for t in report.rising + report.falling:
                t.history = []
        if report.chart_path:
            report.images = [report.chart_path]
            report.image_captions = [f"{args.kind} trends, {args.horizon} ahead"]
        return report
