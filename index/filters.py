"""Metadata filters for garment search, shared by the store, the search tool and assembly."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stylist.fashion.terms import canonical_colour, seasons_of
from stylist.index.schema import Garment, Gender, Slot


class SearchFilters(BaseModel):
    """Every field is optional; a garment must satisfy all that are set.

    ``gender`` also admits unisex garments. Lists mean "any of". A price bound excludes garments
    with no price, since the bound cannot be checked for them.
    """

    model_config = ConfigDict(extra="forbid")

    slots: list[Slot] | None = None
    genders: list[Gender] | None = None
    colours: list[str] | None = None
    article_types: list[str] | None = None
    patterns: list[str] | None = None
    materials: list[str] | None = None
    seasons: list[str] | None = None
    occasions: list[str] | None = None
    brands: list[str] | None = None
    min_price: float | None = Field(None, ge=0)
    max_price: float | None = Field(None, ge=0)
    exclude_ids: list[str] = Field(default_factory=list)

    @field_validator("colours", "article_types", "patterns", "materials", "seasons", "occasions", "brands")
    @classmethod
    def _lower(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        cleaned = [v.strip().lower() for v in values if v and v.strip()]
        return cleaned or None

    @field_validator("colours", "seasons")
    @classmethod
    def _canonical(cls, values: list[str] | None, info) -> list[str] | None:
        # the catalogue stores canonical names ("navy blue", "autumn"); accept "navy", "fall"
        if values is None:
            return None
        return [canonical_colour(v) for v in values] if info.field_name == "colours" else seasons_of(values)

    @model_validator(mode="after")
    def _price_range(self) -> SearchFilters:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError(f"min_price {self.min_price} is above max_price {self.max_price}")
        return self

    def is_empty(self) -> bool:
        return self == SearchFilters()

    def matches(self, g: Garment) -> bool:
        if g.id in self.exclude_ids:
            return False
        if self.slots and g.slot not in self.slots:
            return False
        if self.genders and g.gender not in self.genders and g.gender is not Gender.UNISEX:
            return False
        if self.colours and not set(self.colours) & (
            {canonical_colour(c) for c in g.colours} | set(g.colours)
        ):
            return False
        if self.article_types and g.article_type.lower() not in self.article_types:
            return False
        if self.patterns and (g.pattern or "").lower() not in self.patterns:
            return False
        if self.materials and (g.material or "").lower() not in self.materials:
            return False
        if self.seasons and not set(self.seasons) & (set(seasons_of(g.seasons)) | set(g.seasons)):
            return False
        if self.occasions and not set(self.occasions) & set(g.occasions):
            return False
        if self.brands and (g.brand or "").lower() not in self.brands:
            return False
        if self.min_price is not None and (g.price is None or g.price < self.min_price):
            return False
        if self.max_price is not None and (g.price is None or g.price > self.max_price):
            return False
        return True

    def matched_fields(self, g: Garment) -> list[str]:
        """Which set filters this garment satisfies (for a hit's "why matched")."""
        names = []
        for name in (
            "slots",
            "genders",
            "colours",
            "article_types",
            "patterns",
            "materials",
            "seasons",
            "occasions",
            "brands",
        ):
            if getattr(self, name):
                names.append(name.removesuffix("s"))
        if self.min_price is not None or self.max_price is not None:
            names.append("price")
        return names
