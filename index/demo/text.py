"""Titles and descriptions for demo garments: varied wording, every fact taken from the garment."""

from __future__ import annotations

import random
from dataclasses import dataclass

from stylist.index.demo.spec import Article

WHO = {"women": "women", "men": "men", "unisex": "anyone", "girls": "girls", "boys": "boys"}
PLURAL = {
    "Trousers",
    "Jeans",
    "Shorts",
    "Sneakers",
    "Boots",
    "Heels",
    "Sandals",
    "Loafers",
    "Sunglasses",
    "Earrings",
}
KIDS = {"girls": "Girls'", "boys": "Boys'"}
OCCASION_PHRASES = {
    "casual": ("everyday wear", "relaxed weekends", "casual days"),
    "work": ("the office", "the working week", "work days"),
    "formal": ("formal events", "dressier occasions", "black-tie evenings"),
    "party": ("parties", "nights out", "celebrations"),
    "wedding": ("weddings", "wedding guest outfits", "wedding receptions"),
    "sports": ("the gym", "training sessions", "active days"),
    "beach": ("the beach", "seaside holidays", "poolside afternoons"),
    "travel": ("travel", "long journeys", "city breaks"),
}
SEASON_LINES = {
    ("autumn", "winter"): (
        "Warm enough for autumn and winter.",
        "A cold-weather piece for autumn and winter.",
        "Made for the cooler months of autumn and winter.",
    ),
    ("spring", "summer"): (
        "Light and breathable for spring and summer.",
        "Made for warm spring and summer days.",
        "An easy pick for spring and summer.",
    ),
    ("spring", "summer", "autumn", "winter"): (
        "Wearable all year round.",
        "A year-round staple for every season.",
        "Works in every season.",
    ),
}


@dataclass(frozen=True)
class Facts:
    article: Article
    gender: str
    colours: list[str]
    pattern: str | None
    material: str
    seasons: list[str]
    occasions: list[str]
    brand: str
    variants: dict[str, str]


def _pattern_words(f: Facts) -> str:
    return "" if not f.pattern or f.pattern == "solid" else f.pattern


def _variant_words(f: Facts) -> str:
    words = []
    for key in ("length", "height", "fit"):
        value = f.variants.get(key)
        if value and value not in ("regular", "straight"):
            words.append(value)
    sleeve = f.variants.get("sleeve")
    if sleeve == "sleeveless":
        words.append("sleeveless")
    elif sleeve in ("long", "short", "three-quarter") and f.article.shape not in ("tshirt",):
        words.append(f"{sleeve}-sleeve")
    elif sleeve == "long":
        words.append("long-sleeve")
    return " ".join(words)


def title(f: Facts, rng: random.Random) -> str:
    noun = f.article.name.lower() if f.article.name != "T-Shirt" else "T-shirt"
    colour = f.colours[0]
    pattern = f.pattern if f.pattern and f.pattern != "solid" else ""
    material = f.material if rng.random() < 0.6 and colour not in f.material else ""
    variant = _variant_words(f)
    words = " ".join(w for w in (colour, pattern, material, variant, noun) if w)
    text = _cap(words)
    if f.gender in KIDS:
        text = f"{KIDS[f.gender]} {words}"
    return text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def describe(f: Facts, rng: random.Random) -> str:
    noun = f.article.name.lower() if f.article.name != "T-Shirt" else "T-shirt"
    colour = f.colours[0]
    pattern = _pattern_words(f)
    variant = _variant_words(f)
    shaped = " ".join(w for w in (variant, noun) if w)
    who = WHO[f.gender]
    feature = rng.choice(f.article.features) if f.article.features else ""

    if f.pattern == "floral" and len(f.colours) > 1:
        look = f"{colour} {f.material} with a {f.colours[1]} floral print"
    elif pattern and len(f.colours) > 1:
        look = f"{colour} and {f.colours[1]} {f.pattern} {f.material}"
    elif pattern:
        look = f"{colour} {f.pattern} {f.material}"
    else:
        look = f"{colour} {f.material}"
    plural = f.article.name in PLURAL
    openings = [
        f"{_cap('a pair of ' + shaped if plural else _a(shaped))} for {who} in {look}.",
        f"{'These' if plural else 'This'} {shaped} from {f.brand} {'come' if plural else 'comes'} in {look}.",
        f"{f.brand}'s {shaped} for {who}, cut from {look}.",
        f"Meet the {shaped}: {look}, made for {who}.",
    ]
    sentences = [rng.choice(openings)]
    if feature:
        has = "They have" if plural else "It has"
        sentences.append(
            rng.choice((f"{has} {feature}.", f"Details include {feature}.", f"Look for {feature}."))
        )

    phrases = [rng.choice(OCCASION_PHRASES.get(o, (o,))) for o in f.occasions]
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    sentences.append(
        rng.choice(
            (
                f"Great for {joined}.",
                f"Wear {'them' if plural else 'it'} to {joined}.",
                f"A good choice for {joined}.",
                f"Styled for {joined}.",
            )
        )
    )
    key = tuple(s for s in ("spring", "summer", "autumn", "winter") if s in f.seasons)
    if key in SEASON_LINES:
        sentences.append(rng.choice(SEASON_LINES[key]))
    elif key:
        names = key[0] if len(key) == 1 else ", ".join(key[:-1]) + " and " + key[-1]
        sentences.append(rng.choice((f"Best worn in {names}.", f"A {names} favourite.")))
    if f.brand not in sentences[0] and rng.random() < 0.5:
        sentences.append(f"By {f.brand}.")
    return " ".join(sentences)
