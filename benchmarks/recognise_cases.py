"""Pictures for the recogniser benchmark's hard cases, built from demo renders (seeded, reproducible).

Each case yields ``(picture, truth)``: ``truth.expected`` is the set of statuses that are a right
answer, ``truth.present`` the article types in the picture (a confident label naming none of
them is a *confident wrong* answer), ``truth.main`` the article a confident label should name
when one is acceptable. ``photo_like`` turns a clean render into something closer to a phone
photo (textured backdrop, lighting gradient, cast shadow, sensor noise, JPEG).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter

from stylist.index.schema import Garment

ACCESSORIES = {"Earrings", "Necklace", "Bracelet", "Watch", "Sunglasses", "Belt"}
PAIRED = {"Earrings", "Sneakers", "Boots", "Heels", "Sandals", "Loafers", "Sunglasses"}
WEARABLE = {
    "T-Shirt",
    "Shirt",
    "Blouse",
    "Sweater",
    "Hoodie",
    "Trousers",
    "Jeans",
    "Skirt",
    "Shorts",
    "Dress",
    "Jumpsuit",
    "Coat",
    "Jacket",
    "Blazer",
}


@dataclass
class Truth:
    expected: set[str]
    present: set[str]
    main: str | None = None
    notes: dict = field(default_factory=dict)


def garment_mask(img: Image.Image, threshold: int = 12) -> np.ndarray:
    """Pixels of a clean render that are not the white background."""
    return (255 - np.asarray(img.convert("RGB"), dtype=np.int16)).max(axis=2) > threshold


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1


def compose(parts: list[tuple[Image.Image, int, int]], size: tuple[int, int]) -> Image.Image:
    """Paste renders (only their garment pixels, later ones on top) onto a white canvas."""
    canvas = Image.new("RGB", size, (255, 255, 255))
    for img, x, y in parts:
        canvas.paste(img, (x, y), Image.fromarray((garment_mask(img) * 255).astype(np.uint8)))
    return canvas


def side_by_side(a: Image.Image, b: Image.Image, gap: int) -> Image.Image:
    """``b`` to the right of ``a``: ``gap`` pixels between their silhouettes (negative: overlap)."""
    _, _, _, ax1 = _bbox(garment_mask(a))
    _, _, bx0, _ = _bbox(garment_mask(b))
    x = ax1 + gap - bx0
    width = max(a.width, x + b.width)
    return compose([(a, 0, 0), (b, x, 0)], (width, max(a.height, b.height)))


def small(img: Image.Image, scale: float) -> Image.Image:
    m = garment_mask(img)
    y0, y1, x0, x1 = _bbox(m)
    crop = img.crop((x0, y0, x1, y1))
    return crop.resize(
        (max(4, round(crop.width * scale)), max(4, round(crop.height * scale))), Image.Resampling.LANCZOS
    )


def backdrop(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A photo-like empty backdrop: a light surface colour, soft blotches, fine grain or weave."""
    base = rng.uniform(150, 235, 3) * rng.uniform(0.9, 1.0)
    blotch = Image.fromarray(rng.normal(128, 40, (h // 8 + 1, w // 8 + 1)).clip(0, 255).astype(np.uint8))
    blotch = np.asarray(blotch.resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32)[..., None] - 128
    yy, xx = np.mgrid[0:h, 0:w]
    kind = rng.integers(0, 3)
    if kind == 0:  # wood-ish grain
        grain = 6 * np.sin(xx / rng.uniform(2, 5) + 3 * np.sin(yy / 17.0))[..., None]
    elif kind == 1:  # fabric weave
        grain = 4 * (np.sin(xx * 1.3) * np.sin(yy * 1.3))[..., None]
    else:  # plaster
        grain = rng.normal(0, 4, (h, w, 1))
    return base + 0.12 * blotch + grain


def photo_like(
    img: Image.Image,
    rng: np.random.Generator,
    mask: np.ndarray | None = None,
    *,
    background: bool = True,
    jpeg: bool = True,
) -> Image.Image:
    """A clean render (garment on white) made photo-like: textured backdrop, cast shadow,
    lighting gradient over everything, sensor noise and JPEG compression."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.float32)
    h, w = rgb.shape[:2]
    m = garment_mask(img) if mask is None else mask
    out = rgb.copy()
    if background:
        bg = backdrop(rng, h, w)
        dx, dy = rng.integers(2, 6, 2)
        shadow = np.zeros((h, w), np.float32)
        shadow[dy:, dx:] = m[: h - dy, : w - dx]
        shadow = (
            np.asarray(
                Image.fromarray((shadow * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(3)),
                np.float32,
            )
            / 255
        )
        bg = bg * (1 - 0.35 * shadow[..., None])
        out = np.where(m[..., None], rgb, bg)
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    angle = rng.uniform(0, 2 * np.pi)
    light = 1 + rng.uniform(0.1, 0.25) * ((np.cos(angle) * (xx - 0.5) + np.sin(angle) * (yy - 0.5)) * 2)
    out = out * light[..., None] * rng.uniform(0.85, 1.05)
    out = out + rng.normal(0, rng.uniform(2, 5), out.shape)
    picture = Image.fromarray(out.clip(0, 255).astype(np.uint8))
    if jpeg:
        buf = io.BytesIO()
        picture.save(buf, format="JPEG", quality=int(rng.integers(55, 86)))
        picture = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return picture


def cases(
    garments: list[Garment], render, n: int = 40, seed: int = 7
) -> Iterator[tuple[str, Image.Image, Truth]]:  # noqa: ANN001
    """Every hard case, ``n`` pictures each (fewer where the catalogue lacks the garments)."""
    rng = np.random.default_rng(seed)
    wearable = [g for g in garments if g.article_type in WEARABLE]
    accessories = [g for g in garments if g.article_type in ACCESSORIES - {"Sunglasses", "Belt"}]
    singles = [g for g in garments if g.article_type not in PAIRED]
    pics = {g.id: render(g) for g in wearable[: 4 * n] + accessories[:n]}

    def pic(g: Garment) -> Image.Image:
        return pics[g.id] if g.id in pics else render(g)

    for i in range(n):
        base = rng.integers(60, 256, 3).astype(float)
        noise = rng.normal(0, 1 + (i % 4) * 2, (128, 128, 3))
        yield (
            "plain background",
            Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8)),
            Truth({"no_garment"}, set()),
        )
    for _ in range(n):
        yield (
            "photo-like empty backdrop",
            photo_like(Image.new("RGB", (160, 160), (255, 255, 255)), rng),
            Truth({"no_garment"}, set()),
        )
    for a, b in zip(garments[0::2][:n], garments[1::2][:n]):
        canvas = compose([(render(a), 0, 0), (render(b), 144, 0)], (272, 128))
        yield (
            "two different garments apart",
            canvas,
            Truth({"several_garments"}, {a.article_type, b.article_type}),
        )
    rest = garments[2 * n :]
    for a, b in zip(rest[0::2][:n], rest[1::2][:n]):
        yield (
            "two different touching",
            side_by_side(render(a), render(b), -1),
            Truth({"several_garments"}, {a.article_type, b.article_type}),
        )
    for g in wearable[:n]:
        yield (
            "two identical apart",
            side_by_side(pic(g), pic(g), 12),
            Truth({"several_garments"}, {g.article_type}),
        )
    for g in wearable[n : 2 * n]:
        yield (
            "two identical touching",
            side_by_side(pic(g), pic(g), -1),
            Truth({"several_garments"}, {g.article_type}),
        )
    for g in wearable[2 * n : 3 * n]:
        mask = garment_mask(pic(g))
        width = _bbox(mask)[3] - _bbox(mask)[2]
        yield (
            "two identical overlapping 10%",
            side_by_side(pic(g), pic(g), -int(0.1 * width)),
            Truth({"several_garments"}, {g.article_type}),
        )
    for g, acc in zip(wearable[3 * n : 4 * n], accessories * n):
        canvas = side_by_side(pic(g), small(pic(acc), 0.35), 6)
        yield (
            "garment + small accessory",
            canvas,
            Truth({"ok", "several_garments"}, {g.article_type, acc.article_type}, main=g.article_type),
        )
    for g in singles[:n]:
        img = pic(g)
        y0, y1, x0, x1 = _bbox(garment_mask(img))
        crop = img.crop((x0, y0, x1, y1))
        canvas = Image.new("RGB", (224, 224), (255, 255, 255))
        canvas.paste(crop, (int(rng.integers(0, 224 - crop.width)), int(rng.integers(0, 224 - crop.height))))
        yield "off-centre single", canvas, Truth({"ok"}, {g.article_type}, main=g.article_type)
    for g in singles[n : 2 * n]:
        yield (
            "single on photo-like backdrop",
            photo_like(pic(g), rng),
            Truth({"ok", "unsure"}, {g.article_type}, main=g.article_type),
        )
