"""Silhouettes of the demo garments: a ``Pen`` that draws into masks through a small per-item
scale/shift, and one drawing function per article shape (``SHAPES``), on a 128x128 canvas.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw

SIZE = 128
Point = tuple[float, float]


class Pen:
    """Draws shapes into the fill mask (and detail lines into the ink mask) through a small
    scale/shift, so each garment's silhouette varies a little."""

    def __init__(self, scale: float, dx: float, dy: float) -> None:
        self.mask = Image.new("L", (SIZE, SIZE), 0)
        self.ink = Image.new("L", (SIZE, SIZE), 0)
        self.accent = Image.new("L", (SIZE, SIZE), 0)
        self._m, self._i, self._a = (
            ImageDraw.Draw(self.mask),
            ImageDraw.Draw(self.ink),
            ImageDraw.Draw(self.accent),
        )
        self.scale, self.dx, self.dy = scale, dx, dy

    def _p(self, pts: Sequence[Point]) -> list[Point]:
        c = SIZE / 2
        return [(c + (x - c) * self.scale + self.dx, c + (y - c) * self.scale + self.dy) for x, y in pts]

    def _box(self, box: Sequence[float]) -> list[float]:
        (x0, y0), (x1, y1) = self._p([(box[0], box[1]), (box[2], box[3])])
        return [x0, y0, x1, y1]

    def poly(self, pts: Sequence[Point], erase: bool = False) -> None:
        self._m.polygon(self._p(pts), fill=0 if erase else 255)

    def ellipse(self, box: Sequence[float], erase: bool = False) -> None:
        self._m.ellipse(self._box(box), fill=0 if erase else 255)

    def rect(self, box: Sequence[float], erase: bool = False, radius: float = 0) -> None:
        self._m.rounded_rectangle(self._box(box), radius=radius * self.scale, fill=0 if erase else 255)

    def line(self, pts: Sequence[Point], width: float = 1.5) -> None:
        self._i.line(self._p(pts), fill=255, width=max(1, round(width * self.scale)))

    def arc(
        self, box: Sequence[float], start: float, end: float, width: float = 2, fill_mask: bool = False
    ) -> None:
        draw = self._m if fill_mask else self._i
        draw.arc(self._box(box), start, end, fill=255, width=max(1, round(width * self.scale)))

    def dot(self, x: float, y: float, r: float = 1.5) -> None:
        self._i.ellipse(self._box((x - r, y - r, x + r, y + r)), fill=255)

    def accent_poly(self, pts: Sequence[Point]) -> None:
        """A part in a fixed contrast colour (soles, buckles, lenses, watch faces)."""
        self._a.polygon(self._p(pts), fill=255)

    def accent_ellipse(self, box: Sequence[float]) -> None:
        self._a.ellipse(self._box(box), fill=255)

    def accent_rect(self, box: Sequence[float]) -> None:
        self._a.rectangle(self._box(box), fill=255)


# --- silhouettes (coordinates on the 128 canvas; v holds the garment's variant words) ---------


def _sleeves(p: Pen, sleeve: str, top: float, left: float, right: float, rng: random.Random) -> None:
    if sleeve == "sleeveless":
        return
    drop = {"short": 22, "three-quarter": 44, "long": 62}.get(sleeve, 22)
    spread = 14 + rng.uniform(-2, 2)
    p.poly(
        [
            (left, top),
            (left - spread - drop * 0.25, top + drop),
            (left - spread - drop * 0.25 + 11, top + drop + 5),
            (left, top + 20),
        ]
    )
    p.poly(
        [
            (right, top),
            (right + spread + drop * 0.25, top + drop),
            (right + spread + drop * 0.25 - 11, top + drop + 5),
            (right, top + 20),
        ]
    )


def _torso(
    p: Pen, v: dict[str, str], rng: random.Random, *, bottom: float = 108, width: float = 44
) -> tuple[float, float]:
    fit = v.get("fit", "regular")
    width += {"slim": -4, "oversized": 8, "relaxed": 4}.get(fit, 0)
    left, right = 64 - width / 2, 64 + width / 2
    p.poly(
        [
            (left + 6, 26),
            (56, 30),
            (72, 30),
            (right - 6, 26),
            (right, 34),
            (right, bottom),
            (left, bottom),
            (left, 34),
        ]
    )
    return left, right


def tshirt(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    left, right = _torso(p, v, rng)
    _sleeves(p, v.get("sleeve", "short"), 34, left, right, rng)
    p.ellipse((55, 20, 73, 36), erase=True)


def shirt(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    left, right = _torso(p, v, rng, bottom=110)
    _sleeves(p, v.get("sleeve", "long"), 34, left, right, rng)
    p.poly([(57, 26), (64, 40), (71, 26)], erase=True)
    p.line([(57, 26), (64, 40), (71, 26)])
    p.line([(64, 40), (64, 110)], 1)
    for y in range(48, 108, 12):
        p.dot(66, y, 1.3)


def blouse(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    left, right = _torso(p, {"fit": "relaxed"}, rng, bottom=104, width=42)
    _sleeves(p, v.get("sleeve", "long"), 34, left - 2, right + 2, rng)
    p.poly([(56, 28), (64, 46), (72, 28)], erase=True)
    p.line([(left, 96), (right, 96)], 1)


def sweater(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    left, right = _torso(p, v, rng, bottom=106)
    _sleeves(p, "long", 34, left, right, rng)
    p.ellipse((56, 22, 72, 34), erase=True)
    p.line([(left + 1, 100), (right - 1, 100)], 1.5)


def hoodie(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    left, right = _torso(p, v, rng, bottom=108)
    _sleeves(p, "long", 34, left, right, rng)
    p.ellipse((50, 10, 78, 40))
    p.ellipse((56, 16, 72, 34), erase=True)
    p.line([(52, 80), (76, 80), (80, 96), (48, 96), (52, 80)], 1.2)


def _legs(p: Pen, v: dict[str, str], rng: random.Random, *, hem: float) -> None:
    fit = v.get("fit", "straight")
    flare = {"wide-leg": 12, "skinny": -6, "slim": -3}.get(fit, 0)
    p.poly([(44, 18), (84, 18), (86 + flare, hem), (67, hem), (64, 52), (61, hem), (42 - flare, hem)])


def trousers(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    _legs(p, v, rng, hem=116)
    p.line([(44, 24), (84, 24)], 1)
    p.line([(54, 30), (54 - 2, 112)], 1)
    p.line([(74, 30), (76, 112)], 1)


def jeans(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    _legs(p, v, rng, hem=116)
    p.line([(44, 24), (84, 24)], 1)
    p.arc((42, 18, 58, 38), 0, 90, 1)
    p.arc((70, 18, 86, 38), 90, 180, 1)
    p.line([(64, 24), (64, 46)], 1)


def shorts(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.poly([(42, 30), (86, 30), (92, 76), (68, 78), (64, 58), (60, 78), (36, 76)])
    p.line([(42, 36), (86, 36)], 1)


def skirt(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    hem = {"mini": 72, "midi": 98, "maxi": 118}.get(v.get("length", "midi"), 98)
    spread = (hem - 24) * 0.32
    p.poly([(48, 24), (80, 24), (80 + spread, hem), (48 - spread, hem)])
    p.line([(48, 30), (80, 30)], 1)


def dress(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    hem = {"mini": 84, "midi": 104, "maxi": 120}.get(v.get("length", "midi"), 104)
    p.poly([(52, 14), (58, 22), (70, 22), (76, 14), (80, 26), (76, 58), (52, 58), (48, 26)])
    spread = (hem - 58) * 0.45
    p.poly([(52, 56), (76, 56), (78 + spread, hem), (50 - spread, hem)])
    sleeve = v.get("sleeve", "sleeveless")
    if sleeve != "sleeveless":
        _sleeves(p, sleeve, 20, 50, 78, rng)
    p.line([(52, 58), (76, 58)], 1.5)


def jumpsuit(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.poly([(50, 12), (58, 20), (70, 20), (78, 12), (82, 26), (80, 58), (48, 58), (46, 26)])
    p.poly([(48, 56), (80, 56), (90, 118), (68, 118), (64, 76), (60, 118), (38, 118)])
    p.line([(48, 58), (80, 58)], 2)


def _long_top(
    p: Pen, v: dict[str, str], rng: random.Random, *, bottom: float, lapels: bool, buttons: int
) -> None:
    p.poly([(44, 20), (56, 16), (72, 16), (84, 20), (88, 30), (88, bottom), (40, bottom), (40, 30)])
    _sleeves(p, "long", 28, 40, 88, rng)
    p.line([(64, 22), (64, bottom)], 1)
    if lapels:
        p.line([(56, 16), (62, 46), (64, 52)], 1.5)
        p.line([(72, 16), (66, 46), (64, 52)], 1.5)
    for k in range(buttons):
        p.dot(60, 56 + k * 12, 1.6)


def coat(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    _long_top(p, v, rng, bottom=120, lapels=True, buttons=4)


def jacket(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    _long_top(p, v, rng, bottom=92, lapels=False, buttons=0)
    p.line([(40, 86), (88, 86)], 1.5)
    p.line([(48, 50), (56, 50)], 1)
    p.line([(72, 50), (80, 50)], 1)


def blazer(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    _long_top(p, v, rng, bottom=100, lapels=True, buttons=2)
    p.line([(46, 80), (56, 80)], 1)
    p.line([(72, 80), (82, 80)], 1)


def _shoe(p: Pen, pts: list[Point], sole: float, *, sole_h: float = 6) -> None:
    p.poly(pts)
    xs = [x for x, _ in pts]
    p.accent_rect((min(xs), sole, max(xs), sole + sole_h))


def sneakers(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    _shoe(p, [(18, 86), (22, 62), (48, 58), (64, 66), (92, 72), (108, 80), (110, 86)], 86, sole_h=8)
    for x in range(40, 64, 7):
        p.line([(x, 62), (x + 6, 70)], 1.2)


def boots(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    top = 14 if v.get("height") == "knee-high" else 46
    _shoe(p, [(30, 92), (34, top), (62, top), (64, 70), (96, 80), (104, 92)], 92, sole_h=7)
    p.line([(34, top + 4), (62, top + 4)], 1)


def heels(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.poly(
        [
            (20, 70),
            (38, 62),
            (70, 78),
            (104, 84),
            (110, 92),
            (72, 92),
            (36, 80),
            (32, 104),
            (27, 104),
            (26, 78),
        ]
    )
    p.ellipse((44, 62, 74, 80), erase=True)


def sandals(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.accent_rect((16, 90, 112, 96))
    p.poly([(30, 90), (40, 70), (46, 70), (38, 90)])
    p.poly([(60, 90), (68, 74), (86, 74), (96, 90), (88, 90), (82, 80), (72, 80), (68, 90)])
    p.poly([(34, 80), (80, 80), (80, 84), (34, 84)])


def loafers(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    _shoe(p, [(18, 88), (22, 70), (50, 68), (70, 74), (100, 80), (110, 88)], 88, sole_h=5)
    p.line([(58, 74), (80, 78)], 2)


def handbag(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.poly([(30, 52), (98, 52), (108, 112), (20, 112)])
    p.arc((40, 18, 88, 80), 180, 360, 5, fill_mask=True)
    p.line([(30, 64), (98, 64)], 1)
    p.accent_rect((60, 60, 68, 68))


def backpack(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.rect((34, 28, 94, 116), radius=16)
    p.arc((52, 14, 76, 40), 180, 360, 4, fill_mask=True)
    p.line([(42, 76), (86, 76), (86, 106), (42, 106), (42, 76)], 1.3)
    p.line([(46, 84), (82, 84)], 1)


def hat(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.ellipse((12, 70, 116, 98))
    p.poly([(38, 84), (42, 44), (54, 36), (74, 36), (86, 44), (90, 84)])
    p.accent_rect((40, 72, 88, 78))


def scarf(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.poly(
        [
            (40, 12),
            (88, 12),
            (84, 40),
            (78, 112),
            (58, 112),
            (64, 40),
            (52, 56),
            (40, 104),
            (22, 104),
            (36, 40),
        ]
    )
    for x in range(58, 79, 4):
        p.line([(x, 112), (x, 120)], 1.2)
    for x in range(22, 41, 4):
        p.line([(x, 104), (x, 112)], 1.2)


def belt(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.rect((6, 54, 122, 72), radius=3)
    p.accent_rect((34, 50, 38, 76))
    p.accent_rect((22, 50, 38, 53))
    p.accent_rect((22, 73, 38, 76))
    p.accent_rect((22, 50, 25, 76))
    for x in range(60, 118, 10):
        p.dot(x, 63, 1.5)


def watch(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.rect((52, 4, 76, 124), radius=4)
    p.ellipse((38, 38, 90, 90))
    p.accent_ellipse((44, 44, 84, 84))
    p.line([(64, 64), (64, 50)], 2)
    p.line([(64, 64), (74, 68)], 2)


def sunglasses(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.rect((10, 46, 58, 84), radius=14)
    p.rect((70, 46, 118, 84), radius=14)
    p.rect((54, 50, 74, 56))
    p.accent_ellipse((16, 51, 52, 79))
    p.accent_ellipse((76, 51, 112, 79))


def necklace(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.arc((24, 4, 104, 96), 20, 160, 4, fill_mask=True)
    p.poly([(64, 92), (74, 104), (64, 118), (54, 104)])


def earrings(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    for cx in (40, 88):
        p.arc((cx - 6, 22, cx + 6, 36), 180, 360, 2, fill_mask=True)
        p.rect((cx - 2, 34, cx + 2, 56))
        p.ellipse((cx - 12, 54, cx + 12, 94))


def bracelet(p: Pen, v: dict[str, str], rng: random.Random) -> None:
    p.ellipse((20, 28, 108, 100))
    p.ellipse((32, 40, 96, 88), erase=True)


SHAPES: dict[str, Callable[[Pen, dict[str, str], random.Random], None]] = {
    f.__name__: f
    for f in (
        tshirt,
        shirt,
        blouse,
        sweater,
        hoodie,
        trousers,
        jeans,
        shorts,
        skirt,
        dress,
        jumpsuit,
        coat,
        jacket,
        blazer,
        sneakers,
        boots,
        heels,
        sandals,
        loafers,
        handbag,
        backpack,
        hat,
        scarf,
        belt,
        watch,
        sunglasses,
        necklace,
        earrings,
        bracelet,
    )
}
