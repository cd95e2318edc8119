"""Plain records for outfits, labelled outfits and fill-in-the-blank questions."""

from __future__ import annotations

from dataclasses import dataclass, field

from stylist.index.schema import Garment


@dataclass(frozen=True)
class OutfitRecord:
    """A real (or rule-made) outfit: an id and its garments in order."""

    outfit_id: str
    garments: tuple[Garment, ...]


@dataclass(frozen=True)
class CompatExample:
    """An outfit with a label: 1 compatible, 0 not. ``source`` is the outfit it came from (for splits)."""

    example_id: str
    garments: tuple[Garment, ...]
    label: int
    source: str
    reason: str = ""


@dataclass(frozen=True)
class FitbQuestion:
    """Fill in the blank: which of ``candidates`` completes ``question``."""

    question_id: str
    outfit_id: str
    question: tuple[Garment, ...]
    candidates: tuple[Garment, ...]
    answer_index: int


@dataclass
class OutfitData:
    """What a loader returns. Benchmark sets are empty when the source has none."""

    outfits: list[OutfitRecord]
    format: str
    compat: dict[str, list[CompatExample]] = field(default_factory=dict)  # flavour -> examples
    fitb: dict[str, list[FitbQuestion]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # rows skipped in non-strict mode

    def garments(self) -> dict[str, Garment]:
        out: dict[str, Garment] = {}
        for o in self.outfits:
            for g in o.garments:
                out.setdefault(g.id, g)
        for examples in self.compat.values():
            for e in examples:
                for g in e.garments:
                    out.setdefault(g.id, g)
        for questions in self.fitb.values():
            for q in questions:
                for g in (*q.question, *q.candidates):
                    out.setdefault(g.id, g)
        return out
