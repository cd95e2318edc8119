"""The real product photos the picture benchmarks share: rows, a fixed split, cached backbone maps.

The 7,834 photos of ``../shared/data/kaggle-fashion-images`` with their ``styles.csv`` rows are
split once by id (seeded hash) into train / validation / test; models are fitted on train, choices
are made on validation, and headline figures come from test only. EfficientNet-Lite0's input maps
of block ``MAPS_BLOCK`` (224 px) are computed once per photo and cached (``--cache``, default
/tmp/photos_cache), so every benchmark and the packaged checkpoint read the same features.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHARED = Path(os.environ.get("STYLIST_SHARED_DATA", "/work/shared/data"))
IMAGES = SHARED / "kaggle-fashion-images" / "images"
STYLES = SHARED / "kaggle-fashion-styles" / "styles.csv"
CACHE = Path("/tmp/photos_cache")
MAPS_BLOCK = 13
IMAGE_SIZE = 224
SPLIT_SEED = 18
SHARES = (0.70, 0.15)  # train, validation; the rest is test


@dataclass
class PhotoSet:
    garments: list  # stylist Garment records, one per photo, sorted by numeric id
    split: dict[str, list[int]]  # "train" / "val" / "test" -> positions in ``garments``

    @property
    def ids(self) -> list[str]:
        return [g.id for g in self.garments]


def split_of(item_id: str, seed: int = SPLIT_SEED) -> str:
    """train / val / test by a seeded hash of the id: stable whatever else is in the folder."""
    u = int(hashlib.sha256(f"{seed}:{item_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "train" if u < SHARES[0] else "val" if u < SHARES[0] + SHARES[1] else "test"


def load_photos(limit: int | None = None) -> PhotoSet:
    """Every photo with its catalogue row (styles.csv rows without a photo are left out)."""
    from stylist.index.loaders import load_catalogue

    if not IMAGES.is_dir() or not STYLES.is_file():
        raise SystemExit(f"the real photos are not here: {IMAGES} and {STYLES} are needed")
    rows = CACHE / "rows.pkl"  # loading 39,596 rows and checking 7,834 photos takes minutes on 2 cores
    if rows.is_file():
        garments = pickle.loads(rows.read_bytes())
    else:
        result = load_catalogue(STYLES, images_dir=IMAGES)
        garments = sorted((g for g in result.garments if g.image_path), key=lambda g: int(g.id))
        CACHE.mkdir(parents=True, exist_ok=True)
        rows.write_bytes(pickle.dumps(garments))
    if limit:
        garments = garments[:limit]
    split: dict[str, list[int]] = {"train": [], "val": [], "test": []}
    for n, g in enumerate(garments):
        split[split_of(g.id)].append(n)
    return PhotoSet(garments, split)


def cached_maps(ids: list[str], cache: Path = CACHE, chunk: int = 256) -> np.ndarray:
    """(N, 192, 7, 7) float16 input maps of block ``MAPS_BLOCK`` for ``ids`` (computed when missing)."""
    cache.mkdir(parents=True, exist_ok=True)
    have: dict[str, np.ndarray] = {}
    for f in sorted(cache.glob("maps_*.npz")):
        with np.load(f) as z:
            have.update(zip(z["ids"].tolist(), z["maps"]))
    missing = [i for i in ids if i not in have]
    if missing:
        import torch
        from PIL import Image

        from stylist.index.imagenc.model import EfficientNetBackbone, preprocess

        backbone = EfficientNetBackbone(tune_blocks=16 - MAPS_BLOCK)
        t0 = time.perf_counter()
        for start in range(0, len(missing), chunk):
            part = missing[start : start + chunk]
            imgs = [Image.open(IMAGES / f"{i}.jpg").convert("RGB") for i in part]
            with torch.no_grad():
                maps = np.concatenate(
                    [
                        backbone.prefix(preprocess(imgs[k : k + 32], IMAGE_SIZE)).half().numpy()
                        for k in range(0, len(imgs), 32)
                    ]
                )
            out = cache / f"maps_new_{part[0]}.npz"
            np.savez(out.with_suffix(".tmp.npz"), ids=np.array(part), maps=maps)
            os.replace(out.with_suffix(".tmp.npz"), out)
            have.update(zip(part, maps))
            done = start + len(part)
            print(f"cached {done}/{len(missing)} ({done / (time.perf_counter() - t0):.1f} img/s)", flush=True)
    return np.stack([have[i] for i in ids])


def noun(article: str) -> str:
    """The article type as words for a prompt ("Tshirts" -> "t-shirt", "Jeans" -> "pair of jeans")."""
    from stylist.index.loaders.kaggle import _noun

    return _noun(article).removeprefix("pair of ")


def pair_text(g) -> str:  # noqa: ANN001 (a Garment)
    """What a photo is trained against: the product name and its main attributes, short (MiniLM
    embeds about 8 texts/s on the shared cores; a full ``document()`` costs three times more)."""
    facts = [f"{g.gender.value}'s {noun(g.article_type)}", *g.colours[:1], *g.occasions[:1]]
    return f"{g.title}. {', '.join(facts)}"


def attribute_text(g) -> str:  # noqa: ANN001 (a Garment)
    """The photo's labels in words: "men's navy cotton t-shirt, topwear, casual"."""
    words = [*g.colours[:1], *([g.material] if g.material else []), noun(g.article_type)]
    sub = (g.attributes or {}).get("sub_category", "")
    return ", ".join(x for x in (f"{g.gender.value}'s {' '.join(words)}", sub.lower(), *g.occasions[:1]) if x)


class CachedEmbedder:
    """A text embedder whose vectors are kept in ``cache`` (text -> vector), saved as they come."""

    def __init__(self, embedder, cache: Path = CACHE) -> None:  # noqa: ANN001
        self.inner, self.name = embedder, embedder.name
        self.path = cache / f"text_{embedder.name.replace('/', '_')}.pkl"
        self.store: dict[str, np.ndarray] = (
            pickle.loads(self.path.read_bytes()) if self.path.is_file() else {}
        )

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def embed_texts(self, texts) -> np.ndarray:  # noqa: ANN001
        missing = list(dict.fromkeys(t for t in texts if t not in self.store))
        for start in range(0, len(missing), 256):
            part = missing[start : start + 256]
            self.store.update(zip(part, np.asarray(self.inner.embed_texts(part), dtype=np.float32)))
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(self.store))
            os.replace(tmp, self.path)
            if len(missing) > 256:
                print(f"{self.name}: embedded {start + len(part)}/{len(missing)} texts", flush=True)
        if not len(texts):
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self.store[t] for t in texts])
