"""Trend forecasting: attribute time series, baselines and a learned global model, backtests.

Entry points: :func:`trend_forecast` (the tool's plain function), :class:`TrendStore`
(``runtime.trend_store``), :func:`read_events` / :func:`ingest_posts` for data in.
"""

from stylist.tools.trends.tool import TrendForecast, trend_forecast

__all__ = ["TrendForecast", "trend_forecast"]
