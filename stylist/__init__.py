"""Stylist: a conversational stylist agent over a real garment catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Stylist", "__version__"]

if TYPE_CHECKING:
    from stylist.facade import Stylist


def __getattr__(name: str) -> Any:
    # Lazy, so `import stylist` (and `stylist --help`) stays fast.
    if name == "Stylist":
        from stylist.facade import Stylist

        return Stylist
    raise AttributeError(f"module 'stylist' has no attribute {name!r}")
