"""Turn a request in words ("summer wedding guest, earthy colours") into assembly constraints.

The reading itself is the shared brief reader (:mod:`stylist.fashion.brief`), so the router, the search tool
and outfit assembly agree on one interpretation; this module only widens occasion words to the
tags catalogues use and keeps what assembly needs in one typed record.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, Field

from stylist.fashion.brief import (
    clean_query,
    colour_asks,
    extract_colours,
    extract_dress_code,
    extract_gender,
    extract_occasions,
    extract_palettes,
    extract_price,
    extract_slots,
    wants_children,
)
from stylist.fashion.spelling import Speller
from stylist.fashion.vocabulary import vocabulary
from stylist.fashion.weather import extract_weather
from stylist.index.schema import Gender, Slot

#: Occasion tag -> the tags that serve it: itself, then the vocabulary's related tags.
OCCASION_TAGS: dict[str, list[str]] = {o.name: [o.name, *o.related] for o in vocabulary().occasions.values()}
_ADULT = {Gender.GIRLS: Gender.WOMEN, Gender.BOYS: Gender.MEN}
_CHILD = {Gender.WOMEN: Gender.GIRLS, Gender.MEN: Gender.BOYS}


def dress_code_of(text: str) -> str | None:
    """The dress code the brief names, else the one its most formal occasion implies.

    Among the codes that list that occasion: the one sharing most of the brief's occasions, then
    one whose formality range holds the occasion's, then the one that refuses least (a vague
    "trip" gets the casual rules, not the beach's).
    """
    named = extract_dress_code(text)
    occasions = extract_occasions(text) or []
    if named or not occasions:
        return named
    vocab = vocabulary()
    rated = [(vocab.occasions[o].formality or 0.0, o) for o in occasions if o in vocab.occasions]
    level, top = max(rated) if rated else (0.0, "")
    codes = [c for c in vocab.dress_codes.values() if top in c.occasions]
    if not codes:
        return None
    best = min(
        codes,
        key=lambda c: (
            -len(set(c.occasions) & set(occasions)),
            not c.suits_formality(level),
            len(c.forbid) + len(c.forbid_materials) + sum(bool(r.allow) for r in c.slots.values()),
            c.name,
        ),
    )
    return best.name


class ParsedBrief(BaseModel):
    text: str
    query: str = Field(description="Words for semantic search.")
    occasions: list[str] = Field(default_factory=list)
    seasons: list[str] = Field(default_factory=list)
    colours: list[str] = Field(default_factory=list)
    palette: str | None = Field(None, description="A named colour family: earthy, neutral, pastel ...")
    colour_asks: list[tuple[str, list[str]]] = Field(
        default_factory=list,
        description="Each colour ask and the colours that answer it: every one should appear in an outfit.",
    )
    gender: Gender | None = None
    slots: list[Slot] = Field(
        default_factory=list, description="Slots the request names (dress, jacket ...)."
    )
    max_price: float | None = None
    dress_code: str | None = Field(None, description="The dress code (vocabulary's table) it implies.")
    kids: bool = Field(False, description="For a child: only girls', boys' or unisex garments.")
    temperature: float | None = Field(None, description="Degrees Celsius the brief names.")
    cold: bool = Field(False, description="Under 10 °C, snow, winter: a warm layer is needed.")
    hot: bool = False
    rain: bool = False


@cache
def _speller() -> Speller:
    return Speller()


def parse_brief(text: str) -> ParsedBrief:
    """Read a brief; misspelt fashion words are read as the words meant ("job intervew"), as the
    router reads a chat message (:mod:`stylist.fashion.spelling`); ``text`` keeps the original."""
    original, text = text, _speller().correct(text)
    occasions: list[str] = []
    for occasion in extract_occasions(text) or []:
        for tag in OCCASION_TAGS.get(occasion, [occasion]):
            if tag not in occasions:
                occasions.append(tag)
    colours, _refused = extract_colours(text)
    palettes = extract_palettes(text)[0]
    kids = wants_children(text)
    gender = Gender(extract_gender(text)) if extract_gender(text) else None
    if gender and not kids:
        gender = _ADULT.get(gender, gender)  # "I'm a girl at university" is a woman
    elif gender and kids:
        gender = _CHILD.get(gender, gender)
    weather = extract_weather(text)
    _lo, hi = extract_price(text)
    query = clean_query(text)
    query = re.sub(r"\b(colou?rs?|guest|budget)\b", " ", query)
    return ParsedBrief(
        text=original,
        query=re.sub(r"\s+", " ", query).strip(),
        occasions=occasions,
        seasons=weather.seasons,
        colours=colours or [],
        palette=palettes[0] if colours and palettes else None,
        colour_asks=[(label, list(members)) for label, members in colour_asks(text)],
        gender=gender,
        slots=[Slot(s) for s in extract_slots(text)],
        max_price=hi,
        dress_code=dress_code_of(text),
        kids=kids,
        temperature=weather.temperature,
        cold=weather.cold,
        hot=weather.hot,
        rain=weather.rain,
    )
