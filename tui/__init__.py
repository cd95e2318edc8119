"""The Textual chat app (installed as ``stylist.tui``): ``create_app(stylist).run()``."""

from __future__ import annotations

from typing import Any


def create_app(stylist: Any, **kwargs: Any):
    """The app around ``stylist``; see :func:`stylist.tui.app.create_app`."""
    from stylist.tui.app import create_app as _create_app

    return _create_app(stylist, **kwargs)
