"""The user's sizes in outfit assembly: garments in the user's size first, when the catalogue says.

A profile keeps sizes per garment category (``stylist profile set --size top=M --size shoes=42``;
keys such as ``top``, ``bottom``, ``dress``, ``outerwear``, ``shoes`` or ``general`` for any
clothing). A catalogue says which sizes a garment comes in with a ``sizes`` (or ``size``) column,
kept in the garment's ``attributes`` ("S|M|L", "38, 39, 40"). The demo and Kaggle catalogues have
none: then the outfit's notes say the sizes could not be checked; no size is ever invented.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from stylist.index.schema import Garment, Slot

#: The profile's size keys that answer for each slot, most specific first.
SLOT_KEYS: dict[Slot, tuple[str, ...]] = {
    Slot.TOP: ("top", "general"),
    Slot.BOTTOM: ("bottom", "waist", "general"),
    Slot.DRESS: ("dress", "general"),
    Slot.OUTERWEAR: ("outerwear", "top", "general"),
    Slot.SHOES: ("shoes",),
}
_SPLIT = re.compile(r"\s*[|,;/]\s*")
_LETTERS = {"small": "s", "medium": "m", "large": "l", "extra large": "xl", "x-large": "xl"}


def _canon(size: str) -> str:
    s = " ".join(size.strip().lower().split())
    s = _LETTERS.get(s, s)
    return s.replace(",", ".").removesuffix(".0")


def garment_sizes(g: Garment) -> list[str] | None:
    """The sizes the catalogue lists for ``g`` (canonical, lower case), or ``None`` when it lists none."""
    raw = g.attributes.get("sizes") or g.attributes.get("size")
    if not raw:
        return None
    sizes = [_canon(s) for s in _SPLIT.split(raw) if s.strip()]
    return sizes or None


def wanted_size(sizes: Mapping[str, str], slot: Slot) -> tuple[str, str] | None:
    """``(profile key, size)`` the user wears in ``slot``, or ``None`` (bags and the like have none)."""
    for key in SLOT_KEYS.get(slot, ()):
        if sizes.get(key):
            return key, sizes[key]
    return None


def in_size(g: Garment, size: str) -> bool | None:
    """Whether ``g`` comes in ``size`` (``None``: the catalogue does not say)."""
    listed = garment_sizes(g)
    return None if listed is None else _canon(size) in listed


def prefer_in_size(
    slot: Slot, hits: Sequence[tuple[Garment, float]], sizes: Mapping[str, str], notes: list[str]
) -> list[tuple[Garment, float]]:
    """``hits`` with the garments that do not come in the user's size left out (when any does), and
    those whose size is unknown after the ones in size; the notes say what could not be honoured."""
    want = wanted_size(sizes, slot)
    if want is None or not hits:
        return list(hits)
    key, size = want
    known = {g.id: in_size(g, size) for g, _ in hits}
    fits = [(g, s) for g, s in hits if known[g.id]]
    unknown = [(g, s) for g, s in hits if known[g.id] is None]
    if not fits:
        if unknown and len(unknown) == len(hits):
            return list(hits)  # the catalogue says nothing about sizes here: noted once by the build
        notes.append(f"{slot.value}: none of these comes in your size {size} ({key}); check before buying")
        return list(hits)
    return fits + unknown


def sizes_note(sizes: Mapping[str, str], garments: Sequence[Garment]) -> str | None:
    """The note for a user with sizes when none of ``garments`` lists its sizes."""
    asked = [f"{k} {v}" for k, v in sizes.items() if v]
    if not asked or any(garment_sizes(g) is not None for g in garments):
        return None
    return (
        "the catalogue lists no sizes, so your sizes (" + ", ".join(asked) + ") could not be checked; "
        "check the size before buying"
    )
