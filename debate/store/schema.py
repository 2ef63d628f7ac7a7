"""A database's schema: which one it has, and bringing it to this release's (Alembic's work).

Where a database stands is read in plain SQL: its `alembic_version` row, or, for one written
before Alembic took over, its `meta.schema_version`. A current database is opened without
importing Alembic (see `debate.store.migrations`); only a new database (created whole, then
stamped) or an older one (stamped at its schema's revision, then upgraded) runs it. Both happen
under a lock held for one transaction, so two processes opening the same database at once do
the work once; on SQLite the file is copied beside itself before it is upgraded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlmodel import SQLModel

from debate.core.errors import StoreError
from debate.store import migrations
from debate.store.tables import SCHEMA_VERSION
from debate.store.vetting import sqlite_path

# pg_advisory_xact_lock's key for "the schema of this database is being changed" ("debate").
_POSTGRES_LOCK_KEY = 0x6465626174650000


@dataclass(frozen=True)
class Upgraded:
    """What opening a database did to its schema: the version it had, and on SQLite the copy of
    the file as it was, kept beside it."""

    from_version: int
    backup: Path | None


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: its tables, its `meta.schema_version` (None: none, as in the
    first schema) and its Alembic revision (None: written before Alembic, or new)."""

    tables: frozenset[str]
    version: int | None
    revision: str | None

    @property
    def is_new(self) -> bool:
        return "tournament" not in self.tables

    @property
    def at(self) -> str | None:
        """The revision this database is at: recorded, or read from its schema number."""
        return self.revision or migrations.REVISIONS.get(self.version or 0)

    @property
    def schema(self) -> int | None:
        """The schema number it is at; None for a database this release cannot upgrade."""
        return migrations.schema_of(self.at or "")

    @property
    def current(self) -> bool:
        return self.revision == migrations.HEAD


def check_schema(engine: Engine, location: str, *, create: bool, read_only: bool) -> Upgraded | None:
    """Create a new database, upgrade one of an earlier schema in place (a SQLite file is
    copied first), or refuse one written by a newer version of debate, by another version of
    the schema, or by another application. What was upgraded, if anything."""
    with engine.connect() as conn:
        state = read_state(conn, location)
    if not create and not state.tables:
        raise StoreError(f"{location} holds no tournaments (run a tournament first, or pass --db)")
    if read_only:
        if not state.is_new and state.at != migrations.HEAD:
            raise StoreError(
                f"{location} was written by an earlier version of debate (schema {state.schema}); "
                f"open it once read-write to upgrade it in place: debate db upgrade --db {location}"
            )
        return None  # a reader takes the schema as it is: creating or stamping is a write
    if engine.dialect.name == "sqlite":
        # Only now that the file is known to be ours or new: the switch rewrites its header.
        # WAL lets readers (standings, spectators) work while a tournament writes.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    if state.current:
        return None
    with _schema_lock(engine) as conn:
        # Read again under the lock: another process may have done the work meanwhile.
        return _bring_to_head(conn, read_state(conn, location), engine)


def read_state(conn: Connection, location: str) -> SchemaState:
    """Where the database behind `conn` stands, in plain SQL. `StoreError` when it is another
    application's, was written by a newer debate, or has a schema this release cannot upgrade."""
    tables = frozenset(inspect(conn).get_table_names())
    state = SchemaState(tables=tables, version=_stored_version(conn, tables, location), revision=_stored_revision(conn, tables, location))
    # A newer schema number is refused whatever the revision says: it is what releases from
    # before Alembic go by, and what every release writes.
    if state.version and state.version > SCHEMA_VERSION:
        raise StoreError(
            f"{location} was written by another version of debate, a newer one (schema {state.version}; "
            f"this version reads schema {SCHEMA_VERSION}); upgrade debate to read it, or use a new --db"
        )
    if state.is_new or state.at is not None:
        return state
    raise StoreError(
        f"{location} was written by another version of debate (schema {state.version or 1}, "
        f"this version reads schema {SCHEMA_VERSION}); use a new --db, or an earlier release to read it"
    )


def _stored_version(conn: Connection, tables: frozenset[str], location: str) -> int | None:
    """The schema version in our `meta` row; None for an empty database or the first schema
    (which had no meta table). Tables without our row belong to another application."""
    value = None
    if "meta" in tables and {"key", "value"} <= {c["name"] for c in inspect(conn).get_columns("meta")}:
        value = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    if value is not None and str(value).isdigit():
        return int(value)
    if tables and (value is not None or "tournament" not in tables):
        listed = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
        raise StoreError(
            f"{location} is another application's database (tables: {listed}), not a debate database; "
            "it was left untouched: pass a new file with --db"
        )
    return None


def _stored_revision(conn: Connection, tables: frozenset[str], location: str) -> str | None:
    """The Alembic revision the database is at; None before Alembic. `StoreError` for a
    revision this release does not know: a newer release wrote it, and its schema may hold
    anything."""
    if "alembic_version" not in tables:
        return None
    revisions = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    unknown = [r for r in revisions if migrations.schema_of(r) is None]
    if unknown:
        raise StoreError(
            f"{location} was written by a newer version of debate (revision {unknown[0]}); this version reads up to "
            f"revision {migrations.HEAD} (schema {SCHEMA_VERSION}); upgrade debate to read it"
        )
    return max(revisions, key=lambda r: migrations.schema_of(r) or 0) if revisions else None


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the database's write lock (SQLite: BEGIN
    IMMEDIATE) or an advisory lock (PostgreSQL) until it commits. On SQLite this also keeps the
    schema changes inside the transaction: by default the driver would commit each one alone."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY})
        yield conn
        conn.commit()


def _bring_to_head(conn: Connection, state: SchemaState, engine: Engine) -> Upgraded | None:
    """Create, stamp or upgrade, inside the caller's transaction. What was upgraded."""
    if state.current:
        return None
    if state.is_new:
        SQLModel.metadata.create_all(conn)
        conn.execute(text("DELETE FROM meta WHERE key = 'schema_version'"))
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"), {"v": str(SCHEMA_VERSION)})
        migrations.stamp(conn, migrations.HEAD)
        return None
    at = state.at
    assert at is not None  # read_state refused every other database
    from_version = state.schema or 0
    # The copy is taken before anything is written, from the last commit.
    backup = _backup(engine, from_version) if at != migrations.HEAD else None
    if state.revision is None:
        migrations.stamp(conn, at)  # written before Alembic: its schema number says where it stands
    if at == migrations.HEAD:
        return None  # the schema was current; only the stamp was missing
    migrations.upgrade(conn)
    return Upgraded(from_version=from_version, backup=backup)


def _backup(engine: Engine, version: int) -> Path | None:
    """On SQLite, a consistent copy of the database before its upgrade (`FILE.schemaN.bak`, or
    `.bak2`, ... when one is there already): an upgrade regretted can be undone by copying it
    back. None for a server database (back it up with its own tools)."""
    path = sqlite_path(str(engine.url))
    if path is None:
        return None
    backup = path.with_name(f"{path.name}.schema{version}.bak")
    number = 1
    while backup.exists():
        number += 1
        backup = path.with_name(f"{path.name}.schema{version}.bak{number}")
    # sqlite3's backup API copies a consistent snapshot, the WAL's committed pages included; it
    # reads alongside the write lock the upgrade holds, which has written nothing yet.
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(backup)) as target:
        source.backup(target)
    return backup
