"""Candidates for one outfit slot: a catalogue search under the brief's constraints.

Occasion, season and colour are relaxed in that order when nothing matches; the dress code the
brief names never is: what it refuses stays out, and an optional slot nothing fits is left empty
with a note saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stylist.errors import StylistError
from stylist.fashion.dresscodes import admitted, dress_code
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment, Gender, Slot
from stylist.tools.outfits.attributes import NEUTRAL_COLOURS, garment_colours
from stylist.tools.outfits.brief import ParsedBrief


class NoOutfitError(StylistError):
    """No outfit satisfies the constraints; the hint names the constraint to relax."""


@dataclass
class Candidates:
    """One slot's candidate garments and their relevance to the request."""

    slot: Slot
    garments: list[Garment]
    relevance: list[float]
    required: bool


def slot_candidates(
    index: Any,
    slot: Slot,
    parsed: ParsedBrief,
    gender: Gender | None,
    max_price: float | None,
    exclude: list[str],
    required: bool,
    notes: list[str],
    per_slot: int,
) -> Candidates | None:
    """The best ``per_slot`` garments for one slot, relaxing occasion, season and colour in turn
    (never the dress code); ``None`` for an optional slot nothing fits (with a note)."""
    genders = [gender] if gender else None
    colours = parsed.colours or None
    if colours and parsed.palette:
        colours = (
            list(dict.fromkeys([*colours, *NEUTRAL_COLOURS])) if slot in (Slot.SHOES, Slot.BAG) else colours
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
    code = dress_code(parsed.dress_code) if parsed.dress_code else None
    tried: list[str] = []
    refused: list[str] = []
    for relaxed, soft in ladder:
        if relaxed:
            if not ladder[0][1][relaxed + "s"]:
                continue  # that constraint was not asked for: nothing to relax
            tried.append(relaxed)
        filters = SearchFilters(
            slots=[slot], genders=genders, max_price=max_price, exclude_ids=exclude, **soft
        )
        hits = index.search(query or None, filters=filters, k=per_slot * (3 if code else 1))
        if code is not None:  # relaxing never reaches what the dress code refuses
            hits, reasons = admitted(code, slot.value, hits, per_slot)
            refused += reasons
        if hits:
            if tried:
                notes.append(
                    f"{slot.value}: nothing matched every {'/'.join(tried)} constraint, so it was relaxed"
                )
            return _with_preference(slot, hits, parsed, required)
    suits = code is not None and bool(refused)
    if not required:
        left = f"nothing in the catalogue suits {code.say}, so the outfit goes without one" if suits else ""
        notes.append(f"{slot.value}: {left or 'none fits the constraints, left out'}")
        return None
    if suits:
        raise NoOutfitError(
            f"no {slot.value} in the catalogue suits {code.say} ({refused[0]})",
            hint=f"ask for another dress code than {code.name}, or add fitting {slot.value} to the catalogue",
        )
    _explain_empty(index, slot, gender, max_price, exclude)
    return None  # unreachable: _explain_empty raises


def _with_preference(
    slot: Slot, hits: list[tuple[Garment, float]], parsed: ParsedBrief, required: bool
) -> Candidates:
    garments = [g for g, _ in hits]
    rel = []
    wanted = set(parsed.colours)
    for g, score in hits:
        bonus = 0.0
        if wanted and set(garment_colours(g)) & wanted:
            bonus += 0.1
        if parsed.occasions and set(g.occasions) & set(parsed.occasions):
            bonus += 0.1
        if parsed.seasons and set(g.seasons) & set(parsed.seasons):
            bonus += 0.05
        rel.append(float(score) + bonus)
    return Candidates(slot, garments, rel, required)


def _explain_empty(
    index: Any, slot: Slot, gender: Gender | None, max_price: float | None, exclude: list[str]
) -> None:
    if max_price is not None:
        anything = SearchFilters(slots=[slot], genders=[gender] if gender else None, exclude_ids=exclude)
        priced = [g.price for g in index if g.price is not None and anything.matches(g)]
        if priced:
            cheapest = min(priced)
            raise NoOutfitError(
                f"no {slot.value} fits the budget: none costs {max_price:.2f} or less (the cheapest is {cheapest:.2f})",
                hint=f"raise the budget by at least {cheapest - max_price:.2f}",
            )
    who = f"{gender.value}'s " if gender else ""
    raise NoOutfitError(
        f"the catalogue has no {who}{slot.value}",
        hint="try another gender" if gender else "the catalogue needs garments for that slot",
    )
