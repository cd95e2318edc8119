"""Free-text design briefs → the GAN's conditions ("a navy striped summer dress" → Dress, navy
blue, striped), read with the fashion vocabulary (``stylist.fashion.brief``, ``stylist.fashion.terms``).
Names the model does not know are refused with the valid ones and the closest.
"""

from __future__ import annotations

import difflib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from stylist.errors import ToolInputError
from stylist.fashion.brief import extract_colours
from stylist.fashion.terms import article_key, canonical_colour, colours_in, find_terms, pattern_in
from stylist.fashion.vocabulary import vocabulary

ARTICLE, COLOUR, PATTERN = "article_type", "colour", "pattern"


@dataclass
class DesignPlan:
    """What to draw: one label set per design, and how the brief was read."""

    labels: list[dict[str, str]]
    read: dict[str, list[str]] = field(default_factory=dict)
    """Condition → the values the brief named (empty: chosen by the sampler)."""


def _norm(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


def _closest(word: str, values: list[str]) -> str:
    lowered = {v.lower(): v for v in values}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.5)
    return f" (closest: {lowered[match[0]]})" if match else ""


def _unknown(kind: str, word: str, values: list[str]) -> ToolInputError:
    return ToolInputError(
        f"this design model cannot draw {kind} {word!r}{_closest(word, values)}; "
        f"valid {kind}s: {', '.join(values)}"
    )


#: choose(brief, candidates) → one of the article types a garment word could mean ("bag": handbag,
#: laptop bag, duffel bag); the GAN's reader picks the nearest by the brief's embedding.
Chooser = Callable[[str, list[str]], str]


def _first(text: str, candidates: list[str]) -> str:
    return candidates[0]


def articles_in(text: str, values: list[str], choose: Chooser | None = None) -> list[str]:
    """Article types of ``values`` that ``text`` names, directly ("t-shirt", "dresses") or by a
    garment word of the same group ("jumper" → Sweater). A group word adds nothing when the brief
    already names an article of that group ("black leather handbag" is Handbags, not also Laptop Bag),
    a match inside a longer one is dropped ("shirt" inside "t-shirt"), and a group word that several
    article types share is one of them, by ``choose`` (default: the first). Raises for a garment
    outside ``values``."""
    norm = _norm(text)
    found: list[tuple[int, int, str]] = []  # start, end, value
    for value in values:
        base = _norm(value).strip()
        singular = base[:-1] if base.endswith("s") and not base.endswith("ss") else base
        for form in {base, base + "s", singular, base + "es"} - {""}:
            # every occurrence: "shirts" inside "t-shirts" is dropped below, a later "shirts" is kept
            found += [
                (m.start(), m.start() + len(form) + 2, value)
                for m in re.finditer(rf"(?= {re.escape(form)} )", norm)
            ]
    named_keys = {article_key(v) for _, _, v in found}
    for group in find_terms("garment", text):
        candidates = [v for v in values if article_key(v) == group]
        if not candidates:
            if not found:
                raise _unknown("article type", group, values)
            continue
        if group in named_keys:
            continue
        words = [
            " " + " ".join(w.replace("-", " ").split()) + " " for w in vocabulary().garments[group].every_word
        ]
        spans = [(norm.find(w), norm.find(w) + len(w)) for w in words if norm.find(w) >= 0]
        start, stop = min(spans, default=(len(norm), len(norm)))
        value = candidates[0] if len(candidates) == 1 else (choose or _first)(text, candidates)
        found.append((start, stop, value))
    kept = [
        f
        for f in found
        if not any(o[0] <= f[0] and f[1] <= o[1] and o[1] - o[0] > f[1] - f[0] for o in found)
    ]
    out: list[str] = []
    for _, _, value in sorted(kept):
        if value not in out:
            out.append(value)
    return out


def colours_for(text: str, values: list[str]) -> list[str]:
    wanted, _ = extract_colours(text)
    if not wanted:
        return []
    order = colours_in(text)  # in the order the brief names them
    known = sorted(
        (c for c in wanted if c in values), key=lambda c: order.index(c) if c in order else len(order)
    )
    if not known:
        raise _unknown("colour", wanted[0], values)
    return known


def plan_designs(
    text: str,
    conditions: dict[str, list[str]],
    n: int,
    *,
    seed: int = 0,
    seen: dict[str, dict[str, list[str]]] | None = None,
    article_type: str | None = None,
    colour: str | None = None,
    pattern: str | None = None,
    choose: Chooser | None = None,
) -> DesignPlan:
    """Label sets for ``n`` designs. Explicit arguments win over the text; named values cycle over
    the designs; a condition the brief leaves open is drawn per design from the values seen with
    that article in training (``seen``), so unstated colours vary. ``choose`` picks among the article
    types a garment word could mean (``articles_in``).
    """
    read: dict[str, list[str]] = {}
    if ARTICLE in conditions:
        values = conditions[ARTICLE]
        if article_type:
            match = {v.lower(): v for v in values}.get(article_type.strip().lower()) or (
                articles_in(article_type, values, choose) or [None]
            )[0]
            if match is None:
                raise _unknown("article type", article_type, values)
            read[ARTICLE] = [match]
        else:
            read[ARTICLE] = articles_in(text, values, choose)
        if not read[ARTICLE]:
            hint = ""
            for word in _norm(text).split():
                hint = hint or _closest(word, values) if len(word) > 3 else hint
            raise ToolInputError(
                f"the brief names no article type this model can draw{hint}; say one of: {', '.join(values)}"
            )
    if COLOUR in conditions:
        values = conditions[COLOUR]
        if colour:
            canon = canonical_colour(colour)
            if canon not in values:
                raise _unknown("colour", colour, values)
            read[COLOUR] = [canon]
        else:
            read[COLOUR] = colours_for(text, values)
    if PATTERN in conditions:
        values = conditions[PATTERN]
        word = pattern or pattern_in(text)
        if word:
            word = {"stripes": "striped", "plain": "solid"}.get(word.lower(), word.lower())
            if word not in values:
                raise _unknown("pattern", word, values)
        read[PATTERN] = [word] if word else []
    rng = random.Random(seed)
    labels: list[dict[str, str]] = []
    for i in range(n):
        row: dict[str, str] = {}
        for name, values in conditions.items():
            named = read.get(name) or []
            if named:
                row[name] = named[i % len(named)]
                continue
            pool = values
            if seen and name in seen and row.get(ARTICLE) in seen[name]:
                pool = seen[name][row[ARTICLE]] or values
            # an open pattern keeps the article's most usual one; other open conditions vary
            row[name] = pool[0] if name == PATTERN else rng.choice(pool)
        labels.append(row)
    return DesignPlan(labels, read)
