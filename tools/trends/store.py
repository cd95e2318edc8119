"""The trend time-series store: tables in the shared SQL store (``stylist.db``).

A *source* is one ingested file or feed (``demo``, ``visuelle``, ``posts`` …): the same
``(kind, value)`` means different things in different sources, so series never mix across them.
Re-ingesting a source replaces the points of the series it contains.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from stylist.db import Base, Database
from stylist.tools.trends.demo import generate_demo_series
from stylist.tools.trends.errors import TrendDataError
from stylist.tools.trends.series import SeriesKey, TrendSeries

DEMO_SOURCE = "demo"


class TrendSourceRow(Base):
    __tablename__ = "trend_sources"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    origin: Mapped[str] = mapped_column(Text, default="")
    ingested_at: Mapped[datetime] = mapped_column(DateTime)


class TrendSeriesRow(Base):
    __tablename__ = "trend_series"
    __table_args__ = (UniqueConstraint("source", "kind", "value", "region", "segment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(ForeignKey("trend_sources.name", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    value: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100), default="")
    segment: Mapped[str] = mapped_column(String(100), default="")
    freq: Mapped[str] = mapped_column(String(1))


class TrendPointRow(Base):
    __tablename__ = "trend_points"

    series_id: Mapped[int] = mapped_column(
        ForeignKey("trend_series.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[datetime] = mapped_column(Date, primary_key=True)
    count: Mapped[float] = mapped_column(Float)


class TrendModelChoiceRow(Base):
    """The model a backtest chose for (source, kind), valid while the data fingerprint holds."""

    __tablename__ = "trend_model_choices"

    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), primary_key=True)
    horizon: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(50))
    scores: Mapped[str] = mapped_column(Text, default="{}")


class TrendStore:
    """Read and write trend series in the shared database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # writing
    def save(self, series: list[TrendSeries], *, source: str, origin: str = "") -> None:
        """Store ``series`` under ``source``, replacing the points of any series already there."""
        if not series:
            return
        with self.db.session() as session:
            row = session.get(TrendSourceRow, source)
            now = datetime.now(UTC).replace(tzinfo=None)
            if row is None:
                session.add(TrendSourceRow(name=source, origin=origin, ingested_at=now))
            else:
                row.origin, row.ingested_at = origin, now
            session.flush()
            existing = {
                (r.kind, r.value, r.region, r.segment): r
                for r in session.scalars(select(TrendSeriesRow).where(TrendSeriesRow.source == source))
            }
            points = []
            for s in series:
                k = s.key
                srow = existing.get((k.kind, k.value, k.region, k.segment))
                if srow is None:
                    srow = TrendSeriesRow(
                        source=source,
                        kind=k.kind,
                        value=k.value,
                        region=k.region,
                        segment=k.segment,
                        freq=s.freq,
                    )
                    session.add(srow)
                    session.flush()
                else:
                    if srow.freq != s.freq:
                        raise TrendDataError(
                            (
                                f"{k.label()} is stored as {_freq_name(srow.freq)} but the new data is "
                                f"{_freq_name(s.freq)}"
                            ),
                            hint="use another --source name",
                        )
                    session.execute(delete(TrendPointRow).where(TrendPointRow.series_id == srow.id))
                points.extend(
                    {"series_id": srow.id, "period": d.date(), "count": float(v)} for d, v in s.values.items()
                )
            if points:
                session.execute(insert(TrendPointRow), points)
            session.execute(delete(TrendModelChoiceRow).where(TrendModelChoiceRow.source == source))

    def delete_source(self, source: str) -> None:
        with self.db.session() as session:
            ids = list(session.scalars(select(TrendSeriesRow.id).where(TrendSeriesRow.source == source)))
            if ids:
                session.execute(delete(TrendPointRow).where(TrendPointRow.series_id.in_(ids)))
            session.execute(delete(TrendSeriesRow).where(TrendSeriesRow.source == source))
            session.execute(delete(TrendModelChoiceRow).where(TrendModelChoiceRow.source == source))
            session.execute(delete(TrendSourceRow).where(TrendSourceRow.name == source))

    # reading
    def is_empty(self) -> bool:
        with self.db.session() as session:
            return session.scalars(select(TrendSeriesRow.id).limit(1)).first() is None

    def ensure_demo(self) -> bool:
        """Load the demo series when the store is empty; True when it did."""
        if not self.is_empty():
            return False
        self.save(generate_demo_series().series, source=DEMO_SOURCE, origin="built-in demo generator")
        return True

    def sources(self) -> list[dict]:
        """Each source with its kinds, number of series and ingest time, newest first."""
        with self.db.session() as session:
            srcs = {r.name: r for r in session.scalars(select(TrendSourceRow))}
            kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            freqs: dict[str, set[str]] = defaultdict(set)
            for r in session.scalars(select(TrendSeriesRow)):
                kinds[r.source][r.kind] += 1
                freqs[r.source].add(r.freq)
        out = [
            {
                "name": name,
                "origin": row.origin,
                "ingested_at": row.ingested_at.isoformat(timespec="seconds"),
                "kinds": dict(kinds[name]),
                "series": sum(kinds[name].values()),
                "freq": ",".join(sorted(freqs[name])),
            }
            for name, row in srcs.items()
        ]
        return sorted(out, key=lambda s: s["ingested_at"], reverse=True)

    def keys(self, *, kind: str | None = None, source: str | None = None) -> list[SeriesKey]:
        with self.db.session() as session:
            query = select(TrendSeriesRow)
            if kind is not None:
                query = query.where(TrendSeriesRow.kind == kind)
            if source is not None:
                query = query.where(TrendSeriesRow.source == source)
            return sorted(
                SeriesKey(r.source, r.kind, r.value, r.region, r.segment) for r in session.scalars(query)
            )

    def load(
        self,
        *,
        source: str | None = None,
        kind: str | None = None,
        value: str | None = None,
        region: str | None = None,
        segment: str | None = None,
    ) -> list[TrendSeries]:
        """Series matching every given field (``None`` = any), each with its points in order."""
        with self.db.session() as session:
            query = select(TrendSeriesRow)
            for column, wanted in (
                (TrendSeriesRow.source, source),
                (TrendSeriesRow.kind, kind),
                (TrendSeriesRow.value, value),
                (TrendSeriesRow.region, region),
                (TrendSeriesRow.segment, segment),
            ):
                if wanted is not None:
                    query = query.where(column == wanted)
            rows = {r.id: r for r in session.scalars(query)}
            if not rows:
                return []
            points: dict[int, list[tuple]] = defaultdict(list)
            ids = list(rows)
            for chunk in range(0, len(ids), 500):
                part = ids[chunk : chunk + 500]
                for sid, period, count in session.execute(
                    select(TrendPointRow.series_id, TrendPointRow.period, TrendPointRow.count).where(
                        TrendPointRow.series_id.in_(part)
                    )
                ):
                    points[sid].append((period, count))
        out = []
        for sid, r in rows.items():
            pts = sorted(points[sid])
            values = pd.Series(
                [c for _, c in pts], index=pd.DatetimeIndex(pd.to_datetime([p for p, _ in pts])), dtype=float
            )
            out.append(TrendSeries(SeriesKey(r.source, r.kind, r.value, r.region, r.segment), r.freq, values))
        return sorted(out, key=lambda s: s.key)

    def fingerprint(self, source: str, kind: str) -> str:
        with self.db.session() as session:
            src = session.get(TrendSourceRow, source)
            n = len(
                list(
                    session.scalars(
                        select(TrendSeriesRow.id).where(
                            TrendSeriesRow.source == source, TrendSeriesRow.kind == kind
                        )
                    )
                )
            )
        return f"{src.ingested_at.isoformat() if src else '-'}|{n}"

    # cached model choice
    def model_choice(self, source: str, kind: str, horizon: int) -> tuple[str, dict] | None:
        with self.db.session() as session:
            row = session.get(TrendModelChoiceRow, (source, kind, horizon))
            if row is None or row.fingerprint != self.fingerprint(source, kind):
                return None
            return row.model, json.loads(row.scores)

    def forget_model_choices(self) -> int:
        """Drop every cached model choice (the models changed, e.g. a retrained global model)."""
        with self.db.session() as session:
            return session.execute(delete(TrendModelChoiceRow)).rowcount or 0

    def set_model_choice(self, source: str, kind: str, horizon: int, model: str, scores: dict) -> None:
        fp = self.fingerprint(source, kind)
        with self.db.session() as session:
            row = session.get(TrendModelChoiceRow, (source, kind, horizon))
            if row is None:
                session.add(
                    TrendModelChoiceRow(
                        source=source,
                        kind=kind,
                        horizon=horizon,
                        fingerprint=fp,
                        model=model,
                        scores=json.dumps(scores),
                    )
                )
            else:
                row.fingerprint, row.model, row.scores = fp, model, json.dumps(scores)


def _freq_name(freq: str) -> str:
    return {"W": "weekly", "M": "monthly"}.get(freq, freq)
