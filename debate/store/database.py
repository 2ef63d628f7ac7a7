"""Opening a database: its URL, an engine (read-write or refusing every write), its schema
checked (and brought to this release's by `schema`).

Nothing is written before the database is known to be ours or new: a file that is not SQLite,
one cut short or damaged, and another application's SQLite database are refused with a
message naming the file and what is wrong, and are left exactly as they were.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from debate.core.errors import StoreError
from debate.store.schema import Upgraded, check_schema
from debate.store.vetting import check_sqlite_file, check_whole, damage, read_only_target, sqlite_path


class ReadOnlyStoreError(StoreError):
    """Something tried to write through a store opened read-only (a spectator's)."""


def database_url(target: str) -> str:
    """A path becomes a SQLite URL; anything with '://' is taken as a SQLAlchemy URL."""
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def open_engine(url: str, location: str, *, create: bool, read_only: bool) -> tuple[Engine, Upgraded | None]:
    """An engine on the database at `url` with its schema checked, and created or upgraded when
    writable. `StoreError` naming `location` when the database is missing (and not to be
    created), not SQLite, cut short, damaged, or another application's."""
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path, location, create=create)
        if not read_only:
            check_whole(path, location)
    engine = read_only_engine(url, location) if read_only else writable_engine(url, location)
    try:
        upgraded = check_schema(engine, location, create=create, read_only=read_only)
    except DatabaseError as exc:
        engine.dispose()
        raise StoreError(f"cannot open database {location}: {exc.orig}") from None
    except BaseException:
        engine.dispose()
        raise
    return engine, upgraded


SQLITE_HEAP_LIMIT = 2 * 1024 * 1024
"""Bytes of memory SQLite aims to stay under in a process that writes a tournament."""


def writable_engine(url: str, location: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Process-wide, not per connection: each pooled connection would otherwise keep its
        # own 2 MB page cache, filled as the file grows, so an engine's memory rose with the
        # tournament's size (+3.4 MB from 1,000 to 20,000 debates). The file's pages stay in
        # the operating system's cache, so a page dropped here costs a read, not a disk seek.
        cursor.execute(f"PRAGMA soft_heap_limit={SQLITE_HEAP_LIMIT}")
        cursor.close()

    event.listen(engine, "handle_error", _damage_reporter(location))
    return engine


def read_only_engine(url: str, location: str) -> Engine:
    """An engine whose connections refuse every write, with the refusal as a clear error."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_read_only_engine(url)
        event.listen(engine, "handle_error", _damage_reporter(location))
    elif backend == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "connect", _postgres_read_only)
    else:
        # Better to refuse than to hand a spectator a connection that can write.
        raise StoreError(f"cannot open {location} read-only: only SQLite and PostgreSQL databases can be")

    @event.listens_for(engine, "handle_error")
    def _refused(context: ExceptionContext) -> None:
        if not _is_read_only_refusal(context.original_exception):
            return
        if _is_read(context.statement):
            # Not a write refused: SQLite could not set up reading (see `vetting.read_only_target`).
            raise StoreError(
                f"cannot read {location} ({context.original_exception}): a writer's -wal file is beside it, "
                "and reading alongside needs its -shm file readable or the folder writable"
            ) from None
        raise ReadOnlyStoreError(f"{location} is open read-only: this view cannot change the tournament") from None

    return engine


def _sqlite_read_only_engine(url: str) -> Engine:
    path = Path(make_url(url).database or "").resolve()

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(read_only_target(path), uri=True, check_same_thread=False, timeout=30)

    # A new connection per session: whether a writer is live (and so how to open) can change
    # between a spectator's polls.
    engine = create_engine(url, creator=connect, poolclass=NullPool)

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


def _damage_reporter(location: str) -> Any:
    """A handle_error listener: SQLite's 'malformed' or 'not a database' mid-command becomes a
    message about the file instead of a traceback."""

    def report(context: ExceptionContext) -> None:
        if (error := damage(context.original_exception, location)) is not None:
            raise error from None

    return report


def _is_read(statement: str | None) -> bool:
    return (statement or "").lstrip().upper().startswith(("SELECT", "PRAGMA", "WITH"))


def _is_read_only_refusal(exc: BaseException) -> bool:
    """SQLite's 'attempt to write a readonly database' or PostgreSQL's SQLSTATE 25006."""
    if isinstance(exc, sqlite3.OperationalError):
        return "readonly" in str(exc) or "query_only" in str(exc)
    return getattr(exc, "sqlstate", None) == "25006" or getattr(exc, "pgcode", None) == "25006"
