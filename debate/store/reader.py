"""A SQLite file opened read-only on the standard library's sqlite3, for commands that only read.

Importing SQLAlchemy and building the sqlmodel tables takes about half a second, most of what
`debate show` or `debate tournaments` cost before. A `Reader` runs the plain-SQL reads
(`reads.ReadQueries`) itself, on a `mode=ro` connection per method, like the read-only `Store`
does. Any other method is handed to a read-only `Store`, opened on first use, so a reader answers
everything a `Store` opened read-only does, and refuses every write the same way.

Only a database already at this release's schema is read this way; for anything else
(`open_reader` returns None) the caller opens the `Store`, which says what is wrong or what to run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from debate.core.errors import StoreError
from debate.store.reads import ReadQueries, Rows
from debate.store.vetting import check_sqlite_file, damage, read_only_target

if TYPE_CHECKING:
    from debate.store.repository import Store


def open_reader(target: str) -> Reader | None:
    """A reader on the SQLite file at `target` (a path, not a URL), or None when the `Store` must
    open it: a URL, or a database not at this release's schema (or not one of ours at all)."""
    if "://" in target:
        return None
    path = Path(target).expanduser().resolve()
    check_sqlite_file(path, str(path))
    reader = Reader(path)
    return reader if reader.is_current() else None


class Reader(ReadQueries):
    """A read-only store on one SQLite file; see the module."""

    is_sqlite = True
    read_only = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        self._store: Store | None = None

    @property
    def location(self) -> str:
        return str(self.path)

    def is_current(self) -> bool:
        """Is the file at this release's schema (its Alembic revision `HEAD`)?"""
        from debate.store import migrations

        try:
            with self._reading() as rows:
                return [r.version_num for r in rows("SELECT version_num FROM alembic_version")] == [migrations.HEAD]
        except StoreError:  # no such table (an older or a foreign database): the Store decides
            return False

    @contextmanager
    def _reading(self) -> Iterator[Rows]:
        try:
            with closing(sqlite3.connect(read_only_target(self.path), uri=True, timeout=30)) as conn:
                conn.row_factory = _record
                conn.execute("BEGIN")  # one snapshot for all of a method's queries
                yield _CursorRows(conn)
        except sqlite3.DatabaseError as exc:
            raise damage(exc, self.location) or StoreError(f"cannot read {self.location}: {exc}") from None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def __getattr__(self, name: str) -> Any:
        # Only for what the class does not define: every Store method but the plain reads.
        if name.startswith("__") or name == "_store":
            raise AttributeError(name)
        if self._store is None:
            from debate.store.repository import Store

            self._store = Store(str(self.path), create=False, read_only=True)
        return getattr(self._store, name)


class _CursorRows:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __call__(self, sql: str, /, **params: Any) -> list[Any]:
        return self.connection.execute(sql, params).fetchall()

    def each(self, sql: str, /, **params: Any) -> Iterator[Any]:
        cursor = self.connection.cursor()
        cursor.row_factory = None  # plain tuples
        return iter(cursor.execute(sql, params))


def _record(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> SimpleNamespace:
    """A row read by column name, as SQLAlchemy's rows are."""
    return SimpleNamespace(**dict(zip((column[0] for column in cursor.description), values)))
