"""Persistence: sqlmodel tables behind a small repository API.

The store is the source of truth. Every finished speech, ballot and model call is committed
as soon as it exists, so a tournament that is killed resumes from here without paying again
for anything already stored. SQLite (WAL) by default; any SQLAlchemy URL otherwise.

Names load on first use: the records need only pydantic, and a command that only reads a
SQLite file (`debate.store.reader`) never imports SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from debate.core.lazy import lazy_names

if TYPE_CHECKING:
    from debate.store.models import (
        BallotRecord,
        CallRecord,
        DebateDetail,
        DebatePlan,
        DebateSummary,
        DebateUpdate,
        FindingRecord,
        OrderBallotRecord,
        QualificationRecord,
        Record,
        RoundHeader,
        SpeechRecord,
        StoredBallot,
        StoredFinding,
        StoredOrderBallot,
        StoredQualification,
        StoredRound,
        TournamentInfo,
        WorkerStats,
    )
    from debate.store.reads import TournamentRecord
    from debate.store.repository import ReadOnlyStoreError, Store, database_url

__all__ = [
    "BallotRecord",
    "CallRecord",
    "DebateDetail",
    "DebatePlan",
    "DebateSummary",
    "DebateUpdate",
    "FindingRecord",
    "OrderBallotRecord",
    "QualificationRecord",
    "ReadOnlyStoreError",
    "Record",
    "RoundHeader",
    "SpeechRecord",
    "Store",
    "StoredBallot",
    "StoredFinding",
    "StoredOrderBallot",
    "StoredQualification",
    "StoredRound",
    "TournamentInfo",
    "TournamentRecord",
    "WorkerStats",
    "database_url",
]

_RECORDS = [name for name in __all__ if name not in ("ReadOnlyStoreError", "Store", "TournamentRecord", "database_url")]
__getattr__ = lazy_names(
    __name__,
    {
        **dict.fromkeys(_RECORDS, "models"),
        "TournamentRecord": "reads",
        **dict.fromkeys(("ReadOnlyStoreError", "Store", "database_url"), "repository"),
    },
)
