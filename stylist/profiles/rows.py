"""Rows of the profile tables as the typed models the store returns, and the clean-up of a
wardrobe photo copy."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stylist.profiles.models import FeedbackRow, WardrobeRow
from stylist.profiles.schema import FeedbackEvent, WardrobeItem

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def wardrobe_item(r: WardrobeRow) -> WardrobeItem:
    return WardrobeItem(
        id=r.id,
        item_id=r.item_id,
        description=r.description,
        added_at=as_utc(r.added_at),
        name=r.name,
        article_type=r.article_type,
        slot=r.slot,
        colours=json.loads(r.colours_json or "[]"),
        pattern=r.pattern,
        image_path=r.image_path,
        embedding=json.loads(r.embedding_json) if r.embedding_json else None,
        attributes=json.loads(r.attributes_json or "{}"),
    )


def remove_photo_copy(row: WardrobeRow) -> bool:
    """Delete the wardrobe's own copy of a photo (never a file the user still owns elsewhere)."""
    attributes = json.loads(row.attributes_json or "{}")
    if not row.image_path or not attributes.get("stored_copy"):
        return False
    try:
        Path(row.image_path).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not delete a wardrobe photo copy: %s", exc)
        return False
    return True


def plain_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (as_utc(v).isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def feedback_event(r: FeedbackRow) -> FeedbackEvent:
    return FeedbackEvent(
        id=r.id, item_id=r.item_id, kind=r.kind, outfit_id=r.outfit_id, created_at=as_utc(r.created_at)
    )  # type: ignore[arg-type]
