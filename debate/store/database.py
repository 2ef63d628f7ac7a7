"""Opening a database: its URL, an engine (read-write or refusing every write), its schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, inspect, make_url, text
from sqlalchemy.engine import ExceptionContext
from sqlmodel import Session, SQLModel, create_engine

from debate.core.errors import StoreError
from debate.store.tables import SCHEMA_VERSION, MetaRow


class ReadOnlyStoreError(StoreError):
    """Something tried to write through a store opened read-only (a spectator's)."""


def database_url(target: str) -> str:
    """A path becomes a SQLite URL; anything with '://' is taken as a SQLAlchemy URL."""
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def check_schema(engine: Engine, location: str, *, create: bool, read_only: bool) -> None:
    """Create a new database, or refuse one written by another version of the schema."""
    existing = set(inspect(engine).get_table_names())
    if existing and "tournament" in existing:
        version = None
        if "meta" in existing:
            with Session(engine) as session:
                row = session.get(MetaRow, "schema_version")
                version = int(row.value) if row else None
        if version in UPGRADABLE and not read_only:
            _upgrade(engine, version)
            version = SCHEMA_VERSION
        if version != SCHEMA_VERSION:
            if version in UPGRADABLE:
                raise StoreError(
                    f"{location} was written by an earlier version of debate (schema {version}); "
                    "open it once read-write to upgrade it in place (for example: debate tournaments --db ...)"
                )
            raise StoreError(
                f"{location} was written by another version of debate (schema {version or 1}, "
                f"this version reads schema {SCHEMA_VERSION}); use a new --db, or an earlier release to read it"
            )
    if not create and not existing:
        raise StoreError(f"{location} holds no tournaments (run a tournament first, or pass --db)")
    if read_only:
        return  # a reader takes the schema as it is; creating tables is a write
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        if session.get(MetaRow, "schema_version") is None:
            session.add(MetaRow(key="schema_version", value=str(SCHEMA_VERSION)))
            session.commit()


# Schema 2 lacks the judges' order ballots and qualification (new tables) and three nullable
# ballot columns; its rows stay valid as they are, so it is upgraded in place.
UPGRADABLE = {2: ("margin FLOAT", "consistent BOOLEAN", "expected_margin FLOAT")}


def _upgrade(engine: Engine, version: int) -> None:
    present = {c["name"] for c in inspect(engine).get_columns("ballot")}
    with engine.begin() as conn:
        for column in UPGRADABLE[version]:
            if column.split()[0] not in present:
                conn.execute(text(f"ALTER TABLE ballot ADD COLUMN {column}"))
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.merge(MetaRow(key="schema_version", value=str(SCHEMA_VERSION)))
        session.commit()


def writable_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers (standings, spectators) work while a tournament writes.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def read_only_engine(url: str, location: str) -> Engine:
    """An engine whose connections refuse every write, with the refusal as a clear error."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_read_only_engine(url)
    elif backend == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "connect", _postgres_read_only)
    else:
        # Better to refuse than to hand a spectator a connection that can write.
        raise StoreError(f"cannot open {location} read-only: only SQLite and PostgreSQL databases can be")

    @event.listens_for(engine, "handle_error")
    def _refused(context: ExceptionContext) -> None:
        if _is_read_only_refusal(context.original_exception):
            raise ReadOnlyStoreError(f"{location} is open read-only: this view cannot change the tournament") from None

    return engine


def _sqlite_read_only_engine(url: str) -> Engine:
    path = make_url(url).database or ""
    # mode=ro is enforced by SQLite itself, below anything SQLAlchemy does. The -shm file is
    # still shared, so reads see what a writer in another process commits (WAL).
    target = f"{Path(path).resolve().as_uri()}?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(target, uri=True, check_same_thread=False, timeout=30)

    engine = create_engine(url, creator=connect)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # No journal_mode change here: that is a write. query_only is a second lock, kept
        # should a connection ever be opened some other way than through `connect`.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return engine


def _postgres_read_only(dbapi_connection: Any, _record: Any) -> None:
    # A session default, so every transaction this connection opens is READ ONLY; committed
    # so the pool's rollback on return does not undo it.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_connection.commit()


def _is_read_only_refusal(exc: BaseException) -> bool:
    """SQLite's 'attempt to write a readonly database' or PostgreSQL's SQLSTATE 25006."""
    if isinstance(exc, sqlite3.OperationalError):
        return "readonly" in str(exc) or "query_only" in str(exc)
    return getattr(exc, "sqlstate", None) == "25006" or getattr(exc, "pgcode", None) == "25006"
