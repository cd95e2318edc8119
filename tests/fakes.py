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


class SynonymTextEmbedder(HashingTextEmbedder):
    """Hashing embedder that first maps listed words to a synonym, so "seafoam" lands on "sage"
    the way a real sentence embedder places near-synonyms close together."""

    name = "fake-synonyms"

    def __init__(self, synonyms: dict[str, str], dim: int = 384) -> None:
        super().__init__(dim)
        self.synonyms = synonyms

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        mapped = [" ".join(self.synonyms.get(w, w) for w in re.findall(r"[a-z0-9]+", t.lower())) for t in texts]
        return super().embed_texts(mapped)
