"""Hashed name words: the words two garments' names share (brand, colour, fabric, style).

Real outfits repeat words across their pieces far more than chance ("topshop", "leather", "camel"),
and a text embedding of the whole name blurs that. Each name becomes a small L2-normalised bag of
hashed words; the model weighs the buckets (it learns which shared words matter, as an idf would).
"""

from __future__ import annotations

import re
import zlib

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")
#: Words every name repeats that say nothing about style.
STOP_WORDS = frozenset(
    "a an and the with in of by for on to at from women womens men mens woman man s unisex ladies girls "
    "boys kids size new".split()
)


def name_words(text: str) -> list[str]:
    """The lower-case words of a name that may carry style, in order, without repeats."""
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOP_WORDS]
    return list(dict.fromkeys(words))


def token_vector(text: str, buckets: int) -> np.ndarray:
    """``(buckets,)`` float32: 1 for each hashed word of ``text``, L2-normalised (zeros for none)."""
    v = np.zeros(buckets, dtype=np.float32)
    for w in name_words(text):
        v[zlib.crc32(w.encode()) % buckets] = 1.0
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v
