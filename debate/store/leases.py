"""Debates leased to workers: claim, renew (heartbeat), release, and writes guarded by a lease.

Several `debate worker` processes share a tournament through its debate rows. A worker claims
runnable debates of the current round (free, or whose holder's lease ran out) and owns them
until its lease ends; it renews its leases on a heartbeat. On PostgreSQL the claim locks the
rows it takes (`FOR UPDATE SKIP LOCKED`), so two workers never claim one debate, and a guarded
write locks the debates it writes for, so a takeover waits for the write or the write sees the
takeover. On SQLite every write transaction is serialised anyway.

`lease_until` 0 marks a debate that failed in this pass: no worker retries it until the next
run's coordinator frees it (`reopen_failed`), as a single run leaves its failures for the next.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from fnmatch import fnmatchcase

from sqlalchemy import and_, func, or_, select, update
from sqlmodel import col

from debate.store.base import StoreBase
from debate.store.results import SETTLED
from debate.store.tables import ContestantRow, DebateRow, RoundRow, RunnerRow, SpeechRow

FAILED_IN_PASS = 0.0


class LeaseQueries(StoreBase):
    def claim_debates(
        self, tournament_id: int, worker: str, limit: int, lease_s: float, *,
        contestant_models: Sequence[str] | None = None, speeches: int | None = None, judge: bool = True,
    ) -> list[int]:
        """Lease up to `limit` runnable debates of the tournament's current round (its first
        round not done) to `worker` until now + `lease_s`; their ids, in order.

        Runnable: pending, stopped or failed (in an earlier pass) with no live lease, or running
        whose lease ran out (its worker died). `contestant_models` (fnmatch patterns; None: any) keeps the debates whose
        two contestants' models all match; a worker that cannot `judge` takes only debates whose
        `speeches` are not all stored yet, and one given no contestant it can serve (an empty
        match) takes only debates whose speeches are all stored, to judge them."""
        if limit <= 0:
            return []
        now = time.time()
        debates = DebateRow.__table__  # type: ignore[attr-defined]
        with self._session() as session:
            current = session.exec(  # type: ignore[call-overload]
                select(func.min(RoundRow.number)).where(RoundRow.tournament_id == tournament_id, RoundRow.status != "done")
            ).scalar()
            if current is None:
                return []
            free = or_(debates.c.lease_until.is_(None), and_(debates.c.lease_until > FAILED_IN_PASS, debates.c.lease_until < now))
            expired = and_(debates.c.lease_until > FAILED_IN_PASS, debates.c.lease_until < now)
            query = select(debates.c.id).where(
                debates.c.tournament_id == tournament_id, debates.c.round_number == current,
                or_(and_(debates.c.status.in_(("pending", "stopped", "failed")), free), and_(debates.c.status == "running", expired)),
            )
            if contestant_models is not None:
                rows = session.exec(select(ContestantRow.id, ContestantRow.model).where(ContestantRow.tournament_id == tournament_id)).all()  # type: ignore[call-overload]
                served = [cid for cid, model in rows if any(fnmatchcase(model, p) for p in contestant_models)]
                if served:
                    query = query.where(debates.c.proposition_id.in_(served), debates.c.opposition_id.in_(served))
            else:
                served = None
            if speeches is not None:
                spoken = select(func.count()).select_from(SpeechRow.__table__).where(col(SpeechRow.debate_id) == debates.c.id).scalar_subquery()  # type: ignore[attr-defined]
                if served == []:
                    query = query.where(spoken >= speeches)  # a judging-only worker
                elif not judge:
                    query = query.where(spoken < speeches)  # a speaking-only worker
            elif served == [] or not judge:
                return []
            query = query.order_by(debates.c.id).limit(limit)
            if not self.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            ids = [row[0] for row in session.exec(query).all()]  # type: ignore[call-overload]
            if ids:
                session.exec(update(DebateRow).where(col(DebateRow.id).in_(ids)).values(worker=worker, lease_until=now + lease_s))  # type: ignore[call-overload]
            session.commit()
        return ids

    def renew_leases(self, worker: str, debate_ids: Collection[int], lease_s: float) -> set[int]:
        """Extend `worker`'s leases on these debates (its heartbeat); the ones it still holds."""
        if not debate_ids:
            return set()
        with self._session() as session:
            held = self._held(session, worker, debate_ids)
            if held:
                session.exec(update(DebateRow).where(col(DebateRow.id).in_(held)).values(lease_until=time.time() + lease_s))  # type: ignore[call-overload]
            session.commit()
        return held

    def release_debates(self, worker: str, debate_ids: Collection[int], *, failed: Collection[int] = (), stop: bool = False) -> None:
        """Give up `worker`'s leases on these debates (the worker column keeps who ran them);
        those `failed` are marked so no worker retries them in this pass; with `stop` (the
        worker is stopping), those it was running are marked stopped, to be claimed again."""
        ids = set(debate_ids)
        if not ids:
            return
        with self._session() as session:
            held = self._held(session, worker, ids)
            for group, until in ((held - set(failed), None), (held & set(failed), FAILED_IN_PASS)):
                if group:
                    session.exec(update(DebateRow).where(col(DebateRow.id).in_(group)).values(lease_until=until))  # type: ignore[call-overload]
            if stop and held:
                session.exec(update(DebateRow).where(col(DebateRow.id).in_(held), DebateRow.status == "running").values(status="stopped"))  # type: ignore[call-overload]
            session.commit()

    def reopen_debates(self, tournament_id: int) -> None:
        """At the start of a coordinated run: failures of earlier passes may be retried, and a
        debate left `running` without a lease (a single run killed mid-debate) is stopped."""
        with self._session() as session:
            session.exec(update(DebateRow).where(DebateRow.tournament_id == tournament_id, DebateRow.lease_until == FAILED_IN_PASS).values(lease_until=None))  # type: ignore[call-overload]
            session.exec(update(DebateRow).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "running", col(DebateRow.lease_until).is_(None)).values(status="stopped"))  # type: ignore[call-overload]
            session.commit()

    def open_debates(self, tournament_id: int, round_number: int) -> int:
        """How many of the round's debates may still change in this pass: neither settled nor
        failed in it (a round with none open is over for this pass)."""
        debates = DebateRow.__table__  # type: ignore[attr-defined]
        failed_here = and_(debates.c.status == "failed", debates.c.lease_until == FAILED_IN_PASS)
        with self._session() as session:
            return int(session.exec(  # type: ignore[call-overload]
                select(func.count()).select_from(debates).where(
                    debates.c.tournament_id == tournament_id, debates.c.round_number == round_number,
                    debates.c.status.not_in(SETTLED), ~failed_here,
                )
            ).scalar() or 0)

    def set_shared(self, tournament: str, runner_pid: int, runner_host: str, shared: bool) -> None:
        """Say on the runner's claim whether workers may take its debates."""
        with self._session() as session:
            session.exec(update(RunnerRow).where(RunnerRow.tournament == tournament, RunnerRow.pid == runner_pid, RunnerRow.host == runner_host).values(shared=shared))  # type: ignore[call-overload]
            session.commit()

    def shared_tournaments(self) -> list[str]:
        """The tournaments whose runner coordinates workers now (oldest claim first)."""
        with self._session() as session:
            return list(session.exec(select(RunnerRow.tournament).where(RunnerRow.shared == True).order_by(RunnerRow.started_at)).scalars())  # type: ignore[call-overload]

    @staticmethod
    def _held(session: object, worker: str, debate_ids: Collection[int]) -> set[int]:
        query = select(DebateRow.id).where(col(DebateRow.id).in_(list(debate_ids)), DebateRow.worker == worker)
        return set(session.exec(query).scalars())  # type: ignore[attr-defined]
