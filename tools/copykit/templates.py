"""Deterministic copy from an item's attributes: the fallback when no LLM is configured or its
drafts fail the grounding check. Only attributes the item has are stated, so it always passes."""

from __future__ import annotations

import hashlib

from stylist.fashion.vocabulary import vocabulary
from stylist.index.schema import Garment
from stylist.tools.copykit.facts import format_price, noun

#: Garment nouns named as "a pair of" (the vocabulary's ``pair`` flag).
_PAIRS = {g.name for g in vocabulary().garments.values() if g.pair}


def _a(phrase: str) -> str:
    if phrase.split()[-1] in _PAIRS:
        return "a pair of " + phrase
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def _colour(g: Garment) -> str:
    if not g.colours:
        return ""
    return g.colours[0] if len(g.colours) == 1 else ", ".join(g.colours[:-1]) + " and " + g.colours[-1]


def _describe(g: Garment) -> str:
    """'navy striped linen shirt' from the attributes that are set."""
    pattern = g.pattern.lower() if g.pattern and g.pattern.lower() not in ("solid", "plain") else ""
    return " ".join(p for p in (_colour(g), pattern, (g.material or "").lower(), noun(g)) if p)


def _body(g: Garment, fallback: str) -> str:
    """'A navy linen shirt', unless the title already says exactly that."""
    desc = _describe(g)
    return fallback if desc.lower() in g.title.lower() else _a(desc).capitalize()


def _price(g: Garment) -> str | None:
    return format_price(g.price, g.currency) if g.price is not None else None


def _pick(options: list[str], key: str) -> str:
    return options[int(hashlib.blake2b(key.encode(), digest_size=2).hexdigest(), 16) % len(options)]


def _occasion(g: Garment) -> str:
    return g.occasions[0] if g.occasions else "everyday"


def _season(g: Garment) -> str:
    return f" through {g.seasons[0]}" if g.seasons else ""


def product(g: Garment, tone: str) -> str:
    desc, price = _describe(g), _price(g)
    brand = f" by {g.brand}" if g.brand else ""
    if tone == "playful":
        opener = _pick(["Say hello to", "Meet", "Here comes"], g.id)
        text = (
            f"{opener} the {g.title}! {_body(g, 'A piece')}{brand} that is ready for {_occasion(g)} "
            f"plans{_season(g)}."
        )
        return text + (f" Yours for {price}." if price else "")
    if tone == "luxury":
        text = (
            f"The {g.title}{brand}. {_body(g, 'A piece')}, composed with quiet confidence for "
            f"{_occasion(g)} occasions{_season(g)}."
        )
        return text + (f" Offered at {price}." if price else "")
    parts = [f"{g.title}."] + ([] if desc.lower() in g.title.lower() else [f"{desc.capitalize()}."])
    parts.append(f"For {_occasion(g)} wear.")
    return " ".join(parts + ([f"{price}."] if price else []))


def caption(g: Garment, tone: str) -> str:
    desc, price = _describe(g), _price(g)
    if tone == "playful":
        return f"Your new favourite: the {g.title}! {desc.capitalize()} energy for {_occasion(g)} days."
    if tone == "luxury":
        return f"{desc.capitalize()}, made for {_occasion(g)} moments. The {g.title}" + (
            f", {price}." if price else "."
        )
    text = f"{g.title}." if desc.lower() in g.title.lower() else f"{g.title}. {desc.capitalize()}."
    return text + (f" {price}." if price else "")


def outfit(garments: list[Garment], tone: str) -> str:
    if len(garments) == 1:
        g = garments[0]
        desc = _describe(g)
        if tone == "playful":
            return (
                f"Build a whole look around the {g.title}! {_a(desc).capitalize()} that sets the mood "
                f"for {_occasion(g)} days."
            )
        if tone == "luxury":
            return (
                f"An ensemble begins with the {g.title}: {_a(desc)} that anchors every {_occasion(g)} look."
            )
        return f"Start with the {g.title}. {desc.capitalize()}. Keep the rest simple."
    titles = [f"the {g.title}" for g in garments]
    listing = ", ".join(titles[:-1]) + " and " + titles[-1]
    colours = list(dict.fromkeys(c for g in garments for c in g.colours))
    priced = [g for g in garments if g.price is not None]
    total = (
        format_price(sum(g.price for g in priced), priced[0].currency)
        if len(priced) == len(garments)
        else None
    )
    story = ""
    if len(colours) > 1:
        story = " " + ", ".join(colours[:-1]).capitalize() + " and " + colours[-1] + " play off each other."
    elif colours:
        story = f" All in {colours[0]}, head to toe."
    if tone == "playful":
        return f"Mix it up with {listing}!{story}" + (f" The whole look comes to {total}." if total else "")
    if tone == "luxury":
        return f"A considered ensemble: {listing}.{story}" + (
            f" The complete look, {total}." if total else ""
        )
    return (" + ".join(g.title for g in garments) + ".") + (f" {total}." if total else "")


def template_copy(garments: list[Garment], kind: str, tone: str) -> str:
    if kind == "outfit":
        return outfit(garments, tone)
    g = garments[0]
    return product(g, tone) if kind == "product" else caption(g, tone)
