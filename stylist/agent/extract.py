"""Slots and filters read from plain text: price bounds, colours, gender, occasion, season, k.

Deterministic and dependency-free, so the router (``--llm none``), follow-ups and the benchmark
labels agree on one reading of "earthy colours, under 200". Tools registered later reuse
:func:`extract_filters` in their own routing extractors.
"""

from __future__ import annotations

import re
from typing import Any

from stylist.index.lexicon import COLOUR_WORDS

#: Colour words a person may write -> the canonical colour stored on garments (the catalogue's lexicon).
COLOUR_CANON: dict[str, str] = {w: c for w, c in COLOUR_WORDS.items() if w not in ("leopard", "multi")}
COLOURS: tuple[str, ...] = tuple(sorted(COLOUR_CANON, key=len, reverse=True))

#: Named colour families a person says instead of a colour ("earthy tones").
COLOUR_GROUPS: dict[str, tuple[str, ...]] = {
    "earthy": (
        "brown",
        "beige",
        "olive",
        "khaki",
        "tan",
        "rust",
        "mustard",
        "camel",
        "taupe",
        "cream",
        "terracotta",
        "sage",
    ),
    "earth": (
        "brown",
        "beige",
        "olive",
        "khaki",
        "tan",
        "rust",
        "mustard",
        "camel",
        "taupe",
        "cream",
        "terracotta",
        "sage",
    ),
    "neutral": (
        "black",
        "white",
        "grey",
        "beige",
        "cream",
        "navy blue",
        "taupe",
        "off white",
        "charcoal",
        "camel",
    ),
    "pastel": ("pink", "lavender", "peach", "mint", "blush", "light blue", "cream"),
    "dark": ("black", "navy blue", "charcoal", "maroon", "burgundy"),
    "bright": ("red", "yellow", "orange", "pink", "green", "turquoise", "magenta", "coral"),
    "monochrome": ("black", "white", "grey"),
}

GENDER_WORDS: dict[str, tuple[str, ...]] = {
    "women": (
        "women",
        "woman",
        "womens",
        "womenswear",
        "ladies",
        "lady",
        "female",
        "her",
        "she",
        "wife",
        "girlfriend",
        "mother",
        "mom",
        "sister",
        "feminine",
    ),
    "men": (
        "men",
        "man",
        "mens",
        "menswear",
        "male",
        "guy",
        "guys",
        "him",
        "he",
        "husband",
        "boyfriend",
        "father",
        "dad",
        "brother",
        "gentleman",
        "masculine",
    ),
    "girls": ("girls", "girl", "daughter"),
    "boys": ("boys", "boy", "son"),
    "unisex": ("unisex", "gender neutral", "genderless"),
}

#: Occasion word -> the canonical occasion tags a catalogue uses.
OCCASIONS: dict[str, str] = {
    "wedding": "wedding",
    "weddings": "wedding",
    "bridesmaid": "wedding",
    "reception": "wedding",
    "office": "work",
    "work": "work",
    "workplace": "work",
    "business": "work",
    "interview": "work",
    "meeting": "work",
    "meetings": "work",
    "formal": "formal",
    "gala": "formal",
    "fancy": "formal",
    "elegant": "formal",
    "dressy": "formal",
    "professional": "work",
    "black tie": "formal",
    "funeral": "formal",
    "party": "party",
    "parties": "party",
    "club": "party",
    "clubbing": "party",
    "cocktail": "party",
    "night out": "party",
    "birthday": "party",
    "casual": "casual",
    "everyday": "casual",
    "weekend": "casual",
    "errands": "casual",
    "date": "date",
    "date night": "date",
    "dinner": "date",
    "gym": "sports",
    "running": "sports",
    "workout": "sports",
    "sport": "sports",
    "sports": "sports",
    "training": "sports",
    "hiking": "sports",
    "yoga": "sports",
    "beach": "beach",
    "pool": "beach",
    "holiday": "travel",
    "vacation": "travel",
    "travel": "travel",
    "trip": "travel",
}

SEASONS: dict[str, str] = {
    "summer": "summer",
    "summery": "summer",
    "hot": "summer",
    "heatwave": "summer",
    "winter": "winter",
    "wintry": "winter",
    "cold": "winter",
    "snow": "winter",
    "freezing": "winter",
    "spring": "spring",
    "autumn": "autumn",
    "fall": "autumn",
    "rainy": "autumn",
}

#: Garment words -> outfit slot.
SLOT_WORDS: dict[str, str] = {
    "top": "top",
    "tops": "top",
    "shirt": "top",
    "shirts": "top",
    "t-shirt": "top",
    "t-shirts": "top",
    "tshirt": "top",
    "tshirts": "top",
    "tee": "top",
    "tees": "top",
    "blouse": "top",
    "blouses": "top",
    "sweater": "top",
    "sweaters": "top",
    "jumper": "top",
    "hoodie": "top",
    "hoodies": "top",
    "polo": "top",
    "tank": "top",
    "kurta": "top",
    "kurtas": "top",
    "cardigan": "top",
    "sweatshirt": "top",
    "trousers": "bottom",
    "pants": "bottom",
    "jeans": "bottom",
    "shorts": "bottom",
    "skirt": "bottom",
    "skirts": "bottom",
    "chinos": "bottom",
    "leggings": "bottom",
    "joggers": "bottom",
    "trouser": "bottom",
    "dress": "dress",
    "dresses": "dress",
    "gown": "dress",
    "jumpsuit": "dress",
    "saree": "dress",
    "sarees": "dress",
    "sundress": "dress",
    "jacket": "outerwear",
    "jackets": "outerwear",
    "coat": "outerwear",
    "coats": "outerwear",
    "blazer": "outerwear",
    "blazers": "outerwear",
    "parka": "outerwear",
    "raincoat": "outerwear",
    "shoes": "shoes",
    "shoe": "shoes",
    "sneakers": "shoes",
    "trainers": "shoes",
    "heels": "shoes",
    "boots": "shoes",
    "sandals": "shoes",
    "loafers": "shoes",
    "flats": "shoes",
    "footwear": "shoes",
    "bag": "bag",
    "bags": "bag",
    "handbag": "bag",
    "handbags": "bag",
    "backpack": "bag",
    "clutch": "bag",
    "tote": "bag",
    "purse": "bag",
    "wallet": "accessory",
    "wallets": "accessory",
    "belt": "accessory",
    "belts": "accessory",
    "scarf": "accessory",
    "scarves": "accessory",
    "hat": "accessory",
    "hats": "accessory",
    "cap": "accessory",
    "sunglasses": "accessory",
    "watch": "accessory",
    "watches": "accessory",
    "tie": "accessory",
    "ties": "accessory",
    "necklace": "jewelry",
    "earrings": "jewelry",
    "ring": "jewelry",
    "rings": "jewelry",
    "bracelet": "jewelry",
    "jewellery": "jewelry",
    "jewelry": "jewelry",
    "swimsuit": "swimwear",
    "bikini": "swimwear",
    "swimwear": "swimwear",
    "pyjamas": "sleepwear",
    "pajamas": "sleepwear",
}
SLOT_WORDS.update(
    {
        plural: SLOT_WORDS[word]
        for word, plural in (
            ("cardigan", "cardigans"),
            ("sweatshirt", "sweatshirts"),
            ("jumper", "jumpers"),
            ("polo", "polos"),
            ("gown", "gowns"),
            ("jumpsuit", "jumpsuits"),
            ("sundress", "sundresses"),
            ("parka", "parkas"),
            ("raincoat", "raincoats"),
            ("backpack", "backpacks"),
            ("clutch", "clutches"),
            ("tote", "totes"),
            ("purse", "purses"),
            ("necklace", "necklaces"),
            ("bracelet", "bracelets"),
            ("swimsuit", "swimsuits"),
            ("bikini", "bikinis"),
            ("cap", "caps"),
            ("flat", "flats"),
        )
        if word in SLOT_WORDS
    }
)

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple": 2,
    "a few": 3,
    "several": 5,
    "a dozen": 12,
}

_NUM = r"\$?\s?(\d+(?:[.,]\d+)?)\s?(?:\$|usd|dollars|bucks|eur|euros|€|£)?"
_MAX_PATTERNS = [
    rf"\b(?:under|below|less than|cheaper than|lower than|max(?:imum)?|at most|up to|no more than|within|not over|<=?)\s*{_NUM}",
    rf"\bbudget(?: of| is| around| about|:)?\s*{_NUM}",
    rf"{_NUM}\s*(?:budget|max(?:imum)?|or less|tops|limit)\b",
]
_MIN_PATTERNS = [
    rf"(?<!no )(?<!not )\b(?:over|above|more than|at least|min(?:imum)?|starting at|from)\s*{_NUM}(?!\s*(?:to|-|and)\s*\$?\d)",
    rf"{_NUM}\s*(?:or more|and up|plus)\b",
]
_RANGE = rf"\b(?:between|from)?\s*{_NUM}\s*(?:-|to|and)\s*{_NUM}"
_K_PATTERNS = [
    r"\b(?:show|give|find|suggest|recommend|list|need|want|see)(?: me)?(?: the)?(?: top)? (\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a couple|a few|several|a dozen)\b(?! ?(?:\$|dollars|usd|bucks))",
    r"\btop (\d{1,2}|three|five|ten)\b",
    r"\b(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few|several) (?:options|ideas|items|pieces|suggestions|choices|picks|looks|outfits|things|alternatives|more)\b",
]
_NEGATION = (
    r"\b(?:no|not|without|avoid|except|anything but|nothing|hate|don't like|dislike)\s+(?:\w+\s+){0,2}?"
)


def _word_re(word: str) -> str:
    return r"(?<![\w-])" + re.escape(word) + r"(?![\w-])"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("’", "'").replace("colour", "color")).strip()


def _to_float(raw: str) -> float:
    return float(raw.replace(",", "."))


def extract_price(text: str) -> tuple[float | None, float | None]:
    """(min_price, max_price) from phrases like "under 200", "budget $60", "between 50 and 80"."""
    t = normalise(text)
    m = re.search(_RANGE, t)
    if m and re.search(r"\b(between|from)\b|\$|dollars|usd|budget|price|cost", t):
        lo, hi = sorted((_to_float(m.group(1)), _to_float(m.group(2))))
        if hi > lo:
            return lo, hi
    hi_val = lo_val = None
    for pattern in _MAX_PATTERNS:
        m = re.search(pattern, t)
        if m:
            hi_val = _to_float(m.group(1))
            break
    for pattern in _MIN_PATTERNS:
        m = re.search(pattern, t)
        if m:
            lo_val = _to_float(m.group(1))
            break
    if hi_val is None and lo_val is None:
        # "around $80": a band either side
        m = re.search(rf"\b(?:around|about|roughly|approximately|~)\s*{_NUM}", t)
        if m and re.search(r"\$|dollars|usd|bucks|budget|price|spend", t):
            v = _to_float(m.group(1))
            return round(v * 0.8, 2), round(v * 1.2, 2)
    return lo_val, hi_val


def _negated(t: str, word: str) -> bool:
    return re.search(_NEGATION + _word_re(word), t) is not None


def extract_colours(text: str) -> tuple[list[str] | None, list[str]]:
    """(colours wanted, colours refused). Groups ("earthy", "pastel") expand to colour sets."""
    t = normalise(text)
    wanted: list[str] = []
    refused: list[str] = []
    taken = t
    for group, members in COLOUR_GROUPS.items():
        if re.search(_word_re(group) + r"(?:\s+(?:colou?rs?|tones?|shades?|palette|hues?))?", t) and (
            group not in ("dark", "bright", "earth")
            or re.search(_word_re(group) + r"\s+(?:colou?rs?|tones?|shades?|palette|hues?)", t)
        ):
            target = refused if _negated(t, group) else wanted
            target.extend(m for m in members if m not in target)
    for colour in COLOURS:
        if re.search(_word_re(colour), taken):
            canon = COLOUR_CANON[colour]
            target = refused if _negated(t, colour) else wanted
            if canon not in target:
                target.append(canon)
            taken = re.sub(_word_re(colour), " ", taken)
    wanted = [c for c in wanted if c not in refused]
    return (wanted or None), refused


def extract_gender(text: str) -> str | None:
    t = normalise(text)
    found = [g for g, words in GENDER_WORDS.items() if any(re.search(_word_re(w), t) for w in words)]
    for specific in ("girls", "boys"):
        if specific in found:
            return specific
    if "unisex" in found:
        return "unisex"
    if len(found) == 1:
        return found[0]
    return None


def _lookup_all(t: str, table: dict[str, str]) -> list[str]:
    out: list[str] = []
    for word in sorted(table, key=len, reverse=True):
        if re.search(_word_re(word), t) and not _negated(t, word):
            value = table[word]
            if value not in out:
                out.append(value)
    return out


def extract_occasions(text: str) -> list[str] | None:
    t = normalise(text)
    if re.search(r"\bdate\b", t) and not re.search(
        r"\b(date night|on a date|first date|a date|dinner date)\b", t
    ):
        t = re.sub(r"\bdate\b", " ", t)  # "up to date" is not an occasion
    t = re.sub(r"\b(work ?out)\b", "workout", t)
    if re.search(r"\bwork(s|ing)? (with|for)\b", t):
        t = re.sub(r"\bwork\b", " ", t)
    return _lookup_all(t, OCCASIONS) or None


def extract_seasons(text: str) -> list[str] | None:
    t = normalise(text)
    t = re.sub(r"\b(hot pink|cold shoulder)\b", " ", t)
    return _lookup_all(t, SEASONS) or None


def extract_slots(text: str) -> list[str]:
    t = normalise(text)
    t = re.sub(r"\bdress(ed|ing)? (up|down|me|him|her|them|us)\b|\bdress code\b|\bget dressed\b", " ", t)
    t = re.sub(
        r"\bring (me|up)\b|\bwatch (out|me)\b|\btie (in|together)\b|\btop (\d+|three|five|ten|pick)\b", " ", t
    )
    return _lookup_all(t, SLOT_WORDS)


def extract_k(text: str) -> int | None:
    t = normalise(text)
    for pattern in _K_PATTERNS:
        m = re.search(pattern, t)
        if m:
            raw = m.group(1).removesuffix(" of")
            value = NUMBER_WORDS.get(raw) if not raw.isdigit() else int(raw)
            if value and 1 <= value <= 50:
                return value
    return None


_FILLER = re.compile(
    r"\b(please|pls|can you|could you|would you|i'd like|i would like|i want|i need|i'm looking for|"
    r"im looking for|looking for|show me|find me|give me|suggest|recommend|help me find|what should i wear|"
    r"what do i wear|what can i wear|any ideas|hey|hi|hello|thanks|thank you|stylist)\b"
)


def clean_query(text: str) -> str:
    """The request without price clauses, counts and filler: what a semantic search should read."""
    t = normalise(text)
    for pattern in (_RANGE, *_MAX_PATTERNS, *_MIN_PATTERNS, *_K_PATTERNS):
        t = re.sub(pattern, " ", t)
    t = _FILLER.sub(" ", t)
    t = re.sub(r"[^\w\s'-]", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t[:200]


def extract_filters(text: str) -> dict[str, Any]:
    """Search arguments read from ``text`` (only the ones the text states)."""
    args: dict[str, Any] = {}
    query = clean_query(text)
    if query:
        args["query"] = query
    lo, hi = extract_price(text)
    if lo is not None:
        args["min_price"] = lo
    if hi is not None:
        args["max_price"] = hi
    colours, _refused = extract_colours(text)
    if colours:
        args["colours"] = colours
    gender = extract_gender(text)
    if gender:
        args["gender"] = gender
    occasions = extract_occasions(text)
    if occasions:
        args["occasions"] = occasions
    seasons = extract_seasons(text)
    if seasons:
        args["seasons"] = seasons
    slots = extract_slots(text)
    if len(slots) == 1:
        args["slot"] = slots[0]
    k = extract_k(text)
    if k:
        args["k"] = k
    return args
