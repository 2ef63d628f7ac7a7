"""The claim row that makes one process the runner of a tournament (rules in `claims`)."""

from __future__ import annotations

import time

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from debate.core.errors import TournamentBusy
from debate.store.base import StoreBase
from debate.store.claims import Runner, may_take_over
from debate.store.tables import RunnerRow


class RunClaims(StoreBase):
    def claim_run(self, tournament: str, me: Runner) -> None:
        """Become the one runner of `tournament`, or raise TournamentBusy naming who is."""
        now = time.time()
        with self._session() as session:
            if _insert_claim(session, tournament, me, now):
                return
            row = session.get(RunnerRow, tournament)
            if row is None:  # released between our insert and this read: try once more
                if not _insert_claim(session, tournament, me, now):
                    raise TournamentBusy(f"tournament '{tournament}' was claimed by another run at the same moment")
                return
            if not may_take_over(Runner(row.pid, row.host), row.heartbeat_at, me, now):
                raise TournamentBusy(
                    f"tournament '{tournament}' is being run by process {row.pid} on {row.host} "
                    f"(it checked in {now - row.heartbeat_at:.0f} s ago); stop that run first, "
                    f"or watch it with `debate spectate {self.location}`"
                )
            if not _take_claim(session, row, me, now):
                raise TournamentBusy(f"tournament '{tournament}' was claimed by another run at the same moment")

    def keep_run(self, tournament: str, me: Runner) -> bool:
        """Refresh the claim's heartbeat; False if another run has taken it over."""
        with self._session() as session:
            result = session.exec(  # type: ignore[call-overload]
                update(RunnerRow)
                .where(RunnerRow.tournament == tournament, RunnerRow.pid == me.pid, RunnerRow.host == me.host)
                .values(heartbeat_at=time.time())
            )
            session.commit()
            return bool(result.rowcount == 1)

    def take_over_run(self, tournament: str, me: Runner) -> Runner | None:
        """Take the claim on `tournament` if its holder is dead (a worker taking over a killed
        coordinator); the holder it replaced, or None when the claim is live or gone (a
        finished tournament's claim is released, and a worker must not start it again)."""
        now = time.time()
        with self._session() as session:
            row = session.get(RunnerRow, tournament)
            if row is None:
                return None
            holder = Runner(row.pid, row.host)
            if not may_take_over(holder, row.heartbeat_at, me, now):
                return None
            return holder if _take_claim(session, row, me, now) else None

    def abandon_run(self, tournament: str, me: Runner) -> None:
        """Leave the claim for the next process to take at once (its heartbeat set long past),
        instead of releasing it: a stopping worker that coordinates hands the tournament on to
        the other workers rather than ending their shared run."""
        with self._session() as session:
            session.exec(update(RunnerRow).where(RunnerRow.tournament == tournament, RunnerRow.pid == me.pid, RunnerRow.host == me.host).values(heartbeat_at=0.0))  # type: ignore[call-overload]
            session.commit()

    def release_run(self, tournament: str, me: Runner) -> None:
        with self._session() as session:
            session.exec(delete(RunnerRow).where(RunnerRow.tournament == tournament, RunnerRow.pid == me.pid, RunnerRow.host == me.host))  # type: ignore[call-overload]
            session.commit()

    def runner_of(self, tournament: str) -> tuple[Runner, float] | None:
        """Who holds the claim on `tournament` and how many seconds ago it checked in."""
        with self._session() as session:
            row = session.get(RunnerRow, tournament)
        if row is None:
            return None
        return Runner(row.pid, row.host), time.time() - row.heartbeat_at


def _take_claim(session: Session, row: RunnerRow, me: Runner, now: float) -> bool:
    """Replace a dead claim by `me`'s: a compare-and-set on the row as read, so two processes
    cannot both take it. False when another took it first."""
    taken = session.exec(  # type: ignore[call-overload]
        update(RunnerRow)
        .where(RunnerRow.tournament == row.tournament, RunnerRow.pid == row.pid, RunnerRow.host == row.host,
               RunnerRow.heartbeat_at == row.heartbeat_at)
        .values(pid=me.pid, host=me.host, started_at=now, heartbeat_at=now)
    )
    session.commit()
    return bool(taken.rowcount == 1)


def _insert_claim(session: Session, tournament: str, me: Runner, now: float) -> bool:
    """Insert a fresh claim row; False (rolled back) when a claim row is already there."""
    session.add(RunnerRow(tournament=tournament, pid=me.pid, host=me.host, started_at=now, heartbeat_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
