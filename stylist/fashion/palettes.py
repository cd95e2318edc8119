"""Palette words as regions of colour space: "warm", "cool", "light", "dark", "soft", "bright" ...

Each canonical colour's hex becomes CIELAB (sRGB, D65 white) lightness L*, chroma C* and hue angle h;
a palette of the vocabulary's ``[palettes]`` table is a band of L*, C* and h, so its colours follow
from colour science over the whole colour list, once, instead of a hand-written list per word.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from stylist.errors import VocabularyError

_WHITE = (0.95047, 1.0, 1.08883)  # D65 reference white (X, Y, Z)


class PaletteError(VocabularyError):
    """A palette rule or colour value the palette reader cannot use."""


@dataclass(frozen=True)
class Lab:
    """CIELAB lightness (0-100), chroma (0-~130) and hue angle (degrees, 0-360)."""

    lightness: float
    chroma: float
    hue: float


def hex_to_lab(value: str) -> Lab:
    """``"#c19a6b"`` -> its CIELAB L*, C*, h (sRGB companding undone, D65)."""
    h = value.strip().lstrip("#")
    if len(h) != 6 or any(c not in "0123456789abcdefABCDEF" for c in h):
        raise PaletteError(f"colour hex {value!r} is not of the form #rrggbb")
    srgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in srgb)
    xyz = (
        0.4124 * r + 0.3576 * g + 0.1805 * b,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        0.0193 * r + 0.1192 * g + 0.9505 * b,
    )

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, _WHITE))
    a, bb = 500 * (fx - fy), 200 * (fy - fz)
    return Lab(116 * fy - 16, math.hypot(a, bb), math.degrees(math.atan2(bb, a)) % 360)


@dataclass(frozen=True)
class PaletteRule:
    """A band of CIELAB space; a colour belongs when each given band holds it (ends included)."""

    name: str
    lightness: tuple[float, float] = (0.0, 100.0)
    chroma: tuple[float, float] = (0.0, 1000.0)
    hue: tuple[float, float] | None = None

    def holds(self, lab: Lab) -> bool:
        if not (self.lightness[0] <= lab.lightness <= self.lightness[1]):
            return False
        if not (self.chroma[0] <= lab.chroma <= self.chroma[1]):
            return False
        return self.hue is None or self.hue[0] <= lab.hue < self.hue[1]


def _band(entry: dict, key: str, name: str) -> tuple[float, float] | None:
    if key not in entry:
        return None
    value = entry[key]
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value)):
        raise PaletteError(f"palette {name!r}: {key} must be [low, high], got {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if lo > hi:
        raise PaletteError(f"palette {name!r}: {key} [{lo:g}, {hi:g}] runs backwards")
    return lo, hi


def parse_rule(name: str, entry: dict) -> PaletteRule:
    """One ``[palettes.NAME]`` table -> a rule; unknown keys and bad bands raise :class:`PaletteError`."""
    unknown = set(entry) - {"lightness", "chroma", "hue"}
    if unknown:
        raise PaletteError(f"palette {name!r} has unknown keys {sorted(unknown)}")
    return PaletteRule(
        name,
        _band(entry, "lightness", name) or (0.0, 100.0),
        _band(entry, "chroma", name) or (0.0, 1000.0),
        _band(entry, "hue", name),
    )


def palette_members(rule: PaletteRule, colours: Iterable[tuple[str, str | None]]) -> tuple[str, ...]:
    """The colours (``(name, hex)`` pairs; no hex: never a member) that ``rule``'s band holds."""
    return tuple(name for name, hex_ in colours if hex_ and rule.holds(hex_to_lab(hex_)))
