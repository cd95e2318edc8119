"""The ``trend_forecast`` tool: what is rising and what is fading, with forecasts and intervals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from stylist.agent.router import RouteHint
from stylist.agent.toolroutes import trend_arguments, trend_followup
from stylist.tools.base import Tool
from stylist.tools.trends.forecast import TrendReport, trend_report
from stylist.tools.trends.neural import default_checkpoint

if TYPE_CHECKING:
    from stylist.runtime import Runtime


class TrendInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field("colour", description="Attribute kind: colour, article, pattern, style or fabric.")
    horizon: str = Field("8w", description="How far ahead: weeks like '8w', months like '3m', or '1y'.")
    top: int = Field(5, ge=1, le=20, description="How many rising and how many falling attributes to return.")
    source: str | None = Field(
        None,
        description="Data source (e.g. 'demo' or an ingested file's name); default: the newest with this kind.",
    )
    region: str = Field("", description="Region, when the data is split by region.")
    chart: bool = Field(False, description="Also draw a PNG chart and return its path.")
    detail: bool = Field(False, description="Include the last year of history per attribute.")


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

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run(self, args: TrendInput) -> TrendReport:
        settings = self.runtime.settings
        cfg = settings.trends
        chart_path = None
        if args.chart:
            safe = "".join(
                c if c.isalnum() else "-" for c in f"{args.source or 'latest'}-{args.kind}-{args.horizon}"
            )
            # Beside the designs: the server and the TUI show pictures from that one folder.
            chart_path = Path(settings.designs_dir) / f"trends-{safe}.png"
        report = trend_report(
            self.runtime.trend_store,
            args.kind,
            args.horizon,
            source=args.source,
            top=args.top,
            model=cfg.model,
            region=args.region,
            level=cfg.level,
            chart_path=chart_path,
            checkpoint=cfg.checkpoint or default_checkpoint(settings.models_dir),
        )
        if not args.detail:
            for t in report.rising + report.falling:
                t.history = []
        if report.chart_path:
            report.images = [report.chart_path]
            report.image_captions = [f"{args.kind} trends, {args.horizon} ahead"]
        return report


def trend_forecast(
    kind: str = "colour", horizon: str = "8w", *, runtime: Runtime | None = None, **kwargs: Any
) -> TrendReport:
    """Plain-function form of :class:`TrendForecast` on the default runtime."""
    from stylist.runtime import default_runtime

    return TrendForecast(runtime or default_runtime()).invoke({"kind": kind, "horizon": horizon, **kwargs})
