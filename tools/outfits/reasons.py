"""Why an outfit works, in a stylist's terms: palette, formality, season, budget, one thing to watch.

Every sentence comes from data the outfit already has: the garments' colours and the vocabulary's
hues and earth tones, the dress code's formality range, the brief's weather, the budget, and the
compatibility model's pair scores (its strongest pair, and its weakest one when no rule explains
it). Nothing is invented, so the reasons are as grounded as the item list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from stylist.fashion.terms import article_key, canonical_colour
from stylist.fashion.vocabulary import vocabulary
from stylist.index.schema import Garment, Slot
from stylist.tools.outfits.attributes import answers_ask, formality, garment_colours, pair_issues
from stylist.tools.outfits.brief import ParsedBrief
from stylist.tools.outfits.infer import sigmoid
from stylist.tools.outfits.suitability import Suitability


@dataclass(frozen=True)
class Reasons:
    """The sentences of one outfit's "why", and the one thing to watch (if any)."""

    lines: list[str]
    watch: str | None


def _noun(g: Garment) -> str:
    """The garment's noun in the vocabulary ("Tshirts" -> "t-shirt"), else its article type."""
    return article_key(g.article_type) or g.article_type.lower()


def _piece(g: Garment) -> str:
    """How a reason names a garment: its first colour and noun ("the camel trousers")."""
    colours = garment_colours(g)
    colour = f"{colours[0]} " if colours else ""
    return f"the {colour}{_noun(g)}"


def _verb(gs: Sequence[Garment], one: str, many: str) -> str:
    """``one`` for a single singular garment ("keeps"), else ``many`` ("trousers keep")."""
    noun = _noun(gs[0]) if gs else ""
    return one if len(gs) == 1 and not (noun.endswith("s") and not noun.endswith("ss")) else many


def _temperature(colour: str) -> str:
    """neutral, earthy, warm or cool: how a stylist sorts a colour."""
    entry = vocabulary().colours.get(canonical_colour(colour))
    if entry is None or entry.family in vocabulary().neutral_families or entry.hue is None:
        return "earthy" if entry is not None and entry.earthy else "neutral"
    if entry.earthy:
        return "earthy"
    return "warm" if entry.hue < 70 or entry.hue >= 320 else "cool"


def _and(words: Sequence[str]) -> str:
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def palette(garments: Sequence[Garment], asked: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The palette in one sentence: which colours carry it, which calm it, what answers the brief
    (``asked``: the brief's colour asks, each ``(label, colours)``)."""
    main = [(g, garment_colours(g)[0]) for g in garments if garment_colours(g) and g.slot is not Slot.JEWELRY]
    if not main:
        return None
    kinds: dict[str, list[str]] = {}
    for _, colour in main:
        kinds.setdefault(_temperature(colour), []).append(colour)
    loud = [k for k in ("warm", "cool", "earthy") if k in kinds]
    calm = [g for g, c in main if _temperature(c) == "neutral"]
    if not loud:
        line = (
            f"A neutral palette ({_and(kinds['neutral'])}): nothing competes, so the shapes do the talking."
        )
    elif len(loud) == 1 and len(set(kinds[loud[0]])) > 1:
        line = f"{_and(kinds[loud[0]]).capitalize()} are all {loud[0]} tones, so they sit together."
    elif len(loud) == 1:
        line = f"{kinds[loud[0]][0].capitalize()} is the one {loud[0]} accent."
    else:
        line = f"{_and([kinds[k][0] for k in loud]).capitalize()} mix {' and '.join(loud)} tones."
    if loud and calm:
        line = line[:-1] + f"; {_piece(calm[0])} {_verb(calm[:1], 'keeps', 'keep')} the rest calm."
    return line + asked_line(main, asked)


def asked_line(main: Sequence[tuple[Garment, str]], asks: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Which piece answers each colour asked for, and which ask no piece answers (never claimed)."""
    met, missed = [], []
    for label, colours in asks:
        pieces = [g for g, _ in main if answers_ask(g, label, colours)]
        if pieces:
            met.append(f"{label} with {_and([_piece(g) for g in pieces[:2]])}")
        else:
            missed.append(label)
    line = f" The colours you asked for come in: {'; '.join(met)}." if met else ""
    if missed:
        line += f" No {_either(missed)} piece passed every check to go with the rest."
    return line


def _either(words: Sequence[str]) -> str:
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def formality_line(garments: Sequence[Garment], fit: Suitability) -> tuple[str | None, str | None]:
    """(the formality sentence, a warning when one piece sits at the edge of the dress code)."""
    worn = [g for g in garments if g.slot in (Slot.TOP, Slot.BOTTOM, Slot.DRESS, Slot.SHOES, Slot.OUTERWEAR)]
    if not worn:
        return None, None
    levels = {g.id: formality(g) for g in worn}
    low = min(worn, key=lambda g: (levels[g.id], g.id))
    high = max(worn, key=lambda g: (levels[g.id], g.id))
    if fit.code is None:
        if levels[high.id] - levels[low.id] < 1.0:
            return "Every piece sits at the same level of formality.", None
        return f"{_piece(high).capitalize()} dresses up {_piece(low)}.", None
    lo, hi = fit.code.formality
    inside = [g for g in worn if fit.code.suits_formality(levels[g.id])]
    if len(inside) == len(worn):
        line = (
            f"Right for {fit.code.say}: every piece sits in its formality range, {_piece(high)} "
            f"{_verb([high], 'sets', 'set')} the tone."
        )
        return line, None
    edge = low if levels[low.id] < lo else high
    side = "casual" if levels[edge.id] < lo else "dressy"
    return (
        f"Pitched for {fit.code.say}: {len(inside)} of {len(worn)} pieces sit in its formality range.",
        f"{_piece(edge)} {_verb([edge], 'is', 'are')} on the {side} side for {fit.code.say}.",
    )


def weather_line(garments: Sequence[Garment], brief: ParsedBrief, fit: Suitability) -> str | None:
    """What the outfit does about the brief's weather or season."""
    said = " and ".join(
        x
        for x in (
            f"{brief.temperature:g} °C" if brief.temperature is not None else None,
            "rain" if brief.rain else None,
        )
        if x
    )
    layers = [g for g in garments if fit.warm(g)]
    shoes = next((g for g in garments if g.slot is Slot.SHOES), None)
    if brief.cold:
        if layers:
            line = (
                f"For {said or 'the cold'}: {_and([_piece(g) for g in layers[:2]])} "
                f"{_verb(layers[:2], 'keeps', 'keep')} the warmth in"
            )
        else:
            line = f"For {said or 'the cold'}: no warm layer passed every check, so add a coat of your own"
        if shoes is not None:
            line += (
                f", and {_piece(shoes)} {_verb([shoes], 'is', 'are')} closed against the "
                f"{'wet' if brief.rain else 'cold'}"
            )
        return line + "."
    if brief.hot:
        light = [
            g for g in garments if (g.material or "").lower() in ("linen", "cotton", "chiffon", "jersey")
        ]
        return (
            f"For the heat: {_and([_piece(g) for g in light[:2]])} {_verb(light[:2], 'breathes', 'breathe')}."
            if light
            else None
        )
    if brief.rain and shoes is not None:
        return f"For the rain: {_piece(shoes)} {_verb([shoes], 'keeps', 'keep')} your feet dry."
    if brief.seasons:
        season = brief.seasons[0]
        suited = [g for g in garments if season in g.seasons]
        if suited:
            return f"Made for {season}: {_and([_piece(g) for g in suited[:2]])}."
    return None


def budget_line(total: float, budget: float | None) -> str:
    if budget is None:
        return f"{total:.2f} in all."
    return f"{total:.2f} of your {budget:.2f} budget, {budget - total:.2f} left."


def pair_evidence(garments: Sequence[Garment], logits: np.ndarray) -> tuple[str | None, str | None]:
    """(the model's strongest pairing, the weakest pairing and why) from its pair scores."""
    if len(garments) < 2:
        return None, None
    pairs = sorted(
        ((float(sigmoid(logits[i, j])), i, j) for i, j in combinations(range(len(garments)), 2)),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    best, worst = pairs[0], pairs[-1]
    a, b = garments[best[1]], garments[best[2]]
    strong = f"The model's surest pairing is {_piece(a)} with {_piece(b)} ({best[0]:.2f})."
    c, d = garments[worst[1]], garments[worst[2]]
    issues = pair_issues(c, d)
    if issues:
        return strong, f"{_piece(c)} and {_piece(d)}: {issues[0].detail}."
    if worst[0] < 0.5:
        return (
            strong,
            f"{_piece(c)} with {_piece(d)} is the weakest pairing ({worst[0]:.2f}); a swap may help.",
        )
    return strong, None


def outfit_reasons(
    garments: Sequence[Garment],
    logits: np.ndarray,
    brief: ParsedBrief,
    fit: Suitability,
    total: float,
    budget: float | None,
) -> Reasons:
    """The reasons of one assembled outfit (``logits``: its pair logits, in ``garments`` order)."""
    lines: list[str] = []
    tone, edge = formality_line(garments, fit)
    strong, weak = pair_evidence(garments, logits)
    for line in (palette(garments, brief.colour_asks), tone, weather_line(garments, brief, fit), strong):
        if line:
            lines.append(line)
    if any(g.price is None for g in garments):
        lines.append("The catalogue gives no price for some pieces, so the total is not known.")
    else:
        lines.append(budget_line(total, budget))
    watch = weak or edge
    return Reasons(lines, watch[0].upper() + watch[1:] if watch else None)
