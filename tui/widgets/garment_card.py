"""A suggested garment: thumbnail, title, price, why it fits, and like/dislike/save."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label

from stylist.events import FeedbackKind, ItemRef
from stylist.tui.widgets.thumbnail import Graphics, Thumbnail


def format_price(price: float | None, currency: str) -> str:
    if price is None:
        return "price n/a"
    return f"{price:,.2f} {currency}"


class GarmentCard(Vertical, can_focus=True):
    """One catalogue item. Focus it and press l (like), d (dislike) or s (save), or click."""

    BINDINGS = [
        Binding("l", "feedback('like')", "Like"),
        Binding("d", "feedback('dislike')", "Dislike"),
        Binding("s", "feedback('save')", "Save"),
    ]

    @dataclass
    class Feedback(Message):
        """The user gave feedback on the card's item."""

        card: GarmentCard
        item: ItemRef
        kind: FeedbackKind

    def __init__(self, item: ItemRef, *, graphics: Graphics = "auto", **kwargs) -> None:
        super().__init__(**kwargs)
        self.item = item
        self.graphics = graphics

    def compose(self) -> ComposeResult:
        yield Thumbnail(self.item.image_path, slot=self.item.slot, graphics=self.graphics)
        yield Label(self.item.title, classes="title")
        yield Label(format_price(self.item.price, self.item.currency), classes="price")
        if self.item.reason:
            yield Label(self.item.reason, classes="reason")
        with Horizontal(classes="actions"):
            yield Button("♥", id="like", compact=True, tooltip="Like (l)")
            yield Button("✗", id="dislike", compact=True, tooltip="Dislike (d)")
            yield Button("★", id="save", compact=True, tooltip="Save (s)")

    def action_feedback(self, kind: FeedbackKind) -> None:
        self.post_message(self.Feedback(self, self.item, kind))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id in ("like", "dislike", "save"):
            self.action_feedback(event.button.id)  # type: ignore[arg-type]

    def mark(self, kind: FeedbackKind) -> None:
        """Show that feedback was recorded."""
        for name in ("like", "dislike", "save"):
            self.remove_class(f"-{name}")
        self.add_class(f"-{kind}")
        self.query_one(".title", Label).update(f"{_MARKS.get(kind, '')} {self.item.title}")


_MARKS = {"like": "♥", "dislike": "✗", "save": "★", "buy": "$"}
