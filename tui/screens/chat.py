"""The conversation: messages stream in while a worker thread reads the stylist's events."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from stylist import events as ev
from stylist.errors import StylistError
from stylist.tui import commands
from stylist.tui.widgets.chat_input import ChatInput
from stylist.tui.widgets.garment_card import GarmentCard
from stylist.tui.widgets.message_view import AssistantMessage, UserMessage
from stylist.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from stylist.tui.app import StylistApp

log = logging.getLogger(__name__)

WELCOME = """\
Ask for an outfit, e.g. "what do I wear to a summer wedding? earthy colours, budget 200".
Type / for commands · F1 help · Ctrl+P command palette"""


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, StylistError):
        return str(exc)
    return f"unexpected {type(exc).__name__}: {exc}"


class ChatScreen(Screen):
    BINDINGS = [
        Binding("escape", "stop", "Stop", show=False),
        Binding("ctrl+l", "focus_input", "Input", show=False),
    ]

    # -- messages from the worker thread (one per stream event) --------------------------------
    @dataclass
    class TokenReceived(Message):
        turn: AssistantMessage
        text: str

    @dataclass
    class ToolStarted(Message):
        turn: AssistantMessage
        call_id: str
        name: str
        arguments: dict[str, Any]

    @dataclass
    class ToolFinished(Message):
        turn: AssistantMessage
        call_id: str
        name: str
        ok: bool
        duration_s: float
        error: str | None

    @dataclass
    class ItemReceived(Message):
        turn: AssistantMessage
        item: ev.ItemRef

    @dataclass
    class ImageReceived(Message):
        turn: AssistantMessage
        path: str
        caption: str

    @dataclass
    class TurnDone(Message):
        turn: AssistantMessage
        reply: ev.ChatReply

    @dataclass
    class TurnFailed(Message):
        turn: AssistantMessage
        message: str
        input_text: str
        conversation_id: str | None = None

    @dataclass
    class FeedbackRecorded(Message):
        card: GarmentCard
        kind: ev.FeedbackKind

    @dataclass
    class HistoryLoaded(Message):
        conversation_id: str
        messages: list[ev.HistoryMessage]

    def __init__(self) -> None:
        super().__init__()
        self.conversation_id: str | None = None
        self.busy = False
        self._current: tuple[AssistantMessage, str] | None = None
        """The turn being answered and the input text to restore if it fails."""

    @property
    def stylist_app(self) -> StylistApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="conversation"):
            yield Static(WELCOME, id="welcome")
        yield Static("", id="completions")
        yield ChatInput(id="chat-input")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#conversation", VerticalScroll).anchor()
        self.query_one(ChatInput).focus()

    # -- sending ------------------------------------------------------------------------------
    @on(Input.Changed, "#chat-input")
    def _show_completions(self, event: Input.Changed) -> None:
        box = self.query_one("#completions", Static)
        found = commands.matching(event.value)
        box.display = bool(found)
        box.update(
            Text(
                "  ".join(f"{c.usage} — {c.help}" if len(found) == 1 else c.name for c in found), style="dim"
            )
        )

    @on(Input.Submitted, "#chat-input")
    async def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        chat_input = self.query_one(ChatInput)
        try:
            command = commands.parse(text)
        except StylistError as exc:
            self.notify(str(exc), title="Command", severity="error")
            return
        chat_input.value = ""
        if command is not None:
            await self.run_command(*command, original=text)
            return
        await self.send(text)

    async def send(self, text: str, *, shown: str | None = None) -> None:
        """Show ``shown`` (default ``text``) as the user's turn and stream the stylist's answer."""
        chat_input = self.query_one(ChatInput)
        if self.busy:
            chat_input.value = shown or text
            self.notify("The stylist is still answering; press Esc to stop it.", severity="warning")
            return
        chat_input.sent.append(shown or text)
        conversation = self.query_one("#conversation", VerticalScroll)
        for welcome in self.query("#welcome"):
            await welcome.remove()
        turn = AssistantMessage(graphics=self.stylist_app.graphics)
        await conversation.mount_all([UserMessage(shown or text), turn])
        conversation.scroll_end(animate=False)
        self._current = (turn, shown or text)
        self._set_busy(True)
        self._run_turn(text, shown or text, turn)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one(StatusBar).activity = "answering… (Esc stops)" if busy else ""

    @work(thread=True, exclusive=True, group="chat", exit_on_error=False)
    def _run_turn(self, text: str, input_text: str, turn: AssistantMessage) -> None:
        worker = get_current_worker()
        app = self.stylist_app
        post = self.post_message
        try:
            stream = app.stylist.stream(text, conversation_id=self.conversation_id, user_id=app.user_id)
            for event in stream:
                if worker.is_cancelled:
                    close = getattr(stream, "close", None)
                    if close is not None:
                        close()
                    post(self.TurnFailed(turn, "stopped", input_text))
                    return
                if isinstance(event, ev.Token):
                    post(self.TokenReceived(turn, event.text))
                elif isinstance(event, ev.ToolStarted):
                    post(self.ToolStarted(turn, event.call_id, event.name, event.arguments))
                elif isinstance(event, ev.ToolFinished):
                    post(
                        self.ToolFinished(
                            turn, event.call_id, event.name, event.ok, event.duration_s, event.error
                        )
                    )
                elif isinstance(event, ev.Item):
                    post(self.ItemReceived(turn, event.item))
                elif isinstance(event, ev.Image):
                    post(self.ImageReceived(turn, event.path, event.caption))
                elif isinstance(event, ev.Done):
                    post(self.TurnDone(turn, event.reply))
                    return
                elif isinstance(event, ev.Error):
                    post(self.TurnFailed(turn, event.message, input_text, event.conversation_id))
                    return
            post(self.TurnFailed(turn, "the stylist stopped without an answer", input_text))
        except Exception as exc:  # a failure of any kind ends the turn, never the app
            log.warning("chat turn failed", exc_info=not isinstance(exc, StylistError))
            post(self.TurnFailed(turn, describe_error(exc), input_text))

    def _live(self, turn: AssistantMessage) -> bool:
        """Whether events for ``turn`` still matter (not stopped, not cleared by /new)."""
        return self._current is not None and self._current[0] is turn and turn.is_attached

    @on(TokenReceived)
    async def _token(self, message: TokenReceived) -> None:
        if self._live(message.turn):
            await message.turn.append_text(message.text)

    @on(ToolStarted)
    def _tool_started(self, message: ToolStarted) -> None:
        if self._live(message.turn):
            message.turn.trace.started(message.call_id, message.name, message.arguments)
            self.query_one(StatusBar).activity = f"running {message.name}…"

    @on(ToolFinished)
    def _tool_finished(self, message: ToolFinished) -> None:
        if self._live(message.turn):
            message.turn.trace.finished(
                message.call_id, message.name, message.ok, message.duration_s, message.error
            )
            self.query_one(StatusBar).activity = "answering… (Esc stops)"

    @on(ItemReceived)
    async def _item(self, message: ItemReceived) -> None:
        if self._live(message.turn):
            await message.turn.add_item(message.item)

    @on(ImageReceived)
    async def _image(self, message: ImageReceived) -> None:
        if self._live(message.turn):
            await message.turn.add_image(message.path, message.caption)

    @on(TurnDone)
    async def _done(self, message: TurnDone) -> None:
        if not self._live(message.turn):
            return
        self._current = None
        reply, turn = message.reply, message.turn
        await turn.finish()
        turn.trace.chosen(reply.metadata.get("chosen_by"))
        if reply.text.strip() != turn.text.strip():
            await turn.set_text(reply.text)
        for item in reply.items:
            await turn.add_item(item)
        for path in reply.images:
            if path not in turn.images:
                await turn.add_image(path)
        self.conversation_id = reply.conversation_id
        self.query_one(StatusBar).conversation = reply.conversation_id
        self._set_busy(False)
        self.stylist_app.refresh_info()  # the first turn opens the catalogue: its size is known now

    @on(TurnFailed)
    async def _failed(self, message: TurnFailed) -> None:
        if not self._live(message.turn):
            return
        self._current = None
        await message.turn.fail(message.message)
        if message.conversation_id:
            self.conversation_id = message.conversation_id
        chat_input = self.query_one(ChatInput)
        if not chat_input.value:
            chat_input.value = message.input_text
            chat_input.cursor_position = len(message.input_text)
        self._set_busy(False)
        if message.message != "stopped":
            self.notify(message.message, title="The stylist could not answer", severity="error", timeout=8)
        chat_input.focus()

    async def action_stop(self) -> None:
        """Stop the answer now; the worker thread notices at its next event and its late events are
        ignored."""
        if not self.busy or self._current is None:
            return
        self.workers.cancel_group(self, "chat")
        turn, input_text = self._current
        await self._failed(self.TurnFailed(turn, "stopped", input_text))

    def action_focus_input(self) -> None:
        self.query_one(ChatInput).focus()

    # -- feedback on cards ----------------------------------------------------------------------
    @on(GarmentCard.Feedback)
    def _feedback(self, message: GarmentCard.Feedback) -> None:
        self._send_feedback(message.card, message.item, message.kind)

    @work(thread=True, group="feedback", exit_on_error=False)
    def _send_feedback(self, card: GarmentCard, item: ev.ItemRef, kind: ev.FeedbackKind) -> None:
        app = self.stylist_app
        try:
            app.stylist.feedback(item.id, kind, user_id=app.user_id)
        except Exception as exc:
            log.warning("feedback failed", exc_info=not isinstance(exc, StylistError))
            app.call_from_thread(
                app.notify, describe_error(exc), title="Feedback not saved", severity="error"
            )
            return
        self.post_message(self.FeedbackRecorded(card, kind))

    @on(FeedbackRecorded)
    def _feedback_recorded(self, message: FeedbackRecorded) -> None:
        message.card.mark(message.kind)
        verb = {"like": "Liked", "dislike": "Disliked", "save": "Saved", "buy": "Bought"}[message.kind]
        self.notify(f"{verb} {message.card.item.title}", timeout=3)

    # -- slash commands -------------------------------------------------------------------------
    async def run_command(self, name: str, argument: str, *, original: str = "") -> None:
        app = self.stylist_app
        if name == "/design":
            if not argument:
                self.query_one(ChatInput).value = original or "/design "
                self.notify(
                    "usage: /design DESCRIPTION, e.g. /design olive linen summer dress", severity="error"
                )
                return
            await self.send(f"Generate new garment designs: {argument}", shown=original)
        elif name == "/new":
            await self.new_conversation()
        elif name == "/export":
            self.export(argument or None)
        else:
            await app.run_action(
                {"/trends": "trends", "/profile": "profile", "/history": "history", "/help": "help"}[name]
            )

    async def new_conversation(self) -> None:
        if self.busy:
            self.workers.cancel_group(self, "chat")
            self._current = None
            self._set_busy(False)
        self.conversation_id = None
        self.query_one(StatusBar).conversation = ""
        conversation = self.query_one("#conversation", VerticalScroll)
        await conversation.remove_children()
        await conversation.mount(Static(WELCOME, id="welcome"))
        self.query_one(ChatInput).focus()

    def transcript(self) -> str:
        """The conversation shown on screen as Markdown."""
        parts: list[str] = []
        for widget in self.query_one("#conversation").children:
            if isinstance(widget, UserMessage):
                parts.append(f"## You\n\n{widget.text}\n")
            elif isinstance(widget, AssistantMessage):
                body = widget.text or (f"_(failed: {widget.error})_" if widget.error else "")
                parts.append(f"## Stylist\n\n{body}\n")
                for item in widget.items:
                    price = f" — {item.price:.2f} {item.currency}" if item.price is not None else ""
                    parts.append(f"- `{item.id}` {item.title}{price}")
                for path in widget.images:
                    parts.append(f"- image: {path}")
                if widget.items or widget.images:
                    parts.append("")
        return "\n".join(parts)

    def export(self, target: str | None) -> Path | None:
        text = self.transcript()
        if not text:
            self.notify("Nothing to export yet.", severity="warning")
            return None
        if target:
            path = Path(target).expanduser()
        else:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            path = self.stylist_app.home / "exports" / f"{self.conversation_id or 'conversation'}-{stamp}.md"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# Stylist conversation\n\n{text}", encoding="utf-8")
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror}", title="Export failed", severity="error")
            return None
        self.notify(f"Saved to {path}", title="Exported")
        return path

    # -- resuming a past conversation -------------------------------------------------------------
    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def load_conversation(self, conversation_id: str) -> None:
        app = self.stylist_app
        try:
            messages = app.stylist.history(conversation_id)
        except Exception as exc:
            app.call_from_thread(
                app.notify, describe_error(exc), title="Cannot open conversation", severity="error"
            )
            return
        self.post_message(self.HistoryLoaded(conversation_id, messages))

    @on(HistoryLoaded)
    async def _history_loaded(self, message: HistoryLoaded) -> None:
        await self.new_conversation()
        conversation = self.query_one("#conversation", VerticalScroll)
        for welcome in self.query("#welcome"):
            await welcome.remove()
        for entry in message.messages:
            if entry.role == "user":
                await conversation.mount(UserMessage(entry.text))
                continue
            turn = AssistantMessage(graphics=self.stylist_app.graphics)
            await conversation.mount(turn)
            await turn.set_text(entry.text)
            for item in entry.items:
                await turn.add_item(item)
        self.conversation_id = message.conversation_id
        self.query_one(StatusBar).conversation = message.conversation_id
        conversation.scroll_end(animate=False)
        self.notify(f"Resumed {len(message.messages)} messages", timeout=3)
