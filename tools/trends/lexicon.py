"""Attribute vocabularies for extracting mentions from text: canonical value -> surface forms.

Kinds match the ``kind`` column of trend series (``colour``, ``article``, ``pattern``, ``style``,
``fabric``). Every table comes from the fashion vocabulary: a colour, pattern, style or material
counts under its ``trend`` value (all of its names with it), articles under ``[trend_articles]``.
Surface forms are lower-case words or phrases; matching is on word boundaries, the longest phrase
first, so "polka dot dress" gives pattern ``polka dot`` and article ``dress``.
"""

from __future__ import annotations

from stylist.fashion.vocabulary import Colour, Term, vocabulary


def _by_trend(entries: list[Colour] | list[Term]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in entries:
        if e.trend is not None:
            forms = out.setdefault(e.trend, [])
            forms.extend(f for f in (e.name, *e.words) if f not in forms)
    return out


def _lexicons() -> dict[str, dict[str, list[str]]]:
    v = vocabulary()
    return {
        "colour": _by_trend(list(v.colours.values())),
        "article": {a: list(forms) for a, forms in v.trend_articles.items()},
        "pattern": _by_trend(list(v.patterns.values())),
        "style": _by_trend(list(v.styles.values())),
        "fabric": _by_trend(list(v.materials.values())),
    }


LEXICONS: dict[str, dict[str, list[str]]] = _lexicons()

#: Kinds the extractor knows, in display order.
KINDS: tuple[str, ...] = tuple(LEXICONS)


def phrases() -> list[tuple[str, str, str]]:
    """Every (surface form, kind, canonical value), the longest phrases first."""
    out = [
        (form, kind, value)
        for kind, table in LEXICONS.items()
        for value, forms in table.items()
        for form in forms
    ]
    return sorted(out, key=lambda item: (-len(item[0]), item[0]))
