"""The pixel method for a garment's colour, measured against the learned colour head.

The garment region is the foreground mask (pixels far from the border's colour) without
skin-toned pixels, or any pixel weighting given (e.g. the colour head's learned "where" weights);
its largest weighted k-means cluster in CIELAB is the garment's colour. The cluster is named by
the nearest colour *prototype*: the median dominant-cluster colour of each catalogue colour over
the training photos, so the names are the catalogue's own (``PixelNamer.fit``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from PIL import Image

from stylist.tools.recognise.colours import _kmeans, rgb_to_lab
from stylist.tools.recognise.preprocess import colour_weights, find_foreground

MAX_PIXELS = 3000


def skin_mask(img: Image.Image) -> np.ndarray:
    """Skin-toned pixels (a YCbCr box, the usual cheap rule): arms, faces and hands in worn photos."""
    ycc = np.asarray(img.convert("YCbCr"), dtype=np.int32)
    cb, cr = ycc[..., 1], ycc[..., 2]
    return (cb >= 77) & (cb <= 127) & (cr >= 133) & (cr <= 173)


def garment_weights(img: Image.Image) -> np.ndarray:
    """HxW weights: the foreground without its rim and without skin (zeros: nothing found)."""
    fg = find_foreground(img)
    if fg.empty:
        return np.zeros(img.size[::-1], np.float32)
    weights = colour_weights(fg) * ~skin_mask(img)
    return weights if weights.sum() > 0 else colour_weights(fg)


def dominant_lab(img: Image.Image, weights: np.ndarray, k: int = 4) -> np.ndarray | None:
    """The CIELAB centre of the largest weighted colour cluster (None: no weighted pixel)."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.float64).reshape(-1, 3)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    keep = np.nonzero(w > 0)[0]
    if keep.size == 0:
        return None
    if keep.size > MAX_PIXELS:
        keep = np.random.default_rng(0).choice(keep, MAX_PIXELS, replace=False, p=w[keep] / w[keep].sum())
        pw = np.ones(keep.size)
    else:
        pw = w[keep]
    lab = rgb_to_lab(rgb[keep])
    centres, assign = _kmeans(lab, pw, k)
    mass = np.bincount(assign, weights=pw, minlength=len(centres))
    return centres[int(mass.argmax())]


class PixelNamer:
    """Names a Lab colour by the nearest prototype of the catalogue's colour names."""

    def __init__(self, names: list[str], prototypes: np.ndarray) -> None:
        self.names, self.prototypes = names, np.asarray(prototypes, dtype=np.float64)

    @classmethod
    def fit(cls, labs: Sequence[np.ndarray | None], labels: Sequence[str], min_count: int = 3) -> PixelNamer:
        """Prototypes: the median dominant colour of each label's training photos."""
        groups: dict[str, list[np.ndarray]] = defaultdict(list)
        for lab, label in zip(labs, labels):
            if lab is not None and label:
                groups[label].append(lab)
        names = sorted(n for n, v in groups.items() if len(v) >= min_count)
        if not names:
            raise ValueError("no colour has enough training photos for a prototype")
        return cls(names, np.stack([np.median(np.stack(groups[n]), axis=0) for n in names]))

    def name(self, lab: np.ndarray | None) -> str | None:
        if lab is None:
            return None
        return self.names[int(np.linalg.norm(self.prototypes - lab, axis=1).argmin())]
