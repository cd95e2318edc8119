"""Import ratings and fit feedback from a file into the profile store.

Two formats:

- ``renttherunway``: the RentTheRunway review CSV (``user_id,item_id,rating,fit,size,category,
  rented_for,…,review_date``; Misra et al. 2018), plain or gzipped;
- ``plain``: ``user,item,rating[,date]`` with or without a header line.

Every row is either stored or reported with its line number and what is wrong with it, so
``imported + len(bad) == rows``. Items the catalogue does not know are kept as interaction-only
items with their category and the occasions they were rented for.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from stylist.errors import ProfileError
from stylist.profiles.rental_models import BodyRow, InteractionItemRow, RatingRow
from stylist.profiles.schema import check_user_id

FORMATS = ("renttherunway", "plain")
FITS = ("small", "fit", "large")
RTR_REQUIRED = ("user_id", "item_id", "rating", "fit", "size", "category", "rented_for", "review_date")
_CHUNK = 5000


@dataclass
class ParsedRow:
    line: int
    user_id: str
    item_id: str
    rating: float | None
    rated_at: datetime
    fit: str | None = None
    size: float | None = None
    category: str | None = None
    occasion: str | None = None
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    users: int = 0
    items: int = 0
    interaction_only_items: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    """(line number, what is wrong), one per row that was not stored."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "users": self.users,
            "items": self.items,
            "interaction_only_items": self.interaction_only_items,
            "bad_rows": [{"line": n, "error": e} for n, e in self.bad],
        }


def _open_text(path: Path) -> io.TextIOBase:
    if not path.is_file():
        raise ProfileError(f"{path}: no such file")
    with path.open("rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    raw = (
        gzip.open(path, "rt", encoding="utf-8", newline="") if gz else path.open(encoding="utf-8", newline="")
    )
    return raw  # type: ignore[return-value]


def _number(value: str, name: str, *, lo: float = -math.inf, hi: float = math.inf) -> float | None:
    value = value.strip()
    if not value or value.lower() in ("nan", "none", "null"):
        return None
    try:
        x = float(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number") from None
    if not math.isfinite(x) or not lo <= x <= hi:
        raise ValueError(f"{name} {value!r} is outside {lo:g}..{hi:g}")
    return x


def _date(value: str) -> datetime:
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        try:
            dt = datetime.strptime(value, "%B %d, %Y")  # the original RTR json's "April 20, 2016"
        except ValueError:
            raise ValueError(f"date {value!r} is not YYYY-MM-DD") from None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _ids(user: str, item: str) -> tuple[str, str]:
    user, item = user.strip(), item.strip()
    try:
        check_user_id(user)
    except ProfileError as exc:
        raise ValueError(exc.message) from None
    if not item or len(item) > 128:
        raise ValueError(f"item id {item[:30]!r} must be 1 to 128 characters")
    return user, item


def _rtr_row(line: int, rec: dict[str, str]) -> ParsedRow:
    user, item = _ids(rec.get("user_id") or "", rec.get("item_id") or "")
    fit = (rec.get("fit") or "").strip().lower() or None
    if fit is not None and fit not in FITS:
        raise ValueError(f"fit {fit!r} is not one of small, fit, large")
    body = {
        "height_in": _number(rec.get("height_in") or "", "height_in", lo=36, hi=96),
        "weight_lbs": _number(rec.get("weight_lbs") or "", "weight_lbs", lo=50, hi=600),
        "bust_in": _number(rec.get("bust_size_num") or "", "bust_size_num", lo=20, hi=70),
        "cup": (rec.get("bust_size_letter") or "").strip().lower()[:4] or None,
        "body_type": (rec.get("body_type") or "").strip().lower()[:32] or None,
        "age": _number(rec.get("age") or "", "age", lo=0, hi=120),
    }
    return ParsedRow(
        line=line,
        user_id=user,
        item_id=item,
        rating=_number(rec.get("rating") or "", "rating", lo=0, hi=10),
        rated_at=_date(rec.get("review_date") or ""),
        fit=fit,
        size=_number(rec.get("size") or "", "size", lo=0, hi=100),
        category=(rec.get("category") or "").strip().lower()[:40] or None,
        occasion=(rec.get("rented_for") or "").strip().lower()[:40] or None,
        body={k: v for k, v in body.items() if v is not None},
    )


def _plain_row(line: int, cells: list[str], now: datetime) -> ParsedRow:
    if len(cells) not in (3, 4):
        raise ValueError(f"expected user,item,rating[,date]; got {len(cells)} fields")
    user, item = _ids(cells[0], cells[1])
    rating = _number(cells[2], "rating")
    if rating is None:
        raise ValueError("rating is empty")
    when = _date(cells[3]) if len(cells) == 4 and cells[3].strip() else now
    return ParsedRow(line=line, user_id=user, item_id=item, rating=rating, rated_at=when)


def parse(path: Path, fmt: str) -> Iterator[ParsedRow | tuple[int, str]]:
    """Rows of ``path``: a ``ParsedRow``, or ``(line, error)`` for a row that cannot be stored."""
    if fmt not in FORMATS:
        raise ProfileError(f"unknown feedback format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ProfileError(f"{path}: not a CSV file ({exc})") from None
        now = datetime.now(UTC)
        if fmt == "renttherunway":
            names = [h.strip().lower() for h in header]
            missing = [c for c in RTR_REQUIRED if c not in names]
            if missing:
                raise ProfileError(
                    f"{path}: not a RentTheRunway file: no column {', '.join(missing)}",
                    hint="its header is user_id,item_id,rating,fit,size,category,rented_for,…,review_date",
                )
        elif header and header[0].strip().lower() not in ("user", "user_id"):
            yield _safe(lambda: _plain_row(1, header, now), 1)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                yield (reader.line_num, f"unreadable line: {exc}")
                continue
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if fmt == "renttherunway":
                if len(cells) != len(names):
                    yield (line, f"expected {len(names)} fields, got {len(cells)}")
                    continue
                yield _safe(lambda: _rtr_row(line, dict(zip(names, cells))), line)
            else:
                yield _safe(lambda: _plain_row(line, cells, now), line)


def _safe(make: Callable[[], ParsedRow], line: int) -> ParsedRow | tuple[int, str]:
    try:
        return make()
    except ValueError as exc:
        return (line, str(exc))


def import_feedback(
    store: Any,
    path: Path,
    fmt: str,
    *,
    in_catalogue: Callable[[str], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Store every good row of ``path`` in ``store`` (a ``ProfileStore``); report the bad ones."""
    report = ImportReport()
    batch: list[ParsedRow] = []
    users: set[str] = set()
    items: dict[str, tuple[Counter[str], Counter[str]]] = {}
    bodies: dict[str, dict[str, Any]] = {}
    source = "renttherunway" if fmt == "renttherunway" else "import"

    def flush() -> None:
        if not batch:
            return
        rows = [
            {
                "user_id": r.user_id,
                "item_id": r.item_id,
                "rating": r.rating,
                "fit": r.fit,
                "size": r.size,
                "occasion": r.occasion,
                "rated_at": r.rated_at,
                "source": source,
            }
            for r in batch
        ]
        with store._write() as s:
            s.execute(insert(RatingRow), rows)
        report.imported += len(batch)
        if progress:
            progress(len(batch))
        batch.clear()

    for row in parse(Path(path), fmt):
        report.rows += 1
        if isinstance(row, tuple):
            report.bad.append(row)
            if progress:
                progress(1)
            continue
        batch.append(row)
        users.add(row.user_id)
        cats, occs = items.setdefault(row.item_id, (Counter(), Counter()))
        if row.category:
            cats[row.category] += 1
        if row.occasion:
            occs[row.occasion] += 1
        if row.body:
            bodies[row.user_id] = {**bodies.get(row.user_id, {}), **row.body, "updated_at": row.rated_at}
        if len(batch) >= _CHUNK:
            flush()
    flush()
    report.users, report.items = len(users), len(items)
    known = in_catalogue or (lambda _id: False)
    only = {i: v for i, v in items.items() if not known(i)}
    report.interaction_only_items = len(only)
    with store._write() as s:
        _save_items(s, only, source)
        _save_bodies(s, bodies)
    return report


def _save_items(s: Any, items: dict[str, tuple[Counter[str], Counter[str]]], source: str) -> None:
    ids = list(items)
    existing: dict[str, InteractionItemRow] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in s.scalars(select(InteractionItemRow).where(InteractionItemRow.item_id.in_(chunk))):
            existing[r.item_id] = r
    new = []
    for item_id, (cats, occs) in items.items():
        row = existing.get(item_id)
        if row is None:
            category = cats.most_common(1)[0][0] if cats else None
            new.append(
                {
                    "item_id": item_id,
                    "category": category,
                    "occasions_json": json.dumps(dict(occs), sort_keys=True),
                    "source": source,
                }
            )
            continue
        merged = Counter(json.loads(row.occasions_json or "{}")) + occs
        row.occasions_json = json.dumps(dict(merged), sort_keys=True)
        if row.category is None and cats:
            row.category = cats.most_common(1)[0][0]
    if new:
        s.execute(insert(InteractionItemRow), new)


def _save_bodies(s: Any, bodies: dict[str, dict[str, Any]]) -> None:
    ids = list(bodies)
    existing: dict[str, BodyRow] = {}
    for start in range(0, len(ids), 500):
        for r in s.scalars(select(BodyRow).where(BodyRow.user_id.in_(ids[start : start + 500]))):
            existing[r.user_id] = r
    new = []
    for user_id, body in bodies.items():
        row = existing.get(user_id)
        if row is None:
            new.append({"user_id": user_id, **body})
        elif row.updated_at is None or _aware(row.updated_at) <= body["updated_at"]:
            for k, v in body.items():
                setattr(row, k, v)
    if new:
        keys = ("height_in", "weight_lbs", "bust_in", "cup", "body_type", "age")
        s.execute(insert(BodyRow), [{k: None for k in keys} | b for b in new])


def _aware(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt
