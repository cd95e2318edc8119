"""Fashion words found in text, with the one vocabulary: colours, materials, patterns, styles, garments.

Two readings share the tables of :mod:`stylist.fashion.vocabulary`:

- canonical values for catalogue fields (``canonical_colour``, ``colours_in``, ``pattern_in``,
  ``material_in``, ``seasons_of``): names and free-text fields become the values garments store;
- the words a sentence states (``find_terms``), to read preferences ("I hate orange") and to check
  that generated copy states only what is true of an item (``colour_matches``).

Multi-word terms are matched before their parts ("navy blue" before "blue").
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from stylist.fashion.vocabulary import vocabulary

KINDS = ("colour", "material", "pattern", "style", "garment")


def _compile(words: list[str]) -> re.Pattern[str]:
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(w) for w in alternatives) + r")(?![a-z])")


@cache
def _field_pattern(kind: str) -> re.Pattern[str]:
    v = vocabulary()
    return _compile(
        list({"colour": v.colour_words, "pattern": v.pattern_words, "material": v.material_words}[kind])
    )


def canonical_colour(name: str) -> str:
    """The canonical spelling of one colour name ("Navy" → "navy blue", "gray" → "grey");
    names the vocabulary does not know are only lower-cased."""
    word = " ".join(name.lower().replace("-", " ").split())
    words = vocabulary().colour_words
    return words.get(word) or words.get(name.strip().lower()) or word


def colours_in(text: str) -> list[str]:
    """Colour names mentioned in ``text``, in order, without repeats ("rose gold" is one colour)."""
    words = vocabulary().colour_words
    out: list[str] = []
    for match in _field_pattern("colour").finditer(text.lower()):
        name = words[match.group(1)]
        if name not in out:
            out.append(name)
    return out


def pattern_in(text: str) -> str | None:
    """The first pattern word in ``text``, normalised ("stripes" → "striped")."""
    match = _field_pattern("pattern").search(text.lower())
    return vocabulary().pattern_words[match.group(1)] if match else None


def material_in(text: str) -> str | None:
    """The first material word in ``text``, normalised ("merino" → "wool")."""
    match = _field_pattern("material").search(text.lower())
    return vocabulary().material_words[match.group(1)] if match else None


def seasons_of(values: list[str]) -> list[str]:
    """Canonical season names: "Fall" → "autumn", "all season(s)" → all four; others lower-cased."""
    v = vocabulary()
    out: list[str] = []
    for value in values:
        word = value.strip().lower()
        names = list(v.seasons) if word in v.all_season_words else [v.season_word_map.get(word, word)]
        out.extend(n for n in names if n and n not in out)
    return out


def normalise_text(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


def _phrase(word: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", word.lower()).split())


@cache
def _terms(kind: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """The matcher of one kind over normalised text, and phrase → what ``find_terms`` reports."""
    v = vocabulary()
    if kind == "garment":
        table = {_phrase(w): noun for w, noun in v.garment_words.items()}
    else:
        words = {
            "colour": list(v.colour_words),
            "material": list(v.material_words),
            "pattern": list(v.pattern_words),
            "style": [w for t in v.styles.values() for w in (t.name, *t.words)],
        }[kind]
        table = {_phrase(w): _phrase(w) for w in words}
    alternatives = "|".join(re.escape(p) for p in sorted(table, key=len, reverse=True) if p)
    return re.compile(rf"(?<= )(?:{alternatives})(?= )"), table


def find_terms(kind: str, text: str) -> list[str]:
    """Terms of ``kind`` (colour, material, pattern, style, garment) in ``text``, longest
    match first, in order of appearance; garments are returned as their canonical noun."""
    pattern, table = _terms(kind)
    norm = normalise_text(text)
    found = []
    pos = 0
    while m := pattern.search(norm, pos):
        found.append(table[m.group(0)])
        pos = m.end()
    return found


def colour_matches(stated: str, actual: set[str]) -> bool:
    """Whether a stated colour is true of an item with colours ``actual``: the same colour under
    any of its names, a shared word ("blue" of "navy blue"), or a broader word it allows."""
    colours = vocabulary().colours
    canon = canonical_colour(stated)
    stated_words = set(stated.split())
    for colour in actual:
        own = canonical_colour(colour)
        if stated == colour or canon == own or stated_words & set(colour.split()):
            return True
        entry = colours.get(own)
        if entry and (stated in entry.describes or canon in entry.describes):
            return True
    return False


@lru_cache(maxsize=4096)
def article_key(article_type: str) -> str:
    """A canonical garment word for an article type ("Tshirts" -> "t-shirt"), so stated likes
    and catalogue article types compare equal."""
    found = find_terms("garment", article_type)
    return found[0] if found else " ".join(article_type.lower().split())
