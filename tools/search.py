"""Garment search: words and/or a photo plus metadata filters, over the catalogue index."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stylist.fashion.brief import SLOT_WORDS, extract_filters
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment, Gender, Slot
from stylist.tools.base import CommaList, Dep, Tool
from stylist.tools.output import SeenItem, ToolOutput, unique_items
from stylist.tools.routing import RouteContext, RouteHint


class SearchIndex(Protocol):
    """What search needs of the catalogue index (``stylist.index.store.catalogue_index``)."""

    def search_scored(
        self,
        query: str | None,
        filters: SearchFilters | None = None,
        k: int = 10,
        image_path: str | None = None,
    ) -> list[Any]: ...  # ScoredHit: garment, score, parts


class Reranker(Protocol):
    """The preference model's re-ranking (``stylist.profiles.preferences.PreferenceModel``)."""

    def rerank(self, user_id: str, hits: list[tuple[Garment, float]]) -> list[Any]: ...


class SearchInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field("", max_length=500, description="What the user is looking for, in words.")
    image_path: str | None = Field(None, description="Path of a photo to find similar garments to.")
    slot: Slot | None = Field(
        None, description="Outfit slot: top, bottom, dress, outerwear, shoes, bag, accessory …"
    )
    gender: Gender | None = Field(None, description="women, men, unisex, girls or boys.")
    colours: CommaList | None = Field(None, description="Any of these colours, e.g. ['navy', 'white'].")
    article_types: CommaList | None = Field(None, description="Any of these article types, e.g. ['shirts'].")
    occasions: CommaList | None = Field(None, description="e.g. ['formal'], ['party'], ['casual'].")
    seasons: CommaList | None = Field(None, description="e.g. ['summer'].")
    brands: CommaList | None = None
    min_price: float | None = Field(None, ge=0)
    max_price: float | None = Field(None, ge=0)
    exclude_ids: CommaList = Field(default_factory=list, description="Garment ids to leave out.")
    k: int = Field(5, ge=1, le=50, description="How many garments to return.")
    user_id: str | None = Field(
        None,
        max_length=128,
        description="Personalise the order for this user (their likes, dislikes and feedback).",
    )

    @model_validator(mode="after")
    def _price_range(self) -> SearchInput:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError(f"min_price {self.min_price} is above max_price {self.max_price}")
        return self

    def filters(self) -> SearchFilters:
        return SearchFilters(
            slots=[self.slot] if self.slot else None,
            genders=[self.gender] if self.gender else None,
            colours=self.colours,
            article_types=self.article_types,
            occasions=self.occasions,
            seasons=self.seasons,
            brands=self.brands,
            min_price=self.min_price,
            max_price=self.max_price,
            exclude_ids=self.exclude_ids,
        )


class SearchHit(BaseModel):
    garment: Garment
    score: float
    scores: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Parts of the score: text (words vs description), text_image (words vs picture), "
            "image (photo vs picture)."
        ),
    )
    matched: list[str] = Field(default_factory=list, description="Filters this garment satisfied.")
    why: str | None = Field(None, description="Why it ranks here for this user, when personalised.")

    def reason(self) -> str | None:
        """Why it ranks here: the personal reason, else the filters it satisfied."""
        return self.why or ("matches " + ", ".join(self.matched) if self.matched else None)


class SearchResult(ToolOutput):
    lists_garments = True

    query: str
    hits: list[SearchHit]

    def garments(self) -> list[SeenItem]:
        return unique_items([SeenItem.from_garment(h.garment, h.reason()) for h in self.hits])

    def to_text(self) -> str:
        if not self.hits:
            return f'I found nothing in the catalogue for "{self.query}".'
        lines = [f"{n}. {h.garment.title} [{h.garment.id}]" for n, h in enumerate(self.hits, 1)]
        return "\n".join(["From the catalogue:", *lines])


_NOT_ONLY_GARMENTS = {"watch", "watches", "tie", "ties", "ring", "rings", "cap", "tank", "flats"}
"""Garment words that are also verbs or other things."""
SEARCH_KEYWORDS: tuple[str, ...] = (
    "wear",
    "look",
    "looks",
    "find",
    "search",
    "show",
    "recommend",
    "suggest",
    "looking for",
    "need",
    "want",
    "buy",
    "shop",
    "style",
    "accessories",
    "clothes",
    "clothing",
    "garment",
    "garments",
    "items",
    "pieces",
    "options",
    "something",
    "anything",
) + tuple(
    w for w in SLOT_WORDS if w not in _NOT_ONLY_GARMENTS
)  # every garment noun: "what coats do you have"


def search_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    return extract_filters(text)


class SearchGarments(Tool):
    """Search the garment catalogue by words and/or a photo, with filters. The words describe the
    garment; image_path finds garments that look like a picture; filters narrow by slot, gender,
    colours, article types, occasions, seasons, brands and price range. Returns real catalogue
    garments with ids, titles, prices and a relevance score. Use it before naming any garment."""

    name = "search_garments"
    routing = RouteHint(
        keywords=SEARCH_KEYWORDS,
        extract=search_arguments,
        default=True,
        followups=True,
        relax=("occasions", "seasons", "article_types"),
    )
    index = Dep[SearchIndex]()
    preferences = Dep[Reranker]()

    def __init__(self, index: SearchIndex, preferences: Reranker) -> None:
        self.index = index
        self.preferences = preferences

    def run(self, args: SearchInput) -> SearchResult:
        filters = args.filters()
        index = self.index
        search = index.search_scored
        if not args.user_id:
            hits = search(args.query or None, filters=filters, k=args.k, image_path=args.image_path)
            return SearchResult(
                query=args.query,
                hits=[
                    SearchHit(
                        garment=h.garment,
                        score=round(h.score, 4),
                        scores=h.parts,
                        matched=filters.matched_fields(h.garment),
                    )
                    for h in hits
                ],
            )
        # personalised: re-rank a wider pool so the user's favourites can rise into the top k
        pool = min(max(3 * args.k, 30), 150)
        scored = search(args.query or None, filters=filters, k=pool, image_path=args.image_path)
        parts = {h.garment.id: h.parts for h in scored}
        ranked = self.preferences.rerank(args.user_id, [(h.garment, h.score) for h in scored])[: args.k]
        return SearchResult(
            query=args.query,
            hits=[
                SearchHit(
                    garment=h.garment,
                    score=round(h.score, 4),
                    scores=parts.get(h.garment.id, {}),
                    matched=filters.matched_fields(h.garment),
                    why=h.why,
                )  # fmt: skip
                for h in ranked
            ],
        )
