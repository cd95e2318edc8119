"""Errors of the trend forecaster (user-facing: each names the file, line or series at fault)."""

from __future__ import annotations

from stylist.errors import StylistError


class TrendDataError(StylistError):
    """Trend data that cannot be ingested or forecast as it is (bad rows, gaps, short series)."""
