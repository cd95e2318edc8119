"""Fakes for the trend tests."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from tests.fakes.core import HashingTextEmbedder


class SynonymTextEmbedder(HashingTextEmbedder):
    """Hashing embedder that first maps listed words to a synonym, so "seafoam" lands on "sage"
    the way a real sentence embedder places near-synonyms close together."""

    name = "fake-synonyms"

    def __init__(self, synonyms: dict[str, str], dim: int = 384) -> None:
        super().__init__(dim)
        self.synonyms = synonyms

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        mapped = [
            " ".join(self.synonyms.get(w, w) for w in re.findall(r"[a-z0-9]+", t.lower())) for t in texts
        ]
        return super().embed_texts(mapped)
