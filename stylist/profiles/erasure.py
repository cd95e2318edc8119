"""Export and erase everything stored about one user: the profile tables, and any other table with
a ``user_id`` column or a foreign key to one (conversations and their messages …)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from stylist.db import Base
from stylist.profiles.models import USER_TABLES, FeedbackRow, PreferenceRow, WardrobeRow
from stylist.profiles.rows import as_utc, feedback_event, plain_row, utcnow
from stylist.profiles.schema import PreferenceEntry, Profile, ProfileExport


def export_user(s: Session, user_id: str, profile: Profile) -> ProfileExport:
    """Everything stored about ``user_id`` (whose ``profile`` was read in the same session ``s``)."""
    prefs = s.scalars(
        select(PreferenceRow).where(PreferenceRow.user_id == user_id).order_by(PreferenceRow.id)
    ).all()
    events = s.scalars(
        select(FeedbackRow)
        .where(FeedbackRow.user_id == user_id)
        .order_by(FeedbackRow.created_at, FeedbackRow.id)
    ).all()
    other: dict[str, list[dict[str, Any]]] = {}
    for table, where in other_user_data(user_id):
        rows = s.execute(select(table).where(where)).mappings().all()
        other[table.name] = [plain_row(dict(r)) for r in rows]
    return ProfileExport(
        user_id=user_id,
        exported_at=utcnow(),
        profile=profile,
        preferences=[
            PreferenceEntry(
                kind=p.kind,
                value=p.value,
                polarity="like" if p.polarity > 0 else "dislike",
                updated_at=as_utc(p.updated_at),
            )
            for p in prefs
        ],
        wardrobe=profile.wardrobe,
        feedback=[feedback_event(r) for r in events],
        other=other,
    )


def delete_user(s: Session, user_id: str) -> tuple[dict[str, int], list[WardrobeRow]]:
    """Delete every row about ``user_id`` in the write session ``s``: rows deleted per table, and
    the user's wardrobe rows (whose photo copies go once the transaction has committed)."""
    counts: dict[str, int] = {}
    photos = list(s.scalars(select(WardrobeRow).where(WardrobeRow.user_id == user_id)).all())
    for table, where in other_user_data(user_id):  # children before their parents
        counts[table.name] = s.execute(delete(table).where(where)).rowcount or 0
    for model in USER_TABLES:
        counts[model.__tablename__] = s.execute(delete(model).where(model.user_id == user_id)).rowcount or 0
    return counts, photos


def other_user_data(user_id: str) -> list[tuple[Any, Any]]:
    """(table, condition) for user data outside the profile tables: tables with a ``user_id``
    column, and tables pointing at those by foreign key (listed first, so deletes go child first)."""
    own = {m.__tablename__ for m in USER_TABLES}
    parents = [t for t in Base.metadata.sorted_tables if "user_id" in t.c and t.name not in own]
    children = []
    for t in Base.metadata.sorted_tables:
        if t in parents or t.name in own:
            continue
        for fk in t.foreign_keys:
            if fk.column.table in parents:
                parent = fk.column.table
                children.append((t, fk.parent.in_(select(fk.column).where(parent.c.user_id == user_id))))
    return children + [(t, t.c.user_id == user_id) for t in reversed(parents)]
