"""Stylist knowledge about single garments and pairs: colour families, formality, seasons, slots.

These diagnostics give the *words* of an explanation and drive the rule generator of demo
outfits. They never produce the learned compatibility score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stylist.index.schema import Garment, Slot

# colour word -> (family, hue in degrees or None for a neutral, earthy?)
_COLOURS: dict[str, tuple[str, float | None, bool]] = {
    "black": ("black", None, False),
    "white": ("white", None, False),
    "off white": ("white", None, False),
    "ivory": ("cream", None, False),
    "cream": ("cream", None, False),
    "grey": ("grey", None, False),
    "gray": ("grey", None, False),
    "charcoal": ("grey", None, False),
    "silver": ("grey", None, False),
    "navy": ("navy", None, False),
    "navy blue": ("navy", None, False),
    "denim": ("navy", None, False),
    "beige": ("beige", None, True),
    "nude": ("beige", None, True),
    "taupe": ("beige", None, True),
    "stone": ("beige", None, True),
    "sand": ("beige", None, True),
    "camel": ("brown", None, True),
    "tan": ("brown", None, True),
    "khaki": ("brown", None, True),
    "brown": ("brown", None, True),
    "chocolate": ("brown", None, True),
    "coffee": ("brown", None, True),
    "coffee brown": ("brown", None, True),
    "mushroom brown": ("brown", None, True),
    "olive": ("olive", 80.0, True),
    "sage": ("olive", 95.0, True),
    "khaki green": ("olive", 80.0, True),
    "rust": ("rust", 18.0, True),
    "terracotta": ("rust", 15.0, True),
    "copper": ("rust", 22.0, True),
    "bronze": ("rust", 30.0, True),
    "mustard": ("mustard", 45.0, True),
    "ochre": ("mustard", 40.0, True),
    "gold": ("beige", None, False),  # metallics act as neutrals
    "rose gold": ("beige", None, False),
    "grey melange": ("grey", None, False),
    "burgundy": ("burgundy", 345.0, True),
    "maroon": ("burgundy", 350.0, True),
    "wine": ("burgundy", 345.0, True),
    "red": ("red", 0.0, False),
    "coral": ("orange", 12.0, False),
    "orange": ("orange", 30.0, False),
    "peach": ("orange", 25.0, False),
    "yellow": ("yellow", 58.0, False),
    "lime": ("green", 90.0, False),
    "lime green": ("green", 90.0, False),
    "green": ("green", 125.0, False),
    "fluorescent green": ("green", 110.0, False),
    "sea green": ("teal", 150.0, False),
    "mint": ("teal", 150.0, False),
    "teal": ("teal", 180.0, False),
    "turquoise": ("teal", 175.0, False),
    "turquoise blue": ("teal", 180.0, False),
    "blue": ("blue", 220.0, False),
    "cobalt": ("blue", 225.0, False),
    "light blue": ("blue", 205.0, False),
    "sky blue": ("blue", 200.0, False),
    "purple": ("purple", 275.0, False),
    "violet": ("purple", 270.0, False),
    "lavender": ("purple", 265.0, False),
    "lilac": ("purple", 270.0, False),
    "magenta": ("pink", 310.0, False),
    "pink": ("pink", 330.0, False),
    "rose": ("pink", 340.0, False),
    "blush": ("pink", 345.0, False),
    "mauve": ("purple", 300.0, False),
    "emerald": ("green", 140.0, False),
    "indigo": ("blue", 240.0, False),
    "fuchsia": ("pink", 315.0, False),
    "multi": ("multi", None, False),
    "multicolour": ("multi", None, False),
    "multicolor": ("multi", None, False),
}

#: Families in a fixed order: the model's colour features index into it.
COLOUR_FAMILIES: tuple[str, ...] = (
    "black",
    "white",
    "cream",
    "grey",
    "navy",
    "beige",
    "brown",
    "olive",
    "rust",
    "mustard",
    "burgundy",
    "red",
    "orange",
    "yellow",
    "green",
    "teal",
    "blue",
    "purple",
    "pink",
    "multi",
)
NEUTRAL_FAMILIES = frozenset({"black", "white", "cream", "grey", "navy", "beige", "brown"})
EARTHY_COLOURS: tuple[str, ...] = tuple(w for w, (_, _, earthy) in _COLOURS.items() if earthy)
NEUTRAL_COLOURS: tuple[str, ...] = tuple(w for w, (f, _, _) in _COLOURS.items() if f in NEUTRAL_FAMILIES)

SEASONS: tuple[str, ...] = ("spring", "summer", "autumn", "winter")
_SEASON_ALIASES = {"fall": "autumn", "all": "all", "all season": "all", "all seasons": "all"}

# Formality 0 (sport) .. 4 (black tie). Occasion words first, article words as fallback.
_OCCASION_FORMALITY = {
    "sports": 0.0,
    "sport": 0.0,
    "gym": 0.0,
    "home": 0.5,
    "lounge": 0.5,
    "beach": 0.5,
    "casual": 1.0,
    "travel": 1.0,
    "weekend": 1.0,
    "smart casual": 2.0,
    "work": 2.5,
    "office": 2.5,
    "party": 2.5,
    "evening": 3.0,
    "date": 2.0,
    "ethnic": 2.5,
    "wedding": 3.0,
    "formal": 3.5,
    "black tie": 4.0,
    "cocktail": 3.0,
}
_ARTICLE_FORMALITY: tuple[tuple[str, float], ...] = (
    ("tuxedo", 4.0),
    ("gown", 3.8),
    ("suit", 3.5),
    ("blazer", 3.0),
    ("oxford", 3.0),
    ("loafer", 2.5),
    ("heels", 3.0),
    ("pump", 3.0),
    ("stiletto", 3.2),
    ("clutch", 3.2),
    ("tie", 3.2),
    ("cufflink", 3.5),
    ("trousers", 2.5),
    ("shirt", 2.2),
    ("blouse", 2.5),
    ("skirt", 2.2),
    ("dress", 2.5),
    ("coat", 2.5),
    ("pearl", 3.0),
    ("watch", 2.0),
    ("cardigan", 1.8),
    ("jeans", 1.0),
    ("sweater", 1.5),
    ("t-shirt", 0.8),
    ("tshirt", 0.8),
    ("tee", 0.8),
    ("tank", 0.8),
    ("hoodie", 0.5),
    ("sweatshirt", 0.6),
    ("shorts", 0.7),
    ("sneaker", 0.7),
    ("trainer", 0.6),
    ("flip flop", 0.2),
    ("slides", 0.4),
    ("jogger", 0.3),
    ("track", 0.2),
    ("legging", 0.5),
    ("sports", 0.1),
    ("backpack", 0.8),
    ("cap", 0.6),
    ("sandal", 1.2),
    ("boots", 1.8),
    ("tote", 1.5),
    ("jacket", 1.8),
)
_ARTICLE_SEASONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("coat", frozenset({"autumn", "winter"})),
    ("parka", frozenset({"winter"})),
    ("puffer", frozenset({"winter"})),
    ("wool", frozenset({"autumn", "winter"})),
    ("knit", frozenset({"autumn", "winter"})),
    ("sweater", frozenset({"autumn", "winter"})),
    ("boots", frozenset({"autumn", "winter"})),
    ("scarf", frozenset({"autumn", "winter"})),
    ("shorts", frozenset({"spring", "summer"})),
    ("sandal", frozenset({"spring", "summer"})),
    ("flip flop", frozenset({"summer"})),
    ("tank", frozenset({"summer"})),
    ("linen", frozenset({"spring", "summer"})),
    ("swim", frozenset({"summer"})),
    ("sunglasses", frozenset({"spring", "summer"})),
)


@lru_cache(maxsize=4096)
def colour_words_in(text: str) -> tuple[str, ...]:
    """Colour words found in free text (longest match first), e.g. Polyvore item names."""
    found: list[tuple[int, str]] = []
    lowered = " " + re.sub(r"[^a-z]+", " ", text.lower()) + " "
    for word in sorted(_COLOURS, key=len, reverse=True):
        at = lowered.find(f" {word} ")
        if at >= 0 and not any(word in f for _, f in found):
            found.append((at, word))
    return tuple(w for _, w in sorted(found))


def colour_family(colour: str) -> str | None:
    entry = _COLOURS.get(colour.strip().lower())
    if entry is None:
        for word in colour_words_in(colour):
            return _COLOURS[word][0]
        return None
    return entry[0]


def _hues(colours: list[str]) -> list[float]:
    out = []
    for c in colours:
        entry = _COLOURS.get(c)
        if entry is None and colour_words_in(c):
            entry = _COLOURS[colour_words_in(c)[0]]
        if entry and entry[1] is not None:
            out.append(entry[1])
    return out


def is_neutral(colour: str) -> bool:
    return colour_family(colour) in NEUTRAL_FAMILIES


def is_earthy(colour: str) -> bool:
    entry = _COLOURS.get(colour.strip().lower())
    return bool(entry and entry[2])


def garment_colours(g: Garment) -> list[str]:
    """The garment's colours, read from the title when the record has none (Polyvore)."""
    return list(g.colours) if g.colours else list(colour_words_in(g.title))


def garment_seasons(g: Garment) -> frozenset[str]:
    """Seasons a garment suits; empty means any season."""
    out: set[str] = set()
    for s in g.seasons:
        s = _SEASON_ALIASES.get(s, s)
        if s == "all":
            return frozenset()
        if s in SEASONS:
            out.add(s)
    if out:
        return frozenset(out)
    text = f"{g.article_type} {g.title} {g.material or ''}".lower()
    for word, seasons in _ARTICLE_SEASONS:
        if word in text:
            out |= seasons
    return frozenset(out)


def formality(g: Garment) -> float:
    """0 (sport) to 4 (black tie): from occasions, else from the article words."""
    values = [_OCCASION_FORMALITY[o] for o in g.occasions if o in _OCCASION_FORMALITY]
    if values:
        return sum(values) / len(values)
    text = f"{g.article_type} {g.title}".lower()
    for word, value in _ARTICLE_FORMALITY:
        if word in text:
            return value
    return 1.8


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
    return PairIssue(
        "formality mismatch",
        f"{more.article_type.lower()} is much dressier than {less.article_type.lower()}",
        round(min(1.0, gap / 3), 2),
    )


def season_mismatch(a: Garment, b: Garment) -> PairIssue | None:
    sa, sb = garment_seasons(a), garment_seasons(b)
    if not sa or not sb or sa & sb:
        return None
    return PairIssue(
        "season mismatch",
        f"{a.article_type.lower()} is for {'/'.join(sorted(sa))}, {b.article_type.lower()} for {'/'.join(sorted(sb))}",
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
