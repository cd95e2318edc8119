"""The garment record every part of Stylist speaks."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Slot(StrEnum):
    """Where a garment sits in an outfit."""

    TOP = "top"
    BOTTOM = "bottom"
    DRESS = "dress"  # one-piece: dresses, jumpsuits, sarees
    OUTERWEAR = "outerwear"
    SHOES = "shoes"
    BAG = "bag"
    ACCESSORY = "accessory"  # belts, hats, scarves, watches, sunglasses, ties
    JEWELRY = "jewelry"
    INNERWEAR = "innerwear"
    SLEEPWEAR = "sleepwear"
    SWIMWEAR = "swimwear"
    BEAUTY = "beauty"  # fragrance, make-up, personal care
    OTHER = "other"


#: Slots a wearable outfit is assembled from.
OUTFIT_SLOTS: tuple[Slot, ...] = (
    Slot.TOP,
    Slot.BOTTOM,
    Slot.DRESS,
    Slot.OUTERWEAR,
    Slot.SHOES,
    Slot.BAG,
    Slot.ACCESSORY,
    Slot.JEWELRY,
)


class Gender(StrEnum):
    WOMEN = "women"
    MEN = "men"
    UNISEX = "unisex"
    GIRLS = "girls"
    BOYS = "boys"


#: ``attributes["description"]`` of garments whose description a loader composed from their fields.
GENERATED = "generated"


class Garment(BaseModel):
    """One catalogue item. ``id`` is unique within a catalogue; text fields are data, never
    instructions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=128)
    title: str = Field(min_length=1, max_length=500)
    description: str = Field("", max_length=5000)
    slot: Slot
    article_type: str = Field(min_length=1, max_length=80)
    gender: Gender = Gender.UNISEX
    colours: list[str] = Field(default_factory=list)
    pattern: str | None = None
    material: str | None = None
    seasons: list[str] = Field(default_factory=list)
    occasions: list[str] = Field(default_factory=list)
    price: float | None = Field(None, ge=0)
    currency: str = "USD"
    brand: str | None = None
    image_path: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)

    @field_validator("id", "title", "article_type")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("colours", "seasons", "occasions")
    @classmethod
    def _normalise_words(cls, values: list[str]) -> list[str]:
        out: list[str] = []
        for v in values:
            v = v.strip().lower()
            if v and v not in out:
                out.append(v)
        return out

    @field_validator("pattern", "material", "brand", "image_path")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        return value or None

    def document(self) -> str:
        """The text that is embedded for search: title, description and attributes in words.

        A description a loader wrote from the same fields (``attributes["description"] ==
        "generated"``) is left out: it adds no information, only tokens, and tokens are what
        embedding a large catalogue costs.
        """
        parts = [self.title]
        if self.description and self.attributes.get("description") != GENERATED:
            parts.append(self.description)
        facts = [f"{self.gender.value}'s {self.article_type.lower()} ({self.slot.value})"]
        if self.colours:
            facts.append("colour " + ", ".join(self.colours))
        if self.pattern:
            facts.append(f"pattern {self.pattern}")
        if self.material:
            facts.append(f"material {self.material}")
        if self.seasons:
            facts.append("season " + ", ".join(self.seasons))
        if self.occasions:
            facts.append("occasion " + ", ".join(self.occasions))
        if self.brand:
            facts.append(f"brand {self.brand}")
        parts.append("; ".join(facts))
        return " ".join(
            p if p.endswith((".", "!", "?")) else p + "." for p in (q.strip() for q in parts) if p
        )

    def summary(self) -> dict[str, Any]:
        """A compact view for prompts and cards: what an LLM needs to name and describe it."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "slot": self.slot.value,
            "article_type": self.article_type,
            "gender": self.gender.value,
            "colours": self.colours,
        }
        for key in ("pattern", "material", "price", "brand"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.seasons:
            out["seasons"] = self.seasons
        if self.occasions:
            out["occasions"] = self.occasions
        return out
