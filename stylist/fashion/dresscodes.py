"""What a dress code refuses: the vocabulary's ``[dress_codes]`` applied to one garment.

A rule term is a garment noun of the vocabulary ("sneakers": any of its names, so "Sports Shoes"
too) or an article phrase ("flip flops", "formal shoes") found in the article type. Forbidden
articles and materials are refused in every slot; a slot with an ``allow`` list takes only what
matches it. Reasons are short sentences an outfit explanation can quote.
"""

from __future__ import annotations

from typing import TypeVar

from stylist.errors import ToolInputError
from stylist.fashion.terms import article_key, material_in, normalise_text
from stylist.fashion.vocabulary import DressCode, vocabulary
from stylist.index.schema import Garment

T = TypeVar("T")


def dress_code(name: str) -> DressCode:
    """The dress code called ``name``; raises :class:`ToolInputError` naming the known ones."""
    codes = vocabulary().dress_codes
    if name not in codes:
        raise ToolInputError(f"unknown dress code {name!r}", hint=f"one of: {', '.join(codes)}")
    return codes[name]


def matches(term: str, article_type: str) -> bool:
    """Whether an article type is what a rule term names ("Flip Flops" is "sandals")."""
    if term in vocabulary().garments:
        return article_key(article_type) == term
    text = normalise_text(article_type)
    phrase = " ".join(normalise_text(term).split())
    return any(f" {form} " in text for form in (phrase, phrase + "s", phrase + "es"))


def refusal(code: DressCode, slot: str, article_type: str, material: str | None = None) -> str | None:
    """Why ``code`` refuses this garment in ``slot``, or ``None`` when it may be worn."""
    rule = code.rule(slot)
    item = article_type.strip().lower() or slot
    for term in (*code.forbid, *rule.forbid):
        if matches(term, article_type):
            return f"{code.say} rules out {item}"
    if rule.allow and not any(matches(term, article_type) for term in rule.allow):
        return f"{code.say} takes only {', '.join(rule.allow)} as {slot}, not {item}"
    if material:
        canon = material_in(material) or material.strip().lower()
        words = vocabulary().material_words
        if any(words.get(m, m) == canon for m in code.forbid_materials):
            return f"{code.say} rules out {canon}"
    return None


def admitted(
    code: DressCode, slot: str, hits: list[tuple[Garment, T]], limit: int | None = None
) -> tuple[list[tuple[Garment, T]], list[str]]:
    """The (garment, score) hits ``code`` lets into ``slot`` (at most ``limit``), and the reasons
    for the ones it refused."""
    kept: list[tuple[Garment, T]] = []
    reasons: list[str] = []
    for garment, score in hits:
        reason = refusal(code, slot, garment.article_type, garment.material)
        if reason is None:
            kept.append((garment, score))
        else:
            reasons.append(reason)
    return kept[:limit], reasons
