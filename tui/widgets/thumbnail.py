"""A garment's picture in the terminal.

``textual-image`` picks the best method the terminal supports (Kitty graphics, Sixel, or
unicode/half blocks). ``graphics="halfcell"`` forces coloured half blocks, which every terminal
shows and which make deterministic snapshots. A missing or unreadable file shows a placeholder
naming the garment's slot rather than failing the card.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

# textual-image asks the terminal for its cell size when imported; that only works before the app
# takes over the terminal, so import it with this module, never lazily inside compose().
from textual_image.widget import HalfcellImage
from textual_image.widget import Image as AutoImage

Graphics = Literal["auto", "halfcell"]

SLOT_GLYPHS = {"top": "👕", "bottom": "👖", "full_body": "👗", "outer": "🧥", "feet": "👟", "accessory": "👜"}


class Thumbnail(Widget):
    """An image file rendered to fit the widget's size."""

    DEFAULT_CSS = """
    Thumbnail { width: 12; height: 6; }
    Thumbnail > Static { width: 100%; height: 100%; content-align: center middle; }
    """

    def __init__(
        self, path: str | None, *, slot: str | None = None, graphics: Graphics = "auto", **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.slot = slot
        self.graphics = graphics

    def compose(self) -> ComposeResult:
        image = self._load()
        if image is None:
            yield Static(SLOT_GLYPHS.get(self.slot or "", "▢"), classes="placeholder")
            return
        yield (HalfcellImage if self.graphics == "halfcell" else AutoImage)(image)

    def _load(self):
        if not self.path or not Path(self.path).is_file():
            return None
        try:
            from PIL import Image as PILImage

            with PILImage.open(self.path) as img:
                return img.convert("RGB")
        except (OSError, ValueError):
            return None
