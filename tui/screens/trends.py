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
from textual.widgets import Footer, Input, Label, Sparkline, Static

from stylist.errors import ToolInputError
from stylist.tui import tools_view
from stylist.tui.screens.chat import describe_error
from stylist.tui.tools_view import FormField
from stylist.tui.widgets.unavailable import Unavailable

LABEL_KEYS = ("value", "attribute", "name", "label", "term", "key", "title")
SERIES_KEYS = ("series", "values", "points", "lower", "upper")
CHANGE_KEYS = ("growth", "change", "slope", "delta", "score", "trend")
OPTION_FIELDS = ("kind", "horizon", "region")
"""Inputs of the forecaster offered on the screen, when its schema has them."""


@dataclass
class TrendRow:
    label: str
    series: list[float]
    """Observed history followed by the forecast."""
    change: float | None
    forecast_from: int | None = None
    """Index in ``series`` where the forecast starts."""


def _numbers(value: Any) -> list[float] | None:
    if isinstance(value, list) and value and all(isinstance(x, (int, float)) for x in value):
        return [float(x) for x in value]
    return None


def trend_sections(result: dict[str, Any]) -> dict[str, list[TrendRow]]:
    """Each list of trend records in the tool's output, as labelled rows with a series."""
    sections: dict[str, list[TrendRow]] = {}
    for key, value in result.items():
        if not (isinstance(value, list) and value and all(isinstance(v, dict) for v in value)):
            continue
        rows = []
        for record in value:
            label = next((str(record[k]) for k in LABEL_KEYS if record.get(k) not in (None, "")), None)
            label = label or str(next(iter(record.values())))
            history, forecast = _numbers(record.get("history")) or [], _numbers(record.get("forecast")) or []
            series = history + forecast
            if not series:
                series = next((n for k in SERIES_KEYS if (n := _numbers(record.get(k)))), None) or next(
                    (n for v in record.values() if (n := _numbers(v))), []
                )
            change = next((record[k] for k in CHANGE_KEYS if isinstance(record.get(k), (int, float))), None)
            rows.append(TrendRow(label, series, change, len(history) if history and forecast else None))
        sections[key] = rows
    return sections


def describe_report(result: dict[str, Any]) -> str:
    """The report's own scalars (kind, source, horizon…) on one line."""
    parts = []
    for key, value in result.items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != "":
            parts.append(f"{key.replace('_', ' ')}: {value}")
    return " · ".join(parts)


class TrendsScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("f5", "refresh", "Refresh")]

    @dataclass
    class Loaded(Message):
        result: dict[str, Any]

    @dataclass
    class Failed(Message):
        message: str

    def __init__(self) -> None:
        super().__init__()
        self.options: list[FormField] = []

    @property
    def stylist(self) -> Any:
        return self.app.stylist  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static("Trends — Enter or F5 forecasts again, Esc goes back", classes="screen-title")
        available = tools_view.has_tool(self.stylist, "trend_forecast")
        if available:
            schema = self.stylist.registry.get("trend_forecast").input_schema()
            props = schema.get("properties", {})
            self.options = [f for f in tools_view.form_fields(schema) if f.name in OPTION_FIELDS]
            with Horizontal(id="trend-options"):
                for field in self.options:
                    yield Label(field.name, classes="option-label")
                    yield Input(
                        tools_view.to_text(props[field.name].get("default")),
                        id=f"option-{field.name}",
                        placeholder=field.description,
                        classes="option-input",
                        compact=True,
                    )
        with VerticalScroll(id="trends-body"):
            if not available:
                yield Unavailable("Trends", "trend_forecast", classes="unavailable")
            else:
                yield Static(
                    "forecasting… (the first forecast fits the models, which can take a while)",
                    id="trends-status",
                )
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    @on(Input.Submitted, ".option-input")
    def action_refresh(self) -> None:
        if not tools_view.has_tool(self.stylist, "trend_forecast"):
            return
        args: dict[str, Any] = {}
        try:
            for field in self.options:
                text = self.query_one(f"#option-{field.name}", Input).value
                if text.strip():
                    args[field.name] = tools_view.parse_field(field, text)
        except ToolInputError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self._load(args)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self, args: dict[str, Any]) -> None:
        try:
            result = self.stylist.registry.invoke("trend_forecast", args)
        except Exception as exc:
            self.post_message(self.Failed(describe_error(exc)))
            return
        self.post_message(self.Loaded(result.model_dump(mode="json")))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        body = self.query_one("#trends-body", VerticalScroll)
        await body.remove_children()
        sections = trend_sections(message.result)
        await body.mount(Static(describe_report(message.result), classes="dim"))
        if not sections:
            await body.mount(Static("The forecaster returned no trends."))
            return
        for name, rows in sections.items():
            await body.mount(Static(name.replace("_", " ").capitalize(), classes="section-title"))
            for row in rows:
                change = (
                    ""
                    if row.change is None
                    else f"{row.change:+.0%}"
                    if abs(row.change) < 10
                    else f"{row.change:+.1f}"
                )
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
