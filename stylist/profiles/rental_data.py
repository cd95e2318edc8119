"""Rental feedback as arrays for training: from the profile store or straight from a CSV file.

One row per rating: user, item, rating, fit (0 small, 1 fit, 2 large, -1 unknown), size taken,
occasion, the item's category, time, and the user's body measurements (height, weight, bust in
inches; NaN when not given).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from stylist.errors import ProfileError

FIT_CODE = {"small": 0, "fit": 1, "large": 2}
FIT_NAME = ("small", "fit", "large")
BODY = ("height_in", "weight_lbs", "bust_in")


@dataclass
class Rentals:
    user: np.ndarray
    item: np.ndarray
    rating: np.ndarray
    fit: np.ndarray
    size: np.ndarray
    occasion: np.ndarray
    category: np.ndarray
    time: np.ndarray
    """datetime64[s], UTC."""
    body: np.ndarray
    """(n, 3): height_in, weight_lbs, bust_in of the row's user (NaN when unknown)."""
    body_type: np.ndarray
    """The user's body type ("hourglass", "pear" …; "" when unknown)."""
    age: np.ndarray
    """The user's age in years (NaN when unknown)."""

    def __len__(self) -> int:
        return len(self.user)

    def take(self, mask: np.ndarray) -> Rentals:
        return Rentals(**{k: v[mask] for k, v in self.__dict__.items()})

    def before(self, when: str | datetime) -> Rentals:
        return self.take(self.time < np.datetime64(_naive(when), "s"))

    def between(self, start: str | datetime, end: str | datetime) -> Rentals:
        lo, hi = np.datetime64(_naive(start), "s"), np.datetime64(_naive(end), "s")
        return self.take((self.time >= lo) & (self.time < hi))

    def concat(self, other: Rentals) -> Rentals:
        return Rentals(**{k: np.concatenate([v, other.__dict__[k]]) for k, v in self.__dict__.items()})


def _naive(when: str | datetime) -> datetime:
    dt = datetime.fromisoformat(when) if isinstance(when, str) else when
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def from_csv(path: Path) -> Rentals:
    """A RentTheRunway-format CSV (as ``stylist feedback import --format renttherunway`` reads)."""
    import pandas as pd

    try:
        d = pd.read_csv(path, dtype={"user_id": str, "item_id": str})
    except (OSError, ValueError) as exc:
        raise ProfileError(f"{path}: cannot read it as CSV ({exc})") from None
    missing = [c for c in ("user_id", "item_id", "rating", "fit", "size", "review_date") if c not in d]
    if missing:
        raise ProfileError(f"{path}: no column {', '.join(missing)}")
    d = d.sort_values("review_date", kind="stable")
    n = len(d)

    def col(name: str, fill: Any = np.nan) -> np.ndarray:
        return d[name].to_numpy() if name in d else np.full(n, fill)

    return Rentals(
        user=d["user_id"].astype(str).to_numpy(),
        item=d["item_id"].astype(str).to_numpy(),
        rating=pd.to_numeric(d["rating"], errors="coerce").to_numpy(float),
        fit=d["fit"].map(FIT_CODE).fillna(-1).to_numpy(np.int8),
        size=pd.to_numeric(d["size"], errors="coerce").to_numpy(float),
        occasion=d["rented_for"].fillna("").astype(str).to_numpy() if "rented_for" in d else np.full(n, ""),
        category=d["category"].fillna("").astype(str).to_numpy() if "category" in d else np.full(n, ""),
        time=pd.to_datetime(d["review_date"]).to_numpy().astype("datetime64[s]"),
        body=np.stack([col("height_in"), col("weight_lbs"), col("bust_size_num")], axis=1).astype(float),
        body_type=d["body_type"].fillna("").astype(str).to_numpy() if "body_type" in d else np.full(n, ""),
        age=pd.to_numeric(d["age"], errors="coerce").to_numpy(float) if "age" in d else np.full(n, np.nan),
    )


def from_store(store: Any) -> Rentals:
    """Every imported rating in ``store`` (a ``ProfileStore``), oldest first."""
    from stylist.profiles.rental_models import BodyRow, InteractionItemRow, RatingRow

    with store.db.session() as s:
        rows = s.execute(
            select(
                RatingRow.user_id,
                RatingRow.item_id,
                RatingRow.rating,
                RatingRow.fit,
                RatingRow.size,
                RatingRow.occasion,
                RatingRow.rated_at,
            ).order_by(RatingRow.rated_at, RatingRow.id)
        ).all()
        cats = dict(s.execute(select(InteractionItemRow.item_id, InteractionItemRow.category)).all())
        bodies = {
            r.user_id: (r.height_in, r.weight_lbs, r.bust_in, r.body_type, r.age)
            for r in s.scalars(select(BodyRow)).all()
        }
    n = len(rows)
    none5 = (None,) * 5
    body = [bodies.get(r[0], none5) for r in rows]
    return Rentals(
        user=np.array([r[0] for r in rows], dtype=object),
        item=np.array([r[1] for r in rows], dtype=object),
        rating=np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=float),
        fit=np.array([FIT_CODE.get(r[3] or "", -1) for r in rows], dtype=np.int8),
        size=np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=float),
        occasion=np.array([r[5] or "" for r in rows], dtype=object),
        category=np.array([cats.get(r[1]) or "" for r in rows], dtype=object),
        time=np.array([_naive(r[6]) for r in rows], dtype="datetime64[s]").reshape(n),
        body=np.array([[np.nan if v is None else v for v in b[:3]] for b in body], dtype=float).reshape(n, 3),
        body_type=np.array([b[3] or "" for b in body], dtype=object),
        age=np.array([np.nan if b[4] is None else b[4] for b in body], dtype=float),
    )


def index_of(values: np.ndarray) -> tuple[dict[str, int], np.ndarray]:
    """(value -> dense id, dense ids of ``values``) in order of first appearance."""
    uniq, first, inv = np.unique(values.astype(str), return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    return {str(uniq[o]): n for n, o in enumerate(order)}, rank[inv]
