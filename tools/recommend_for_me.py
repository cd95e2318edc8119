"""The ``recommend_for_me`` tool: "anything new for me for a wedding?" from the user's rentals."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stylist.events import DEFAULT_USER
from stylist.fashion.brief import extract_k, normalise
from stylist.profiles.personal import ForYou, recommend_for
from stylist.profiles.personal_cache import PersonalModelCache
from stylist.tools.base import Dep, Lazy, Tool
from stylist.tools.output import SeenItem, ToolOutput
from stylist.tools.routing import RouteContext, RouteHint

_OCCASIONS = ("wedding", "formal affair", "party", "everyday", "work", "date", "vacation")


class RecommendForMeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(DEFAULT_USER, min_length=1, max_length=128)
    occasion: str | None = Field(
        None,
        max_length=40,
        description="wedding, formal affair, party, everyday, work, date, vacation or other.",
    )
    k: int = Field(10, ge=1, le=50, description="How many items.")
    source: Literal["catalogue", "rentals"] = Field(
        "catalogue", description="catalogue: garments in the shop's catalogue; rentals: rented items."
    )


class ForYouOutput(ForYou, ToolOutput):
    def garments(self) -> list[SeenItem]:
        """The picks, so the answer may name them (rented items need not be in the catalogue)."""
        return [SeenItem(id=it.item_id, title=it.title or it.category or it.item_id) for it in self.items]

    def to_text(self) -> str:
        head = "Picked for you" if self.known_user else "Popular picks (I don't know your rentals yet)"
        lines = [f"{head}{f' for {self.occasion}' if self.occasion else ''}:"]
        for it in self.items:
            why = f" — {'; '.join(it.reasons)}" if it.reasons else ""
            name = f"{it.title} ({it.item_id})" if it.title else it.item_id
            kind = f" ({it.category})" if it.category and not it.title else ""
            lines.append(f"- {name}{kind}{why}")
        return "\n".join(lines)


def for_me_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    """The occasion named ("what should I rent for a wedding?") and how many items."""
    t = normalise(text)
    args: dict[str, Any] = {}
    occasion = next((o for o in _OCCASIONS if re.search(rf"\b{o}\b", t)), None)
    if occasion:
        args["occasion"] = occasion
    k = extract_k(text)
    if k:
        args["k"] = min(k, 50)
    return args


class RecommendForMe(Tool):
    """Catalogue garments picked for this user ("for you"), ranked by what their imported rental
    and rating history says they like (garment kinds they rent and rate highly, the occasions they
    rent for) and what customers rent for the occasion; each with its reasons. New users get
    occasion favourites and their stated liked garment types. ``source="rentals"`` ranks rental
    items they have not rented instead. Call it for "anything new for me?", "what should I rent
    for a wedding?"."""

    name = "recommend_for_me"
    routing = RouteHint(
        keywords=(
            "anything new for me",
            "new for me",
            "picked for me",
            "recommend for me",
            "what should i rent",
        ),
        patterns=(r"\b(?:anything|something) new for me\b", r"\bwhat (?:should|could|can) i rent\b"),
        extract=for_me_arguments,
        priority=2,
    )
    store = Dep[Any]()
    catalogue = Dep[Any]()

    models = Dep[PersonalModelCache]()

    def __init__(
        self, store: Any, catalogue: Any, models: PersonalModelCache | Lazy[PersonalModelCache]
    ) -> None:
        self.store = store
        self.catalogue = catalogue
        self.models = models

    def run(self, args: RecommendForMeInput) -> ForYouOutput:
        store = self.store
        result = recommend_for(
            store,
            self.models.get(store),
            args.user_id,
            occasion=args.occasion,
            k=args.k,
            garments=self.catalogue if args.source == "catalogue" else None,
        )
        return ForYouOutput(**result.model_dump())
