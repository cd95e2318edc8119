"""The profile's typed boundary: what callers send (``ProfileChanges``) and get back."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stylist.errors import ProfileError

PreferenceKind = Literal["colour", "style", "brand", "material", "pattern", "article_type"]
PREFERENCE_KINDS: tuple[str, ...] = ("colour", "style", "brand", "material", "pattern", "article_type")
FeedbackKindT = Literal["like", "dislike", "save", "buy"]
FEEDBACK_KINDS: tuple[str, ...] = ("like", "dislike", "save", "buy")
GenderPresentation = Literal["women", "men", "unisex"]

MAX_USER_ID = 128
MAX_VALUE = 80
MAX_VALUES_PER_KIND = 50
MAX_NOTE = 1000
MAX_WARDROBE_TEXT = 500
#: Most garments one outfit's feedback may name (the store and the record_feedback tool).
MAX_OUTFIT_ITEMS = 12

_USER_ID = re.compile(r"^[A-Za-z0-9_.@:+-]+$")

_KIND_ALIASES = {
    "color": "colour",
    "colors": "colour",
    "colours": "colour",
    "colour": "colour",
    "style": "style",
    "styles": "style",
    "brand": "brand",
    "brands": "brand",
    "material": "material",
    "materials": "material",
    "fabric": "material",
    "fabrics": "material",
    "pattern": "pattern",
    "patterns": "pattern",
    "print": "pattern",
    "prints": "pattern",
    "article_type": "article_type",
    "article_types": "article_type",
    "article": "article_type",
    "type": "article_type",
    "types": "article_type",
    "garment": "article_type",
    "garments": "article_type",
}

_GENDER_ALIASES = {
    "women": "women",
    "woman": "women",
    "female": "women",
    "feminine": "women",
    "f": "women",
    "womenswear": "women",
    "men": "men",
    "man": "men",
    "male": "men",
    "masculine": "men",
    "m": "men",
    "menswear": "men",
    "unisex": "unisex",
    "neutral": "unisex",
    "androgynous": "unisex",
    "non-binary": "unisex",
    "nonbinary": "unisex",
}


def check_user_id(user_id: str) -> str:
    """``user_id`` unchanged, or a ``ProfileError`` saying what is wrong with it."""
    if not isinstance(user_id, str) or not user_id.strip():
        raise ProfileError("user id must not be empty")
    if len(user_id) > MAX_USER_ID:
        raise ProfileError(f"user id is {len(user_id)} characters long; the limit is {MAX_USER_ID}")
    if not _USER_ID.match(user_id):
        raise ProfileError(f"user id {user_id!r} has characters other than letters, digits and _ . @ : + -")
    return user_id


def normalise_kind(kind: str) -> str:
    key = kind.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in _KIND_ALIASES:
        raise ProfileError(
            f"unknown preference kind {kind!r}", hint=f"use one of: {', '.join(PREFERENCE_KINDS)}"
        )
    return _KIND_ALIASES[key]


def normalise_value(value: str, *, field: str) -> str:
    v = " ".join(str(value).strip().lower().split())
    if not v:
        raise ProfileError(f"{field}: empty value")
    if len(v) > MAX_VALUE:
        raise ProfileError(f"{field}: {v[:30]!r}… is {len(v)} characters long; the limit is {MAX_VALUE}")
    return v


def _pref_map(value: Any, field: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError('expected an object like {"colour": ["navy"]}')
    out: dict[str, list[str]] = {}
    for raw_kind, raw_values in value.items():
        kind = normalise_kind(str(raw_kind))
        if isinstance(raw_values, str):
            raw_values = [v for v in raw_values.split(",")]
        values = [normalise_value(v, field=f"{field}.{kind}") for v in raw_values if str(v).strip()]
        if len(values) > MAX_VALUES_PER_KIND:
            raise ValueError(f"{kind}: {len(values)} values; the limit is {MAX_VALUES_PER_KIND}")
        for v in values:
            out.setdefault(kind, [])
            if v not in out[kind]:
                out[kind].append(v)
    return out


class ProfileChanges(BaseModel):
    """A partial update. Unset fields are left alone; ``like``/``dislike``/``forget`` map a kind
    (colour, style, brand, material, pattern, article_type) to values."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=120)
    gender_presentation: GenderPresentation | None = None
    sizes: dict[str, str] | None = Field(
        None, description="Merged into the sizes; an empty value removes a size."
    )
    fit_notes: str | None = Field(None, max_length=MAX_NOTE)
    body_notes: str | None = Field(None, max_length=MAX_NOTE)
    budget: float | None = Field(None, ge=0, le=1_000_000, description="Most the user wants to pay per item.")
    currency: str | None = Field(None, min_length=3, max_length=3)
    climate: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=200)
    like: dict[str, list[str]] = Field(default_factory=dict)
    dislike: dict[str, list[str]] = Field(default_factory=dict)
    forget: dict[str, list[str]] = Field(default_factory=dict, description="Remove these likes/dislikes.")
    wardrobe_add: list[str] = Field(default_factory=list, max_length=100)
    wardrobe_remove: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("gender_presentation", mode="before")
    @classmethod
    def _gender(cls, value: Any) -> Any:
        if isinstance(value, str):
            key = value.strip().lower()
            if key in _GENDER_ALIASES:
                return _GENDER_ALIASES[key]
        return value

    @field_validator("sizes")
    @classmethod
    def _sizes(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        if len(value) > 20:
            raise ValueError(f"{len(value)} sizes; the limit is 20")
        out = {}
        for k, v in value.items():
            k = k.strip().lower()
            if not k or len(k) > 32:
                raise ValueError(f"size name {k!r} must be 1 to 32 characters")
            if len(str(v)) > 32:
                raise ValueError(f"size {k}: {str(v)[:20]!r}… is longer than 32 characters")
            out[k] = str(v).strip()
        return out

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @field_validator("like", "dislike", "forget", mode="before")
    @classmethod
    def _prefs(cls, value: Any, info: Any) -> dict[str, list[str]]:
        try:
            return _pref_map(value, info.field_name)
        except ProfileError as exc:
            raise ValueError(exc.message) from None

    @field_validator("wardrobe_add", "wardrobe_remove")
    @classmethod
    def _wardrobe(cls, values: list[str]) -> list[str]:
        out = []
        for v in values:
            v = " ".join(v.split())
            if not v:
                continue
            if len(v) > MAX_WARDROBE_TEXT:
                raise ValueError(f"{v[:30]!r}… is {len(v)} characters long; the limit is {MAX_WARDROBE_TEXT}")
            out.append(v)
        return out

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> ProfileChanges:
        """Validate ``raw``, raising a ``ProfileError`` that names each bad field."""
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            parts = []
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "(changes)"
                msg = err["msg"].removeprefix("Value error, ")
                parts.append(f"{field}: {msg}")
            raise ProfileError("invalid profile change: " + "; ".join(parts)) from None

    def is_empty(self) -> bool:
        return self == ProfileChanges()


class WardrobeItem(BaseModel):
    id: int
    item_id: str | None = None
    """Catalogue id, when the item is in the catalogue."""
    description: str | None = None
    """Free text, for items that are not (or a title copied at the time it was added)."""
    added_at: datetime
    name: str | None = None
    """The user's name for an item added from a photo ("my blue oxford")."""
    article_type: str | None = None
    slot: str | None = None
    colours: list[str] = Field(default_factory=list)
    pattern: str | None = None
    image_path: str | None = None
    """The wardrobe's own copy of the photo (in the data home)."""
    embedding: list[float] | None = None
    """Image embedding of the photo (the catalogue's image space), for similarity and outfits."""
    attributes: dict[str, Any] = Field(default_factory=dict)
    """Recognition details: confidences, colour shares, which fields the user edited."""

    @property
    def label(self) -> str:
        """How the item reads in lists and outfits."""
        if self.name or self.description:
            return self.name or self.description  # type: ignore[return-value]
        words = [
            *self.colours[:1],
            *([self.pattern] if self.pattern and self.pattern != "solid" else []),
            self.article_type or "item",
        ]
        return " ".join(w for w in words if w)


class WardrobePhotoItem(BaseModel):
    """A new wardrobe item from a photo (what ``ProfileStore.add_wardrobe_photo`` stores)."""

    name: str | None = Field(None, max_length=200)
    article_type: str | None = Field(None, max_length=80)
    slot: str | None = Field(None, max_length=32)
    colours: list[str] = Field(default_factory=list, max_length=8)
    pattern: str | None = Field(None, max_length=40)
    image_path: str | None = Field(None, max_length=1000)
    embedding: list[float] | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


class FeedbackEvent(BaseModel):
    id: int
    item_id: str
    kind: FeedbackKindT
    outfit_id: str | None = None
    created_at: datetime


class PreferenceEntry(BaseModel):
    kind: str
    value: str
    polarity: Literal["like", "dislike"]
    updated_at: datetime


class Profile(BaseModel):
    """Everything the stylist knows about a user, in one view."""

    user_id: str
    name: str | None = None
    gender_presentation: GenderPresentation | None = None
    sizes: dict[str, str] = Field(default_factory=dict)
    fit_notes: str | None = None
    body_notes: str | None = None
    budget: float | None = None
    currency: str = "USD"
    climate: str | None = None
    region: str | None = None
    likes: dict[str, list[str]] = Field(default_factory=dict)
    dislikes: dict[str, list[str]] = Field(default_factory=dict)
    wardrobe: list[WardrobeItem] = Field(default_factory=list)
    feedback_count: int = 0
    exists: bool = False
    """False for a user with nothing stored (every field at its default)."""

    def liked(self, kind: str) -> list[str]:
        return self.likes.get(kind, [])

    def disliked(self, kind: str) -> list[str]:
        return self.dislikes.get(kind, [])


class UpdateReport(BaseModel):
    profile: Profile
    changes: list[str] = Field(default_factory=list)
    """What changed, in words ("liked colours: + navy")."""
    notes: list[str] = Field(default_factory=list)
    """Contradictions resolved ("orange was a liked colour; now disliked (the later statement wins)")."""


class ProfileExport(BaseModel):
    """Everything stored about one user (``stylist profile export``)."""

    user_id: str
    exported_at: datetime
    profile: Profile
    preferences: list[PreferenceEntry]
    wardrobe: list[WardrobeItem]
    feedback: list[FeedbackEvent]
    other: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    """Rows of other features' tables that belong to the user, by table (conversations, messages …)."""
