"""How the main screens look, at 80x24 and 120x40 (pytest-textual-snapshot).

Regenerate after a deliberate change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and look at the SVGs under ``tests/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytest_textual_snapshot")

from fakes_tui import FakeStylist  # noqa: E402
from stylist.tui.app import create_app  # noqa: E402
from tui_helpers import send, settle  # noqa: E402

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def build(tmp_path: Path):
    return create_app(FakeStylist(tmp_path / "images"), graphics="halfcell")


async def _converse(pilot) -> None:
    await settle(pilot)
    await send(pilot, "summer wedding, earthy colours, budget 200")
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_chat_welcome(snap_compare, tmp_path: Path, size) -> None:
    assert snap_compare(build(tmp_path), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_chat_after_a_turn(snap_compare, tmp_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await _converse(pilot)
        trace = pilot.app.chat.query_one("ToolTrace")
        trace.collapsed = False
        trace.scroll_visible(animate=False, top=True)
        await pilot.pause()

    assert snap_compare(build(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_profile_screen(snap_compare, tmp_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await _converse(pilot)
        pilot.app.chat.query("GarmentCard").first().focus()
        await pilot.press("l")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.press("ctrl+o")
        await settle(pilot)

    assert snap_compare(build(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_trends_screen(snap_compare, tmp_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(build(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_history_screen(snap_compare, tmp_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await _converse(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)

    assert snap_compare(build(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, tmp_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(build(tmp_path), terminal_size=size, run_before=run_before)
