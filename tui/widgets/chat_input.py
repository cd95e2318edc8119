"""The message box: Enter sends, Tab completes a slash command, ↑ recalls the last message."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.binding import Binding
from textual.widgets import Input

from stylist.tui.commands import SlashSuggester, matching


class ChatInput(Input):
    BINDINGS = [
        Binding("tab", "complete", "Complete", show=False),
        Binding("up", "recall", "Last message", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(
            placeholder="Ask the stylist, or type / for commands", suggester=SlashSuggester(), **kwargs
        )
        self.sent: list[str] = []

    def action_complete(self) -> None:
        found = matching(self.value)
        if not found:
            raise SkipAction()
        if len(found) == 1 or self.value.strip() != found[0].name:
            completed = found[0].name + " "
        else:
            completed = self.value
        self.value = completed
        self.cursor_position = len(completed)

    def action_recall(self) -> None:
        if self.value or not self.sent:
            raise SkipAction()
        self.value = self.sent[-1]
        self.cursor_position = len(self.value)
