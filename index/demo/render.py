"""128x128 pictures of demo garments: a silhouette per article type, filled with the garment's
colour and pattern on a white background, with small per-item variation (size, position, sleeve
and hem length). A pure function of the garment, so the same garment always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from stylist.index.demo.spec import COLOURS
from stylist.index.schema import Garment

SIZE = 128
WHITE = (255, 255, 255)
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

# --- fills ----------------------------------------------------------------------------------

_YY, _XX = np.mgrid[0:SIZE, 0:SIZE]


def _mix(a: Sequence[int], b: Sequence[int], t: float) -> tuple[int, int, int]:
    return tuple(int(round(x * (1 - t) + y * t)) for x, y in zip(a, b))  # type: ignore[return-value]


def _second(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """A contrast shade of the same colour: lighter for dark colours, darker for light ones."""
    luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return _mix(rgb, (255, 255, 255), 0.55) if luma < 128 else _mix(rgb, (0, 0, 0), 0.4)


def texture(
    pattern: str | None, base: tuple[int, int, int], other: tuple[int, int, int], rng: random.Random
) -> np.ndarray:
    """A SIZE x SIZE x 3 uint8 fill of ``pattern`` in ``base`` with ``other`` as the second colour."""
    out = np.empty((SIZE, SIZE, 3), dtype=np.uint8)
    out[:] = base
    step = rng.choice((8, 10, 12))
    if pattern == "striped":
        sel = (_YY // (step // 2)) % 2 == 1 if rng.random() < 0.7 else (_XX // (step // 2)) % 2 == 1
        out[sel] = other
    elif pattern == "checked":
        out[((_YY // step) + (_XX // step)) % 2 == 1] = other
    elif pattern == "plaid":
        period = step * 2
        band = ((_XX % period) < step // 2) | ((_YY % period) < step // 2)
        out[band] = _mix(base, other, 0.6)
        out[((_XX % period) < step // 2) & ((_YY % period) < step // 2)] = other
        thin = ((_XX % period) == period - 3) | ((_YY % period) == period - 3)
        out[thin] = _mix(base, (250, 250, 250) if sum(base) < 380 else (20, 20, 20), 0.5)
    elif pattern == "polka dot":
        r = step * 0.22
        sx, sy = (_XX + ((_YY // step) % 2) * step // 2) % step - step / 2, _YY % step - step / 2
        out[sx * sx + sy * sy <= r * r] = other
    elif pattern == "floral":
        image = Image.fromarray(out)
        draw = ImageDraw.Draw(image)
        centre = _mix(other, (255, 230, 120), 0.6)
        for _ in range(80):
            x, y, r = rng.uniform(0, SIZE), rng.uniform(0, SIZE), rng.uniform(2.5, 4.5)
            for k in range(5):
                angle = k * 2 * np.pi / 5
                px, py = x + np.cos(angle) * r, y + np.sin(angle) * r
                draw.ellipse((px - r * 0.7, py - r * 0.7, px + r * 0.7, py + r * 0.7), fill=other)
            draw.ellipse((x - r * 0.45, y - r * 0.45, x + r * 0.45, y + r * 0.45), fill=centre)
        out = np.asarray(image).copy()
    return out


#: Words in an article type → silhouette, for garments that do not come from the demo generator.
#: Checked in order, so "sweatshirt" is a sweater before "shirt" is a shirt.
_SHAPE_WORDS: tuple[tuple[str, str], ...] = (
    ("key chain", ""),
    ("handbag", "handbag"),
    ("salwar", "trousers"),
    ("patiala", "trousers"),
    ("churidar", "trousers"),
    ("jegging", "jeans"),
    ("lehenga", "dress"),
    ("shrug", "sweater"),
    ("tracksuit", "hoodie"),
    ("pouch", "handbag"),
    ("sunglass", "sunglasses"),
    ("eyewear", "sunglasses"),
    ("watch", "watch"),
    ("earring", "earrings"),
    ("necklace", "necklace"),
    ("pendant", "necklace"),
    ("chain", "necklace"),
    ("bracelet", "bracelet"),
    ("bangle", "bracelet"),
    ("backpack", "backpack"),
    ("rucksack", "backpack"),
    ("belt", "belt"),
    ("hoodie", "hoodie"),
    ("sweatshirt", "sweater"),
    ("sweater", "sweater"),
    ("cardigan", "sweater"),
    ("jumper", "sweater"),
    ("pullover", "sweater"),
    ("jumpsuit", "jumpsuit"),
    ("romper", "jumpsuit"),
    ("playsuit", "jumpsuit"),
    ("overall", "jumpsuit"),
    ("dress", "dress"),
    ("gown", "dress"),
    ("saree", "dress"),
    ("sneaker", "sneakers"),
    ("trainer", "sneakers"),
    ("sports shoe", "sneakers"),
    ("casual shoe", "sneakers"),
    ("boot", "boots"),
    ("heel", "heels"),
    ("pump", "heels"),
    ("sandal", "sandals"),
    ("flip flop", "sandals"),
    ("loafer", "loafers"),
    ("formal shoe", "loafers"),
    ("oxford", "loafers"),
    ("flats", "loafers"),
    ("shoe", "sneakers"),
    ("blazer", "blazer"),
    ("waistcoat", "blazer"),
    ("coat", "coat"),
    ("parka", "coat"),
    ("jacket", "jacket"),
    ("jean", "jeans"),
    ("short", "shorts"),
    ("skirt", "skirt"),
    ("trouser", "trousers"),
    ("pant", "trousers"),
    ("capri", "trousers"),
    ("chino", "trousers"),
    ("legging", "trousers"),
    ("blouse", "blouse"),
    ("tunic", "blouse"),
    ("kurti", "blouse"),
    ("top", "blouse"),
    ("tee", "tshirt"),
    ("t shirt", "tshirt"),
    ("tshirt", "tshirt"),
    ("shirt", "shirt"),
    ("kurta", "shirt"),
    ("scarf", "scarf"),
    ("scarves", "scarf"),
    ("stole", "scarf"),
    ("muffler", "scarf"),
    ("dupatta", "scarf"),
    ("hat", "hat"),
    ("cap", "hat"),
    ("bag", "handbag"),
    ("clutch", "handbag"),
    ("tote", "handbag"),
    ("purse", "handbag"),
    ("wallet", "handbag"),
)


def shape_for(garment: Garment) -> str | None:
    """The silhouette for a garment: the demo's own ``shape`` attribute, else one read from the
    article type ("Casual Shoes" → sneakers); ``None`` when no silhouette fits."""
    shape = garment.attributes.get("shape")
    if shape in SHAPES:
        return shape
    text = garment.article_type.lower().replace("-", " ")
    return next((shape for word, shape in _SHAPE_WORDS if re.search(r"\b" + word, text)), None) or None


def render(garment: Garment) -> Image.Image:
    """The garment's picture: silhouette of its shape, its colours and pattern, on white.

    Works for any garment whose article type has a silhouette (see ``shape_for``); colours
    outside the demo palette are drawn grey. Raises ``KeyError`` when no silhouette fits.
    """
    shape = shape_for(garment)
    draw_shape = SHAPES.get(shape) if shape else None
    if draw_shape is None:
        raise KeyError(f"no silhouette for article type {garment.article_type!r}")
    seed = int.from_bytes(hashlib.blake2b(garment.id.encode(), digest_size=8).digest(), "little")
    rng = random.Random(seed)
    pen = Pen(scale=rng.uniform(0.86, 1.0), dx=rng.uniform(-4, 4), dy=rng.uniform(-3, 3))
    variants = {k: v for k, v in garment.attributes.items() if k in ("sleeve", "length", "fit", "height")}
    draw_shape(pen, variants, rng)

    base = COLOURS.get(garment.colours[0], (128, 128, 128)) if garment.colours else (128, 128, 128)
    other = COLOURS.get(garment.colours[1], _second(base)) if len(garment.colours) > 1 else _second(base)
    fill = texture(garment.pattern, base, other, rng)
    # a soft left-to-right light falloff, so the fill reads as cloth rather than a flat sticker
    shade = (1.04 - 0.1 * (_XX / SIZE))[..., None]
    fill = np.clip(fill * shade, 0, 255).astype(np.uint8)

    canvas = Image.new("RGB", (SIZE, SIZE), WHITE)
    canvas.paste(Image.fromarray(fill), (0, 0), pen.mask)
    accent = (60, 60, 64) if garment.article_type.lower() in ("sunglasses",) else (235, 235, 230)
    if garment.slot.value == "shoes" or shape in ("belt", "hat", "handbag"):
        accent = _mix(base, (255, 255, 255), 0.8) if shape == "sneakers" else _second(base)
    canvas.paste(accent, (0, 0), pen.accent)
    outline = _mix(base, (0, 0, 0), 0.55)
    edges = pen.mask.filter(ImageFilter.FIND_EDGES)
    canvas.paste(outline, (0, 0), edges)
    canvas.paste(outline, (0, 0), pen.ink)
    return canvas


def save_png(image: Image.Image, path) -> None:
    """PNG without metadata, so the bytes depend only on the pixels."""
    image.save(path, format="PNG", optimize=False, compress_level=6)
