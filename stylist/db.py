"""The SQL store shared by profiles, feedback, wardrobes and conversations.

SQLite (a file in the data home, WAL mode, a busy timeout so concurrent writers wait instead of
failing) by default; any SQLAlchemy URL (Postgres for several API replicas) by configuration.
Each feature declares its tables on :class:`Base`; :func:`open_database` creates missing tables
and applies the ordered migrations in ``MIGRATIONS`` exactly once per database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from stylist.errors import ConfigError, StylistError


class Base(DeclarativeBase):
    """Declarative base of every table Stylist stores."""


#: Ordered schema changes for databases created by an older version: (version, step).
#: ``create_all`` makes new tables; a migration changes existing ones (add a column, backfill).
def _wardrobe_photo_columns(conn: Connection) -> None:
    """Version 1: wardrobe items from photos (name, recognised attributes, image, embedding)."""
    from sqlalchemy import inspect

    inspector = inspect(conn)
    if "wardrobe_items" not in inspector.get_table_names():
        return  # created by create_all with every column
    have = {c["name"] for c in inspector.get_columns("wardrobe_items")}
    columns = {
        "name": "VARCHAR(200)",
        "article_type": "VARCHAR(80)",
        "slot": "VARCHAR(32)",
        "colours_json": "TEXT",
        "pattern": "VARCHAR(40)",
        "image_path": "VARCHAR(1000)",
        "embedding_json": "TEXT",
        "attributes_json": "TEXT",
    }
    for name, sql_type in columns.items():
        if name not in have:
            conn.execute(text(f"ALTER TABLE wardrobe_items ADD COLUMN {name} {sql_type}"))


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _wardrobe_photo_columns)]


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT max(version) FROM stylist_schema")).scalar() or 0)


_lock = threading.Lock()
_open: dict[str, Database] = {}


def open_database(url: str) -> Database:
    """The database at ``url``, with tables created and migrations applied (cached per URL)."""
    with _lock:
        if url in _open:
            return _open[url]
        engine = _make_engine(url)
        try:
            _import_models()
            with engine.connect() as conn:
                if engine.dialect.name == "sqlite":
                    # several processes may open a fresh file at once: create the schema under
                    # the write lock, or one of them fails with "table already exists"
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                Base.metadata.create_all(conn)
                _migrate(conn)
                conn.commit()
        except SQLAlchemyError as exc:
            raise StylistError(
                f"cannot open the database {engine.url.render_as_string(hide_password=True)}: {exc}"
            ) from None
        _open[url] = Database(engine)
        return _open[url]


def close_all() -> None:
    with _lock:
        for db in _open.values():
            db.engine.dispose()
        _open.clear()


def _make_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()

            return engine
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise ConfigError(f"invalid database URL in profile.database_url: {exc}") from None


def _import_models() -> None:
    """Import every module that declares tables so ``create_all`` sees them."""
    import importlib

    for module in MODEL_MODULES:
        importlib.import_module(module)


#: Modules declaring tables on ``Base``; add yours here.
MODEL_MODULES: list[str] = [
    "stylist.profiles.models",
    "stylist.profiles.rental_models",
    "stylist.tools.trends.store",
    "stylist.conversations",
]


def _migrate(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE IF NOT EXISTS stylist_schema (version INTEGER PRIMARY KEY)"))
    current = int(conn.execute(text("SELECT max(version) FROM stylist_schema")).scalar() or 0)
    for version, step in MIGRATIONS:
        if version > current:
            step(conn)
            conn.execute(text("INSERT INTO stylist_schema (version) VALUES (:v)"), {"v": version})
