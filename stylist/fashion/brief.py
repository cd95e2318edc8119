"""Slots and filters read from plain text: price bounds, colours, gender, occasion, season, dress code, k.

Deterministic and dependency-free, so the router (``--llm none``), follow-ups and the benchmark
labels agree on one reading of "earthy colours, under 200". Tools registered later reuse
:func:`extract_filters` in their own routing extractors.
"""

from __future__ import annotations

import re
from typing import Any

from stylist.fashion.vocabulary import vocabulary

_VOCAB = vocabulary()
#: Colour words a person may write -> the canonical colour stored on garments ("multi" in a request
#: is "multi-purpose", "multi-pack" more often than a colour).
COLOUR_CANON: dict[str, str] = {w: c for w, c in _VOCAB.colour_words.items() if w != "multi"}
COLOURS: tuple[str, ...] = tuple(sorted(COLOUR_CANON, key=len, reverse=True))
#: Named colour families a person says instead of a colour ("earthy tones").
COLOUR_GROUPS: dict[str, tuple[str, ...]] = _VOCAB.all_colour_groups
GENDER_WORDS: dict[str, tuple[str, ...]] = _VOCAB.genders
#: Occasion word -> the canonical occasion tag a catalogue uses.
OCCASIONS: dict[str, str] = _VOCAB.occasion_words
SEASONS: dict[str, str] = _VOCAB.season_word_map
#: Garment words -> outfit slot.
SLOT_WORDS: dict[str, str] = _VOCAB.routed_slot_words
#: Dress-code words -> the dress code ("tuxedo" -> "black tie").
DRESS_CODE_WORDS: dict[str, str] = {w: c.name for c in _VOCAB.dress_codes.values() for w in c.words}

#: Counts written as words (the brief, the design count, the trend horizon all read these).
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
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a couple": 2,
    "a few": 3,
    "several": 5,
    "a dozen": 12,
}

# The number starts where its digits start (``(?<!\d)``): unanchored, ``\d+`` would be tried from
# every digit of a long run, quadratic in its length (benchmarks/regex_redos.py).
_NUM = r"[$£]?\s?(?<!\d)(\d+(?:[.,]\d+)?)\s?(?:\$|usd|dollars|bucks|quid|pounds|eur|euros|€|£)?"
_MAX_PATTERNS = [
    (
        r"\b(?:under|below|less than|cheaper than|more cheap than|lower than|max(?:imum)?|at most|up to|"
        r"no more than|"
        rf"within|not over|<=?)\s*{_NUM}"
    ),
    rf"\bbudget(?: of| is| around| about|:)?\s*{_NUM}",
    rf"{_NUM}\s*(?:budget|max(?:imum)?|or less|tops|limit)\b",
    (
        r"\b(?:nothing|(?:don't|do not) (?:\w+ ){0,3}?anything)\s+(?:over|above|more than|pricier than)"
        rf"\s*{_NUM}"
    ),
    rf"\b(?:got|have|only have|i've got)\s*{_NUM}(?=\s*(?:\$|usd|dollars|bucks|quid|pounds|eur|euros|€|£))",
]
_MIN_PATTERNS = [
    (
        r"(?<!no )(?<!not )(?<!nothing )\b(?:over|above|more than|at least|min(?:imum)?|starting at|"
        rf"from)\s*{_NUM}(?!\s*(?:to|-|and)\s*\$?\d)"
    ),
    rf"{_NUM}\s*(?:or more|and up|plus)\b",
]
_RANGE = rf"\b(?:between|from)?\s*{_NUM}\s*(?:-|to|and)\s*{_NUM}"
_K_PATTERNS = [
    (
        r"\b(?:show|give|find|suggest|recommend|list|need|want|see)(?: me)?(?: the)?(?: top)? (\d{1,2}|"
        r"one|two|three|four|five|six|seven|eight|nine|ten|a couple|a few|several|a dozen)\b(?! ?(?:\$|"
        r"dollars|usd|bucks))"
    ),
    r"\btop (\d{1,2}|three|five|ten)\b",
    (
        r"\b(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few|several) (?:options|"
        r"ideas|items|pieces|suggestions|choices|picks|looks|outfits|things|alternatives|more)\b"
    ),
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
    if lo_val is not None and lo_val == hi_val:  # "don't show me anything over 80": a maximum only
        lo_val = None
    if hi_val is None and lo_val is None:
        # "around $80": a band either side
        m = re.search(rf"\b(?:around|about|roughly|approximately|~)\s*{_NUM}", t)
        if m and re.search(r"\$|dollars|usd|bucks|budget|price|spend", t):
            v = _to_float(m.group(1))
            return round(v * 0.8, 2), round(v * 1.2, 2)
    return lo_val, hi_val


def _negated(t: str, word: str) -> bool:
    return re.search(_NEGATION + _word_re(word), t) is not None


_TONE_NOUN = r"\s+(?:colou?rs?|tones?|shades?|palette|hues?)"


def extract_palettes(text: str) -> tuple[list[str], list[str]]:
    """(palette words wanted, refused) in the order written: "warm tones", "pastel", "earthy".

    A word that also means something else ("warm", "light", "soft", "dark") counts only before a
    colour noun ("warm colours", not "something warm"; "light tones", not "a light jacket").
    """
    t = normalise(text)
    found: list[tuple[int, bool, str]] = []
    for group in COLOUR_GROUPS:
        noun = group in _VOCAB.group_needs_noun
        m = re.search(_word_re(group) + (_TONE_NOUN if noun else f"(?:{_TONE_NOUN})?"), t)
        if m:
            found.append((m.start(), _negated(t, group), group))
    found.sort()
    wanted = [g for _, refused, g in found if not refused]
    return wanted, [g for _, refused, g in found if refused]


def colour_asks(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """What the colours of a request ask for, each ``(label, colours that answer it)``.

    Every named colour is its own ask ("navy and white": navy, then white), except colours joined by
    "or", which answer one ask together ("navy or grey"); a palette word is one ask that
    any of its colours answers ("earthy colours"). Refused colours answer nothing.
    """
    t = normalise(text)
    wanted, refused = extract_colours(text)
    keep = set(wanted or [])
    asks: list[tuple[str, tuple[str, ...]]] = []
    for group in extract_palettes(text)[0]:
        members = tuple(m for m in COLOUR_GROUPS[group] if m in keep)
        if members:
            asks.append((group, members))
    taken, hits = t, []
    for colour in COLOURS:
        for m in re.finditer(_word_re(colour), taken):
            canon = COLOUR_CANON[colour]
            if canon in keep:
                hits.append((m.start(), m.end(), colour, canon))
        taken = re.sub(_word_re(colour), lambda m: " " * len(m.group()), taken)
    hits.sort()
    groups: list[list[tuple[str, str]]] = []
    for n, (start, _end, word, canon) in enumerate(hits):
        joined = n and re.fullmatch(r"\s*(?:or|or maybe|or a)\s*", t[hits[n - 1][1] : start])
        if joined:
            groups[-1].append((word, canon))
        else:
            groups.append([(word, canon)])
    for group in groups:
        colours = tuple(dict.fromkeys(c for _, c in group))
        if not any(set(colours) == set(ms) for _, ms in asks):
            asks.append((" or ".join(dict.fromkeys(w for w, _ in group)), colours))
    return asks


def extract_colours(text: str) -> tuple[list[str] | None, list[str]]:
    """(colours wanted, colours refused). Palettes ("earthy", "warm tones") expand to their colours."""
    t = normalise(text)
    wanted: list[str] = []
    refused: list[str] = []
    taken = t
    palettes, refused_palettes = extract_palettes(text)
    for group in palettes:
        wanted.extend(m for m in COLOUR_GROUPS[group] if m not in wanted)
    for group in refused_palettes:
        refused.extend(m for m in COLOUR_GROUPS[group] if m not in refused)
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


def extract_dress_code(text: str) -> str | None:
    """The dress code a request names ("black tie", "smart casual" …).

    A code named outright ("smart casual", "casual") wins over the words that only suggest one
    ("weekend", "seaside"); among those, the first in the text wins ("hiking weekend" is a hike).
    Longer phrases are read first and blanked, so "smart casual" is not also "casual".
    """
    t = normalise(text)
    found: list[tuple[bool, int, str]] = []
    for word in sorted(DRESS_CODE_WORDS, key=len, reverse=True):
        m = re.search(_word_re(word), t)
        if m and not _negated(t, word):
            code = DRESS_CODE_WORDS[word]
            found.append((word != code, m.start(), code))
            t = t[: m.start()] + " " * len(word) + t[m.end() :]
    return min(found)[2] if found else None


#: Words that say the outfit is for a child (plural "girls"/"boys" as a catalogue section too).
_CHILD = re.compile(
    r"\b(kids?|kid's|child|children|childrens|toddlers?|infants?|bab(?:y|ies)(?! shower)|daughters?|sons?"
    r"|teen(?:age|ager)?s?|girls|boys|little (?:girl|boy)|school ?(?:girl|boy)|(?:[1-9]|1[0-3])[- "
    r"]?(?:years?|yrs?)[- ]?old)\b"
)


def wants_children(text: str) -> bool:
    """Whether the request is for a child; "a girl at university" or "I'm a girl" is an adult."""
    return _CHILD.search(normalise(text)) is not None


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
