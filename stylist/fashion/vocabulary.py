"""The one fashion vocabulary: ``vocabulary.toml`` read once into typed, read-only records.

Every word list the project reads fashion with lives in that file: colours (family, hue, hex,
trend value, other names), materials, patterns, styles, garment nouns and article types with
their slots, occasions with formality, seasons, genders and dress codes. :func:`vocabulary` loads
it (cached) and checks that its cross references hold; the derived views (``colour_words`` …) are
what the matchers in :mod:`stylist.fashion.terms` and :mod:`stylist.fashion.brief` use.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from stylist.errors import VocabularyError
from stylist.fashion.palettes import PaletteError, PaletteRule, hex_to_lab, palette_members, parse_rule
from stylist.index.schema import Slot

FILE = "vocabulary.toml"


@dataclass(frozen=True)
class Colour:
    """One canonical colour (the name stored on garments)."""

    name: str
    hex: str | None
    family: str | None
    hue: float | None
    earthy: bool
    trend: str | None
    words: tuple[str, ...]
    describes: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """A canonical material, pattern or style, the other words for it and its trend value."""

    name: str
    words: tuple[str, ...]
    trend: str | None


@dataclass(frozen=True)
class GarmentNoun:
    """A garment noun ("t-shirt"): its slot, the words a request routes on, and further names."""

    name: str
    slot: str
    words: tuple[str, ...]
    also: tuple[str, ...]
    pair: bool = False
    """Named as "a pair of" (jeans, shoes)."""

    @property
    def every_word(self) -> tuple[str, ...]:
        return (*self.words, *self.also)


@dataclass(frozen=True)
class Occasion:
    name: str
    formality: float | None
    words: tuple[str, ...]
    related: tuple[str, ...] = ()
    """Other occasion tags whose garments also serve this one."""


@dataclass(frozen=True)
class SlotRule:
    """What one slot may be under a dress code: ``allow`` empty means anything not forbidden."""

    allow: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()


@dataclass(frozen=True)
class DressCode:
    name: str
    say: str
    words: tuple[str, ...]
    formality: tuple[float, float]
    occasions: tuple[str, ...]
    forbid: tuple[str, ...]
    forbid_materials: tuple[str, ...]
    slots: dict[str, SlotRule]

    def rule(self, slot: str) -> SlotRule:
        return self.slots.get(slot, SlotRule())

    def suits_formality(self, value: float) -> bool:
        """Whether a garment of formality ``value`` (0 sport .. 4 black tie) sits in this code's range."""
        return self.formality[0] <= value <= self.formality[1]


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise VocabularyError(f"{where} must be a list of words, got {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class Vocabulary:
    colours: dict[str, Colour]
    families: tuple[str, ...]
    neutral_families: frozenset[str]
    palettes: dict[str, PaletteRule]
    group_needs_noun: frozenset[str]
    group_same_as: dict[str, str]
    materials: dict[str, Term]
    patterns: dict[str, Term]
    styles: dict[str, Term]
    garments: dict[str, GarmentNoun]
    slot_words: dict[str, tuple[str, ...]]
    articles: dict[str, str]
    categories: dict[str, str]
    occasions: dict[str, Occasion]
    formality_default: float
    article_formality: tuple[tuple[str, float], ...]
    seasons: tuple[str, ...]
    all_season_words: frozenset[str]
    season_words: dict[str, tuple[str, ...]]
    season_hints: tuple[tuple[str, frozenset[str]], ...]
    genders: dict[str, tuple[str, ...]]
    trend_articles: dict[str, tuple[str, ...]]
    dress_codes: dict[str, DressCode]

    # ---- derived views (computed once)
    @cached_property
    def colour_words(self) -> dict[str, str]:
        """Every colour word → its canonical colour ("navy" → "navy blue"); canonical names included."""
        out: dict[str, str] = {}
        for c in self.colours.values():
            out.setdefault(c.name, c.name)
            for w in c.words:
                out.setdefault(w, c.name)
        return out

    @cached_property
    def earthy_colours(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.colours.values() if c.earthy)

    @cached_property
    def neutral_colours(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.colours.values() if c.family in self.neutral_families)

    @cached_property
    def colour_groups(self) -> dict[str, tuple[str, ...]]:
        """Palette word → the colours its CIELAB band holds (:mod:`stylist.fashion.palettes`)."""
        pairs = [(c.name, c.hex) for c in self.colours.values()]
        return {name: palette_members(rule, pairs) for name, rule in self.palettes.items()}

    @cached_property
    def all_colour_groups(self) -> dict[str, tuple[str, ...]]:
        """Group word → colours: "earthy" and "neutral" from the colour flags, then the palettes."""
        groups = {"earthy": self.earthy_colours, "neutral": self.neutral_colours, **self.colour_groups}
        for word, target in self.group_same_as.items():
            groups[word] = groups[target]
        return groups

    @cached_property
    def material_words(self) -> dict[str, str]:
        return _word_map(self.materials)

    @cached_property
    def pattern_words(self) -> dict[str, str]:
        return _word_map(self.patterns)

    @cached_property
    def garment_words(self) -> dict[str, str]:
        """Every garment word → its noun ("tees" → "t-shirt")."""
        return {w: g.name for g in self.garments.values() for w in g.every_word}

    @cached_property
    def routed_slot_words(self) -> dict[str, str]:
        """Words a request names a slot with → the slot (the router's reading)."""
        return {w: g.slot for g in self.garments.values() for w in g.words}

    @cached_property
    def occasion_words(self) -> dict[str, str]:
        """Request word → the occasion tag it asks for ("office" → "work")."""
        return {w: o.name for o in self.occasions.values() for w in o.words}

    @cached_property
    def season_word_map(self) -> dict[str, str]:
        """Season word → season ("fall" → "autumn"), the season names included."""
        return {w: s for s, words in self.season_words.items() for w in (s, *words)}


def _word_map(terms: dict[str, Term]) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in terms.values():
        out.setdefault(t.name, t.name)
        for w in t.words:
            out.setdefault(w, t.name)
    return out


def _terms(table: dict[str, Any], kind: str) -> dict[str, Term]:
    return {
        name: Term(name, _strs(e.get("words", []), f"{kind}.{name}.words"), e.get("trend"))
        for name, e in table.items()
    }


def _dress_code(name: str, e: dict[str, Any]) -> DressCode:
    lo, hi = (float(x) for x in e["formality"])
    if not 0 <= lo <= hi <= 4:
        raise VocabularyError(f"dress code {name!r}: formality {e['formality']} is not a range in 0..4")
    slots = {
        slot: SlotRule(
            _strs(r.get("allow", []), f"{name}.{slot}.allow"), _strs(r.get("forbid", []), f"{name}.{slot}")
        )
        for slot, r in e.get("slots", {}).items()
    }
    return DressCode(
        name=name,
        say=str(e.get("say", name)),
        words=_strs(e["words"], f"dress code {name!r} words"),
        formality=(lo, hi),
        occasions=_strs(e.get("occasions", []), f"dress code {name!r} occasions"),
        forbid=_strs(e.get("forbid", []), f"dress code {name!r} forbid"),
        forbid_materials=_strs(e.get("forbid_materials", []), f"dress code {name!r} forbid_materials"),
        slots=slots,
    )


def parse(data: dict[str, Any]) -> Vocabulary:
    """A :class:`Vocabulary` from the parsed TOML; raises :class:`VocabularyError` naming a bad entry."""
    try:
        colours = {
            name: Colour(
                name=name,
                hex=e.get("hex"),
                family=e.get("family"),
                hue=float(e["hue"]) if "hue" in e else None,
                earthy=bool(e.get("earthy", False)),
                trend=e.get("trend"),
                words=_strs(e.get("words", []), f"colours.{name}.words"),
                describes=_strs(e.get("describes", []), f"colours.{name}.describes"),
            )
            for name, e in data["colours"].items()
        }
        seasons = data["seasons"]
        vocab = Vocabulary(
            colours=colours,
            families=_strs(data["families"]["order"], "families.order"),
            neutral_families=frozenset(_strs(data["families"]["neutral"], "families.neutral")),
            palettes={name: parse_rule(name, e) for name, e in data["palettes"].items()},
            group_needs_noun=frozenset(data["colour_group_words"]["needs_noun"]),
            group_same_as=dict(data["colour_group_words"]["same_as"]),
            materials=_terms(data["materials"], "materials"),
            patterns=_terms(data["patterns"], "patterns"),
            styles=_terms(data["styles"], "styles"),
            garments={
                name: GarmentNoun(
                    name,
                    e["slot"],
                    _strs(e.get("words", []), name),
                    _strs(e.get("also", []), name),
                    bool(e.get("pair", False)),
                )
                for name, e in data["garments"].items()
            },
            slot_words={s: _strs(w, f"slot_words.{s}") for s, w in data["slot_words"].items()},
            articles={name: slot for slot, names in data["articles"].items() for name in names},
            categories=dict(data["categories"]),
            occasions={
                name: Occasion(
                    name,
                    e.get("formality"),
                    _strs(e.get("words", []), f"occasions.{name}"),
                    _strs(e.get("related", []), f"occasions.{name}.related"),
                )
                for name, e in data["occasions"].items()
            },
            formality_default=float(data["formality"]["default"]),
            article_formality=tuple((str(w), float(v)) for w, v in data["formality"]["articles"]),
            seasons=_strs(seasons["order"], "seasons.order"),
            all_season_words=frozenset(_strs(seasons["all"], "seasons.all")),
            season_words={s: _strs(w, f"seasons.words.{s}") for s, w in seasons["words"].items()},
            season_hints=tuple((w, frozenset(s)) for w, s in seasons["hints"].items()),
            genders={g: _strs(w, f"genders.{g}") for g, w in data["genders"].items()},
            trend_articles={a: _strs(w, f"trend_articles.{a}") for a, w in data["trend_articles"].items()},
            dress_codes={name: _dress_code(name, e) for name, e in data["dress_codes"].items()},
        )
    except KeyError as exc:
        raise VocabularyError(f"the fashion vocabulary lacks the entry {exc.args[0]!r}") from exc
    _check(vocab)
    return vocab


def _check(v: Vocabulary) -> None:
    slots = {s.value for s in Slot}
    for c in v.colours.values():
        if c.family is not None and c.family not in v.families:
            raise VocabularyError(f"colour {c.name!r} has the unknown family {c.family!r}")
    for c in v.colours.values():
        if c.hex is not None:
            try:
                hex_to_lab(c.hex)
            except PaletteError as exc:
                raise VocabularyError(f"colour {c.name!r}: {exc}") from exc
    for word, target in v.group_same_as.items():
        if target not in v.palettes and target not in ("earthy", "neutral"):
            raise VocabularyError(f"palette word {word!r} stands for the unknown palette {target!r}")
    named = {
        **{g.name: g.slot for g in v.garments.values()},
        **v.articles,
        **v.categories,
    }
    for where, slot in named.items():
        if slot not in slots:
            raise VocabularyError(f"{where!r} has the unknown slot {slot!r}")
    for code in v.dress_codes.values():
        for slot in code.slots:
            if slot not in slots:
                raise VocabularyError(f"dress code {code.name!r} has a rule for the unknown slot {slot!r}")
        for m in code.forbid_materials:
            if m not in v.material_words:
                raise VocabularyError(f"dress code {code.name!r} forbids the unknown material {m!r}")
        for o in code.occasions:
            if o not in v.occasions:
                raise VocabularyError(f"dress code {code.name!r} names the unknown occasion {o!r}")


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, parsed once per process."""
    text = resources.files("stylist.fashion").joinpath(FILE).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"{FILE} is not valid TOML: {exc}") from exc
    return parse(data)
