"""Deterministic fakes for the model interfaces."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np


class HashingTextEmbedder:
    """Bag of hashed words (and word pairs): texts sharing words get similar vectors.

    Deterministic across processes, fast, and good enough that "red dress" finds red dresses.
    """

    name = "fake-hashing"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def _bucket(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, 1.0 if (value >> 32) & 1 else -1.0

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for token in words + [a + "_" + b for a, b in zip(words, words[1:])]:
                index, sign = self._bucket(token)
                out[row, index] += sign
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out


class MeanColourImageEmbedder:
    """A fake image embedder: the picture's mean RGB and its mean over a 2x2 grid, normalised."""

    name = "fake-mean-colour"
    dim = 15

    def embed_images(self, images) -> np.ndarray:
        out = np.zeros((len(images), self.dim), dtype=np.float32)
        for row, image in enumerate(images):
            pixels = np.asarray(image.convert("RGB").resize((8, 8)), dtype=np.float32) / 255.0
            cells = [pixels.mean(axis=(0, 1))] + [pixels[y : y + 4, x : x + 4].mean(axis=(0, 1)) for y in (0, 4) for x in (0, 4)]
            vec = np.concatenate(cells)
            out[row] = vec / (np.linalg.norm(vec) or 1.0)
        return out
