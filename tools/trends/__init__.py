"""Trend forecasting: attribute time series, baselines and a learned global model, backtests.

Entry points: :class:`TrendForecast` (the tool; ``stylist.tools.functions.trend_forecast`` is its
plain function), :class:`TrendStore` (``runtime.trend_store``), :func:`read_events` /
:func:`ingest_posts` for data in.
"""

from stylist.tools.trends.tool import TrendForecast

__all__ = ["TrendForecast"]
