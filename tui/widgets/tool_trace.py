"""Which tools the stylist ran for an answer: name, arguments, outcome and time, collapsible."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import Collapsible, Static


@dataclass
class ToolCall:
    call_id: str
    name: str
    arguments: dict[str, Any]
    ok: bool | None = None
    """``None`` while running."""
    duration_s: float | None = None
    error: str | None = None


def format_arguments(arguments: dict[str, Any], limit: int = 160) -> str:
    parts = [
        f"{key}={json.dumps(value, ensure_ascii=False, default=str)}" for key, value in arguments.items()
    ]
    text = ", ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ToolTrace(Collapsible):
    """One row per tool call; the title sums them up. Collapsed by default."""

    def __init__(self, **kwargs) -> None:
        self._body = Static("", classes="trace-body")
        super().__init__(self._body, title="tools", collapsed=True, **kwargs)
        self.calls: dict[str, ToolCall] = {}
        self.chosen_by: str | None = None
        """Who chose the calls (the reply's ``metadata["chosen_by"]``): model, router, router-fallback."""
        self.display = False

    def started(self, call_id: str, name: str, arguments: dict[str, Any]) -> None:
        self.calls[call_id] = ToolCall(call_id, name, dict(arguments))
        self._refresh()

    def finished(
        self, call_id: str, name: str, ok: bool, duration_s: float, error: str | None = None
    ) -> None:
        call = self.calls.setdefault(call_id, ToolCall(call_id, name, {}))
        call.ok, call.duration_s, call.error = ok, duration_s, error
        self._refresh()

    def chosen(self, who: str | None) -> None:
        """Say who chose the calls, once the reply is in."""
        self.chosen_by = who
        if self.calls:
            self._refresh()

    def _refresh(self) -> None:
        self.display = bool(self.calls)
        running = sum(1 for c in self.calls.values() if c.ok is None)
        failed = sum(1 for c in self.calls.values() if c.ok is False)
        total = sum(c.duration_s or 0.0 for c in self.calls.values())
        n = len(self.calls)
        title = f"{n} tool call{'s' if n != 1 else ''} · {total:.2f} s"
        if running:
            title += f" · {running} running"
        if failed:
            title += f" · {failed} failed"
        if self.chosen_by:
            title += f" · chosen by {self.chosen_by}"
        self.title = title
        self._body.update(self.render_calls())

    def render_calls(self) -> Text:
        text = Text()
        for index, call in enumerate(self.calls.values()):
            if index:
                text.append("\n")
            if call.ok is None:
                text.append("… ", style="yellow")
            elif call.ok:
                text.append("✓ ", style="green")
            else:
                text.append("✗ ", style="red")
            text.append(call.name, style="bold")
            text.append(f"({format_arguments(call.arguments)})", style="dim")
            if call.duration_s is not None:
                text.append(f"  {call.duration_s:.2f} s")
            if call.error:
                text.append(f"\n    {call.error}", style="red")
        return text
