"""The rule scorer: stylist rules turned into a 0-1 number.

It generates the demo training data and is a baseline in ``benchmarks/compat.py``. The product's
score comes from the learned model (``model.py``); these rules only explain it in words.
"""

from __future__ import annotations

from itertools import combinations

from stylist.index.schema import Garment, Slot
from stylist.tools.outfits.attributes import (
    COLOUR_FAMILIES,
    NEUTRAL_FAMILIES,
    colour_family,
    garment_colours,
    missing_slots,
    pair_issues,
)


def loud_families(garments: list[Garment]) -> set[str]:
    fams = {colour_family(c) for g in garments for c in garment_colours(g)}
    return {f for f in fams if f and f not in NEUTRAL_FAMILIES and f in COLOUR_FAMILIES}


def rule_penalty(garments: list[Garment], *, completeness: bool = True) -> float:
    """Sum of rule violations: pair issues, too many loud colour families, missing slots."""
    penalty = 0.0
    for a, b in combinations(garments, 2):
        penalty += sum(i.severity for i in pair_issues(a, b))
    penalty += 0.5 * max(0, len(loud_families(garments)) - 2)
    if completeness:
        penalty += 0.5 * len(missing_slots(garments))
        clothing = [g for g in garments if g.slot in (Slot.TOP, Slot.BOTTOM)]
        if any(g.slot is Slot.DRESS for g in garments) and clothing:
            penalty += 0.5
    return penalty


def rule_score(garments: list[Garment], *, completeness: bool = True) -> float:
    """1.0 for an outfit that breaks no rule, falling towards 0 with each violation."""
    return 1.0 / (1.0 + rule_penalty(garments, completeness=completeness))
