"""Keys and slash commands, built from the bindings themselves so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from stylist.tui.commands import SLASH_COMMANDS

CHAT_KEYS = [
    ("Enter", "send the message or command"),
    ("Tab", "complete a slash command (→ accepts the grey suggestion)"),
    ("↑", "recall the last message into an empty input"),
    ("Esc", "stop the answer being written; close a screen"),
    ("Tab / Shift+Tab", "move between the input, tool traces and garment cards"),
    ("l / d / s", "like, dislike or save the focused garment card"),
    ("Ctrl+P", "command palette"),
]


def _key_label(binding: Binding) -> str:
    return binding.key_display or binding.key.replace("ctrl+", "Ctrl+").upper().replace("CTRL+", "Ctrl+")


def bindings_table(app_bindings: Iterable[Binding | tuple[str, ...]]) -> Table:
    """The chat keys, then the app's own ``app_bindings``."""
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, what in CHAT_KEYS:
        table.add_row(key, what)
    for binding in app_bindings:
        if isinstance(binding, Binding):
            table.add_row(_key_label(binding), binding.description)
    return table


def commands_table() -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold magenta", no_wrap=True)
    table.add_column()
    for command in SLASH_COMMANDS:
        table.add_row(command.usage, command.help)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("Keys", classes="section-title")
            yield Static(bindings_table(self.app.BINDINGS))
            yield Static("Slash commands", classes="section-title")
            yield Static(commands_table())
            yield Static("Esc closes this screen.", classes="dim")
