"""Main colours of a garment from its pixels: weighted k-means in CIELAB, named from a table.

The names are the catalogue's canonical colour vocabulary (``stylist.fashion.vocabulary``): the demo
palette's 30-odd names first, plus the CSS3 colours (from ``webcolors``) whose names the lexicon
knows and that are not near-duplicates of a palette colour. Shares are fractions of garment
pixels, after merging clusters that get the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import webcolors
from PIL import Image

from stylist.fashion.terms import canonical_colour
from stylist.fashion.vocabulary import vocabulary
from stylist.index.demo.spec import COLOURS

MIN_SHARE = 0.08  # clusters smaller than this (outlines, shadows, specks) are not "main" colours
MAX_PIXELS = 4000
DISTINCT_DELTA_E = 10.0


@dataclass(frozen=True)
class NamedColour:
    name: str
    share: float
    rgb: tuple[int, int, int]
    hex: str


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (…x3, 0-255) → CIELAB (D65)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1
    )


@lru_cache(maxsize=1)
def palette() -> tuple[tuple[str, ...], np.ndarray]:
    """(names, Lab array) of every colour we can name."""
    names = list(COLOURS)
    rgbs = [COLOURS[n] for n in names]
    base_lab = rgb_to_lab(np.array(rgbs))
    canonical = set(vocabulary().colours)
    squashed = {c.replace(" ", ""): c for c in canonical}
    for css in webcolors.names("css3"):
        name = squashed.get(css) or canonical_colour(css)
        if name not in canonical or name in names:
            continue
        rgb = tuple(webcolors.name_to_rgb(css))
        if np.linalg.norm(base_lab - rgb_to_lab(np.array(rgb)), axis=1).min() < DISTINCT_DELTA_E:
            continue
        names.append(name)
        rgbs.append(rgb)
    return tuple(names), rgb_to_lab(np.array(rgbs))


def name_colour(lab: np.ndarray) -> str:
    names, table = palette()
    return names[int(np.linalg.norm(table - lab, axis=1).argmin())]


def _kmeans(
    x: np.ndarray, w: np.ndarray, k: int, iterations: int = 12, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted k-means (k-means++ start); returns (centres, assignment)."""
    rng = np.random.default_rng(seed)
    k = min(k, len(x))
    centres = [x[rng.choice(len(x), p=w / w.sum())]]
    for _ in range(1, k):
        d = np.min([((x - c) ** 2).sum(1) for c in centres], axis=0) * w
        if d.sum() <= 0:
            break
        centres.append(x[rng.choice(len(x), p=d / d.sum())])
    c = np.array(centres)
    for _ in range(iterations):
        assign = ((x[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
        for j in range(len(c)):
            sel = assign == j
            if sel.any():
                c[j] = np.average(x[sel], axis=0, weights=w[sel])
    assign = ((x[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
    return c, assign


def main_colours(
    image: Image.Image, weights: np.ndarray, k: int = 5, min_share: float = MIN_SHARE
) -> list[NamedColour]:
    """Named main colours of the pixels, weighted by ``weights`` (HxW: the garment mask, or a
    centre weighting for cluttered photos), largest share first."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64).reshape(-1, 3)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    keep = np.nonzero(w > 0)[0]
    if keep.size == 0:
        return []
    if keep.size > MAX_PIXELS:
        keep = np.random.default_rng(0).choice(keep, MAX_PIXELS, replace=False)
    px, pw = rgb[keep], w[keep]
    lab = rgb_to_lab(px)
    centres, assign = _kmeans(lab, pw, k)
    total = pw.sum()
    merged: dict[str, list[float]] = {}
    for j in range(len(centres)):
        sel = assign == j
        if not sel.any():
            continue
        name = name_colour(centres[j])
        share = float(pw[sel].sum() / total)
        acc = merged.setdefault(name, [0.0, 0.0, 0.0, 0.0])
        acc[0] += share
        acc[1:] = [a + share * v for a, v in zip(acc[1:], np.average(px[sel], axis=0, weights=pw[sel]))]
    out = []
    for name, (share, r, g, b) in merged.items():
        if share < min_share:
            continue
        rgb_t = tuple(int(round(v / share)) for v in (r, g, b))
        out.append(NamedColour(name=name, share=round(share, 3), rgb=rgb_t, hex=webcolors.rgb_to_hex(rgb_t)))  # type: ignore[arg-type]
    return sorted(out, key=lambda c: -c.share)


def hex_of(name: str) -> str:
    """A display colour for a colour name (the demo palette's, else CSS's, else grey)."""
    rgb = COLOURS.get(name)
    if rgb is not None:
        return webcolors.rgb_to_hex(tuple(rgb))  # type: ignore[arg-type]
    try:
        return webcolors.name_to_hex(name.replace(" ", ""))
    except ValueError:
        return "#808080"
