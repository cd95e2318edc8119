"""The profile tables on the shared SQL store (see ``stylist/db.py``).

Every row carries ``user_id`` so that export and deletion are one query per table
(``USER_TABLES`` lists them; a new table holding user data must be added there).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from stylist.db import Base


class ProfileRow(Base):
    __tablename__ = "profiles"

    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    gender_presentation: Mapped[str | None] = mapped_column(String(16))
    sizes_json: Mapped[str] = mapped_column(Text, default="{}")
    fit_notes: Mapped[str | None] = mapped_column(String(1000))
    body_notes: Mapped[str | None] = mapped_column(String(1000))
    budget: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(8), default="USD")
    climate: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PreferenceRow(Base):
    """One liked (+1) or disliked (-1) attribute value; one row per (user, kind, value), so a
    later statement replaces an earlier contradictory one."""

    __tablename__ = "profile_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", "value", name="uq_preference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(80))
    polarity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WardrobeRow(Base):
    """An owned item: a catalogue id, a free-text description of something not in it, or a
    photo with its recognised (and user-edited) attributes, image copy and image embedding."""

    __tablename__ = "wardrobe_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    item_id: Mapped[str | None] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(String(500))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # added by migration 1 (photos in the wardrobe)
    name: Mapped[str | None] = mapped_column(String(200))
    article_type: Mapped[str | None] = mapped_column(String(80))
    slot: Mapped[str | None] = mapped_column(String(32))
    colours_json: Mapped[str | None] = mapped_column(Text)
    pattern: Mapped[str | None] = mapped_column(String(40))
    image_path: Mapped[str | None] = mapped_column(String(1000))
    embedding_json: Mapped[str | None] = mapped_column(Text)
    attributes_json: Mapped[str | None] = mapped_column(Text)


class FeedbackRow(Base):
    """A like, dislike, save or buy on one item, or on an outfit (``outfit_id`` set; one row per
    item of the outfit, sharing the outfit id)."""

    __tablename__ = "feedback_events"
    __table_args__ = (Index("ix_feedback_user_time", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128))
    item_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    outfit_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


#: This feature's tables holding data about a user (all have a ``user_id`` column). Other
#: features' user data (conversations and their messages) is found by the store's export and
#: delete through their ``user_id`` columns and foreign keys.
USER_TABLES: tuple[type[Base], ...] = (ProfileRow, PreferenceRow, WardrobeRow, FeedbackRow)
