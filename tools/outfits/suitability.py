"""What a stylist would refuse for this brief, whatever else is relaxed: dress code, age, weather.

Assembly relaxes colours, seasons and occasion tags when nothing matches them; it never relaxes
these. A garment the brief's dress code refuses (the vocabulary's ``[dress_codes]`` table), a
child's garment for an adult (or the reverse), shorts and sandals under 10 °C or a coat in a heat
wave is not a candidate at all, and an optional slot with nothing acceptable is left empty and
says so ("no bag suits a wedding in this catalogue, so the outfit goes without one").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stylist.fashion.dresscodes import dress_code, refusal
from stylist.fashion.vocabulary import DressCode, vocabulary
from stylist.fashion.weather import (
    COLD_REFUSES,
    COOL_FABRICS,
    HOT_REFUSES,
    RAIN_REFUSES_MATERIALS,
    WARM_FABRICS,
    WARM_LAYERS,
)
from stylist.index.schema import Garment, Gender, Slot
from stylist.tools.outfits.attributes import formality
from stylist.tools.outfits.brief import ParsedBrief

#: Formality may sit this far outside a dress code's range before the garment is refused.
FORMALITY_SLACK = 0.75
_KIDS_TITLE = re.compile(r"\b(kids?|girls?'|boys?'|girls|boys|infants?|toddlers?|baby)\b", re.I)
ADULTS = [Gender.WOMEN, Gender.MEN]
CHILDREN = [Gender.GIRLS, Gender.BOYS]


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


def _has(text: str, terms: tuple[str, ...]) -> str | None:
    """The first term found in ``text`` as a word (or the start of one: "sandal" in "sandals")."""
    for term in terms:
        if re.search(r"\b" + re.escape(term), text):
            return term
    return None


@lru_cache(maxsize=256)
def _title_terms(code_name: str) -> tuple[str, ...]:
    """Every name of what a code forbids, to catch "sneakers" filed as "Casual Shoes"."""
    code = vocabulary().dress_codes[code_name]
    garments = vocabulary().garments
    out: list[str] = []
    for term in code.forbid:
        names = garments[term].every_word if term in garments else (term,)
        out += [n.lower() for n in names if len(n) > 3]
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Suitability:
    """The hard limits of one brief, and a small preference for what suits it best."""

    code: DressCode | None
    kids: bool
    gender: Gender | None
    cold: bool
    hot: bool
    rain: bool

    @classmethod
    def of(cls, brief: ParsedBrief, gender: Gender | None) -> Suitability:
        kids = brief.kids or gender in (Gender.GIRLS, Gender.BOYS)
        code = dress_code(brief.dress_code) if brief.dress_code else None
        return cls(code, kids, gender, brief.cold, brief.hot, brief.rain)

    def genders(self) -> list[Gender]:
        """Who the garments may be for (unisex always comes with the search filter)."""
        if self.gender is not None:
            return [self.gender]
        return CHILDREN if self.kids else ADULTS

    def refuse(self, g: Garment) -> str | None:
        """Why this garment cannot be in the outfit, or ``None`` when it may."""
        title = _words(g.title)
        kidswear = g.gender in (Gender.GIRLS, Gender.BOYS) or bool(_KIDS_TITLE.search(g.title))
        if not self.kids and kidswear:
            return f"{g.title} is a child's garment"
        if self.kids and g.gender in (Gender.WOMEN, Gender.MEN):
            return f"{g.title} is an adult's garment"
        what = _words(f"{g.article_type} {g.title}")
        if self.code is not None:
            why = refusal(self.code, g.slot.value, g.article_type, g.material)
            if why:
                return why
            term = _has(title, _title_terms(self.code.name))
            if term:
                return f"{self.code.say} rules out {term}"
            if g.slot in (Slot.TOP, Slot.BOTTOM, Slot.DRESS, Slot.SHOES, Slot.OUTERWEAR):
                level = formality(g)
                lo, hi = self.code.formality
                if level < lo - FORMALITY_SLACK:
                    return f"{g.article_type.lower()} is too casual for {self.code.say}"
                if level > hi + FORMALITY_SLACK:
                    return f"{g.article_type.lower()} is too dressy for {self.code.say}"
        if self.cold and (term := _has(what, COLD_REFUSES)):
            return f"{term} under 10 °C"
        if self.cold and g.slot is Slot.SWIMWEAR:
            return "swimwear in the cold"
        if self.hot and (term := _has(what, HOT_REFUSES)):
            return f"a {term} in the heat"
        material = (g.material or "").lower()
        if self.rain and g.slot is Slot.SHOES and _has(material, RAIN_REFUSES_MATERIALS):
            return f"{material} shoes in the rain"
        return None

    def warm(self, g: Garment) -> bool:
        """A layer that keeps the cold out (outerwear, or a sweater, hoodie, suit …)."""
        return (
            g.slot is Slot.OUTERWEAR or _has(_words(f"{g.article_type} {g.title}"), WARM_LAYERS) is not None
        )

    def preference(self, g: Garment) -> float:
        """A small relevance bonus: formality in the code's range, fabrics for the weather."""
        bonus = 0.0
        if self.code is not None and g.slot is not Slot.JEWELRY and self.code.suits_formality(formality(g)):
            bonus += 0.1
        material = (g.material or "").lower()
        if self.cold and (_has(material, WARM_FABRICS) or self.warm(g)):
            bonus += 0.1
        if self.hot and _has(material, COOL_FABRICS):
            bonus += 0.1
        if self.hot and _has(material, WARM_FABRICS):
            bonus -= 0.1
        if self.rain and g.slot is Slot.SHOES and "boot" in g.article_type.lower():
            bonus += 0.1
        return bonus

    def empty_note(self, slot: Slot) -> str:
        """What the outfit says when no garment of ``slot`` passes."""
        if self.code is not None:
            return (
                f"{slot.value}: nothing in the catalogue suits {self.code.say}, so the outfit goes "
                "without one"
            )
        return f"{slot.value}: nothing suitable in the catalogue, so the outfit goes without one"
