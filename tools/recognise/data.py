"""Training and evaluation data for the recogniser: Fashion-MNIST idx files and catalogue pictures.

Fashion-MNIST's ten classes are mapped onto the catalogue's article names, so one article head
serves both; its pictures carry no pattern label.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from stylist.errors import CatalogueError
from stylist.index.schema import Garment
from stylist.tools.recognise.preprocess import find_foreground, shape_input, texture_input

log = logging.getLogger(__name__)

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
#: Fashion-MNIST class → the demo catalogue's article name for it.
FASHION_MNIST_TO_ARTICLE = ("T-Shirt", "Trousers", "Sweater", "Dress", "Coat", "Sandals", "Shirt", "Sneakers", "Handbag", "Boots")


def _read_idx(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if len(data) < 8 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise CatalogueError(f"{path} is not an unsigned-byte idx file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise CatalogueError(f"{path}: header says {shape} but holds {body.size} bytes")
    return body.reshape(shape)


def fashion_mnist_available(folder: str | Path = FASHION_MNIST_DIR) -> bool:
    folder = Path(folder)
    return all((folder / f"{s}-{k}-ubyte.gz").is_file() for s in ("train", "t10k") for k in ("images-idx3", "labels-idx1"))


def load_fashion_mnist(folder: str | Path = FASHION_MNIST_DIR, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 Nx28x28, labels int64 N) of the ``train`` or ``t10k`` split."""
    folder = Path(folder)
    images = folder / f"{split}-images-idx3-ubyte.gz"
    labels = folder / f"{split}-labels-idx1-ubyte.gz"
    for path in (images, labels):
        if not path.is_file():
            raise CatalogueError(f"Fashion-MNIST file {path} is missing",
                                 hint="install the Debian package dataset-fashion-mnist or pass --fashion-mnist DIR")
    x, y = _read_idx(images), _read_idx(labels).astype(np.int64)
    if x.ndim != 3 or x.shape[0] != y.shape[0]:
        raise CatalogueError(f"Fashion-MNIST {split}: {x.shape[0]} images but {y.shape[0]} labels")
    return x, y


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
        return Samples(np.zeros((0, 28, 28), np.float32), np.zeros((0, 3, 48, 48), np.float32),
                       np.zeros(0, np.int64), np.zeros(0, np.int64), skipped)
    return Samples(np.stack(shapes), np.stack(textures), np.asarray(arts, np.int64), np.asarray(pats, np.int64), skipped)


def fashion_mnist_samples(images: np.ndarray, labels: np.ndarray, articles: Sequence[str]) -> Samples:
    from stylist.tools.recognise.preprocess import fashion_mnist_inputs

    index = {a: i for i, a in enumerate(articles)}
    mapped = np.asarray([index[FASHION_MNIST_TO_ARTICLE[c]] for c in labels], np.int64)
    n = len(labels)
    return Samples(fashion_mnist_inputs(images), np.zeros((n, 3, 1, 1), np.float32), mapped, np.full(n, -1, np.int64))
