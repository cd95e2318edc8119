"""The profile store: profiles, attribute likes/dislikes, wardrobes and feedback in the SQL store.

Writes are short transactions. On SQLite each write transaction starts with ``BEGIN IMMEDIATE``
so concurrent writers (threads, processes, API replicas) queue on the busy timeout instead of
failing when a read lock cannot be upgraded; WAL keeps readers unblocked, and a crash mid-write
rolls back to the last commit. Preference upserts go through one row per (user, kind, value),
so liking something previously disliked replaces the dislike: **the later statement wins**, and
the update report says so.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from stylist.db import Database
from stylist.errors import ItemNotFoundError, ProfileError
from stylist.profiles.erasure import delete_user, export_user
from stylist.profiles.models import USER_TABLES, FeedbackRow, PreferenceRow, ProfileRow, WardrobeRow
from stylist.profiles.rows import as_utc, feedback_event, remove_photo_copy, utcnow, wardrobe_item
from stylist.profiles.schema import (
    FEEDBACK_KINDS,
    MAX_OUTFIT_ITEMS,
    FeedbackEvent,
    Profile,
    ProfileChanges,
    ProfileExport,
    UpdateReport,
    WardrobeItem,
    WardrobePhotoItem,
    check_user_id,
)

log = logging.getLogger(__name__)

_SCALARS = (
    "name",
    "gender_presentation",
    "fit_notes",
    "body_notes",
    "budget",
    "currency",
    "climate",
    "region",
)
_LABEL = {
    "colour": "colours",
    "style": "styles",
    "brand": "brands",
    "material": "materials",
    "pattern": "patterns",
    "article_type": "article types",
}


class ProfileStore:
    """Profiles, preferences, wardrobes and feedback of every user.

    ``catalogue`` returns the catalogue index (called only when an item id must be checked), so
    opening the store loads no index. Without one, item ids are stored unchecked.
    """

    def __init__(self, database: Database, catalogue: Callable[[], Any] | None = None) -> None:
        self.db = database
        self._catalogue = catalogue
        self._sqlite = database.engine.dialect.name == "sqlite"

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """A write transaction that takes the write lock up front on SQLite (so it waits on the
        busy timeout rather than failing to upgrade a read lock); committed at the end of the
        block, rolled back on any error."""
        try:
            with self.db.session() as s:
                if self._sqlite:
                    s.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield s
        except OperationalError as exc:
            raise ProfileError(f"the profile database failed: {exc.orig}", hint="try again") from None

    # -- reading ------------------------------------------------------------------------------

    def get_profile(self, user_id: str) -> Profile:
        check_user_id(user_id)
        with self.db.session() as s:
            return self._profile(s, user_id)

    def _profile(self, s: Session, user_id: str) -> Profile:
        row = s.get(ProfileRow, user_id)
        prefs = s.scalars(
            select(PreferenceRow).where(PreferenceRow.user_id == user_id).order_by(PreferenceRow.id)
        ).all()
        wardrobe = self._wardrobe(s, user_id)
        n_feedback = (
            s.scalar(select(func.count()).select_from(FeedbackRow).where(FeedbackRow.user_id == user_id)) or 0
        )
        likes: dict[str, list[str]] = {}
        dislikes: dict[str, list[str]] = {}
        for p in prefs:
            (likes if p.polarity > 0 else dislikes).setdefault(p.kind, []).append(p.value)
        profile = Profile(
            user_id=user_id,
            likes=likes,
            dislikes=dislikes,
            wardrobe=wardrobe,
            feedback_count=int(n_feedback),
            exists=bool(row or prefs or wardrobe or n_feedback),
        )
        if row is not None:
            profile = profile.model_copy(
                update={
                    **{k: getattr(row, k) for k in _SCALARS},
                    "currency": row.currency or "USD",
                    "sizes": json.loads(row.sizes_json or "{}"),
                }
            )
        return profile

    def _wardrobe(self, s: Session, user_id: str) -> list[WardrobeItem]:
        rows = s.scalars(
            select(WardrobeRow).where(WardrobeRow.user_id == user_id).order_by(WardrobeRow.id)
        ).all()
        return [wardrobe_item(r) for r in rows]

    def user_ids(self) -> list[str]:
        with self.db.session() as s:
            ids: set[str] = set()
            for table in USER_TABLES:
                ids.update(s.scalars(select(table.user_id).distinct()).all())
            return sorted(ids)

    def feedback(self, user_id: str | None = None, *, since: datetime | None = None) -> list[FeedbackEvent]:
        """Feedback events, oldest first (of one user, or of everyone with ``user_id=None``)."""
        q = select(FeedbackRow).order_by(FeedbackRow.created_at, FeedbackRow.id)
        if user_id is not None:
            check_user_id(user_id)
            q = q.where(FeedbackRow.user_id == user_id)
        if since is not None:
            q = q.where(FeedbackRow.created_at >= since)
        with self.db.session() as s:
            return [feedback_event(r) for r in s.scalars(q).all()]

    def interactions(self) -> list[tuple[str, str, str, datetime]]:
        """Every feedback event as (user_id, item_id, kind, created_at), for model training."""
        with self.db.session() as s:
            rows = s.execute(
                select(FeedbackRow.user_id, FeedbackRow.item_id, FeedbackRow.kind, FeedbackRow.created_at)
            ).all()
        return [(u, i, k, as_utc(t)) for u, i, k, t in rows]

    def version(self) -> tuple[int, int]:
        """Changes whenever feedback is added or deleted (what cached models key on)."""
        with self.db.session() as s:
            n, top = s.execute(select(func.count(), func.max(FeedbackRow.id)).select_from(FeedbackRow)).one()
        return int(n or 0), int(top or 0)

    # -- writing ------------------------------------------------------------------------------

    def update_profile(self, user_id: str, changes: ProfileChanges | dict[str, Any]) -> UpdateReport:
        """Apply a partial update atomically and say what changed."""
        check_user_id(user_id)
        if not isinstance(changes, ProfileChanges):
            changes = ProfileChanges.parse(changes)
        self._check_same_request(changes)
        done: list[str] = []
        notes: list[str] = []
        wardrobe_new = [self._wardrobe_entry(text) for text in changes.wardrobe_add]
        with self._write() as s:
            now = utcnow()
            row = self._ensure(s, user_id, now)
            for field in _SCALARS:
                value = getattr(changes, field)
                if value is not None and getattr(row, field) != value:
                    setattr(row, field, value)
                    done.append(f"{field.replace('_', ' ')}: {value}")
            if changes.sizes is not None:
                sizes = json.loads(row.sizes_json or "{}")
                for k, v in changes.sizes.items():
                    if v:
                        sizes[k] = v
                        done.append(f"size {k}: {v}")
                    elif sizes.pop(k, None) is not None:
                        done.append(f"size {k}: removed")
                row.sizes_json = json.dumps(sizes, sort_keys=True)
            for polarity, mapping in ((1, changes.like), (-1, changes.dislike)):
                for kind, values in mapping.items():
                    for value in values:
                        self._set_preference(s, user_id, kind, value, polarity, now, done, notes)
            for kind, values in changes.forget.items():
                for value in values:
                    n = s.execute(
                        delete(PreferenceRow).where(
                            PreferenceRow.user_id == user_id,
                            PreferenceRow.kind == kind,
                            PreferenceRow.value == value,
                        )
                    ).rowcount
                    if n:
                        done.append(f"{_LABEL[kind]}: forgot {value}")
            for item_id, description in wardrobe_new:
                s.add(WardrobeRow(user_id=user_id, item_id=item_id, description=description, added_at=now))
                done.append(f"wardrobe: + {description or item_id}")
            for ref in changes.wardrobe_remove:
                removed = self._remove_wardrobe(s, user_id, ref)
                done.append(f"wardrobe: - {ref}" if removed else f"wardrobe: {ref!r} was not in the wardrobe")
            row.updated_at = now
            s.flush()
            profile = self._profile(s, user_id)
        return UpdateReport(profile=profile, changes=done, notes=notes)

    def like(self, user_id: str, kind: str, value: str) -> UpdateReport:
        return self.update_profile(user_id, {"like": {kind: [value]}})

    def dislike(self, user_id: str, kind: str, value: str) -> UpdateReport:
        return self.update_profile(user_id, {"dislike": {kind: [value]}})

    @staticmethod
    def _check_same_request(changes: ProfileChanges) -> None:
        for kind, values in changes.like.items():
            both = sorted(set(values) & set(changes.dislike.get(kind, [])))
            if both:
                raise ProfileError(
                    f"{', '.join(both)} is both liked and disliked ({kind}) in the same request",
                    hint="say which one you mean",
                )

    def _set_preference(
        self,
        s: Session,
        user_id: str,
        kind: str,
        value: str,
        polarity: int,
        now: datetime,
        done: list[str],
        notes: list[str],
    ) -> None:
        word = "liked" if polarity > 0 else "disliked"
        row = s.scalar(
            select(PreferenceRow).where(
                PreferenceRow.user_id == user_id, PreferenceRow.kind == kind, PreferenceRow.value == value
            )
        )
        if row is None:
            s.add(PreferenceRow(user_id=user_id, kind=kind, value=value, polarity=polarity, updated_at=now))
            done.append(f"{word} {_LABEL[kind]}: + {value}")
        elif row.polarity != polarity:
            before = "liked" if row.polarity > 0 else "disliked"
            row.polarity, row.updated_at = polarity, now
            done.append(f"{word} {_LABEL[kind]}: + {value}")
            notes.append(
                f"{value} was a {before} {kind.replace('_', ' ')}; it is now {word} (the later "
                "statement wins)"
            )
        else:
            row.updated_at = now

    def _ensure(self, s: Session, user_id: str, now: datetime) -> ProfileRow:
        row = s.get(ProfileRow, user_id)
        if row is None:
            row = ProfileRow(user_id=user_id, sizes_json="{}", currency="USD", created_at=now, updated_at=now)
            s.add(row)
            s.flush()
        return row

    def record_feedback(
        self,
        user_id: str,
        item_id: str,
        kind: str,
        *,
        outfit_id: str | None = None,
        at: datetime | None = None,
    ) -> FeedbackEvent:
        """Store a like/dislike/save/buy on a catalogue item; unknown ids raise ItemNotFoundError."""
        return self.record_many(user_id, [item_id], kind, outfit_id=outfit_id, at=at)[0]

    def record_outfit_feedback(
        self,
        user_id: str,
        item_ids: list[str],
        kind: str,
        *,
        outfit_id: str | None = None,
        at: datetime | None = None,
    ) -> list[FeedbackEvent]:
        """Feedback on an outfit: one event per item, sharing ``outfit_id`` (made up when not given)."""
        if not item_ids:
            raise ProfileError("an outfit needs at least one item id")
        item_ids = list(dict.fromkeys(item_ids))  # one event per garment, however often it is named
        if len(item_ids) > MAX_OUTFIT_ITEMS:
            raise ProfileError(
                f"an outfit of {len(item_ids)} items is too big; the limit is {MAX_OUTFIT_ITEMS}",
                hint="give feedback on the garments of one outfit",
            )
        outfit_id = outfit_id or "outfit-" + "+".join(sorted(item_ids))[:110]
        return self.record_many(user_id, item_ids, kind, outfit_id=outfit_id, at=at)

    def record_many(
        self,
        user_id: str,
        item_ids: Iterable[str],
        kind: str,
        *,
        outfit_id: str | None = None,
        at: datetime | None = None,
    ) -> list[FeedbackEvent]:
        check_user_id(user_id)
        if kind not in FEEDBACK_KINDS:
            raise ProfileError(
                f"unknown feedback kind {kind!r}", hint=f"use one of: {', '.join(FEEDBACK_KINDS)}"
            )
        if outfit_id is not None and len(outfit_id) > 128:
            raise ProfileError(f"outfit id is {len(outfit_id)} characters long; the limit is 128")
        ids = list(item_ids)
        for item_id in ids:
            self.check_item(item_id)
        when = as_utc(at) if at else utcnow()
        with self._write() as s:
            self._ensure(s, user_id, when)
            rows = [
                FeedbackRow(user_id=user_id, item_id=i, kind=kind, outfit_id=outfit_id, created_at=when)
                for i in ids
            ]
            s.add_all(rows)
            s.flush()
            return [feedback_event(r) for r in rows]

    def check_item(self, item_id: str) -> None:
        """Raise ItemNotFoundError unless ``item_id`` is in the catalogue."""
        if not isinstance(item_id, str) or not item_id.strip() or len(item_id) > 128:
            raise ItemNotFoundError(str(item_id)[:140], hint="item ids are 1 to 128 characters")
        if self._catalogue is None:
            return
        index = self._catalogue()
        if item_id not in index:
            raise ItemNotFoundError(
                item_id, hint="use an id from search results (`stylist tool search_garments`)"
            )

    def garment(self, item_id: str) -> Any:
        """The catalogue garment ``item_id`` (raises ItemNotFoundError), or None without a catalogue."""
        if self._catalogue is None:
            return None
        return self._catalogue().get(item_id)

    # -- wardrobe -----------------------------------------------------------------------------

    def _wardrobe_entry(self, text: str) -> tuple[str | None, str | None]:
        """(catalogue id, description) for a wardrobe line: an id is resolved to its title."""
        if self._catalogue is not None and len(text) <= 128:
            index = self._catalogue()
            if text in index:
                return text, index.get(text).title
        return None, text

    def wardrobe_add(self, user_id: str, items: list[str]) -> list[WardrobeItem]:
        return self.update_profile(user_id, {"wardrobe_add": items}).profile.wardrobe

    def add_wardrobe_photo(self, user_id: str, item: WardrobePhotoItem) -> WardrobeItem:
        """Store an item added from a photo, with its attributes, image copy and embedding."""
        check_user_id(user_id)
        now = utcnow()
        entry = WardrobeItem(id=0, added_at=now, **item.model_dump())
        with self._write() as s:
            self._ensure(s, user_id, now)
            row = WardrobeRow(
                user_id=user_id,
                item_id=None,
                description=entry.label[:500],
                added_at=now,
                name=item.name,
                article_type=item.article_type,
                slot=item.slot,
                colours_json=json.dumps(item.colours),
                pattern=item.pattern,
                image_path=item.image_path,
                embedding_json=json.dumps(item.embedding) if item.embedding is not None else None,
                attributes_json=json.dumps(item.attributes),
            )
            s.add(row)
            s.flush()
            return wardrobe_item(row)

    def wardrobe_remove(self, user_id: str, ref: str) -> bool:
        """Remove by wardrobe entry number, catalogue id or exact description; True if removed.
        The wardrobe's own copy of the item's photo is deleted with it."""
        check_user_id(user_id)
        with self._write() as s:
            return self._remove_wardrobe(s, user_id, ref)

    def wardrobe(self, user_id: str) -> list[WardrobeItem]:
        check_user_id(user_id)
        with self.db.session() as s:
            return self._wardrobe(s, user_id)

    @staticmethod
    def _remove_wardrobe(s: Session, user_id: str, ref: str) -> bool:
        rows = s.scalars(
            select(WardrobeRow).where(WardrobeRow.user_id == user_id).order_by(WardrobeRow.id)
        ).all()
        for row in rows:
            if str(row.id) == ref or row.item_id == ref or (row.description or "").lower() == ref.lower():
                s.delete(row)
                remove_photo_copy(row)
                return True
        return False

    # -- export and erase ---------------------------------------------------------------------

    def export(self, user_id: str) -> ProfileExport:
        """Everything stored about ``user_id``: the profile in typed form, plus the rows of any
        other feature's tables that belong to the user (conversations and their messages …)."""
        check_user_id(user_id)
        with self.db.session() as s:
            return export_user(s, user_id, self._profile(s, user_id))

    def delete(self, user_id: str) -> dict[str, int]:
        """Erase every row about ``user_id`` from every table (this feature's, and any other table
        with a ``user_id`` column or a foreign key to one); returns rows deleted per table."""
        check_user_id(user_id)
        with self._write() as s:
            counts, photos = delete_user(s, user_id)
        counts["wardrobe_photos"] = sum(remove_photo_copy(row) for row in photos)
        return counts
