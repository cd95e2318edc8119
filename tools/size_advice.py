"""The ``size_advice`` tool: which size to take of an item, from the user's rentals and fit feedback."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stylist.events import DEFAULT_USER
from stylist.profiles.personal import SizeAdvice, advise_size
from stylist.profiles.personal_cache import PersonalModelCache
from stylist.tools.base import Dep, Lazy, Tool
from stylist.tools.output import SeenItem, ToolOutput
from stylist.tools.routing import RouteContext, RouteHint, item_refs


class SizeAdviceInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(min_length=1, max_length=128, description="The item the user asks about.")
    user_id: str = Field(DEFAULT_USER, min_length=1, max_length=128)
    height_in: float | None = Field(None, ge=36, le=96, description="Height in inches, if the user said.")
    weight_lbs: float | None = Field(None, ge=50, le=600, description="Weight in pounds, if the user said.")
    bust_in: float | None = Field(None, ge=20, le=70, description="Bust in inches, if the user said.")


class SizeAdviceOutput(SizeAdvice, ToolOutput):
    def garments(self) -> list[SeenItem]:
        """The item asked about, so the answer may name it (rented items need not be in the catalogue)."""
        return [SeenItem(id=self.item_id, title=self.category or self.item_id)]

    def to_text(self) -> str:
        if self.recommended_size is None:
            return f"I can't advise a size for {self.item_id} yet: " + "; ".join(self.basis) + "."
        p = self.probabilities
        return (
            f"Take size {self.recommended_size:g} of {self.item_id}: it fits {p['fit']:.0%} of the time "
            f"(too small {p['small']:.0%}, too large {p['large']:.0%}). Based on "
            + "; ".join(self.basis)
            + "."
        )


def size_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    """The garment asked about: named by id, pointed at ("the second one") or "it"."""
    refs = item_refs(text, context, pronouns=True)
    return {"item_id": refs[0]} if refs else {}


class SizeAdviceTool(Tool):
    """Which size should the user take of an item? Returns the recommended size and the chance it
    runs small, fits or runs large in each size, learned from the user's past sizes and fit
    feedback, the item's fit history from other customers and body measurements when given.
    Call it when the user asks "which size?", "will it fit?" or "does it run small?"."""

    name = "size_advice"
    routing = RouteHint(
        keywords=("which size", "what size", "will it fit", "does it fit", "true to size", "fit me"),
        patterns=(r"\b(?:which|what) size\b", r"\bruns? (?:small|large|big)\b"),
        extract=size_arguments,
        applies=lambda text, context: bool(item_refs(text, context, pronouns=True)),
        priority=3,
    )
    store = Dep[Any]()
    models = Dep[PersonalModelCache]()

    def __init__(self, store: Any, models: PersonalModelCache | Lazy[PersonalModelCache]) -> None:
        self.store = store
        self.models = models

    def run(self, args: SizeAdviceInput) -> SizeAdviceOutput:
        store = self.store
        advice = advise_size(
            store,
            self.models.get(store),
            args.user_id,
            args.item_id,
            height_in=args.height_in,
            weight_lbs=args.weight_lbs,
            bust_in=args.bust_in,
        )
        return SizeAdviceOutput(**advice.model_dump())
