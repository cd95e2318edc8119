"""The Textual app. ``create_app(stylist)`` builds it around any object with the facade's methods,
so tests inject a scripted fake and ``stylist chat`` passes the real ``Stylist``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from stylist.events import DEFAULT_USER, StylistInfo
from stylist.tui.screens.chat import ChatScreen, describe_error
from stylist.tui.screens.help import HelpScreen
from stylist.tui.screens.history import HistoryScreen
from stylist.tui.screens.profile import ProfileScreen
from stylist.tui.screens.trends import TrendsScreen
from stylist.tui.widgets.status_bar import StatusBar
from stylist.tui.widgets.thumbnail import Graphics

log = logging.getLogger(__name__)
INFO_POLL_S = 2.0
"""How often the status bar asks again while the first catalogue index is built."""


class StylistApp(App[None]):
    TITLE = "Stylist"
    CSS_PATH = "stylist.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+n", "new", "New chat"),
        Binding("ctrl+r", "history", "History"),
        Binding("ctrl+o", "profile", "Profile"),
        Binding("ctrl+t", "trends", "Trends"),
        Binding("ctrl+e", "export", "Export", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        stylist: Any,
        *,
        user_id: str | None = None,
        conversation_id: str | None = None,
        graphics: Graphics = "auto",
    ) -> None:
        super().__init__()
        self.stylist = stylist
        self.user_id = user_id or DEFAULT_USER
        self.graphics: Graphics = graphics
        self.info: StylistInfo | None = None
        self._resume = conversation_id

    @property
    def home(self) -> Path:
        """The data home (exports go under it)."""
        settings = getattr(getattr(self.stylist, "runtime", None), "settings", None)
        return Path(settings.home) if settings is not None else Path.cwd()

    @property
    def chat(self) -> ChatScreen:
        return self._chat

    def get_default_screen(self) -> Screen:
        self._chat = ChatScreen()
        return self._chat

    def on_mount(self) -> None:
        prepare = getattr(self.stylist, "prepare_index", None)
        if prepare is not None:
            prepare()  # a first run's index build starts now, in the background
        self.refresh_info()
        if self._resume:
            self.chat.load_conversation(self._resume)

    def refresh_info(self) -> None:
        """Ask the stylist for the status bar's backend, device and catalogue size (in a worker)."""
        self._load_info()

    @work(thread=True, group="info", exclusive=True, exit_on_error=False)
    def _load_info(self) -> None:
        try:
            info = self.stylist.info()
        except Exception as exc:
            log.warning("info() failed: %s", exc)
            self.call_from_thread(
                self.notify, describe_error(exc), title="Stylist info unavailable", severity="warning"
            )
            return
        self.call_from_thread(self._show_info, info)

    def _show_info(self, info: StylistInfo) -> None:
        self.info = info
        self.chat.query_one(StatusBar).info = info
        if info.index == "building":  # look again until the build is done
            self.set_timer(INFO_POLL_S, self.refresh_info)

    # -- actions (keys, slash commands and the command palette share them) ---------------------
    async def action_new(self) -> None:
        self._back_to_chat()
        await self.chat.new_conversation()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_history(self) -> None:
        self._open(HistoryScreen)

    def action_profile(self) -> None:
        self._open(ProfileScreen)

    def action_trends(self) -> None:
        self._open(TrendsScreen)

    def action_export(self) -> None:
        self.chat.export(None)

    def _open(self, screen_type: type[Screen]) -> None:
        if isinstance(self.screen, screen_type):
            return
        self._back_to_chat()
        self.push_screen(screen_type())

    def _back_to_chat(self) -> None:
        while len(self.screen_stack) > 1 and self.screen is not self.chat:
            self.pop_screen()

    def resume(self, conversation_id: str) -> None:
        self._back_to_chat()
        self.chat.load_conversation(conversation_id)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("New conversation", "Start a fresh conversation (Ctrl+N)", self.action_new)
        yield SystemCommand("History", "Resume a past conversation (Ctrl+R)", self.action_history)
        yield SystemCommand(
            "Profile", "Preferences, sizes, wardrobe and feedback (Ctrl+O)", self.action_profile
        )
        yield SystemCommand("Trends", "What is rising and falling (Ctrl+T)", self.action_trends)
        yield SystemCommand(
            "Export conversation", "Save the conversation as Markdown (Ctrl+E)", self.action_export
        )
        yield SystemCommand("Help", "Keys and slash commands (F1)", self.action_help)
        yield from super().get_system_commands(screen)


def create_app(
    stylist: Any,
    *,
    user_id: str | None = None,
    conversation_id: str | None = None,
    graphics: Graphics = "auto",
) -> StylistApp:
    """The app around ``stylist`` (the ``Stylist`` facade or anything with its methods)."""
    return StylistApp(stylist, user_id=user_id, conversation_id=conversation_id, graphics=graphics)
