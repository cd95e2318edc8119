from pathlib import Path

from sqlalchemy import text

from stylist import db


def test_open_creates_wal_sqlite_and_records_migrations(tmp_path: Path, monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(
        db, "MIGRATIONS", [(1, lambda conn: seen.append(1)), (2, lambda conn: seen.append(2))]
    )
    url = f"sqlite:///{tmp_path / 'sub' / 's.db'}"
    database = db.open_database(url)
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert database.schema_version() == 2 and seen == [1, 2]
    db.close_all()
    db.open_database(url)  # applied once only
    assert seen == [1, 2]
    db.close_all()
