"""Demo outfits made by stylist rules, with hard negatives.

A positive outfit is drawn slot by slot so that every pair passes the rules in ``attributes``
(colour harmony, formality, season) and the slots make a complete outfit. Its hard negative swaps
one garment for a same-slot garment that breaks a rule with the rest. These examples are training
data for the learned model; the rules never score an outfit in the product.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from stylist.index.schema import Garment, Gender, Slot
from stylist.tools.outfits.attributes import pair_issues
from stylist.tools.outfits.data.types import CompatExample, FitbQuestion, OutfitRecord
from stylist.tools.outfits.rules import loud_families

NEGATIVE_KINDS = ("colour clash", "formality mismatch", "season mismatch")
_EXTRA_P = {Slot.OUTERWEAR: 0.35, Slot.BAG: 0.5, Slot.ACCESSORY: 0.3}


class _Pools:
    def __init__(self, catalogue: Sequence[Garment]) -> None:
        self.by: dict[tuple[str, Slot], list[Garment]] = defaultdict(list)
        for g in catalogue:
            groups = ("women", "men") if g.gender is Gender.UNISEX else (g.gender.value,)
            for group in groups:
                self.by[(group, g.slot)].append(g)

    def get(self, group: str, slot: Slot) -> list[Garment]:
        return self.by.get((group, slot), [])


def _fits(candidate: Garment, chosen: list[Garment]) -> bool:
    if any(pair_issues(candidate, g) for g in chosen):
        return False
    return len(loud_families([*chosen, candidate])) <= 2


def _template(rng: random.Random, pools: _Pools, group: str) -> list[Slot] | None:
    core_options = []
    if pools.get(group, Slot.TOP) and pools.get(group, Slot.BOTTOM):
        core_options.append([Slot.TOP, Slot.BOTTOM])
    if pools.get(group, Slot.DRESS):
        core_options.append([Slot.DRESS])
    if not core_options or not pools.get(group, Slot.SHOES):
        return None
    slots = [*rng.choice(core_options), Slot.SHOES]
    slots += [s for s, p in _EXTRA_P.items() if pools.get(group, s) and rng.random() < p]
    return slots


def _positive(rng: random.Random, pools: _Pools, group: str, tries: int = 40) -> list[Garment] | None:
    slots = _template(rng, pools, group)
    if slots is None:
        return None
    order = slots[:]
    rng.shuffle(order)
    chosen: list[Garment] = []
    for slot in order:
        pool = pools.get(group, slot)
        picks = rng.sample(pool, min(tries, len(pool)))
        found = next((g for g in picks if g.id not in {c.id for c in chosen} and _fits(g, chosen)), None)
        if found is None:
            return None
        chosen.append(found)
    chosen.sort(key=lambda g: slots.index(g.slot))
    return chosen


def _hard_negative(
    rng: random.Random, pools: _Pools, group: str, outfit: list[Garment], kind: str, tries: int = 80
) -> tuple[list[Garment], str] | None:
    positions = list(range(len(outfit)))
    rng.shuffle(positions)
    fallback = None
    for pos in positions[:3]:
        rest = outfit[:pos] + outfit[pos + 1 :]
        pool = pools.get(group, outfit[pos].slot)
        for g in rng.sample(pool, min(tries, len(pool))):
            if g.id in {o.id for o in outfit}:
                continue
            kinds = {i.kind for r in rest for i in pair_issues(g, r)}
            if kind in kinds:
                return outfit[:pos] + [g] + outfit[pos + 1 :], kind
            if kinds and fallback is None:
                fallback = (outfit[:pos] + [g] + outfit[pos + 1 :], sorted(kinds)[0])
    return fallback


def generate_demo_outfits(
    catalogue: Sequence[Garment], n: int = 2000, seed: int = 11
) -> tuple[list[OutfitRecord], list[CompatExample]]:
    """``n`` rule-made outfits and, for each, itself (label 1) plus one hard negative (label 0).

    Deterministic for a given catalogue and seed. Negatives cycle through colour, formality and
    season violations so the model sees each kind.
    """
    rng = random.Random(seed)
    pools = _Pools(catalogue)
    groups = [g for g in ("women", "men") if pools.get(g, Slot.SHOES)]
    if not groups:
        raise ValueError("the catalogue has no shoes for women or men: no outfit can be made")
    outfits: list[OutfitRecord] = []
    examples: list[CompatExample] = []
    seen: set[tuple[str, ...]] = set()
    attempts = 0
    while len(outfits) < n and attempts < n * 20:
        attempts += 1
        group = rng.choice(groups)
        items = _positive(rng, pools, group)
        if items is None:
            continue
        key = tuple(sorted(g.id for g in items))
        if key in seen:
            continue
        neg = _hard_negative(rng, pools, group, items, NEGATIVE_KINDS[len(outfits) % len(NEGATIVE_KINDS)])
        if neg is None:
            continue
        seen.add(key)
        oid = f"demo-{len(outfits):05d}"
        outfits.append(OutfitRecord(oid, tuple(items)))
        examples.append(CompatExample(f"{oid}-pos", tuple(items), 1, oid))
        examples.append(CompatExample(f"{oid}-neg", tuple(neg[0]), 0, oid, reason=neg[1]))
    return outfits, examples


def demo_fitb(
    catalogue: Sequence[Garment], outfits: Sequence[OutfitRecord], seed: int = 13, n_candidates: int = 4
) -> list[FitbQuestion]:
    """Fill-in-the-blank questions: blank one garment; the wrong candidates share its slot."""
    rng = random.Random(seed)
    pools = _Pools(catalogue)
    questions = []
    for outfit in outfits:
        pos = rng.randrange(len(outfit.garments))
        answer = outfit.garments[pos]
        group = "men" if any(g.gender is Gender.MEN for g in outfit.garments) else "women"
        ids = {g.id for g in outfit.garments}
        pool = [g for g in pools.get(group, answer.slot) if g.id not in ids]
        if len(pool) < n_candidates - 1:
            continue
        cands = [answer, *rng.sample(pool, n_candidates - 1)]
        rng.shuffle(cands)
        questions.append(
            FitbQuestion(
                f"{outfit.outfit_id}-fitb",
                outfit.outfit_id,
                outfit.garments[:pos] + outfit.garments[pos + 1 :],
                tuple(cands),
                cands.index(answer),
            )
        )
    return questions
