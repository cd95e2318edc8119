"""The ``score_outfit`` tool: how well do these catalogue garments go together, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stylist.agent.router import RouteHint
from stylist.agent.toolroutes import score_applies, score_arguments
from stylist.tools.base import Tool
from stylist.tools.outfits.schemas import OutfitScore

if TYPE_CHECKING:
    from stylist.runtime import Runtime


class ScoreOutfitInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_ids: list[str] = Field(
        description="Catalogue ids of the garments in the outfit (two or more).", max_length=12
    )

    @field_validator("item_ids", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.replace(",", " ").split() if v.strip()]
        return value


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

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run(self, args: ScoreOutfitInput) -> OutfitScore:
        from stylist.errors import ToolInputError

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
        index = self.runtime.catalogue_index
        garments = [index.get(i) for i in ids]  # ItemNotFoundError names an unknown id
        return self.runtime.compat_scorer.score(garments)


def score_outfit(item_ids: list[str], *, runtime: Runtime | None = None) -> OutfitScore:
    """Plain-function form of :class:`ScoreOutfit` on the default runtime."""
    from stylist.runtime import default_runtime

    return ScoreOutfit(runtime or default_runtime()).invoke({"item_ids": item_ids})
