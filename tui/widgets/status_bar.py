"""The bottom line: model backend, device, catalogue size, and what the stylist is doing."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from stylist.events import StylistInfo


def describe(info: StylistInfo | None) -> str:
    if info is None:
        return "connecting…"
    device = device_label(info.device)
    size = "catalogue not opened yet" if info.catalogue_size is None else f"{info.catalogue_size:,} garments"
    if info.index == "building":
        size = "building the catalogue index (first run, once)…"
    elif info.index == "failed":
        size = "building the catalogue index failed (see the log)"
    model = f"{info.backend}: {info.model}" if info.model else info.backend
    return f"{model} · {device} · {size}"


def device_label(device: str) -> str:
    """``CPU``, ``GPU`` / ``GPU (cuda:1)``, or the facade's own word (``remote``, ``auto``)."""
    lowered = device.lower()
    if lowered == "cpu":
        return "CPU"
    if lowered in ("cuda", "gpu"):
        return "GPU"
    if lowered.startswith(("cuda", "gpu", "mps")):
        return f"GPU ({device})"
    return device


class StatusBar(Static):
    info: reactive[StylistInfo | None] = reactive(None)
    activity: reactive[str] = reactive("")
    conversation: reactive[str] = reactive("")

    def render(self) -> Text:
        text = Text(describe(self.info), style="bold")
        if self.conversation:
            text.append(f" · {self.conversation}", style="dim")
        if self.activity:
            text.append(f" · {self.activity}", style="italic")
        return text
