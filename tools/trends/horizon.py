"""Horizons such as ``8w``, ``3m``, ``1y`` or ``12`` (periods), turned into periods of a series."""

from __future__ import annotations

import math
import re

from pydantic import BaseModel

from stylist.errors import ToolInputError

_UNITS = {
    "w": "w",
    "wk": "w",
    "wks": "w",
    "week": "w",
    "weeks": "w",
    "m": "m",
    "mo": "m",
    "mon": "m",
    "month": "m",
    "months": "m",
    "y": "y",
    "yr": "y",
    "year": "y",
    "years": "y",
    "": "",
}
WEEKS_PER_MONTH = 52 / 12


class Horizon(BaseModel):
    amount: int
    unit: str  # "w", "m", "y" or "" (periods of the series)

    def periods(self, freq: str) -> int:
        """Number of periods of a weekly (``W``) or monthly (``M``) series this horizon covers."""
        if self.unit == "":
            return self.amount
        weeks = {"w": self.amount, "m": self.amount * WEEKS_PER_MONTH, "y": self.amount * 52}[self.unit]
        return max(1, round(weeks)) if freq == "W" else max(1, math.ceil(weeks / WEEKS_PER_MONTH - 1e-9))

    def label(self) -> str:
        names = {"w": "week", "m": "month", "y": "year", "": "period"}
        return f"{self.amount} {names[self.unit]}{'s' if self.amount != 1 else ''}"


def parse_horizon(text: str | int) -> Horizon:
    """``"8w"`` → 8 weeks, ``"3m"`` → 3 months, ``"1y"``, ``"8"`` → 8 periods; ToolInputError otherwise."""
    if isinstance(text, int):
        text = str(text)
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text or "")
    if not match or match.group(2).lower() not in _UNITS:
        raise ToolInputError(
            f"horizon {text!r} is not understood", hint="use a number with w, m or y, e.g. 8w, 3m or 1y"
        )
    amount, unit = int(match.group(1)), _UNITS[match.group(2).lower()]
    if amount < 1:
        raise ToolInputError(f"horizon {text!r} must be at least one period")
    if (
        (unit == "w" and amount > 104)
        or (unit == "m" and amount > 24)
        or (unit == "y" and amount > 2)
        or (unit == "" and amount > 104)
    ):
        raise ToolInputError(
            f"horizon {text!r} is too far ahead", hint="forecast at most two years (104w, 24m, 2y)"
        )
    return Horizon(amount=amount, unit=unit)
