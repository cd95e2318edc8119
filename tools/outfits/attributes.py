"""Stylist knowledge about single garments and pairs: colour families, formality, seasons, slots.

The facts (families, hues, earth tones, formality, season hints) are the fashion vocabulary's
(:mod:`stylist.fashion.vocabulary`); this module applies them to garments.

These diagnostics give the *words* of an explanation and drive the rule generator of demo
outfits. They never produce the learned compatibility score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from stylist.fashion.brief import COLOUR_GROUPS
from stylist.fashion.terms import canonical_colour, colours_in
from stylist.fashion.vocabulary import Colour, vocabulary
from stylist.index.schema import Garment, Slot

_VOCAB = vocabulary()
#: Families in a fixed order: the model's colour features index into it.
COLOUR_FAMILIES: tuple[str, ...] = _VOCAB.families
NEUTRAL_FAMILIES = _VOCAB.neutral_families
EARTHY_COLOURS: tuple[str, ...] = _VOCAB.earthy_colours
NEUTRAL_COLOURS: tuple[str, ...] = _VOCAB.neutral_colours
SEASONS: tuple[str, ...] = _VOCAB.seasons
# Formality 0 (sport) .. 4 (black tie). Occasion tags first, article words as fallback.
_OCCASION_FORMALITY = {o.name: o.formality for o in _VOCAB.occasions.values() if o.formality is not None}


@lru_cache(maxsize=4096)
def colour_words_in(text: str) -> tuple[str, ...]:
    """Canonical colours named in free text, in order (e.g. Polyvore item names)."""
    return tuple(colours_in(text))


def _colour(colour: str) -> Colour | None:
    """The vocabulary entry of a colour name, else of the first colour the text names."""
    entry = _VOCAB.colours.get(canonical_colour(colour))
    if entry is None:
        for name in colour_words_in(colour):
            return _VOCAB.colours[name]
    return entry


def colour_family(colour: str) -> str | None:
    entry = _colour(colour)
    return entry.family if entry else None


def answers_colour(colour: str, asked: str) -> bool:
    """Whether a garment of ``colour`` answers a request for ``asked``: the same colour, a shade of
    its family ("blush" for pink, "charcoal" for grey) or a name that contains it ("navy blue" for
    blue)."""
    c, a = canonical_colour(colour), canonical_colour(asked)
    if c == a or a in c.split():
        return True
    family = colour_family(a)
    return family is not None and family == colour_family(c)


@lru_cache(maxsize=256)
def shades_of(asked: tuple[str, ...]) -> tuple[str, ...]:
    """Every colour of the vocabulary that answers one of ``asked`` (the asked ones first)."""
    out = [canonical_colour(a) for a in asked]
    out += [c for c in _VOCAB.colours if any(answers_colour(c, a) for a in asked)]
    return tuple(dict.fromkeys(out))


def garment_answers(g: Garment, asked: set[str] | frozenset[str]) -> bool:
    """Whether ``g`` is in one of the ``asked`` colours (or a shade of one)."""
    return any(answers_colour(c, a) for c in g.colours for a in asked)


def is_palette(label: str) -> bool:
    """Whether a colour ask's label is a palette word ("earthy", "warm") rather than named colours."""
    return label in COLOUR_GROUPS


def answers_ask(g: Garment, label: str, colours: Sequence[str]) -> bool:
    """Whether ``g`` answers one colour ask of a brief (:func:`stylist.fashion.brief.colour_asks`):
    a palette by one of its own colours, a named colour also by a shade of it."""
    if is_palette(label):
        return bool({canonical_colour(c) for c in colours} & {canonical_colour(c) for c in g.colours})
    return garment_answers(g, frozenset(colours))


def _hues(colours: list[str]) -> list[float]:
    return [e.hue for e in map(_colour, colours) if e is not None and e.hue is not None]


def is_neutral(colour: str) -> bool:
    return colour_family(colour) in NEUTRAL_FAMILIES


def is_earthy(colour: str) -> bool:
    entry = _VOCAB.colours.get(canonical_colour(colour))
    return bool(entry and entry.earthy)


def garment_colours(g: Garment) -> list[str]:
    """The garment's colours, read from the title when the record has none (Polyvore)."""
    return list(g.colours) if g.colours else list(colour_words_in(g.title))


def garment_seasons(g: Garment) -> frozenset[str]:
    """Seasons a garment suits; empty means any season."""
    out: set[str] = set()
    for s in g.seasons:
        if s in _VOCAB.all_season_words:
            return frozenset()
        s = _VOCAB.season_word_map.get(s, s)
        if s in SEASONS:
            out.add(s)
    if out:
        return frozenset(out)
    text = f"{g.article_type} {g.title} {g.material or ''}".lower()
    for word, seasons in _VOCAB.season_hints:
        if word in text:
            out |= seasons
    return frozenset(out)


def formality(g: Garment) -> float:
    """0 (sport) to 4 (black tie): from occasions, else from the article words."""
    values = [_OCCASION_FORMALITY[o] for o in g.occasions if o in _OCCASION_FORMALITY]
    if values:
        return sum(values) / len(values)
    text = f"{g.article_type} {g.title}".lower()
    for word, value in _VOCAB.article_formality:
        if word in text:
            return value
    return _VOCAB.formality_default


@dataclass(frozen=True)
class PairIssue:
    """One reason two garments do not go together."""

    kind: str  # "colour clash" | "formality mismatch" | "season mismatch" | "same slot"
    detail: str
    severity: float  # 0..1


def hue_distance(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


def colour_clash(a: Garment, b: Garment) -> PairIssue | None:
    """Two saturated, non-earthy colours that are neither analogous nor complementary."""
    ca, cb = garment_colours(a), garment_colours(b)
    if not ca or not cb:
        return None
    loud_a = [c for c in ca if not is_neutral(c) and not is_earthy(c)]
    loud_b = [c for c in cb if not is_neutral(c) and not is_earthy(c)]
    if not loud_a or not loud_b:
        return None
    worst = 0.0
    pair = ("", "")
    for x in loud_a:
        for y in loud_b:
            hx, hy = _hues([x]), _hues([y])
            if not hx or not hy:
                continue
            d = hue_distance(hx[0], hy[0])
            # analogous (< 45 deg) and complementary (> 150 deg) harmonise; in between clashes
            sev = 0.0 if d < 45 or d > 150 else 1.0 - abs(d - 100) / 110
            if sev > worst:
                worst, pair = sev, (x, y)
    if worst <= 0:
        return None
    return PairIssue("colour clash", f"{pair[0]} and {pair[1]} clash", round(worst, 2))


def formality_mismatch(a: Garment, b: Garment) -> PairIssue | None:
    fa, fb = formality(a), formality(b)
    gap = abs(fa - fb)
    if gap < 1.75:
        return None
    more, less = (a, b) if fa > fb else (b, a)
    noun = more.article_type.lower()
    return PairIssue(
        "formality mismatch",
        f"{noun} {_is(noun)} much dressier than {less.article_type.lower()}",
        round(min(1.0, gap / 3), 2),
    )


def _is(noun: str) -> str:
    """ "are" after a plural garment noun ("trousers", "shirts"), else "is"."""
    return "are" if noun.endswith("s") and not noun.endswith("ss") else "is"


def season_mismatch(a: Garment, b: Garment) -> PairIssue | None:
    sa, sb = garment_seasons(a), garment_seasons(b)
    if not sa or not sb or sa & sb:
        return None
    return PairIssue(
        "season mismatch",
        (
            f"{a.article_type.lower()} {_is(a.article_type.lower())} for {'/'.join(sorted(sa))}, "
            f"{b.article_type.lower()} for "
            f"{'/'.join(sorted(sb))}"
        ),
        1.0 if ({"summer"} <= sa and {"winter"} <= sb) or ({"winter"} <= sa and {"summer"} <= sb) else 0.7,
    )


def pair_issues(a: Garment, b: Garment) -> list[PairIssue]:
    """Every rule two garments break together, worst first."""
    issues = [f(a, b) for f in (colour_clash, formality_mismatch, season_mismatch)]
    if a.slot == b.slot and a.slot in CORE_SLOTS:
        issues.append(PairIssue("same slot", f"two {a.slot.value} garments", 1.0))
    return sorted((i for i in issues if i is not None), key=lambda i: -i.severity)


CORE_SLOTS = frozenset({Slot.TOP, Slot.BOTTOM, Slot.DRESS, Slot.SHOES})


def missing_slots(garments: list[Garment]) -> list[str]:
    """What a complete outfit still needs: (top and bottom) or a dress, and shoes."""
    slots = {g.slot for g in garments}
    missing: list[str] = []
    if Slot.DRESS not in slots:
        if Slot.TOP not in slots and Slot.BOTTOM not in slots:
            missing.append("top and bottom (or a dress)")
        elif Slot.TOP not in slots:
            missing.append(Slot.TOP.value)
        elif Slot.BOTTOM not in slots:
            missing.append(Slot.BOTTOM.value)
    if Slot.SHOES not in slots:
        missing.append(Slot.SHOES.value)
    return missing
