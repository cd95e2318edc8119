"""Garment search: words and/or a photo plus metadata filters, over the catalogue index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment, Gender, Slot
from stylist.tools.base import Tool

if TYPE_CHECKING:
    from stylist.runtime import Runtime


def _as_list(value: Any) -> Any:
    """Small models often send ``"red"`` where a list is expected: accept both."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


class SearchInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field("", max_length=500, description="What the user is looking for, in words.")
    image_path: str | None = Field(None, description="Path of a photo to find similar garments to.")
    slot: Slot | None = Field(
        None, description="Outfit slot: top, bottom, dress, outerwear, shoes, bag, accessory …"
    )
    gender: Gender | None = Field(None, description="women, men, unisex, girls or boys.")
    colours: list[str] | None = Field(None, description="Any of these colours, e.g. ['navy', 'white'].")
    article_types: list[str] | None = Field(None, description="Any of these article types, e.g. ['shirts'].")
    occasions: list[str] | None = Field(None, description="e.g. ['formal'], ['party'], ['casual'].")
    seasons: list[str] | None = Field(None, description="e.g. ['summer'].")
    brands: list[str] | None = None
    min_price: float | None = Field(None, ge=0)
    max_price: float | None = Field(None, ge=0)
    exclude_ids: list[str] = Field(default_factory=list, description="Garment ids to leave out.")
    k: int = Field(5, ge=1, le=50, description="How many garments to return.")
    user_id: str | None = Field(
        None,
        max_length=128,
        description="Personalise the order for this user (their likes, dislikes and feedback).",
    )

    @field_validator(
        "colours", "article_types", "occasions", "seasons", "brands", "exclude_ids", mode="before"
    )
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _as_list(value)

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
        description="Parts of the score: text (words vs description), text_image (words vs picture), image (photo vs picture).",
    )
    matched: list[str] = Field(default_factory=list, description="Filters this garment satisfied.")
    why: str | None = Field(None, description="Why it ranks here for this user, when personalised.")


class SearchResult(BaseModel):
    query: str
    hits: list[SearchHit]


class SearchGarments(Tool):
    """Search the garment catalogue by words and/or a photo, with filters. The words describe the
    garment; image_path finds garments that look like a picture; filters narrow by slot, gender,
    colours, article types, occasions, seasons, brands and price range. Returns real catalogue
    garments with ids, titles, prices and a relevance score. Use it before naming any garment."""

    name = "search_garments"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run(self, args: SearchInput) -> SearchResult:
        filters = args.filters()
        index = self.runtime.catalogue_index
        if not args.user_id:
            hits = _search(index, args.query or None, filters, args.k, args.image_path)
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
        scored = _search(index, args.query or None, filters, min(max(3 * args.k, 30), 150), args.image_path)
        parts = {h.garment.id: h.parts for h in scored}
        ranked = self.runtime.preference_model.rerank(args.user_id, [(h.garment, h.score) for h in scored])[
            : args.k
        ]
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


def _search(
    index: Any, query: str | None, filters: SearchFilters, k: int, image_path: str | None
) -> list[Any]:
    """Hits with score parts (``ScoredHit``); an index with only ``search`` gets empty parts."""
    if hasattr(index, "search_scored"):
        return index.search_scored(query, filters=filters, k=k, image_path=image_path)
    from stylist.index.store.catalogue_index import ScoredHit

    return [
        ScoredHit(g, float(s), {})
        for g, s in index.search(query, filters=filters, k=k, image_path=image_path)
    ]


def search_garments(query: str = "", *, runtime: Runtime | None = None, **kwargs: Any) -> SearchResult:
    """Plain-function form of :class:`SearchGarments` on the default runtime."""
    from stylist.runtime import default_runtime

    return SearchGarments(runtime or default_runtime()).invoke({"query": query, **kwargs})
