"""Item features the compatibility model reads: a text (or image) vector, garment attributes and,
for models that compare names word by word, the hashed words of the title (:mod:`.tokens`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from stylist.index.schema import Garment, Slot
from stylist.tools.outfits.attributes import (
    COLOUR_FAMILIES,
    SEASONS,
    colour_family,
    formality,
    garment_colours,
    garment_seasons,
    is_earthy,
)
from stylist.tools.outfits.tokens import token_vector

SLOT_ORDER: tuple[Slot, ...] = tuple(Slot)
SLOT_INDEX = {s: i for i, s in enumerate(SLOT_ORDER)}
FEATURE_VERSION = 1
#: slot one-hot | colour families | no colour, earthy share | seasons, any season | formality | price, has
#: price
ATTR_DIM = len(SLOT_ORDER) + len(COLOUR_FAMILIES) + 2 + len(SEASONS) + 1 + 1 + 2
_FAMILY_INDEX = {f: i for i, f in enumerate(COLOUR_FAMILIES)}


def attribute_vector(g: Garment) -> np.ndarray:
    v = np.zeros(ATTR_DIM, dtype=np.float32)
    v[SLOT_INDEX[g.slot]] = 1.0
    o = len(SLOT_ORDER)
    colours = garment_colours(g)
    for c in colours:
        fam = colour_family(c)
        if fam in _FAMILY_INDEX:
            v[o + _FAMILY_INDEX[fam]] = 1.0
    o += len(COLOUR_FAMILIES)
    v[o] = 0.0 if colours else 1.0
    v[o + 1] = sum(is_earthy(c) for c in colours) / len(colours) if colours else 0.0
    o += 2
    seasons = garment_seasons(g)
    for i, s in enumerate(SEASONS):
        v[o + i] = 1.0 if s in seasons else 0.0
    o += len(SEASONS)
    v[o] = 0.0 if seasons else 1.0
    v[o + 1] = formality(g) / 4.0
    o += 2
    if g.price is not None:
        v[o] = math.log1p(g.price) / 8.0
        v[o + 1] = 1.0
    return v


def item_features(
    garments: Sequence[Garment], text_vectors: np.ndarray, token_buckets: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``(features (n, text_dim + ATTR_DIM [+ token_buckets]), slot indices (n,))`` for the model."""
    attrs = (
        np.stack([attribute_vector(g) for g in garments]) if garments else np.zeros((0, ATTR_DIM), np.float32)
    )
    parts = [np.asarray(text_vectors, dtype=np.float32), attrs]
    if token_buckets:
        parts.append(
            np.stack([token_vector(g.title, token_buckets) for g in garments])
            if garments
            else np.zeros((0, token_buckets), np.float32)
        )
    feats = np.concatenate(parts, axis=1)
    types = np.array([SLOT_INDEX[g.slot] for g in garments], dtype=np.int64)
    return feats, types
