"""The grounding check: every colour, material, garment type and price a copy states must be
true of the item (or of the outfit's items), and its length and tone must fit the request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stylist.fashion.terms import colour_matches, find_terms
from stylist.tools.copykit.facts import Facts, format_price, word_limits

_PRICE = re.compile(
    (
        r"(?:[$€£₹]\s?(\d[\d,]*(?:\.\d{1,2})?))|(?:\b(\d[\d,]*(?:\.\d{1,2})?)\s?(?:usd|eur|gbp|inr|"
        r"dollars|euros|pounds|rupees)\b)"
    ),
    re.IGNORECASE,
)
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_CASUAL = re.compile(r"\b(awesome|cool|vibes?|obsessed|totally|omg|lol|super|yay|epic|fun)\b", re.IGNORECASE)
_REFUSAL = re.compile(r"^(i'?m sorry|sorry|i cannot|i can'?t|as an ai)", re.IGNORECASE)


@dataclass
class GroundingReport:
    problems: list[str] = field(default_factory=list)
    stated: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def words(text: str) -> int:
    return len(re.findall(r"[\w$€£₹'’-]+", text))


def check_copy(text: str, facts: Facts, *, kind: str, tone: str) -> GroundingReport:
    report = GroundingReport()
    if not text.strip():
        report.problems.append("the copy is empty")
        return report
    if _REFUSAL.match(text.strip()):
        report.problems.append("the copy is a refusal, not copy")
    what = "the items are" if len(facts.garments) > 1 else "the item is"

    colours = find_terms("colour", text)
    report.stated["colours"] = colours
    for c in colours:
        if not colour_matches(c, facts.colours):
            report.problems.append(
                f"states the colour {c!r} but {what} "
                f"{', '.join(sorted(facts.colours)) or 'of no listed colour'}"
            )

    materials = find_terms("material", text)
    report.stated["materials"] = materials
    for m in materials:
        if not any(m == f or set(m.split()) & set(f.split()) for f in facts.materials):
            report.problems.append(
                f"states the material {m!r} but {what} "
                f"{', '.join(sorted(facts.materials)) or 'of no listed material'}"
            )

    garments = find_terms("garment", text)
    report.stated["article_types"] = garments
    for g in garments:
        if g not in facts.garment_words:
            report.problems.append(
                f"names a {g} but {what} "
                f"{', '.join(sorted({n for n in facts.garment_words if ' ' not in n}))}"
            )

    stated_prices = []
    for m in _PRICE.finditer(text):
        value = float((m.group(1) or m.group(2)).replace(",", ""))
        stated_prices.append(value)
        if not any(abs(value - p) < 0.01 for p in facts.prices):
            true = ", ".join(format_price(p) for p in facts.prices) or "unpriced"
            report.problems.append(f"states the price {m.group(0).strip()} but the price is {true}")
    report.stated["prices"] = [f"{p:.2f}" for p in stated_prices]

    low, high = word_limits(kind, tone)
    n = words(text)
    if n < low or n > high:
        report.problems.append(f"is {n} words long; a {tone} {kind} copy has {low} to {high}")
    if tone in ("luxury", "minimal"):
        if "!" in text:
            report.problems.append(f"uses exclamation marks, which a {tone} tone avoids")
        if _EMOJI.search(text):
            report.problems.append(f"uses emoji, which a {tone} tone avoids")
    if tone == "luxury":
        for slang in _CASUAL.finditer(text):
            if slang.group(0).lower() not in facts.own_words:  # "Fun" in a product's own name is fine
                report.problems.append(f"uses the casual word {slang.group(0)!r} in a luxury tone")
                break
    return report
