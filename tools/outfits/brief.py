"""Turn a request in words ("summer wedding guest, earthy colours") into assembly constraints.

The reading itself is the shared brief reader (:mod:`stylist.fashion.brief`), so the router, the search tool
and outfit assembly agree on one interpretation; this module only widens occasion words to the
tags catalogues use and keeps what assembly needs in one typed record.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from stylist.fashion.brief import (
    COLOUR_GROUPS,
    _word_re,
    clean_query,
    extract_colours,
    extract_dress_code,
    extract_gender,
    extract_occasions,
    extract_price,
    extract_seasons,
    extract_slots,
    normalise,
)
from stylist.fashion.vocabulary import vocabulary
from stylist.index.schema import Gender, Slot

#: Occasion tag -> the tags that serve it: itself, then the vocabulary's related tags.
OCCASION_TAGS: dict[str, list[str]] = {o.name: [o.name, *o.related] for o in vocabulary().occasions.values()}


class ParsedBrief(BaseModel):
    text: str
    query: str = Field(description="Words for semantic search.")
    occasions: list[str] = Field(default_factory=list)
    seasons: list[str] = Field(default_factory=list)
    colours: list[str] = Field(default_factory=list)
    palette: str | None = Field(None, description="A named colour family: earthy, neutral, pastel ...")
    gender: Gender | None = None
    slots: list[Slot] = Field(
        default_factory=list, description="Slots the request names (dress, jacket ...)."
    )
    max_price: float | None = None
    dress_code: str | None = Field(
        None, description="The dress code the brief names (black tie, wedding guest, smart casual ...)."
    )


def parse_brief(text: str) -> ParsedBrief:
    t = normalise(text)
    occasions: list[str] = []
    for occasion in extract_occasions(text) or []:
        for tag in OCCASION_TAGS.get(occasion, [occasion]):
            if tag not in occasions:
                occasions.append(tag)
    colours, _refused = extract_colours(text)
    palette = next((g for g in COLOUR_GROUPS if re.search(_word_re(g), t)), None)
    gender = extract_gender(text)
    _lo, hi = extract_price(text)
    query = clean_query(text)
    query = re.sub(r"\b(colou?rs?|guest|budget)\b", " ", query)
    return ParsedBrief(
        text=text,
        query=re.sub(r"\s+", " ", query).strip(),
        occasions=occasions,
        seasons=extract_seasons(text) or [],
        colours=colours or [],
        palette=palette if colours else None,
        gender=Gender(gender) if gender else None,
        slots=[Slot(s) for s in extract_slots(text)],
        max_price=hi,
        dress_code=extract_dress_code(text),
    )
