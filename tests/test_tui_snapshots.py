"""How the main screens look, at 80x24 and 120x40 (pytest-textual-snapshot).

Regenerate after a deliberate change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and look at the SVGs under ``tests/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytest_textual_snapshot")

from tui_helpers import send, settle  # noqa: E402

from stylist.tui.app import create_app  # noqa: E402
from tests.fakes.tui import FakeStylist  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata:DeprecationWarning")
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def snap(snap_compare, tmp_path: Path, size, steps=None) -> bool:
    """Run ``steps`` on the app built on the fake, then compare the screen with the snapshot."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        if steps is not None:
            await steps(pilot)
        # A blinking cursor would make the picture depend on timing.
        for screen in pilot.app.screen_stack:
            for widget in screen.query("Input"):
                widget.cursor_blink = False
        pilot.app.clear_notifications()
        await settle(pilot)

    app = create_app(FakeStylist(tmp_path / "images"), graphics="halfcell")
    return snap_compare(app, terminal_size=size, run_before=run_before)


async def converse(pilot) -> None:
    await send(pilot, "summer wedding, earthy colours, budget 200")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_chat_welcome(snap_compare, tmp_path: Path, size) -> None:
    assert snap(snap_compare, tmp_path, size)


@pytest.mark.parametrize("size", SIZES)
def test_chat_after_a_turn(snap_compare, tmp_path: Path, size) -> None:
    async def steps(pilot) -> None:
        await converse(pilot)
        trace = pilot.app.chat.query_one("ToolTrace")
        trace.collapsed = False
        await settle(pilot)
        # From the top (the user's message and the open trace), not wherever the anchor left it.
        conversation = pilot.app.chat.query_one("#conversation")
        conversation.anchor(False)
        conversation.scroll_home(animate=False, immediate=True)

    assert snap(snap_compare, tmp_path, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_profile_screen(snap_compare, tmp_path: Path, size) -> None:
    async def steps(pilot) -> None:
        await converse(pilot)
        pilot.app.chat.query("GarmentCard").first().focus()
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)

    assert snap(snap_compare, tmp_path, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_trends_screen(snap_compare, tmp_path: Path, size) -> None:
    async def steps(pilot) -> None:
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap(snap_compare, tmp_path, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_history_screen(snap_compare, tmp_path: Path, size) -> None:
    async def steps(pilot) -> None:
        await converse(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)

    assert snap(snap_compare, tmp_path, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, tmp_path: Path, size) -> None:
    async def steps(pilot) -> None:
        await pilot.press("f1")
        await pilot.pause()

    assert snap(snap_compare, tmp_path, size, steps)
