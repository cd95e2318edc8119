"""Training and evaluation data for the recogniser: Fashion-MNIST idx files and catalogue pictures.

Fashion-MNIST's ten classes are mapped onto the catalogue's article names, so one article head
serves both; its pictures carry no pattern label.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from stylist.index.loaders.fashion_mnist import (  # noqa: F401 (re-exported for the recogniser)
    FASHION_MNIST_ARTICLES,
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_DIR,
    fashion_mnist_available,
    load_fashion_mnist,
)
from stylist.index.schema import Garment
from stylist.tools.recognise.preprocess import (
    fashion_mnist_inputs,
    find_foreground,
    shape_input,
    texture_input,
)

log = logging.getLogger(__name__)

#: Fashion-MNIST class → the demo catalogue's article name for it.
FASHION_MNIST_TO_ARTICLE = FASHION_MNIST_ARTICLES


@dataclass
class Samples:
    """Model inputs and labels; a label of -1 means "not known" (no loss for it)."""

    shape: np.ndarray  # N x 28 x 28 float32
    texture: np.ndarray  # N x 3 x 48 x 48 float32 (zeros where unknown)
    article: np.ndarray  # N int64
    pattern: np.ndarray  # N int64
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.article)

    def take(self, idx: np.ndarray) -> Samples:
        return Samples(self.shape[idx], self.texture[idx], self.article[idx], self.pattern[idx])


def garment_samples(
    garments: Sequence[Garment],
    articles: Sequence[str],
    patterns: Sequence[str],
    picture: Callable[[Garment], Image.Image],
    progress: Callable[[int], None] | None = None,
) -> Samples:
    """Inputs for garments whose picture has one findable garment; others are counted in ``skipped``."""
    a_index = {a.lower(): i for i, a in enumerate(articles)}
    p_index = {p: i for i, p in enumerate(patterns)}
    shapes, textures, arts, pats, skipped = [], [], [], [], 0
    for g in garments:
        try:
            image = picture(g)
        except Exception as exc:  # an unreadable picture costs one sample, not the run
            log.debug("skipping %s: %s", g.id, exc)
            skipped += 1
            continue
        fg = find_foreground(image)
        if fg.empty:
            skipped += 1
            continue
        mask = fg.mask
        shapes.append(shape_input(image, mask))
        textures.append(texture_input(image, mask))
        arts.append(a_index.get(g.article_type.lower(), -1))
        pats.append(p_index.get((g.pattern or "").lower(), -1))
        if progress:
            progress(1)
    if not shapes:
        return Samples(
            np.zeros((0, 28, 28), np.float32),
            np.zeros((0, 3, 48, 48), np.float32),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            skipped,
        )
    return Samples(
        np.stack(shapes), np.stack(textures), np.asarray(arts, np.int64), np.asarray(pats, np.int64), skipped
    )


def fashion_mnist_samples(images: np.ndarray, labels: np.ndarray, articles: Sequence[str]) -> Samples:
    index = {a: i for i, a in enumerate(articles)}
    mapped = np.asarray([index[FASHION_MNIST_TO_ARTICLE[c]] for c in labels], np.int64)
    n = len(labels)
    return Samples(
        fashion_mnist_inputs(images), np.zeros((n, 3, 1, 1), np.float32), mapped, np.full(n, -1, np.int64)
    )
