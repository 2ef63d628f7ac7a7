"""What every part of the `Store` shares: its engine, sessions and the contestant look-ups."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, make_url, text
from sqlmodel import Session, select

from debate.store.reads import Rows
from debate.store.tables import ContestantRow, MotionRow


class StoreBase:
    """The connection half of `Store`; the query mixins build on it."""

    engine: Engine
    url: str
    is_sqlite: bool
    read_only: bool

    def close(self) -> None:
        self.engine.dispose()

    @property
    def location(self) -> str:
        return self.url.removeprefix("sqlite:///") if self.is_sqlite else make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def _reading(self) -> Iterator[Rows]:
        """The plain-SQL reads (`reads`) on this engine, in one transaction."""
        with self.engine.connect() as conn:
            yield _ConnectionRows(conn)

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @staticmethod
    def _contestant_ids(session: Session, tournament_id: int) -> dict[str, int]:
        rows = session.exec(select(ContestantRow).where(ContestantRow.tournament_id == tournament_id)).all()
        return {r.name: r.id for r in rows if r.id is not None}

    @staticmethod
    def _contestant_names(session: Session, tournament_id: int) -> dict[int, str]:
        rows = session.exec(select(ContestantRow).where(ContestantRow.tournament_id == tournament_id)).all()
        return {r.id: r.name for r in rows if r.id is not None}

    @staticmethod
    def _motion_rows(session: Session, tournament_id: int) -> dict[int, MotionRow]:
        rows = session.exec(select(MotionRow).where(MotionRow.tournament_id == tournament_id)).all()
        return {m.id: m for m in rows if m.id is not None}


@dataclass(frozen=True)
class _ConnectionRows:
    connection: Connection

    def __call__(self, sql: str, /, **params: Any) -> list[Any]:
        return list(self.connection.execute(text(sql), params))

    def each(self, sql: str, /, **params: Any) -> Iterator[Any]:
        # A server-side cursor where the database has them (PostgreSQL), so the rows are not
        # all held on the client either; SQLite's cursor steps through them anyway.
        return iter(self.connection.execute(text(sql).execution_options(stream_results=True), params))
