"""128x128 pictures of demo garments: a silhouette per article type, filled with the garment's
colour and pattern on a white background, with small per-item variation (size, position, sleeve
and hem length). A pure function of the garment, so the same garment always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from stylist.index.demo.shapes import SHAPES as SHAPES
from stylist.index.demo.shapes import SIZE, Pen
from stylist.index.demo.tables import COLOURS
from stylist.index.schema import Garment

WHITE = (255, 255, 255)

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
