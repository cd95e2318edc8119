"""Words that name colours, patterns and materials, for reading them out of free-text names.

Polyvore has no colour field and Kaggle names carry pattern and material words; these lexicons
turn such names into garment attributes. Longest phrases win ("navy blue" before "blue").
"""

from __future__ import annotations

import re

#: Colour words as written in names → the colour name stored on the garment.
COLOUR_WORDS: dict[str, str] = {
    # multi-word first in matching order (sorted by length below)
    "navy blue": "navy blue",
    "off white": "off white",
    "off-white": "off white",
    "light blue": "light blue",
    "sky blue": "sky blue",
    "royal blue": "royal blue",
    "baby blue": "light blue",
    "dark blue": "navy blue",
    "powder blue": "light blue",
    "turquoise blue": "turquoise",
    "sea green": "sea green",
    "lime green": "lime green",
    "olive green": "olive",
    "army green": "olive",
    "forest green": "dark green",
    "dark green": "dark green",
    "mint green": "mint",
    "hot pink": "hot pink",
    "light pink": "light pink",
    "dusty pink": "blush",
    "rose gold": "rose gold",
    "grey melange": "grey",
    "charcoal grey": "charcoal",
    "coffee brown": "brown",
    "mushroom brown": "taupe",
    "dark brown": "brown",
    "light grey": "light grey",
    "dark grey": "charcoal",
    "light gray": "light grey",
    "dark gray": "charcoal",
    "black": "black",
    "white": "white",
    "ivory": "ivory",
    "cream": "cream",
    "ecru": "cream",
    "beige": "beige",
    "nude": "nude",
    "tan": "tan",
    "camel": "camel",
    "khaki": "khaki",
    "brown": "brown",
    "chocolate": "brown",
    "cognac": "cognac",
    "taupe": "taupe",
    "mocha": "brown",
    "grey": "grey",
    "gray": "grey",
    "charcoal": "charcoal",
    "silver": "silver",
    "gold": "gold",
    "golden": "gold",
    "bronze": "bronze",
    "copper": "copper",
    "metallic": "metallic",
    "red": "red",
    "burgundy": "burgundy",
    "maroon": "maroon",
    "wine": "burgundy",
    "oxblood": "burgundy",
    "crimson": "red",
    "scarlet": "red",
    "pink": "pink",
    "blush": "blush",
    "fuchsia": "fuchsia",
    "magenta": "magenta",
    "rose": "rose",
    "coral": "coral",
    "peach": "peach",
    "salmon": "coral",
    "orange": "orange",
    "rust": "rust",
    "terracotta": "terracotta",
    "mustard": "mustard",
    "yellow": "yellow",
    "lemon": "yellow",
    "ochre": "mustard",
    "green": "green",
    "olive": "olive",
    "sage": "sage",
    "mint": "mint",
    "emerald": "emerald",
    "khaki green": "olive",
    "teal": "teal",
    "turquoise": "turquoise",
    "aqua": "turquoise",
    "blue": "blue",
    "navy": "navy blue",
    "cobalt": "royal blue",
    "denim blue": "blue",
    "indigo": "indigo",
    "purple": "purple",
    "violet": "purple",
    "lavender": "lavender",
    "lilac": "lavender",
    "mauve": "mauve",
    "plum": "plum",
    "multicolor": "multi",
    "multicolour": "multi",
    "multi": "multi",
    "leopard": "leopard",
}

PATTERN_WORDS: dict[str, str] = {
    "polka dot": "polka dot",
    "polka-dot": "polka dot",
    "polka dots": "polka dot",
    "pin stripe": "striped",
    "pinstripe": "striped",
    "striped": "striped",
    "stripes": "striped",
    "stripe": "striped",
    "checked": "checked",
    "check": "checked",
    "checks": "checked",
    "gingham": "checked",
    "plaid": "plaid",
    "tartan": "plaid",
    "floral": "floral",
    "flower": "floral",
    "paisley": "paisley",
    "printed": "printed",
    "print": "printed",
    "graphic": "graphic",
    "solid": "solid",
    "plain": "solid",
    "camouflage": "camouflage",
    "camo": "camouflage",
    "leopard": "animal print",
    "zebra": "animal print",
    "houndstooth": "houndstooth",
    "herringbone": "herringbone",
    "embroidered": "embroidered",
    "colourblock": "colour block",
    "colorblock": "colour block",
    "colour block": "colour block",
    "color block": "colour block",
    "tie dye": "tie dye",
    "tie-dye": "tie dye",
    "geometric": "geometric",
}

MATERIAL_WORDS: dict[str, str] = {
    "faux leather": "faux leather",
    "vegan leather": "faux leather",
    "leather": "leather",
    "suede": "suede",
    "denim": "denim",
    "cotton": "cotton",
    "linen": "linen",
    "silk": "silk",
    "satin": "satin",
    "wool": "wool",
    "woollen": "wool",
    "woolen": "wool",
    "cashmere": "cashmere",
    "merino": "wool",
    "knit": "knit",
    "knitted": "knit",
    "polyester": "polyester",
    "nylon": "nylon",
    "velvet": "velvet",
    "corduroy": "corduroy",
    "chiffon": "chiffon",
    "lace": "lace",
    "tweed": "tweed",
    "fleece": "fleece",
    "jersey": "jersey",
    "canvas": "canvas",
    "rubber": "rubber",
    "sequin": "sequin",
    "sequined": "sequin",
    "crepe": "crepe",
    "georgette": "georgette",
    "rayon": "rayon",
    "viscose": "viscose",
}


def _compile(words: dict[str, str]) -> re.Pattern[str]:
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(w) for w in alternatives) + r")(?![a-z])")


_COLOUR_RE = _compile(COLOUR_WORDS)
_PATTERN_RE = _compile(PATTERN_WORDS)
_MATERIAL_RE = _compile(MATERIAL_WORDS)


def canonical_colour(name: str) -> str:
    """The canonical spelling of one colour name ("Navy" → "navy blue", "gray" → "grey");
    names the lexicon does not know are only lower-cased."""
    word = " ".join(name.lower().replace("-", " ").split())
    return COLOUR_WORDS.get(word, word)


def colours_in(text: str) -> list[str]:
    """Colour names mentioned in ``text``, in order, without repeats ("rose gold" is one colour)."""
    out: list[str] = []
    for match in _COLOUR_RE.finditer(text.lower()):
        name = COLOUR_WORDS[match.group(1)]
        if name not in out:
            out.append(name)
    return out


def pattern_in(text: str) -> str | None:
    """The first pattern word in ``text``, normalised ("stripes" → "striped")."""
    match = _PATTERN_RE.search(text.lower())
    return PATTERN_WORDS[match.group(1)] if match else None


def material_in(text: str) -> str | None:
    """The first material word in ``text``, normalised."""
    match = _MATERIAL_RE.search(text.lower())
    return MATERIAL_WORDS[match.group(1)] if match else None


_SEASONS = {"fall": "autumn", "autumn": "autumn", "spring": "spring", "summer": "summer", "winter": "winter"}
ALL_SEASONS = ["spring", "summer", "autumn", "winter"]


def seasons_of(values: list[str]) -> list[str]:
    """Canonical season names: "Fall" → "autumn", "all season(s)" → all four; others lower-cased."""
    out: list[str] = []
    for value in values:
        word = value.strip().lower()
        names = (
            ALL_SEASONS
            if word in ("all season", "all seasons", "all-season", "all year")
            else [_SEASONS.get(word, word)]
        )
        out.extend(n for n in names if n and n not in out)
    return out
