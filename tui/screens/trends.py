"""What is rising and falling, as sparklines, from the ``trend_forecast`` tool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, Sparkline, Static

from stylist.tui import tools_view
from stylist.tui.widgets.unavailable import Unavailable

LABEL_KEYS = ("attribute", "name", "label", "term", "value", "key", "title")
SERIES_KEYS = ("history", "series", "values", "forecast", "points")
CHANGE_KEYS = ("change", "growth", "slope", "delta", "score", "trend")


@dataclass
class TrendRow:
    label: str
    series: list[float]
    change: float | None


def trend_sections(result: dict[str, Any]) -> dict[str, list[TrendRow]]:
    """Each list of trend records in the tool's output, as labelled rows with a series."""
    sections: dict[str, list[TrendRow]] = {}
    for key, value in result.items():
        if not (isinstance(value, list) and value and all(isinstance(v, dict) for v in value)):
            continue
        rows = []
        for record in value:
            label = next((str(record[k]) for k in LABEL_KEYS if k in record), None) or str(next(iter(record.values())))
            series = next((record[k] for k in SERIES_KEYS if isinstance(record.get(k), list)), None)
            if series is None:
                series = next((v for v in record.values() if isinstance(v, list) and v and all(isinstance(x, (int, float)) for x in v)), [])
            change = next((record[k] for k in CHANGE_KEYS if isinstance(record.get(k), (int, float))), None)
            rows.append(TrendRow(label, [float(x) for x in series if isinstance(x, (int, float))], change))
        sections[key] = rows
    return sections


class TrendsScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("r", "refresh", "Refresh")]

    @dataclass
    class Loaded(Message):
        result: dict[str, Any]

    @dataclass
    class Failed(Message):
        message: str

    @property
    def stylist(self) -> Any:
        return self.app.stylist  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static("Trends — r refreshes, Esc goes back", classes="screen-title")
        with VerticalScroll(id="trends-body"):
            if not tools_view.has_tool(self.stylist, "trend_forecast"):
                yield Unavailable("Trends", "trend_forecast", classes="unavailable")
            else:
                yield Static("forecasting…", id="trends-status")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        if tools_view.has_tool(self.stylist, "trend_forecast"):
            self._load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        from stylist.tui.screens.chat import describe_error

        try:
            result = self.stylist.registry.invoke("trend_forecast", {})
        except Exception as exc:
            self.post_message(self.Failed(describe_error(exc)))
            return
        self.post_message(self.Loaded(result.model_dump(mode="json")))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        body = self.query_one("#trends-body", VerticalScroll)
        await body.remove_children()
        sections = trend_sections(message.result)
        if not sections:
            await body.mount(Static("The forecaster returned no trends."))
            return
        for name, rows in sections.items():
            await body.mount(Static(name.replace("_", " ").capitalize(), classes="section-title"))
            for row in rows:
                change = "" if row.change is None else f"{row.change:+.0%}" if abs(row.change) < 10 else f"{row.change:+.1f}"
                kind = "-up" if (row.change or 0) >= 0 else "-down"
                line = Horizontal(
                    Label(row.label, classes="trend-label"),
                    Sparkline(row.series, classes=f"trend-spark {kind}"),
                    Label(change, classes=f"trend-change {kind}"),
                    classes="trend-row",
                )
                await body.mount(line)

    @on(Failed)
    async def _failed(self, message: Failed) -> None:
        body = self.query_one("#trends-body", VerticalScroll)
        await body.remove_children()
        await body.mount(Static(f"⚠ trends unavailable: {message.message}", classes="error-line"))
