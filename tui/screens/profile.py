"""The user's profile: what the stylist knows (preferences, sizes, wardrobe, feedback), editable.

Read with the ``get_profile`` tool and changed with ``update_profile``; the form is built from
``update_profile``'s input schema, so it follows that tool as it grows. List fields add to what
is stored (the tool's semantics); scalar fields show and replace the stored value. Without
those tools the screen says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from stylist.errors import ToolInputError
from stylist.tui import tools_view
from stylist.tui.screens.chat import describe_error
from stylist.tui.tools_view import FormField
from stylist.tui.widgets.unavailable import Unavailable

HIDDEN = {"user_id", "exists"}


class ProfileScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "save", "Save"),
    ]

    @dataclass
    class Loaded(Message):
        result: dict[str, Any]
        saved: bool

    @dataclass
    class Failed(Message):
        message: str

    def __init__(self) -> None:
        super().__init__()
        self.profile: dict[str, Any] = {}
        self.fields: list[FormField] = []

    @property
    def stylist(self) -> Any:
        return self.app.stylist  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static("Profile — Ctrl+S saves, Esc goes back", classes="screen-title")
        with VerticalScroll(id="profile-body"):
            if not tools_view.has_tool(self.stylist, "get_profile"):
                yield Unavailable("The profile", "get_profile", classes="unavailable")
            else:
                yield Static("loading…", id="profile-summary")
                if tools_view.has_tool(self.stylist, "update_profile"):
                    schema = self.stylist.registry.get("update_profile").input_schema()
                    self.fields = tools_view.form_fields(schema)
                    yield Static(
                        "Edit (lists add to what is stored; comma-separated)", classes="section-title"
                    )
                    for field in self.fields:
                        with Horizontal(classes="form-row"):
                            yield Label(field.name.replace("_", " "), classes="form-label")
                            yield Input(
                                id=f"field-{field.name}",
                                placeholder=field.description,
                                classes="form-input",
                                compact=True,
                            )
                    yield Button("Save (Ctrl+S)", id="save", compact=True)
                yield Static("", id="profile-message")
        yield Footer()

    def on_mount(self) -> None:
        if tools_view.has_tool(self.stylist, "get_profile"):
            self._load()

    @work(thread=True, exclusive=True, group="profile", exit_on_error=False)
    def _load(self) -> None:
        self._call("get_profile", {}, saved=False)

    @work(thread=True, exclusive=True, group="profile", exit_on_error=False)
    def _save(self, changes: dict[str, Any]) -> None:
        self._call("update_profile", changes, saved=True)

    def _call(self, tool: str, changes: dict[str, Any], *, saved: bool) -> None:
        user = self.app.user_id  # type: ignore[attr-defined]
        try:
            args = tools_view.user_args(self.stylist, tool, user) | changes
            result = self.stylist.registry.invoke(tool, args).model_dump(mode="json")
            if saved:  # show the whole profile again (feedback included), with what changed
                view = self.stylist.registry.invoke(
                    "get_profile", tools_view.user_args(self.stylist, "get_profile", user)
                )
                result = view.model_dump(mode="json") | {"changes": result.get("changes", [])}
        except Exception as exc:
            self.post_message(self.Failed(describe_error(exc)))
            return
        self.post_message(self.Loaded(result, saved))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        profile, extras = tools_view.profile_record(message.result)
        changes = extras.pop("changes", None)
        self.profile = profile
        self.query_one("#profile-summary", Static).update(render_profile(profile, extras))
        for field in self.fields:
            self.query_one(f"#field-{field.name}", Input).value = tools_view.to_text(profile.get(field.name))
        if message.saved:
            self._say("Saved" + (": " + "; ".join(changes) if changes else "."), error=False)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._say(f"⚠ {message.message}", error=True)
        self.notify(message.message, title="Profile", severity="error")

    def _say(self, text: str, *, error: bool) -> None:
        box = self.query_one("#profile-message", Static)
        box.set_class(error, "-error")
        box.update(Text(text))

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, ".form-input")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if not self.fields:
            return
        changes: dict[str, Any] = {}
        try:
            for field in self.fields:
                text = self.query_one(f"#field-{field.name}", Input).value
                if text.strip() == tools_view.to_text(self.profile.get(field.name)).strip():
                    continue
                changes[field.name] = tools_view.parse_field(field, text)
        except ToolInputError as exc:
            self._failed(self.Failed(str(exc)))
            return
        if not changes:
            self._say("Nothing changed.", error=False)
            return
        self._save(changes)


def render_profile(profile: dict[str, Any], extras: dict[str, Any] | None = None) -> Group:
    simple, tables = tools_view.split_record(profile)
    for key, value in (extras or {}).items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables[key] = value
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    for key, value in simple.items():
        if key in HIDDEN:
            continue
        grid.add_row(key.replace("_", " "), tools_view.to_text(value) or Text("—", style="dim"))
    parts: list[Any] = [grid]
    for name, rows in tables.items():
        table = Table(title=name.replace("_", " "), title_justify="left", expand=False, title_style="bold")
        columns = [c for c in dict.fromkeys(k for row in rows for k in row) if c != "id"]
        for column in columns:
            table.add_column(column.replace("_", " "))
        for row in rows:
            table.add_row(*(tools_view.to_text(row.get(c))[:40] for c in columns))
        parts.append(table)
    return Group(*parts)
