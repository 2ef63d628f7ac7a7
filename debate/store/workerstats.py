"""Workers as a tournament's debate rows show them: what each runs now, has settled and failed,
its recent throughput and its last error.

A debate row keeps only the worker that holds it or last held it (`DebateRow.worker`), so a
debate taken over or retried by another worker counts for the last one alone; a single-process
run leaves the column NULL and has no workers here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import col, select

from debate.store.base import StoreBase
from debate.store.models import WorkerStats
from debate.store.results import SETTLED
from debate.store.tables import DebateRow

RATE_WINDOW_S = 600.0
"""How far back from a worker's latest finish its throughput is measured (its recent work)."""
MIN_SPAN_S = 1.0  # a shorter span (one instant fake debate) would give an absurd rate


class WorkerQueries(StoreBase):
    def worker_stats(self, tournament_id: int, *, now: float | None = None) -> list[WorkerStats]:
        """Each worker that has held a debate of the tournament, by name; [] when none has.

        `running`: its debates with status running and a lease still live at `now` (epoch
        seconds; default the clock). `per_minute`: the debates it settled in the last
        `RATE_WINDOW_S` before its latest finish, per minute from the earliest start among
        them (at most that window back) to that finish. It is its rate while it works, and
        stays what it was once it stops, so a finished tournament still compares its workers."""
        now = time.time() if now is None else now
        with self._session() as session:
            rows = session.exec(
                select(DebateRow.worker, DebateRow.status, DebateRow.lease_until, DebateRow.started_at, DebateRow.finished_at, DebateRow.error, DebateRow.id)
                .where(DebateRow.tournament_id == tournament_id, col(DebateRow.worker).is_not(None))
            ).all()
        tallies: dict[str, _Tally] = {}
        for worker, status, lease_until, started, finished, error, debate_id in rows:
            tally = tallies.setdefault(worker, _Tally())
            if status == "running" and lease_until is not None and lease_until > now:
                tally.running += 1
            elif status in SETTLED:
                tally.settled += 1
                if finished is not None:
                    tally.spans.append((_naive(started), _naive(finished)))
            elif status == "failed":
                tally.failed += 1
                # The latest failure by when it ended; the id orders failures with no timestamp.
                key = (_naive(finished) or datetime.min, debate_id or 0)
                if tally.last_failure is None or key > tally.last_failure[0]:
                    tally.last_failure = (key, error, debate_id)
        return [
            WorkerStats(
                worker=name, running=t.running, settled=t.settled, failed=t.failed, per_minute=_per_minute(t.spans),
                last_error=t.last_failure[1] if t.last_failure else None, last_error_debate=t.last_failure[2] if t.last_failure else None,
            )
            for name, t in sorted(tallies.items())
        ]


@dataclass
class _Tally:
    running: int = 0
    settled: int = 0
    failed: int = 0
    spans: list[tuple[datetime | None, datetime]] = field(default_factory=list)  # (started, finished) of settled debates
    last_failure: tuple[tuple[datetime, int], str | None, int | None] | None = None  # (order key, error, debate id)


def _per_minute(spans: list[tuple[datetime | None, datetime]]) -> float | None:
    """Debates settled per minute over the recent work these (start, finish) pairs describe."""
    if not spans:
        return None
    last = max(finished for _, finished in spans)
    recent = [(started, finished) for started, finished in spans if (last - finished).total_seconds() <= RATE_WINDOW_S]
    earliest = min((started or finished for started, finished in recent), default=last)
    span = min(max((last - earliest).total_seconds(), MIN_SPAN_S), RATE_WINDOW_S)
    return len(recent) * 60.0 / span


def _naive(stamp: datetime | None) -> datetime | None:
    """UTC without a zone: SQLite gives naive timestamps back, a driver may give aware ones."""
    if stamp is None or stamp.tzinfo is None:
        return stamp
    return stamp.astimezone(UTC).replace(tzinfo=None)
