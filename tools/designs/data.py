"""Training sets for the GAN: catalogue pictures, Fashion-MNIST, and a tiny synthetic set.

A ``GanData`` holds every image in memory as uint8 (N, C, S, S) plus one label index per
condition; a few thousand 64 px pictures take tens of MB.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from stylist.errors import ToolInputError
from stylist.fashion.terms import canonical_colour
from stylist.index.imagenc.images import iter_pictures
from stylist.index.loaders.fashion_mnist import FASHION_MNIST_ARTICLES, FASHION_MNIST_DIR, load_fashion_mnist  # noqa: F401
from stylist.index.schema import Garment

FASHION_MNIST_CLASSES = list(FASHION_MNIST_ARTICLES)
"""Fashion-MNIST's ten classes, named with the demo catalogue's article types where they match."""
NO_PATTERN = "none"


@dataclass
class GanData:
    images: torch.Tensor
    """uint8, (N, C, S, S)."""
    labels: dict[str, torch.Tensor]
    """Condition name → int64 (N,) indices into ``conditions[name]``."""
    conditions: dict[str, list[str]]
    ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    text: torch.Tensor | None = None
    """float32 (N, D) unit-length text embeddings of each picture's words, or ``None``."""

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def subset(self, index: Sequence[int] | torch.Tensor) -> GanData:
        index = torch.as_tensor(index, dtype=torch.long)
        ids = [self.ids[i] for i in index.tolist()] if self.ids else []
        return GanData(
            self.images[index],
            {k: v[index] for k, v in self.labels.items()},
            self.conditions,
            ids,
            text=None if self.text is None else self.text[index],
        )

    def split(self, held_out: float, seed: int = 0) -> tuple[GanData, GanData]:
        """(train, held-out) with ``held_out`` of the items, shuffled by ``seed``."""
        order = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))
        cut = int(round(len(self) * held_out))
        return self.subset(order[cut:]), self.subset(order[:cut])

    def label_names(self, i: int) -> dict[str, str]:
        return {k: self.conditions[k][int(v[i])] for k, v in self.labels.items()}


def to_array(img: Image.Image, size: int, channels: int = 3) -> np.ndarray:
    """A picture as uint8 (C, size, size): squared onto white, then resized with box filtering."""
    img = img.convert("RGB" if channels == 3 else "L")
    if img.width != img.height:
        side = max(img.size)
        canvas = Image.new(img.mode, (side, side), 255 if channels == 1 else (255, 255, 255))
        canvas.paste(img, ((side - img.width) // 2, (side - img.height) // 2))
        img = canvas
    img = img.resize((size, size), Image.Resampling.BOX if img.width >= size else Image.Resampling.BICUBIC)
    arr = np.asarray(img, dtype=np.uint8)
    return arr[None] if channels == 1 else arr.transpose(2, 0, 1)


def garment_labels(garment: Garment) -> dict[str, str]:
    colour = canonical_colour(garment.colours[0]) if garment.colours else "unknown"
    return {
        "article_type": garment.article_type or "unknown",
        "colour": colour,
        "pattern": garment.pattern or NO_PATTERN,
    }


def from_garments(
    garments: Sequence[Garment],
    *,
    base: Path | None = None,
    image_size: int = 64,
    conditions: Sequence[str] = ("article_type", "colour", "pattern"),
    min_count: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> GanData:
    """Every garment with a readable picture. Condition values seen fewer than ``min_count``
    times are dropped with their garments (reported in ``problems``)."""
    arrays, rows, ids, problems = [], [], [], []
    for garment, picture in iter_pictures(garments, problems, base, progress):
        arrays.append(to_array(picture, image_size))
        rows.append(garment_labels(garment))
        ids.append(garment.id)
    counts: dict[str, dict[str, int]] = {c: {} for c in conditions}
    for row in rows:
        for c in conditions:
            counts[c][row[c]] = counts[c].get(row[c], 0) + 1
    keep = [i for i, row in enumerate(rows) if all(counts[c][row[c]] >= min_count for c in conditions)]
    problems += [
        f"{ids[i]}: a condition value seen fewer than {min_count} times"
        for i in range(len(rows))
        if i not in set(keep)
    ]
    if len(keep) < 8:
        raise ToolInputError(
            f"only {len(keep)} garments have readable pictures; GAN training needs at least 8",
            hint="give the catalogue an image_path per garment (or an images/ folder for Kaggle styles.csv)",
        )
    vocab = {c: sorted({rows[i][c] for i in keep}) for c in conditions}
    labels = {c: torch.tensor([vocab[c].index(rows[i][c]) for i in keep]) for c in conditions}
    images = torch.from_numpy(np.stack([arrays[i] for i in keep]))
    return GanData(images, labels, vocab, [ids[i] for i in keep], problems)


def fashion_mnist(
    folder: str | Path = FASHION_MNIST_DIR,
    split: str = "train",
    image_size: int = 32,
    limit: int | None = None,
) -> GanData:
    """Fashion-MNIST's ``train`` (60k) or ``t10k`` (10k) split, padded from 28 to 32 px (or
    resized to ``image_size``), one condition ``article_type`` with the ten classes."""
    images, labels = load_fashion_mnist(folder, split)
    if limit:
        images, labels = images[:limit], labels[:limit]
    if image_size == 32:
        images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    elif image_size != 28:
        images = np.stack(
            [
                np.asarray(Image.fromarray(a).resize((image_size, image_size), Image.Resampling.BICUBIC))
                for a in images
            ]
        )
    return GanData(
        torch.from_numpy(images.copy())[:, None],
        {"article_type": torch.from_numpy(labels.astype(np.int64))},
        {"article_type": list(FASHION_MNIST_CLASSES)},
        [f"{split}-{i}" for i in range(len(labels))],
    )


SYNTH_COLOURS = {"red": (200, 30, 40), "blue": (40, 90, 190), "green": (46, 139, 70)}
SYNTH_SHAPES = ["square", "circle"]


def synthetic(n: int = 64, image_size: int = 64, seed: int = 0) -> GanData:
    """A tiny labelled set for tests: coloured squares and circles on white."""
    rng = random.Random(seed)
    arrays, shapes, colours = [], [], []
    for _ in range(n):
        shape, colour = rng.randrange(2), rng.randrange(3)
        img = Image.new("RGB", (image_size, image_size), (255, 255, 255))
        draw = ImageDraw.Draw(img)
        m = image_size // 4 + rng.randrange(-3, 4)
        box = (m, m, image_size - m, image_size - m)
        fill = list(SYNTH_COLOURS.values())[colour]
        (draw.rectangle if shape == 0 else draw.ellipse)(box, fill=fill)
        arrays.append(np.asarray(img).transpose(2, 0, 1))
        shapes.append(shape)
        colours.append(colour)
    return GanData(
        torch.from_numpy(np.stack(arrays)),
        {"article_type": torch.tensor(shapes), "colour": torch.tensor(colours)},
        {"article_type": list(SYNTH_SHAPES), "colour": list(SYNTH_COLOURS)},
        [f"synth-{i}" for i in range(n)],
    )


def from_photo_cache(
    path: str | Path, split: str = "train", *, min_count: int = 8, keep: dict[str, list[str]] | None = None
) -> GanData:
    """Pictures, labels and text embeddings from a photo cache (``benchmarks/gan_photos.py``):
    article type and colour conditions with the text of each photo. Values seen fewer than
    ``min_count`` times in that split are dropped with their photos (unless ``keep`` fixes the
    vocabulary, as for a validation split read with the training vocabulary)."""
    with np.load(Path(path)) as z:
        rows = np.flatnonzero(z["split"] == split)
        article, colour = z["article"][rows], z["colour"][rows]
        images, text, ids = z["images"][rows], z["text"][rows].astype(np.float32), z["ids"][rows]
    raw = {"article_type": article, "colour": colour}
    if keep is None:
        keep = {}
        for name, values in raw.items():
            names, counts = np.unique(values, return_counts=True)
            keep[name] = sorted(str(v) for v, c in zip(names, counts) if c >= min_count)
    mask = np.ones(len(rows), bool)
    for name, values in raw.items():
        mask &= np.isin(values, keep[name])
    problems = [f"{i}: an article type or colour outside the model's vocabulary" for i in ids[~mask]]
    labels = {
        name: torch.tensor([keep[name].index(str(v)) for v in values[mask]]) for name, values in raw.items()
    }
    vectors = torch.nn.functional.normalize(torch.from_numpy(text[mask]), dim=1)
    return GanData(
        torch.from_numpy(images[mask]), labels, keep, [str(i) for i in ids[mask]], problems, text=vectors
    )
