"""Swaps per slot for an assembled outfit, and the item card every outfit lists."""

from __future__ import annotations

import numpy as np

from stylist.index.schema import Garment
from stylist.tools.outfits.infer import sigmoid
from stylist.tools.outfits.schemas import OutfitItem, SlotAlternatives


def outfit_item(g: Garment, relevance: float, anchor: bool) -> OutfitItem:
    return OutfitItem(
        id=g.id,
        title=g.title,
        slot=g.slot,
        price=g.price,
        colours=g.colours,
        anchor=anchor,
        relevance=round(relevance, 4),
    )


def slot_alternatives(
    rows: list[int],
    pool: list[Garment],
    rel: list[float],
    logits: np.ndarray,
    anchor_ids: set[str],
    budget: float | None,
    weights: tuple[float, float],
    n: int = 3,
) -> list[SlotAlternatives]:
    """For each non-anchor item of the outfit (``rows`` of ``pool``), the ``n`` best swaps from the
    candidates of its slot that keep the outfit within ``budget``; ranked like the outfit itself
    (compatibility and relevance ``weights``)."""
    w_compat, w_rel = weights
    out = []
    for r in rows:
        g = pool[r]
        if g.id in anchor_ids:
            continue
        others = [q for q in rows if q != r]
        base_price = sum(pool[q].price or 0.0 for q in others)
        scored = []
        for c in range(len(pool)):
            if c in rows or pool[c].slot is not g.slot or pool[c].id in anchor_ids:
                continue
            if budget is not None and base_price + (pool[c].price or 0.0) > budget + 1e-9:
                continue
            compat = float(sigmoid(np.mean([logits[c, q] for q in others]))) if others else 0.5
            scored.append((-(w_compat * compat + w_rel * rel[c]), pool[c].id, c))
        scored.sort()
        out.append(
            SlotAlternatives(
                slot=g.slot, items=[outfit_item(pool[c], rel[c], False) for _, _, c in scored[:n]]
            )
        )
    return out
