"""The ``score_outfit`` tool: how well do these catalogue garments go together, and why."""

from __future__ import annotations

import re
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from stylist.errors import ToolInputError
from stylist.fashion.brief import normalise
from stylist.index.schema import Garment
from stylist.tools.base import Dep, IdList, Tool
from stylist.tools.outfits.schemas import OutfitScore
from stylist.tools.routing import RouteContext, RouteHint, item_refs, shown_ids


class Catalogue(Protocol):
    def get(self, item_id: str) -> Garment: ...


class Scorer(Protocol):
    """The compatibility model (``stylist.tools.outfits.scorer.CompatibilityScorer``)."""

    def score(self, garments: list[Garment]) -> OutfitScore: ...


class ScoreOutfitInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_ids: IdList = Field(
        description="Catalogue ids of the garments in the outfit (two or more).", max_length=12
    )


_THESE = r"\b(these|them|those|this outfit|it)\b"


def score_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    refs = item_refs(text, context)
    if len(refs) < 2 and context.last_items and re.search(_THESE, normalise(text)):
        refs = list(dict.fromkeys([*refs, *shown_ids(context)]))[:12]
    return {"item_ids": refs[:12]}


def score_applies(text: str, context: RouteContext) -> bool:
    """Scoring needs two or more garments: named, pointed at, or "these" after a list."""
    refs = item_refs(text, context)
    return len(refs) >= 2 or (
        bool(context.last_items) and bool(re.search(r"\b(these|them|those|this outfit)\b", normalise(text)))
    )


class ScoreOutfit(Tool):
    """Score how well catalogue garments go together as one outfit. Give two or more garment ids.
    Returns a 0-1 compatibility score from a learned model, the weakest pair and why (colour clash,
    formality mismatch, season mismatch) and any missing slot (top/bottom or dress, shoes)."""

    name = "score_outfit"
    routing = RouteHint(
        keywords=(
            "go with",
            "goes with",
            "go together",
            "goes together",
            "work together",
            "look good together",
            "match",
            "matches",
            "a good match",
            "pair",
            "compatible",
            "compatibility",
            "clash",
            "clashes",
            "score",
            "rate",
            "combo",
            "combination",
            "yes or no",
            "work as an outfit",
            "make a good outfit",
            "does this outfit work",
            "together",
        ),
        patterns=(r"\b(?:does|do|would|will|can|could|is|are)\b.{0,60}\b(?:with|and|\+)\b",),
        extract=score_arguments,
        applies=score_applies,
        priority=2,
    )

    id_arguments = ("item_ids",)
    catalogue = Dep[Catalogue]()
    scorer = Dep[Scorer]()

    def __init__(self, catalogue: Catalogue, scorer: Scorer) -> None:
        self.catalogue = catalogue
        self.scorer = scorer

    def run(self, args: ScoreOutfitInput) -> OutfitScore:
        ids = [i.strip() for i in args.item_ids]
        if len(ids) < 2:
            raise ToolInputError(
                f"an outfit needs at least two items to score, got {len(ids)}",
                hint="add the other garments, or use build_outfit with this one as an anchor to complete it",
            )
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ToolInputError(
                f"duplicate item id(s) in the outfit: {', '.join(dupes)}", hint="list each garment once"
            )
        garments = [self.catalogue.get(i) for i in ids]  # ItemNotFoundError names an unknown id
        return self.scorer.score(garments)
