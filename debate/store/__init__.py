"""Persistence: sqlmodel tables behind a small repository API.

The store is the source of truth. Every finished speech, ballot and model call is committed
as soon as it exists, so a tournament that is killed resumes from here without paying again
for anything already stored. SQLite (WAL) by default; any SQLAlchemy URL otherwise.
"""

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
    "WorkerStats",
    "database_url",
]
