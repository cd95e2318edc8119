"""A generated image (a GAN design or a trend chart) with its caption."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from stylist.tui.widgets.thumbnail import Graphics, Thumbnail


class ImageCard(Vertical, can_focus=True):
    def __init__(self, path: str, caption: str = "", *, graphics: Graphics = "auto", **kwargs) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.caption = caption or Path(path).name
        self.graphics = graphics

    def compose(self) -> ComposeResult:
        yield Thumbnail(self.path, graphics=self.graphics)
        yield Label(self.caption, classes="title")
        yield Label(str(self.path), classes="reason")
