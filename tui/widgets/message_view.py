"""One turn of the conversation: the user's words, or the stylist's streamed answer.

The answer holds a collapsible tool trace, the Markdown text (streamed as tokens arrive), the
suggested garments and generated images as cards, and an error line when the turn failed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import HorizontalScroll, Vertical
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from stylist.events import FeedbackKind, ItemRef
from stylist.tui.widgets.garment_card import GarmentCard
from stylist.tui.widgets.image_card import ImageCard
from stylist.tui.widgets.thumbnail import Graphics
from stylist.tui.widgets.tool_trace import ToolTrace


class UserMessage(Static):
    def __init__(self, text: str, **kwargs) -> None:
        super().__init__(Text(text), **kwargs)
        self.text = text


class AssistantMessage(Vertical):
    """The stylist's answer, filled in while it streams."""

    def __init__(self, *, graphics: Graphics = "auto", **kwargs) -> None:
        super().__init__(**kwargs)
        self.graphics = graphics
        self.text = ""
        self.items: list[ItemRef] = []
        self.images: list[str] = []
        self.error: str | None = None
        self._stream: MarkdownStream | None = None

    def compose(self) -> ComposeResult:
        yield ToolTrace()
        yield Static("thinking…", classes="pending")
        yield Markdown("", classes="answer")
        yield HorizontalScroll(classes="cards")
        yield Static("", classes="error")

    @property
    def trace(self) -> ToolTrace:
        return self.query_one(ToolTrace)

    @property
    def cards(self) -> list[GarmentCard]:
        return list(self.query(GarmentCard))

    async def append_text(self, fragment: str) -> None:
        self.query_one(".pending").display = False
        self.text += fragment
        if self._stream is None:
            self._stream = Markdown.get_stream(self.query_one(".answer", Markdown))
        await self._stream.write(fragment)

    async def set_text(self, text: str) -> None:
        """Replace the whole answer (for history, or when the final text differs from the stream)."""
        await self.finish()
        self.query_one(".pending").display = False
        self.text = text
        await self.query_one(".answer", Markdown).update(text)

    async def finish(self) -> None:
        self.query_one(".pending").display = False
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None

    async def add_item(self, item: ItemRef) -> None:
        if any(existing.id == item.id for existing in self.items):
            return
        self.items.append(item)
        row = self.query_one(".cards", HorizontalScroll)
        row.display = True
        await row.mount(GarmentCard(item, graphics=self.graphics))

    async def add_image(self, path: str, caption: str = "") -> None:
        self.images.append(path)
        row = self.query_one(".cards", HorizontalScroll)
        row.display = True
        await row.mount(ImageCard(path, caption, graphics=self.graphics))

    async def fail(self, message: str) -> None:
        await self.finish()
        self.error = message
        self.add_class("-failed")
        self.query_one(".error", Static).update(Text(f"⚠ {message}"))

    def mark_feedback(self, item_id: str, kind: FeedbackKind) -> None:
        for card in self.cards:
            if card.item.id == item_id:
                card.mark(kind)
