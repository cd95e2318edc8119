"""Past conversations; Enter resumes one in the chat."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from stylist.events import ConversationSummary
from stylist.tui.screens.chat import describe_error


class HistoryScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    @dataclass
    class Loaded(Message):
        conversations: list[ConversationSummary]

    @dataclass
    class LoadFailed(Message):
        message: str

    def compose(self) -> ComposeResult:
        yield Static("History — Enter resumes a conversation, Esc goes back", classes="screen-title")
        yield Static("loading…", id="history-status")
        yield OptionList(id="conversations")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).display = False
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        try:
            found = app.stylist.conversations(app.user_id)  # type: ignore[attr-defined]
        except Exception as exc:
            self.post_message(self.LoadFailed(describe_error(exc)))
            return
        self.post_message(self.Loaded(list(found)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        status = self.query_one("#history-status", Static)
        options = self.query_one(OptionList)
        if not message.conversations:
            status.update("No conversations yet: ask the stylist something first.")
            return
        status.display = False
        options.display = True
        for conv in message.conversations:
            when = conv.updated_at[:16].replace("T", " ")
            label = (
                f"{conv.title or '(untitled)'}  ·  {conv.turns} turn{'s' if conv.turns != 1 else ''}  "
                f"·  {when}"
            )
            options.add_option(Option(label, id=conv.id))
        options.highlighted = 0
        options.focus()

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.query_one("#history-status", Static).update(f"⚠ cannot list conversations: {message.message}")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.resume(event.option.id)  # type: ignore[attr-defined]
