"""The repository: the small API the engine, the CLI and the TUI use to read and write.

`Store` is one object over one database; its methods live in small modules by what they
handle (tournaments, run claims, rounds, the write path, ballots and results, leases and the
workers they show). The reads the read-only commands make (tournaments, debates, one debate,
the standings' and ratings' input, usage) are plain SQL in `reads`, which `Reader` also runs on
sqlite3 alone.
"""

from __future__ import annotations

from debate.store.database import ReadOnlyStoreError, Upgraded, database_url, open_engine
from debate.store.copies import TranscriptCopies
from debate.store.leases import LeaseQueries
from debate.store.reads import ReadQueries
from debate.store.results import ResultQueries
from debate.store.rounds import RoundQueries
from debate.store.runs import RunClaims
from debate.store.tournaments import TournamentQueries
from debate.store.workerstats import WorkerQueries
from debate.store.writes import RecordWrites

__all__ = ["ReadOnlyStoreError", "Store", "Upgraded", "database_url"]


# ReadQueries last: its `_reading` is the stub StoreBase's overrides.
class Store(TournamentQueries, RunClaims, RoundQueries, RecordWrites, ResultQueries, TranscriptCopies, LeaseQueries, WorkerQueries, ReadQueries):
    def __init__(self, target: str, *, create: bool = True, read_only: bool = False) -> None:
        """Open `target` (a path or SQLAlchemy URL); `create` makes a missing database.

        `read_only` opens it so that no write can succeed whatever the caller does: SQLite through
        `mode=ro` (another process may keep writing; WAL lets this one read alongside), PostgreSQL
        with read-only transactions. A write then raises `ReadOnlyStoreError`.
        """
        self.url = database_url(target)
        self.is_sqlite = self.url.startswith("sqlite")
        self.read_only = read_only
        self.engine, self.upgraded = open_engine(self.url, self.location, create=create and not read_only, read_only=read_only)
