"""The facts about one or more garments that copy may state, and the limits it must keep."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from stylist.fashion.terms import article_key, find_terms
from stylist.fashion.vocabulary import vocabulary
from stylist.index.schema import Garment

CopyKind = Literal["product", "caption", "outfit"]
Tone = Literal["playful", "luxury", "minimal"]

#: (min words, max words) per kind; minimal tone halves the maximum
WORD_LIMITS: dict[str, tuple[int, int]] = {"product": (5, 90), "caption": (3, 40), "outfit": (6, 120)}
SUPPORTED_LANGS = ("en",)
_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹"}


def word_limits(kind: str, tone: str) -> tuple[int, int]:
    low, high = WORD_LIMITS[kind]
    return low, high // 2 if tone == "minimal" else high


def format_price(price: float, currency: str = "USD") -> str:
    symbol = _SYMBOL.get(currency.upper())
    return f"{symbol}{price:,.2f}" if symbol else f"{price:,.2f} {currency.upper()}"


def noun(g: Garment) -> str:
    """The garment word for an item ("shirt", "sneakers"), from its article type."""
    return article_key(g.article_type)


@dataclass
class Facts:
    garments: list[Garment]
    colours: set[str]
    materials: set[str]
    garment_words: set[str]
    prices: list[float]
    own_words: set[str]
    """Lower-case words of the items' own titles and brands (a tone check never faults these)."""

    @classmethod
    def of(cls, garments: list[Garment]) -> Facts:
        colours: set[str] = set()
        materials: set[str] = set()
        words: set[str] = set()
        prices: list[float] = []
        own: set[str] = set()
        for g in garments:
            own.update(re.findall(r"[a-z0-9]+", f"{g.title} {g.brand or ''}".lower()))
            own_text = " ".join([g.title, g.description, g.article_type])
            colours.update(g.colours)
            colours.update(find_terms("colour", own_text))
            if g.material:
                materials.add(g.material.lower())
            materials.update(find_terms("material", own_text))
            words.add(noun(g))
            words.update(find_terms("garment", own_text))
            words.update(vocabulary().slot_words.get(g.slot.value, ()))
            if g.price is not None:
                prices.append(g.price)
        if len(prices) > 1:
            prices.append(round(sum(prices), 2))
        return cls(garments, colours, materials, words, prices, own)
