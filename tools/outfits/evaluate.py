"""Measuring a compatibility scorer on real outfits: the fixed split, the sets, AUC and FITB.

The Maryland outfits are split once by a fixed rule on the outfit id: **held-out** is the 30% that
a seeded shuffle of the sorted ids puts first (``split_by_outfit(outfits, 0.3, 2017)``: the same
outfits the previous real-outfit model was tested on, so the comparison is fair); of the rest,
**tune** is every outfit whose id's SHA-256 is divisible by 5 (about 20%), used to choose settings;
**train** is the remainder. Compatibility and fill-in-the-blank questions belong to the side of
the outfit they were made from; random negatives, made of no one outfit, are a seeded sample the
size of that side's positives.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence

import numpy as np

from stylist.index.schema import Garment
from stylist.tools.outfits.data.types import CompatExample, FitbQuestion, OutfitData
from stylist.tools.outfits.train import auc, split_by_outfit

HELD_OUT_SHARE = 0.3
SPLIT_SEED = 2017
PARTS = ("train", "tune", "held-out")
Scorer = Callable[[Sequence[Sequence[Garment]]], np.ndarray]


def split_parts(data: OutfitData) -> dict[str, str]:
    """Outfit id -> ``train``, ``tune`` or ``held-out`` (the fixed rule above)."""
    _, held = split_by_outfit(data.outfits, HELD_OUT_SHARE, SPLIT_SEED)
    out = {}
    for o in data.outfits:
        if o.outfit_id in held:
            out[o.outfit_id] = "held-out"
        else:
            digest = int(hashlib.sha256(o.outfit_id.encode()).hexdigest()[:8], 16)
            out[o.outfit_id] = "tune" if digest % 5 == 0 else "train"
    return out


def benchmark_sets(
    data: OutfitData, parts: dict[str, str], part: str
) -> tuple[dict[str, list[CompatExample]], dict[str, list[FitbQuestion]]]:
    """The compatibility examples and FITB questions of one part, per negative flavour."""
    ids = {o for o, p in parts.items() if p == part}
    compat, fitb = {}, {}
    for flavour, examples in data.compat.items():
        pos = [e for e in examples if e.label == 1 and e.source in ids]
        if flavour == "hard":
            neg = [e for e in examples if e.label == 0 and e.source in ids]
        else:  # random negatives belong to no outfit: a seeded sample of the same size
            every = sorted((e for e in examples if e.label == 0), key=lambda e: e.example_id)
            neg = random.Random(PARTS.index(part)).sample(every, min(len(pos), len(every)))
        compat[flavour] = pos + neg
        fitb[flavour] = [q for q in data.fitb.get(flavour, []) if q.outfit_id in ids]
    return compat, fitb


def compat_auc(score: Scorer, examples: Sequence[CompatExample]) -> float:
    return auc([e.label for e in examples], score([e.garments for e in examples]))


def fitb_accuracy(score: Scorer, questions: Sequence[FitbQuestion], seed: int = 0) -> float:
    """Share of questions whose answer scores highest (ties broken at random, not by position)."""
    if not questions:
        return float("nan")
    rng = np.random.default_rng(seed)
    outfits, spans = [], []
    for q in questions:
        spans.append((len(outfits), len(q.candidates)))
        outfits += [(*q.question, c) for c in q.candidates]
    scores = score(outfits)
    right = 0
    for q, (start, n) in zip(questions, spans):
        s = scores[start : start + n] + rng.random(n) * 1e-9
        right += int(int(np.argmax(s)) == q.answer_index)
    return right / len(questions)


def measure(score: Scorer, data: OutfitData, parts: dict[str, str], part: str) -> dict[str, dict]:
    """``{flavour: {compat_auc, fitb_acc, n_compat, n_fitb}}`` on one part."""
    compat, fitb = benchmark_sets(data, parts, part)
    return {
        flavour: {
            "compat_auc": round(compat_auc(score, compat[flavour]), 4),
            "fitb_acc": round(fitb_accuracy(score, fitb[flavour]), 4) if fitb.get(flavour) else None,
            "n_compat": len(compat[flavour]),
            "n_fitb": len(fitb.get(flavour, [])),
        }
        for flavour in compat
    }
