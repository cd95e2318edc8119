"""Metadata arrays for pre-filtering: ``SearchFilters`` evaluated over the whole catalogue at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from stylist.fashion.terms import canonical_colour, seasons_of
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment, Gender

_SCALARS = ("slots", "article_types", "patterns", "materials", "brands")
_SETS = ("colours", "seasons", "occasions")


def _words(field: str, word: str) -> set[str]:
    """The word and its canonical name, as ``SearchFilters.matches`` compares them."""
    if field == "colours":
        return {word, canonical_colour(word)}
    if field == "seasons":
        return {word, *seasons_of([word])}
    return {word}


class FilterArrays:
    """Columns of the filterable fields, in row order. ``mask(filters)`` equals
    ``[filters.matches(g) for g in garments]`` (tested), computed with numpy."""

    def __init__(self, garments: Sequence[Garment]) -> None:
        n = len(garments)
        self.n = n
        self.scalar: dict[str, np.ndarray] = {
            "slots": np.array([g.slot.value for g in garments], dtype=object),
            "genders": np.array([g.gender.value for g in garments], dtype=object),
            "article_types": np.array([g.article_type.lower() for g in garments], dtype=object),
            "patterns": np.array([(g.pattern or "").lower() for g in garments], dtype=object),
            "materials": np.array([(g.material or "").lower() for g in garments], dtype=object),
            "brands": np.array([(g.brand or "").lower() for g in garments], dtype=object),
        }
        self.price = np.array([np.nan if g.price is None else g.price for g in garments], dtype=np.float64)
        self.postings: dict[str, dict[str, np.ndarray]] = {}
        for field in _SETS:
            lists: dict[str, list[int]] = defaultdict(list)
            for row, g in enumerate(garments):
                for word in getattr(g, field):
                    for key in _words(field, word):
                        lists[key].append(row)
            self.postings[field] = {w: np.array(rows, dtype=np.int64) for w, rows in lists.items()}
        self.row_of = {g.id: row for row, g in enumerate(garments)}

    def mask(self, filters: SearchFilters, base: np.ndarray | None = None) -> np.ndarray:
        keep = np.ones(self.n, dtype=bool) if base is None else base.copy()
        for field in _SCALARS:
            wanted = getattr(filters, field)
            if wanted:
                values = [v.value if hasattr(v, "value") else v for v in wanted]
                keep &= np.isin(self.scalar[field], values)
        if filters.genders:
            values = [g.value for g in filters.genders] + [Gender.UNISEX.value]
            keep &= np.isin(self.scalar["genders"], values)
        for field in _SETS:
            wanted = getattr(filters, field)
            if wanted:
                hit = np.zeros(self.n, dtype=bool)
                for word in wanted:
                    rows = self.postings[field].get(word)
                    if rows is not None:
                        hit[rows] = True
                keep &= hit
        if filters.min_price is not None or filters.max_price is not None:
            with np.errstate(invalid="ignore"):
                ok = ~np.isnan(self.price)
                if filters.min_price is not None:
                    ok &= self.price >= filters.min_price
                if filters.max_price is not None:
                    ok &= self.price <= filters.max_price
            keep &= ok
        for item_id in filters.exclude_ids:
            row = self.row_of.get(item_id)
            if row is not None:
                keep[row] = False
        return keep
