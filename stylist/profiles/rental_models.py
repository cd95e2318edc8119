"""Tables for imported rental feedback: one row per rating (with fit and size when known), the
user's body measurements, and items known only from interactions (not in the catalogue).

``rated_items`` and ``body_measurements`` carry ``user_id``, so the profile store's export and
delete find them like any other feature's user data (``erasure.other_user_data``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stylist.db import Base


class RatingRow(Base):
    """One rated rental or purchase: rating (the source's scale), fit and size taken when given."""

    __tablename__ = "rated_items"
    __table_args__ = (Index("ix_rated_user_time", "user_id", "rated_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128))
    item_id: Mapped[str] = mapped_column(String(128), index=True)
    rating: Mapped[float | None] = mapped_column(Float)
    fit: Mapped[str | None] = mapped_column(String(8))
    """small | fit | large: how the item fitted the user in the size they took."""
    size: Mapped[float | None] = mapped_column(Float)
    occasion: Mapped[str | None] = mapped_column(String(40))
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(32))


class BodyRow(Base):
    """The latest body measurements a user gave (imported with their reviews, or stated)."""

    __tablename__ = "body_measurements"

    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    height_in: Mapped[float | None] = mapped_column(Float)
    weight_lbs: Mapped[float | None] = mapped_column(Float)
    bust_in: Mapped[float | None] = mapped_column(Float)
    cup: Mapped[str | None] = mapped_column(String(4))
    body_type: Mapped[str | None] = mapped_column(String(32))
    age: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InteractionItemRow(Base):
    """An item known from feedback only (no catalogue record): its category and the occasions
    it was rented for, with counts (``{"wedding": 12, "party": 3}``)."""

    __tablename__ = "interaction_items"

    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    category: Mapped[str | None] = mapped_column(String(40))
    occasions_json: Mapped[str] = mapped_column(Text, default="{}")
    source: Mapped[str] = mapped_column(String(32))
