"""Article type → outfit slot, explicitly.

The table (``[articles]``, ``[garments]`` and ``[categories]`` of the fashion vocabulary) covers the
Kaggle "Fashion Product Images" article types, the Polyvore categories and common free-text names. Lookup
normalises case, plurals, "&"/"and", hyphens and "men's"/"women's"
prefixes, then tries the trailing words ("Knee Length Skirts" → "skirts"). When the article type is
unknown, the sub-category and then the master category (Kaggle masterCategory/subCategory, a
Polyvore coarse type or semantic category) decide. Anything else raises ``CatalogueError``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stylist.errors import CatalogueError
from stylist.fashion.vocabulary import vocabulary
from stylist.index.schema import Slot

_PREFIX = re.compile(r"^(?:(?:wo)?men'?s?|boys'?|girls'?|kids'?|unisex|baby)\s+")


def normalise(name: str) -> str:
    """Lower case, "&" → "and", punctuation → spaces, runs of spaces → one."""
    text = name.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"[-_/,.()+]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_VOCAB = vocabulary()
#: Normalised article name → slot: the vocabulary's article types, then its garment words.
_TABLE: dict[str, Slot] = {
    **{normalise(w): Slot(g.slot) for g in _VOCAB.garments.values() for w in g.every_word},
    **{name: Slot(slot) for name, slot in _VOCAB.articles.items()},
}
#: Categories that group article types (Kaggle masterCategory/subCategory, Polyvore coarse types
#: and semantic categories). Used only when the article type itself is unknown.
_CATEGORIES: dict[str, Slot] = {name: Slot(slot) for name, slot in _VOCAB.categories.items()}


def _forms(word: str) -> list[str]:
    """The word as given, its singular guesses, then its plurals ("shirt" finds "shirts")."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s"):
        forms.append(word[:-1])
    return [*forms, word + "s", word + "es"]


def _lookup(name: str, table: dict[str, Slot]) -> Slot | None:
    text = normalise(name)
    for candidate in dict.fromkeys((text, _PREFIX.sub("", text))):  # "Men's Jeans" → "jeans"
        words = candidate.split()
        # the whole phrase first, then ever shorter tails ("red leather ankle boots" → "ankle boots")
        for start in range(len(words)):
            tail = " ".join(words[start:])
            for form in _forms(tail):
                if form in table:
                    return table[form]
    return None


@lru_cache(maxsize=4096)
def _cached(article: str, master: str | None, sub: str | None) -> Slot | None:
    slot = _lookup(article, _TABLE) if article.strip() else None
    if slot is None and sub:
        slot = _lookup(sub, _CATEGORIES) or _lookup(sub, _TABLE)
    if slot is None and master:
        slot = _lookup(master, _CATEGORIES)
    return slot


def slot_for_article(article_type: str, master: str | None = None, sub: str | None = None) -> Slot:
    """The outfit slot of an article type ("Tshirts" → top, "Ankle Booties" → shoes).

    ``sub`` and ``master`` (e.g. Kaggle subCategory/masterCategory or a Polyvore coarse type) decide
    when the article type is not known. Raises ``CatalogueError`` naming the value otherwise.
    """
    slot = _cached(article_type or "", master or None, sub or None)
    if slot is None:
        context = ", ".join(f"{k} {v!r}" for k, v in (("sub-category", sub), ("category", master)) if v)
        raise CatalogueError(
            f"unknown article type {article_type!r}" + (f" ({context})" if context else ""),
            hint="use a known article type (e.g. 'shirt', 'jeans', 'sneakers') or give the slot explicitly",
        )
    return slot


def known_article_types() -> dict[str, Slot]:
    """Every article name in the table (normalised) and its slot."""
    return dict(_TABLE)
