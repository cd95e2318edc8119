"""Candidates per slot for outfit assembly: a search per slot that relaxes only soft constraints.

Colours, seasons and occasion tags relax, in that ladder, when nothing matches them (and the
result says so); the brief's hard limits (:class:`~stylist.tools.outfits.suitability.Suitability`:
dress code, age, weather) never do. A tight budget adds the cheapest acceptable garments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stylist.errors import StylistError
from stylist.fashion.terms import canonical_colour
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment, Slot
from stylist.tools.outfits.attributes import NEUTRAL_COLOURS, garment_answers, is_palette, shades_of
from stylist.tools.outfits.brief import ParsedBrief
from stylist.tools.outfits.sizes import prefer_in_size
from stylist.tools.outfits.suitability import Suitability


def in_asked_colour(g: Garment, parsed: ParsedBrief) -> bool:
    """Whether ``g`` answers the brief's colours: one of a palette's colours, or an asked colour or a
    shade of it ("navy blue" answers "blue")."""
    if parsed.palette:
        return bool({canonical_colour(c) for c in parsed.colours} & {canonical_colour(c) for c in g.colours})
    return garment_answers(g, frozenset(parsed.colours))


def _either(words: list[str]) -> str:
    words = [w.replace("_", " ") for w in words] or ["what you asked"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _plural(slot: Slot) -> str:
    return {"dress": "dresses", "shoes": "shoes", "jewelry": "jewellery", "accessory": "accessories"}.get(
        slot.value, slot.value + "s"
    )


class NoOutfitError(StylistError):
    """No outfit satisfies the constraints; the hint names the constraint to relax."""


@dataclass
class Candidates:
    slot: Slot
    garments: list[Garment]
    relevance: list[float]
    required: bool


class SlotSearch:
    """The candidate search of one build (its cache lives as long as the build)."""

    def __init__(
        self,
        index: Any,
        fit: Suitability,
        parsed: ParsedBrief,
        per_slot: int,
        sizes: Mapping[str, str] | None = None,
    ) -> None:
        self.index, self.fit, self.parsed, self.per_slot = index, fit, parsed, per_slot
        self.sizes = dict(sizes or {})
        self._cache: dict[tuple[Slot, Any], Any] = {}

    def candidates(
        self, slot: Slot, max_price: float | None, exclude: list[str], required: bool, notes: list[str]
    ) -> Candidates | None:
        """The best acceptable garments of ``slot`` (searched once per build: templates share shoes
        and extras); ``None`` for an optional slot with none, and a :class:`NoOutfitError` naming
        why for a required one."""
        key = (slot, required)
        if key not in self._cache:
            self._cache[key] = self._search(slot, max_price, exclude, required, notes)
        return self._cache[key]

    def _search(
        self, slot: Slot, max_price: float | None, exclude: list[str], required: bool, notes: list[str]
    ) -> Candidates | None:
        parsed = self.parsed
        genders = self.fit.genders()
        colours = parsed.colours or None
        if colours and not parsed.palette:
            colours = list(shades_of(tuple(colours)))
        if colours and parsed.palette:
            colours = (
                list(dict.fromkeys([*colours, *NEUTRAL_COLOURS]))
                if slot in (Slot.SHOES, Slot.BAG)
                else colours
            )
        ladder = [
            ("", dict(colours=colours, occasions=parsed.occasions or None, seasons=parsed.seasons or None)),
            ("occasion", dict(colours=colours, occasions=None, seasons=parsed.seasons or None)),
            ("season", dict(colours=colours, occasions=None, seasons=None)),
            ("colour", dict(colours=None, occasions=None, seasons=None)),
        ]
        # One query for every slot (the slot filter does the rest): each distinct text costs a model
        # call, and per-slot texts made query embedding most of an assembly's time.
        query = parsed.query
        tried: list[str] = []
        refused: list[str] = []
        if max_price is not None and not self.index.search(
            None, filters=SearchFilters(slots=[slot], min_price=0), k=1
        ):
            # a catalogue without prices (Kaggle's styles.csv): the budget cannot be checked, say so
            notes.append(f"{slot.value}: the catalogue gives no prices, so the budget could not be checked")
            max_price = None
        for relaxed, soft in ladder:
            if relaxed:
                if not ladder[0][1][relaxed + "s"]:
                    continue  # that constraint was not asked for: nothing to relax
                tried.append(relaxed)
            filters = SearchFilters(
                slots=[slot], genders=genders, max_price=max_price, exclude_ids=exclude, **soft
            )
            # the brief's hard limits (dress code, age, weather) are never relaxed: search wider
            # and drop what they refuse
            hits = []
            for g, score in self._near(query, filters, soft["colours"] is not None and slot):
                why = self.fit.refuse(g)
                if why is None:
                    hits.append((g, score))
                elif len(refused) < 3 and why not in refused:
                    refused.append(why)
            if self.sizes:
                hits = prefer_in_size(slot, hits, self.sizes, notes)
            hits = hits[: self.per_slot]
            if hits:
                if tried:
                    notes.append(self._relaxed_note(slot, tried))
                return self._with_preference(slot, hits, required)
        if not required:
            notes.append(self.fit.empty_note(slot))
            return None
        if refused:
            # every garment near the brief's words was refused (a business-casual brief whose nearest
            # shoes are all sneakers): look through every one the filters admit before giving up
            found = self._any_acceptable(slot, genders, max_price, exclude, notes)
            if found is not None:
                return found
        self._explain_empty(slot, max_price, exclude, refused)
        return None  # unreachable: _explain_empty raises

    def _near(self, query: str, filters: SearchFilters, by_ask: Slot | bool) -> list[tuple[Garment, float]]:
        """The garments nearest the brief's words; with several colour asks ("navy and white") each
        ask gets its own search and the lists take turns, so every asked colour has candidates in
        the slot instead of the one nearest the words taking every place."""
        asks = self.parsed.colour_asks
        if not by_ask or len(asks) < 2:
            return self.index.search(query or None, filters=filters, k=self.per_slot * 4)
        lists = []
        for label, colours in asks:
            wanted = list(colours) if is_palette(label) else list(shades_of(tuple(colours)))
            if is_palette(label) and by_ask in (Slot.SHOES, Slot.BAG):
                wanted = list(dict.fromkeys([*wanted, *NEUTRAL_COLOURS]))
            ask = filters.model_copy(update={"colours": wanted})
            lists.append(self.index.search(query or None, filters=ask, k=self.per_slot * 4))
        merged: dict[str, tuple[Garment, float]] = {}
        for rank in range(max(len(found) for found in lists)):
            for found in lists:
                if rank < len(found):
                    merged.setdefault(found[rank][0].id, found[rank])
        return list(merged.values())

    def _any_acceptable(
        self, slot: Slot, genders: Any, max_price: float | None, exclude: list[str], notes: list[str]
    ) -> Candidates | None:
        loose = SearchFilters(slots=[slot], genders=genders, max_price=max_price, exclude_ids=exclude)
        fits = sorted(
            (g for g in self.index if loose.matches(g) and self.fit.refuse(g) is None), key=lambda g: g.id
        )
        # ranked by the brief's words again, now among the article types the brief admits
        types = sorted({g.article_type for g in fits})
        kinds = SearchFilters(
            slots=[slot],
            genders=genders,
            max_price=max_price,
            exclude_ids=exclude,
            article_types=types or None,
        )
        near = (
            self.index.search(self.parsed.query or None, filters=kinds, k=self.per_slot * 4) if fits else []
        )
        hits = [(g, s) for g, s in near if self.fit.refuse(g) is None] or [(g, 0.0) for g in fits]
        if self.sizes:
            hits = prefer_in_size(slot, hits, self.sizes, notes)
        if not hits:
            return None
        who = f"suit {self.fit.code.say}" if self.fit.code is not None else "suit the brief"
        name = _plural(slot)
        notes.append(
            f"{slot.value}: none of the {name} closest to your words {who}, so these are ones that do"
        )
        return self._with_preference(slot, hits[: self.per_slot], True)

    def _relaxed_note(self, slot: Slot, tried: list[str]) -> str:
        """What a stylist says when the slot's pick misses a wish (an occasion tag, a season, a colour).

        The pick still passed every hard limit (dress code, age, weather): only the wish was let go.
        """
        parsed, name = self.parsed, _plural(slot)
        colours = f"{parsed.palette} colours" if parsed.palette else _either(parsed.colours[:3])
        wishes = {
            "occasion": lambda: "tagged for " + _either(parsed.occasions[:1]),  # the brief's own word
            "season": lambda: "made for " + _either(parsed.seasons),
            "colour": lambda: "in " + colours,
        }
        missed = " or ".join(wishes[t]() for t in tried)
        keeps = (
            f"that still suit {self.fit.code.say}"
            if self.fit.code is not None
            else "for the rest of the brief"
        )
        return f"{slot.value}: none of the {name} here is {missed}, so these are the closest ones {keeps}"

    def _with_preference(self, slot: Slot, hits: list[tuple[Garment, float]], required: bool) -> Candidates:
        parsed = self.parsed
        garments = [g for g, _ in hits]
        rel = []
        for g, score in hits:
            bonus = 0.0
            if parsed.colours and in_asked_colour(g, parsed):
                bonus += 0.1
            if parsed.occasions and set(g.occasions) & set(parsed.occasions):
                bonus += 0.1
            if parsed.seasons and set(g.seasons) & set(parsed.seasons):
                bonus += 0.05
            rel.append(float(score) + bonus + self.fit.preference(g))
        return Candidates(slot, garments, rel, required)

    def with_cheapest(self, c: Candidates, remaining: float, exclude: list[str], n: int = 4) -> Candidates:
        """``c`` plus the ``n`` cheapest acceptable garments of its slot (and of them in the asked
        colours), so a tight budget that the most relevant candidates overshoot still finds an
        outfit (they rank just below the rest)."""
        key = (c.slot, "cheapest")
        if key not in self._cache:
            wanted = SearchFilters(
                slots=[c.slot], genders=self.fit.genders(), max_price=remaining, exclude_ids=exclude
            )
            fits = [g for g in self.index if wanted.matches(g) and self.fit.refuse(g) is None]
            if self.sizes:
                fits = [g for g, _ in prefer_in_size(c.slot, [(g, 0.0) for g in fits], self.sizes, [])]
            cheap = sorted(fits, key=lambda g: (g.price or 0.0, g.id))
            in_colour = [g for g in cheap if self.parsed.colours and in_asked_colour(g, self.parsed)]
            self._cache[key] = list({g.id: g for g in [*in_colour[:n], *cheap[:n]]}.values())
        have = {g.id for g in c.garments}
        extra = [g for g in self._cache[key] if g.id not in have]
        floor = min(c.relevance) - 0.05
        rel = [floor + self.fit.preference(g) for g in extra]
        return Candidates(c.slot, [*c.garments, *extra], [*c.relevance, *rel], c.required)

    def _explain_empty(
        self, slot: Slot, max_price: float | None, exclude: list[str], refused: list[str]
    ) -> None:
        gender = self.fit.gender
        anything = SearchFilters(slots=[slot], genders=self.fit.genders(), exclude_ids=exclude)
        if max_price is not None:
            priced = [
                g.price
                for g in self.index
                if g.price is not None and anything.matches(g) and self.fit.refuse(g) is None
            ]
            if priced:
                cheapest = min(priced)
                raise NoOutfitError(
                    (
                        f"no {slot.value} fits the budget: none costs {max_price:.2f} or less (the "
                        f"cheapest is {cheapest:.2f})"
                    ),
                    hint=f"raise the budget by at least {cheapest - max_price:.2f}",
                )
        if refused and self.fit.code is not None:
            raise NoOutfitError(
                f"no {slot.value} in the catalogue suits {self.fit.code.say} ({'; '.join(refused)})",
                hint=(
                    f"ask for another dress code than {self.fit.code.name}, or add fitting {slot.value} "
                    "to the catalogue"
                ),
            )
        if refused:
            raise NoOutfitError(
                f"no {slot.value} in the catalogue suits this brief ({'; '.join(refused)})",
                hint="ask for other weather, or another age group",
            )
        who = f"{gender.value}'s " if gender else ""
        raise NoOutfitError(
            f"the catalogue has no {who}{slot.value}",
            hint="try another gender" if gender else "the catalogue needs garments for that slot",
        )
