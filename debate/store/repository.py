"""The repository: the small API the engine, the CLI and the TUI use to read and write.

`Store` is one object over one database; its methods live in small modules by what they
handle (tournaments, run claims, rounds, the write path, debates, ballots and results, usage).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import OperationalError

from debate.core.errors import StoreError
from debate.store.database import ReadOnlyStoreError, check_schema, database_url, read_only_engine, writable_engine
from debate.store.copies import TranscriptCopies
from debate.store.debates import DebateQueries
from debate.store.results import ResultQueries
from debate.store.rounds import RoundQueries
from debate.store.runs import RunClaims
from debate.store.tournaments import TournamentQueries
from debate.store.usage import UsageQueries
from debate.store.writes import RecordWrites

__all__ = ["ReadOnlyStoreError", "Store", "database_url"]


class Store(TournamentQueries, RunClaims, RoundQueries, RecordWrites, DebateQueries, ResultQueries, UsageQueries, TranscriptCopies):
    def __init__(self, target: str, *, create: bool = True, read_only: bool = False) -> None:
        """Open `target` (a path or SQLAlchemy URL); `create` makes a missing database.

        `read_only` opens it so that no write can succeed whatever the caller does: SQLite through
        `mode=ro` (another process may keep writing; WAL lets this one read alongside), PostgreSQL
        with read-only transactions. A write then raises `ReadOnlyStoreError`.
        """
        self.url = database_url(target)
        self.is_sqlite = self.url.startswith("sqlite")
        self.read_only = read_only
        create = create and not read_only
        if self.is_sqlite and not create:
            path = Path(self.url.removeprefix("sqlite:///"))
            if not path.exists():
                raise StoreError(f"no database at {path} (run a tournament first, or pass --db)")
        self.engine = read_only_engine(self.url, self.location) if read_only else writable_engine(self.url)
        try:
            check_schema(self.engine, self.location, create=create, read_only=read_only)
        except OperationalError as exc:
            raise StoreError(f"cannot open database {self.location}: {exc.orig}") from None
