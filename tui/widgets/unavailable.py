"""A clear panel for a feature whose tool is not installed or not registered yet."""

from __future__ import annotations

from textual.widgets import Static


class Unavailable(Static):
    def __init__(self, feature: str, tool: str, **kwargs) -> None:
        super().__init__(
            f"{feature} is not available yet: the stylist has no {tool!r} tool registered.\n"
            "It appears here once that tool is installed. Esc goes back.",
            **kwargs,
        )
        self.tool = tool
