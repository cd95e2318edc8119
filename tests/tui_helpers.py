"""Shared helpers for the TUI tests: build the app on the scripted fake and wait for it."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and the messages they posted be handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    for screen in pilot.app.screen_stack:
        await screen.workers.wait_for_complete() if hasattr(screen, "workers") else None
    await pilot.pause()
    await pilot.pause()


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


async def send(pilot: Pilot, text: str) -> None:
    from stylist.tui.widgets.chat_input import ChatInput

    chat_input = pilot.app.screen.query_one(ChatInput)
    chat_input.focus()
    chat_input.value = text
    await pilot.press("enter")


def screen_text(app) -> str:
    """The characters on the screen, line by line (what a user would read)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
