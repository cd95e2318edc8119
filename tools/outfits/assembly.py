"""Outfit assembly: search per slot, then a beam search over combinations.

The objective of an outfit is ``compat_weight * compatibility (0-1, learned model)
+ relevance_weight * mean relevance to the request + preference_weight * mean profile preference``,
subject to the budget. Everything is deterministic: ties break on garment ids.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stylist.concurrency import checkpoint
from stylist.errors import ToolInputError
from stylist.index.schema import Garment, Gender, Slot
from stylist.tools.outfits.alternatives import outfit_item, slot_alternatives
from stylist.tools.outfits.attributes import answers_ask, formality
from stylist.tools.outfits.brief import ParsedBrief, parse_brief
from stylist.tools.outfits.candidates import Candidates, NoOutfitError, SlotSearch
from stylist.tools.outfits.reasons import outfit_reasons
from stylist.tools.outfits.schemas import (
    AssembledOutfit,
    BuildResult,
    OutfitItem,
    OutfitRequest,
)
from stylist.tools.outfits.scorer import CompatibilityScorer, explain
from stylist.tools.outfits.sizes import sizes_note
from stylist.tools.outfits.suitability import Suitability

log = logging.getLogger(__name__)
OPTIONAL_SLOTS = (Slot.OUTERWEAR, Slot.BAG, Slot.ACCESSORY)
SKIP_PENALTY = 0.1  # an optional slot left empty costs this much, so affordable extras get filled
#: A worn piece outside the dress code's formality range (a t-shirt for smart casual) costs as much as
#: a skipped slot: allowed when nothing better fits, never preferred to a piece in range.
OFF_CODE_PENALTY = SKIP_PENALTY
_WORN = (Slot.TOP, Slot.BOTTOM, Slot.DRESS, Slot.SHOES, Slot.OUTERWEAR)


@dataclass(order=True)
class _State:
    key: tuple = field(compare=True)
    rows: tuple[int, ...] = field(compare=False, default=())
    price: float = field(compare=False, default=0.0)
    logit_sum: float = field(compare=False, default=0.0)
    n_pairs: int = field(compare=False, default=0)
    rel_sum: float = field(compare=False, default=0.0)
    n_rel: int = field(compare=False, default=0)
    skips: int = field(compare=False, default=0)
    off_code: int = field(compare=False, default=0)


@dataclass
class _Search:
    """One template's candidates and their pair scores, searched once and reused for each outfit."""

    cands: list[Candidates]
    n_anchor: int
    pool: list[Garment]
    rel: list[float]
    pref: list[float]
    logits: np.ndarray
    remaining: float | None
    asks: list[set[int]]
    off_code: list[bool]


class OutfitAssembler:
    #: At most this many garments not from the wardrobe (ids ``owned-*``, see ``owned.py``) per outfit.
    max_new_items: int | None = None

    def __init__(
        self,
        index: Any,
        scorer: CompatibilityScorer,
        *,
        candidates_per_slot: int = 24,
        beam_width: int = 12,
        weights: tuple[float, float, float] = (1.0, 0.5, 0.3),
        preference: Callable[[str, list[tuple[Garment, float]]], dict[str, float]] | None = None,
    ) -> None:
        self.index = index
        self.scorer = scorer
        self.per_slot = candidates_per_slot
        self.beam = beam_width
        self.w_compat, self.w_rel, self.w_pref = weights
        self.preference = preference

    #: At most this many garments (anchors aside) in common between two outfits of one answer.
    max_shared: int = 1

    # ------------------------------------------------------------ entry point
    def build(self, request: OutfitRequest) -> BuildResult:
        parsed = parse_brief(request.brief)
        gender = request.gender or parsed.gender
        budget = request.budget if request.budget is not None else parsed.max_price
        anchors = self._anchors(request.anchors)
        anchor_price = sum(g.price or 0.0 for g in anchors)
        if budget is not None and anchor_price > budget:
            raise NoOutfitError(
                f"the anchor items alone cost {anchor_price:.2f}, above the budget of {budget:.2f}",
                hint=f"raise the budget to more than {anchor_price:.2f} or drop an anchor",
            )
        notes: list[str] = []
        self._fit = Suitability.of(parsed, gender)
        self._slots = SlotSearch(self.index, self._fit, parsed, self.per_slot, request.sizes)
        searches: list[_Search] = []
        failures: list[NoOutfitError] = []
        for template in self._templates(anchors, parsed, gender):
            checkpoint()  # a cancelled call (its client went away) stops between templates
            try:
                found = self._search_template(template, anchors, parsed, gender, budget, request, notes)
            except NoOutfitError as exc:
                failures.append(exc)
                continue
            if found is not None:
                searches.append(found)
        anchor_ids = {a.id for a in anchors}
        picks = self._distinct_outfits(searches, request.k, anchor_ids, failures, notes)
        outfits = [
            self._render(state, s.pool, s.rel, s.logits, anchor_ids, parsed, budget) for state, s in picks
        ]
        if request.sizes:
            shown = [
                g for o in outfits for i in o.items for g in [self.index.get(i.id)] if i.id in self.index
            ]
            note = sizes_note(request.sizes, shown)
            if note:
                notes.append(note)
        best_state, best = picks[0]
        alternatives = slot_alternatives(
            list(best_state.rows),
            best.pool,
            best.rel,
            best.logits,
            anchor_ids,
            budget,
            (self.w_compat, self.w_rel),
        )
        return BuildResult(
            brief=parsed, outfits=outfits, alternatives=alternatives, notes=list(dict.fromkeys(notes))
        )

    # ------------------------------------------------------------ pieces
    def _anchors(self, ids: Sequence[str]) -> list[Garment]:
        dupes = sorted({i for i in ids if list(ids).count(i) > 1})
        if dupes:
            raise ToolInputError(f"duplicate anchor id(s): {', '.join(dupes)}")
        anchors = [self.index.get(i) for i in ids]  # ItemNotFoundError names the unknown id
        slots = [a.slot for a in anchors]
        for s in set(slots):
            if slots.count(s) > 1:
                raise ToolInputError(f"two anchors fill the same slot ({s.value}); an outfit has one of each")
        if Slot.DRESS in slots and (Slot.TOP in slots or Slot.BOTTOM in slots):
            raise ToolInputError("a dress anchor cannot be combined with a top or bottom anchor")
        return anchors

    def _templates(
        self, anchors: list[Garment], parsed: ParsedBrief, gender: Gender | None
    ) -> list[list[Slot]]:
        slots = {a.slot for a in anchors}
        if Slot.DRESS in slots or (Slot.DRESS in parsed.slots and not slots & {Slot.TOP, Slot.BOTTOM}):
            cores = [[Slot.DRESS]]
        elif slots & {Slot.TOP, Slot.BOTTOM} or gender in (Gender.MEN, Gender.BOYS):
            cores = [[Slot.TOP, Slot.BOTTOM]]
        else:
            cores = [[Slot.TOP, Slot.BOTTOM], [Slot.DRESS]]
        return [[*core, Slot.SHOES] for core in cores]

    def _extras(
        self, request: OutfitRequest, parsed: ParsedBrief, anchors: list[Garment], gender: Gender | None
    ) -> list[Slot]:
        if request.extras is not None:
            extras = [s for s in request.extras if s in OPTIONAL_SLOTS]
        else:
            extras = [s for s in parsed.slots if s in OPTIONAL_SLOTS]
            if gender not in (Gender.MEN, Gender.BOYS) and Slot.BAG not in extras:
                extras.append(Slot.BAG)
            if (parsed.cold or {"autumn", "winter"} & set(parsed.seasons)) and Slot.OUTERWEAR not in extras:
                extras.append(Slot.OUTERWEAR)
        for a in anchors:
            if a.slot in OPTIONAL_SLOTS and a.slot not in extras:
                extras.append(a.slot)
        return extras

    def _search_template(
        self,
        template: list[Slot],
        anchors: list[Garment],
        parsed: ParsedBrief,
        gender: Gender | None,
        budget: float | None,
        request: OutfitRequest,
        notes: list[str],
    ) -> _Search | None:
        anchor_slots = {a.slot for a in anchors}
        if anchor_slots - set(template) - set(OPTIONAL_SLOTS) - {Slot.JEWELRY}:
            return None
        exclude = [a.id for a in anchors]
        remaining = None if budget is None else budget - sum(a.price or 0.0 for a in anchors)
        slots = [(s, True) for s in template if s not in anchor_slots]
        slots += [(s, False) for s in self._extras(request, parsed, anchors, gender) if s not in anchor_slots]
        cands = []
        for s, req in slots:
            found = self._slots.candidates(s, remaining, exclude, req, notes)
            if found is not None:
                cands.append(found)
        if parsed.cold and not any(self._fit.warm(a) for a in anchors):
            # under 10 °C the outfit needs a warm layer: the outerwear slot is no longer optional
            cands = [
                Candidates(c.slot, c.garments, c.relevance, True) if c.slot is Slot.OUTERWEAR else c
                for c in cands
            ]
        if remaining is not None:
            cands = [self._slots.with_cheapest(c, remaining, exclude) if c.required else c for c in cands]
            floor = sum(min((g.price or 0.0) for g in c.garments) for c in cands if c.required)
            if floor > remaining:
                parts = " + ".join(
                    f"{c.slot.value} {min((g.price or 0.0) for g in c.garments):.0f}"
                    for c in cands
                    if c.required
                )
                raise NoOutfitError(
                    (
                        f"the cheapest complete outfit costs {floor + budget - remaining:.2f} ({parts}), "
                        f"above the budget of {budget:.2f}"
                    ),
                    hint=f"raise the budget to at least {floor + budget - remaining:.2f}",
                )
        pool = list(anchors) + [g for c in cands for g in c.garments]
        rel = [1.0] * len(anchors) + [r for c in cands for r in c.relevance]
        pref = self._preferences(request.user_id, pool, rel)
        asks = [
            {r for r, g in enumerate(pool) if answers_ask(g, label, colours)}
            for label, colours in parsed.colour_asks
        ]
        code = self._fit.code
        off_code = [
            code is not None and g.slot in _WORN and not code.suits_formality(formality(g)) for g in pool
        ]
        logits = self.scorer.pair_matrix(pool)
        return _Search(cands, len(anchors), pool, rel, pref, logits, remaining, asks, off_code)

    def _distinct_outfits(
        self,
        searches: list[_Search],
        k: int,
        anchor_ids: set[str],
        failures: list[NoOutfitError],
        notes: list[str],
    ) -> list[tuple[_State, _Search]]:
        """Up to ``k`` outfits, best first, no two sharing more than ``max_shared`` garments besides
        the anchors: each next outfit is searched again with the garments already shown counted."""
        picks: list[tuple[_State, _Search]] = []
        shown: list[frozenset[str]] = []
        for n in range(k):
            best: tuple[_State, _Search] | None = None
            for s in searches:
                try:
                    states = self._beam(s, [set(ids) - anchor_ids for ids in shown])
                except NoOutfitError as exc:
                    if not picks:
                        failures.append(exc)
                    continue
                if states and (best is None or states[0].key < best[0].key):
                    best = (states[0], s)
            if best is None:
                if picks:
                    common = "no garment" if not self.max_shared else f"at most {self.max_shared} garment"
                    plural = "s" if self.max_shared > 1 else ""
                    notes.append(
                        f"only {n} outfit{'s' if n > 1 else ''} with {common}{plural} in common could "
                        f"be made here, so fewer than {k} are shown"
                    )
                break
            picks.append(best)
            shown.append(frozenset(best[1].pool[r].id for r in best[0].rows))
        if not picks:
            raise failures[0] if failures else NoOutfitError("no outfit template fits the anchors")
        return picks

    def _preferences(self, user_id: str | None, pool: list[Garment], rel: list[float]) -> list[float]:
        if not user_id or self.preference is None or self.w_pref == 0:
            return [0.0] * len(pool)
        scores = self.preference(user_id, list(zip(pool, rel)))
        return [float(scores.get(g.id, 0.0)) for g in pool]

    def _objective(self, s: _State, pref_sum: float = 0.0) -> float:
        compat = 1.0 / (1.0 + math.exp(-s.logit_sum / s.n_pairs)) if s.n_pairs else 0.5
        rel = s.rel_sum / s.n_rel if s.n_rel else 0.0
        pref = pref_sum / s.n_rel if s.n_rel else 0.0
        penalty = SKIP_PENALTY * s.skips + OFF_CODE_PENALTY * s.off_code
        return self.w_compat * compat + self.w_rel * rel + self.w_pref * pref - penalty

    def _beam(self, s: _Search, shown: Sequence[set[str]] = ()) -> list[_State]:
        """The best outfits, one candidate per slot. An outfit missing a colour the brief asks for
        ranks below every outfit with more of the asks met; one sharing more than ``max_shared``
        garments (anchors aside) with an outfit already ``shown`` is never kept."""
        cands, n_anchor, pool, rel, pref, logits = s.cands, s.n_anchor, s.pool, s.rel, s.pref, s.logits
        remaining = s.remaining
        start_rows = tuple(range(n_anchor))
        iu = [(i, j) for i in start_rows for j in start_rows if i < j]
        beam = [
            _State(
                key=(), rows=start_rows, logit_sum=float(sum(logits[i, j] for i, j in iu)), n_pairs=len(iu)
            )
        ]
        offsets = np.cumsum([n_anchor] + [len(c.garments) for c in cands])
        cheapest_after = [
            sum(min((g.price or 0.0) for g in c.garments) for c in cands[i + 1 :] if c.required)
            for i in range(len(cands))
        ]
        for ci, c in enumerate(cands):
            nxt: list[_State] = []
            for st in beam:
                options = range(offsets[ci], offsets[ci] + len(c.garments))
                # pair-logit sums of every pool item against the state's items, in one numpy step
                partial = logits[list(st.rows)].sum(axis=0) if st.rows else np.zeros(len(pool))
                # one outfit dresses one person: no men's trousers with women's heels
                worn = {pool[q].gender for q in st.rows} - {Gender.UNISEX}
                for r in options:
                    if worn and pool[r].gender is not Gender.UNISEX and pool[r].gender not in worn:
                        continue
                    if self.max_new_items is not None and not self._new_items_ok(pool, st.rows, r):
                        continue
                    price = st.price + (pool[r].price or 0.0)
                    if remaining is not None and price + cheapest_after[ci] > remaining + 1e-9:
                        continue
                    if shown and any(
                        sum(pool[q].id in ids for q in (*st.rows[n_anchor:], r)) > self.max_shared
                        for ids in shown
                    ):
                        continue  # too like an outfit already shown
                    new = _State(
                        key=(),
                        rows=st.rows + (r,),
                        price=price,
                        logit_sum=st.logit_sum + float(partial[r]),
                        n_pairs=st.n_pairs + len(st.rows),
                        rel_sum=st.rel_sum + rel[r],
                        n_rel=st.n_rel + 1,
                        skips=st.skips,
                        off_code=st.off_code + s.off_code[r],
                    )
                    nxt.append(new)
                if not c.required:
                    nxt.append(
                        _State(
                            key=(),
                            rows=st.rows,
                            price=st.price,
                            logit_sum=st.logit_sum,
                            n_pairs=st.n_pairs,
                            rel_sum=st.rel_sum,
                            n_rel=st.n_rel,
                            skips=st.skips + 1,
                            off_code=st.off_code,
                        )
                    )
            for st in nxt:
                pref_sum = sum(pref[r] for r in st.rows[n_anchor:])
                missing = sum(not ask.intersection(st.rows) for ask in s.asks)
                # the asked colour wins before compatibility, relevance and preference do
                st.key = (
                    missing,
                    -round(self._objective(st, pref_sum), 9),
                    tuple(sorted(pool[r].id for r in st.rows)),
                )
            nxt.sort()
            dedup: list[_State] = []
            seen: set[tuple] = set()
            for st in nxt:
                if st.key[2] not in seen:
                    seen.add(st.key[2])
                    dedup.append(st)
                if len(dedup) == self.beam:
                    break
            beam = dedup
            if not beam:
                raise NoOutfitError(
                    "no combination of the candidates fits the budget",
                    hint="raise the budget or leave out optional slots (outerwear, bag, accessory)",
                )
        return beam

    def _new_items_ok(self, pool: list[Garment], rows: tuple[int, ...], r: int) -> bool:
        new = sum(not pool[q].id.startswith("owned-") for q in (*rows, r))
        return new <= (self.max_new_items or 0)

    def _render(
        self,
        st: _State,
        pool: list[Garment],
        rel: list[float],
        logits: np.ndarray,
        anchor_ids: set[str],
        parsed: ParsedBrief,
        budget: float | None,
    ) -> AssembledOutfit:
        rows = sorted(st.rows, key=lambda r: (list(Slot).index(pool[r].slot), pool[r].id))
        garments = [pool[r] for r in rows]
        score = explain(garments, logits[np.ix_(rows, rows)], self.scorer.name)
        items = [self._item(pool[r], rel[r], pool[r].id in anchor_ids) for r in rows]
        total = round(sum(i.price or 0.0 for i in items), 2)
        relevance = round(st.rel_sum / st.n_rel, 4) if st.n_rel else 0.0
        why = outfit_reasons(garments, logits[np.ix_(rows, rows)], parsed, self._fit, total, budget)
        watch = f" Watch: {why.watch}" if why.watch else ""
        return AssembledOutfit(
            items=items,
            total_price=total,
            compatibility=score.score,
            relevance=relevance,
            objective=round(-st.key[1], 4),
            weakest_pair=score.weakest_pair,
            explanation=" ".join(why.lines) + watch,
            reasons=why.lines,
            watch=why.watch,
        )

    @staticmethod
    def _item(g: Garment, relevance: float, anchor: bool) -> OutfitItem:
        return outfit_item(g, relevance, anchor)
