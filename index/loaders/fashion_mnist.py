"""Fashion-MNIST (Xiao et al. 2017): 70k real 28x28 greyscale product photos in ten classes.

Debian's ``dataset-fashion-mnist`` installs the four idx files; the recogniser and the GAN train
and are benchmarked on them. Nothing else needs them, and tests skip when they are absent.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from stylist.errors import CatalogueError

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
#: The ten classes named with the demo catalogue's article types ("Pullover" → Sweater, "Bag" → Handbag …).
FASHION_MNIST_ARTICLES = (
    "T-Shirt",
    "Trousers",
    "Sweater",
    "Dress",
    "Coat",
    "Sandals",
    "Shirt",
    "Sneakers",
    "Handbag",
    "Boots",
)


def read_idx(path: Path) -> np.ndarray:
    """The array in an idx file of unsigned bytes (gzipped or not)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if len(data) < 8 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise CatalogueError(f"{path} is not an unsigned-byte idx file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise CatalogueError(f"{path}: header says {shape} but holds {body.size} bytes")
    return body.reshape(shape)


def fashion_mnist_available(folder: str | Path = FASHION_MNIST_DIR) -> bool:
    folder = Path(folder)
    return all(
        (folder / f"{s}-{k}-ubyte.gz").is_file()
        for s in ("train", "t10k")
        for k in ("images-idx3", "labels-idx1")
    )


def load_fashion_mnist(
    folder: str | Path = FASHION_MNIST_DIR, split: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 Nx28x28, labels int64 N) of the ``train`` (60k) or ``t10k`` (10k) split."""
    folder = Path(folder)
    images = folder / f"{split}-images-idx3-ubyte.gz"
    labels = folder / f"{split}-labels-idx1-ubyte.gz"
    for path in (images, labels):
        if not path.is_file():
            raise CatalogueError(
                f"Fashion-MNIST file {path} is missing",
                hint="install the Debian package dataset-fashion-mnist or pass --fashion-mnist DIR",
            )
    x, y = read_idx(images), read_idx(labels).astype(np.int64)
    if x.ndim != 3 or x.shape[0] != y.shape[0]:
        raise CatalogueError(f"Fashion-MNIST {split}: {x.shape[0]} images but {y.shape[0]} labels")
    return x, y
