"""Opening a database: its URL, an engine (read-write or refusing every write), its schema.

Nothing is written before the database is known to be ours or new: a file that is not SQLite,
one cut short or damaged, and another application's SQLite database are refused with a
message naming the file and what is wrong, and are left exactly as they were.
"""

from __future__ import annotations

import json
import sqlite3
from collections import deque
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, event, insert, inspect, make_url, select, text, update
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine

from debate.core.errors import StoreError, StoreMissing
from debate.store.tables import SCHEMA_VERSION, ContestantRow, DebateRow, MetaRow, RoundRow
from debate.store.vetting import sqlite_path, vet_sqlite_file, wal_file


class ReadOnlyStoreError(StoreError):
    """Something tried to write through a store opened read-only (a spectator's)."""


def database_url(target: str) -> str:
    """A path becomes a SQLite URL; anything with '://' is taken as a SQLAlchemy URL."""
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


@dataclass(frozen=True)
class Upgraded:
    """What opening a database did to its schema: the version it had, and on SQLite the copy of
    the file as it was, kept beside it."""

    from_version: int
    backup: Path | None


def open_engine(url: str, location: str, *, create: bool, read_only: bool) -> tuple[Engine, Upgraded | None]:
    """An engine on the database at `url` with its schema checked, and created or upgraded when
    writable. `StoreError` naming `location` when the database is missing (and not to be
    created), not SQLite, cut short, damaged, or another application's."""
    path = sqlite_path(url)
    if path is not None:
        if not create and not path.exists():
            raise StoreMissing(f"no database at {path} (run a tournament first, or pass --db)")
        vet_sqlite_file(path, location)
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


def check_schema(engine: Engine, location: str, *, create: bool, read_only: bool) -> Upgraded | None:
    """Create a new database, upgrade one of an earlier schema in place (a SQLite file is
    copied first), or refuse one written by another version of the schema (or by another
    application). What was upgraded, if anything."""
    existing = set(inspect(engine).get_table_names())
    version = _stored_version(engine, existing, location)
    upgraded = None
    if "tournament" in existing:
        if version in UPGRADABLE and not read_only:
            upgraded = Upgraded(from_version=version, backup=_backup(engine, version))
            _upgrade(engine, version)
            version = SCHEMA_VERSION
        if version != SCHEMA_VERSION:
            if version in UPGRADABLE:
                raise StoreError(
                    f"{location} was written by an earlier version of debate (schema {version}); "
                    f"open it once read-write to upgrade it in place: debate db upgrade --db {location}"
                )
            raise StoreError(
                f"{location} was written by another version of debate (schema {version or 1}, "
                f"this version reads schema {SCHEMA_VERSION}); use a new --db, or an earlier release to read it"
            )
    if not create and not existing:
        raise StoreError(f"{location} holds no tournaments (run a tournament first, or pass --db)")
    if read_only:
        return None  # a reader takes the schema as it is; creating tables is a write
    if engine.dialect.name == "sqlite":
        # Only now that the file is known to be ours or new: the switch rewrites its header.
        # WAL lets readers (standings, spectators) work while a tournament writes.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        if session.get(MetaRow, "schema_version") is None:
            session.add(MetaRow(key="schema_version", value=str(SCHEMA_VERSION)))
            session.commit()
    return upgraded


def _backup(engine: Engine, version: int) -> Path | None:
    """On SQLite, a consistent copy of the database before its upgrade (`FILE.schemaN.bak`, or
    `.bak2`, ... when one is there already): an upgrade stopped half-way or regretted can be
    undone by copying it back. None for a server database (back it up with its own tools)."""
    path = sqlite_path(str(engine.url))
    if path is None:
        return None
    backup = path.with_name(f"{path.name}.schema{version}.bak")
    number = 1
    while backup.exists():
        number += 1
        backup = path.with_name(f"{path.name}.schema{version}.bak{number}")
    # sqlite3's backup API copies a consistent snapshot, the WAL's committed pages included.
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(backup)) as target:
        source.backup(target)
    return backup


def _stored_version(engine: Engine, existing: set[str], location: str) -> int | None:
    """The schema version in our `meta` row; None for an empty database or the first schema
    (which had no meta table). Tables without our row belong to another application."""
    row = None
    if "meta" in existing and {"key", "value"} <= {c["name"] for c in inspect(engine).get_columns("meta")}:
        with Session(engine) as session:
            row = session.get(MetaRow, "schema_version")
    if row is not None and str(row.value).isdigit():
        return int(row.value)
    if existing and (row is not None or "tournament" not in existing):
        tables = ", ".join(sorted(existing)[:6]) + (", ..." if len(existing) > 6 else "")
        raise StoreError(
            f"{location} is another application's database (tables: {tables}), not a debate database; "
            "it was left untouched: pass a new file with --db"
        )
    return None


# What each earlier schema lacks, in order: schema 2 the judges' order ballots and qualification
# (new tables) and three nullable ballot columns; schema 3 the pairing's columns on each debate
# (it kept a round's pairings in the round's draw document, moved by `_carry_pairings`); schema 4
# the debates' leases for workers and the runner's `shared` flag.
_ADDED_COLUMNS: dict[int, tuple[tuple[str, str], ...]] = {
    2: (("ballot", "margin FLOAT"), ("ballot", "consistent BOOLEAN"), ("ballot", "expected_margin FLOAT")),
    3: (("debate", "flags_json VARCHAR"), ("debate", "bracket FLOAT"), ("debate", "prop_seed INTEGER"), ("debate", "opp_seed INTEGER")),
    4: (("debate", "worker VARCHAR"), ("debate", "lease_until FLOAT"), ("runner", "shared BOOLEAN")),
}
UPGRADABLE = frozenset(_ADDED_COLUMNS)


def _upgrade(engine: Engine, version: int) -> None:
    """Bring a database of an earlier schema to this one, in place, every stored row kept.
    Safe to run again after an interruption: each step skips what is already done."""
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    present = {table: {c["name"] for c in inspector.get_columns(table)} for table in ("ballot", "debate", "runner") if table in tables}
    with engine.begin() as conn:
        for step in range(version, SCHEMA_VERSION):
            for table, column in _ADDED_COLUMNS[step]:
                # A table the old database lacks is made whole by create_all below.
                if table in present and column.split()[0] not in present[table]:
                    conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column}"))
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        _carry_pairings(conn)
        conn.execute(delete(MetaRow.__table__).where(MetaRow.__table__.c.key == "schema_version"))  # type: ignore[attr-defined]
        conn.execute(insert(MetaRow.__table__).values(key="schema_version", value=str(SCHEMA_VERSION)))  # type: ignore[attr-defined]


def _carry_pairings(conn: Connection) -> None:
    """Schema 3 kept each round's pairings in its draw document: move each pairing's flags,
    bracket and seeds onto the debate that plays it (same sides, in order) and keep the rest of
    the draw. A pairing no debate plays (a re-judged copy holds only complete debates) is
    dropped, as the copy's draw then lists the debates it has."""
    rounds, debates, contestants = RoundRow.__table__, DebateRow.__table__, ContestantRow.__table__  # type: ignore[attr-defined]
    names = dict(conn.execute(select(contestants.c.id, contestants.c.name)).all())
    set_pairing = (
        update(debates).where(debates.c.id == bindparam("d_id"))
        .values(flags_json=bindparam("d_flags"), bracket=bindparam("d_bracket"), prop_seed=bindparam("d_prop_seed"), opp_seed=bindparam("d_opp_seed"))
    )
    for round_id, draw_json in conn.execute(select(rounds.c.id, rounds.c.draw_json)).all():
        header = json.loads(draw_json or "{}")
        pairings = header.pop("pairings", None)
        if pairings is None:
            continue  # already carried
        free: dict[tuple[str, str], deque[int]] = {}
        for debate_id, prop, opp in conn.execute(select(debates.c.id, debates.c.proposition_id, debates.c.opposition_id).where(debates.c.round_id == round_id).order_by(debates.c.id)):
            free.setdefault((names[prop], names[opp]), deque()).append(debate_id)
        params = []
        for pairing in pairings:
            playing = free.get((pairing["proposition"], pairing["opposition"]))
            if not playing:
                continue
            flags, seeds = pairing.get("flags") or [], pairing.get("seeds")
            params.append({"d_id": playing.popleft(), "d_flags": json.dumps(flags) if flags else None, "d_bracket": pairing.get("bracket"),
                           "d_prop_seed": seeds[0] if seeds else None, "d_opp_seed": seeds[1] if seeds else None})
        if params:
            conn.execute(set_pairing, params)
        conn.execute(update(rounds).where(rounds.c.id == round_id).values(draw_json=json.dumps(header)))


def writable_engine(url: str, location: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
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
            # Not a write refused: SQLite could not set up reading (see `_read_only_target`).
            raise StoreError(
                f"cannot read {location} ({context.original_exception}): a writer's -wal file is beside it, "
                "and reading alongside needs its -shm file readable or the folder writable"
            ) from None
        raise ReadOnlyStoreError(f"{location} is open read-only: this view cannot change the tournament") from None

    return engine


def _sqlite_read_only_engine(url: str) -> Engine:
    path = Path(make_url(url).database or "").resolve()

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(_read_only_target(path), uri=True, check_same_thread=False, timeout=30)

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


def _read_only_target(path: Path) -> str:
    """The URI a reader opens: `mode=ro`, enforced by SQLite itself below anything SQLAlchemy
    does; it shares the -shm file, so it sees what a writer in another process commits.

    A WAL database with no -wal file has no live writer and every row in the main file. A
    reader would still create the -wal and -shm files (and leave them behind), which it cannot
    do in a folder it may not write; `immutable=1` reads the main file alone, and a writer that
    starts later is seen from the next connection on, since each session opens its own.
    """
    target = f"{path.as_uri()}?mode=ro"
    if _is_wal_mode(path) and not wal_file(path).exists():
        target += "&immutable=1"
    return target


def _is_wal_mode(path: Path) -> bool:
    # Bytes 18 and 19 of the header, the file format's read and write versions, are 2 in WAL mode.
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return header[18:20] == b"\x02\x02"


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
        exc = context.original_exception
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            raise StoreError(f"{location} is damaged ({exc}); restore it from a copy or pass a new --db") from None

    return report


def _is_read(statement: str | None) -> bool:
    return (statement or "").lstrip().upper().startswith(("SELECT", "PRAGMA", "WITH"))


def _is_read_only_refusal(exc: BaseException) -> bool:
    """SQLite's 'attempt to write a readonly database' or PostgreSQL's SQLSTATE 25006."""
    if isinstance(exc, sqlite3.OperationalError):
        return "readonly" in str(exc) or "query_only" in str(exc)
    return getattr(exc, "sqlstate", None) == "25006" or getattr(exc, "pgcode", None) == "25006"
