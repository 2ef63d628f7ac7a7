"""Debates as they are read: the list, a plan to (re)start one, one in full, speeches so far."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import Session, select

from debate.core.errors import StoreError
from debate.core.formats import Format, Side
from debate.core.transcript import Speech
from debate.store.base import StoreBase
from debate.store.converters import motion_text, stored_ballot, stored_finding, stored_order_ballot
from debate.store.models import DebateDetail, DebatePlan, DebateSummary, StoredBallot, StoredFinding, StoredOrderBallot
from debate.store.tables import BallotRow, DebateRow, FindingRow, MotionRow, OrderBallotRow, PartialSpeechRow, SpeechRow, TournamentRow


B = TypeVar("B", StoredBallot, StoredOrderBallot)


class DebateQueries(StoreBase):
    def debates(self, tournament_id: int) -> list[DebateSummary]:
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            motions = self._motion_rows(session, tournament_id)
            rows = session.exec(select(DebateRow).where(DebateRow.tournament_id == tournament_id).order_by(DebateRow.id)).all()  # type: ignore[arg-type]
        return [DebateSummary(id=d.id or 0, round=d.round_number, proposition=names[d.proposition_id], opposition=names[d.opposition_id], motion=motions[d.motion_id].key, status=d.status, winner=d.winner, voided=d.excluded, worker=d.worker, error=d.error) for d in rows]

    def debate_plan(self, debate_id: int) -> DebatePlan:
        plans = self.debate_plans([debate_id])
        if not plans:
            raise StoreError(f"no debate with id {debate_id} in {self.location}")
        return plans[0]

    def debate_plans(self, debate_ids: Sequence[int]) -> list[DebatePlan]:
        """Plans for many debates in seven queries, whatever their number, in the order asked."""
        ids = list(debate_ids)
        with self._session() as session:
            debates = session.exec(select(DebateRow).where(DebateRow.id.in_(ids))).all()  # type: ignore[union-attr]
            if not debates:
                return []
            names = self._contestant_names(session, debates[0].tournament_id)
            motions = {m.id: motion_text(m) for m in session.exec(select(MotionRow).where(MotionRow.id.in_({d.motion_id for d in debates}))).all()}  # type: ignore[union-attr]
            speeches, ballots, findings = _speeches(session, ids), _model_ballots(session, ids), _findings(session, ids)
            orders = _order_ballots(session, ids)
        order = {debate_id: n for n, debate_id in enumerate(ids)}
        return [
            DebatePlan(
                debate_id=d.id or 0,
                round_number=d.round_number,
                proposition=names[d.proposition_id],
                opposition=names[d.opposition_id],
                motion=motions[d.motion_id],
                speeches=tuple(speeches.get(d.id or 0, ())),
                ballots=_carried(ballots.get(d.id or 0, ()), d.status),
                order_ballots=_carried(orders.get(d.id or 0, ()), d.status),
                findings=tuple(findings.get(d.id or 0, ())),
            )
            for d in sorted(debates, key=lambda d: order[d.id or 0])
        ]

    def debate_detail(self, debate_id: int) -> DebateDetail:
        """One debate in full: its plan, status and panel result, every ballot and finding."""
        with self._session() as session:
            debate = session.get(DebateRow, debate_id)
            if debate is None:
                raise StoreError(f"no debate with id {debate_id} in {self.location}")
            tournament = session.get(TournamentRow, debate.tournament_id)
            assert tournament is not None
            plan = self.debate_plan(debate_id)
            ballots = session.exec(select(BallotRow).where(BallotRow.debate_id == debate_id).order_by(BallotRow.id)).all()  # type: ignore[arg-type]
            findings = session.exec(select(FindingRow).where(FindingRow.debate_id == debate_id).order_by(FindingRow.id)).all()  # type: ignore[arg-type]
        return DebateDetail(
            id=debate_id,
            tournament=tournament.name,
            round=debate.round_number,
            status=debate.status,
            winner=debate.winner,
            error=debate.error,
            proposition=plan.proposition,
            opposition=plan.opposition,
            motion=plan.motion,
            format=Format.model_validate_json(tournament.format_json).name,
            speeches=list(plan.speeches),
            ballots=[stored_ballot(b) for b in ballots],
            order_ballots=list(plan.order_ballots),
            findings=[stored_finding(f) for f in findings],
            margin=debate.margin, disagreement=debate.disagreement, prop_score=debate.prop_score, opp_score=debate.opp_score,
            excluded=debate.excluded, excluded_reason=debate.excluded_reason,
        )

    def partial_speeches(self, debate_ids: Sequence[int]) -> dict[tuple[int, int], str]:
        """The text so far of speeches being spoken in these debates."""
        with self._session() as session:
            rows = session.exec(select(PartialSpeechRow).where(PartialSpeechRow.debate_id.in_(list(debate_ids)))).all()  # type: ignore[attr-defined]
        return {(r.debate_id, r.idx): r.text for r in rows}


def _speeches(session: Session, ids: list[int]) -> dict[int, list[Speech]]:
    out: dict[int, list[Speech]] = {}
    for row in session.exec(select(SpeechRow).where(SpeechRow.debate_id.in_(ids)).order_by(SpeechRow.debate_id, SpeechRow.idx)).all():  # type: ignore[attr-defined]
        out.setdefault(row.debate_id, []).append(Speech(index=row.idx, side=Side(row.side), role=row.role, text=row.text))
    return out


def _model_ballots(session: Session, ids: list[int]) -> dict[int, list[StoredBallot]]:
    """Every stage of every model ballot: a resumed debate re-asks only the missing ones."""
    out: dict[int, list[StoredBallot]] = {}
    for row in session.exec(select(BallotRow).where(BallotRow.debate_id.in_(ids), BallotRow.kind == "model").order_by(BallotRow.id)).all():  # type: ignore[attr-defined]
        out.setdefault(row.debate_id, []).append(stored_ballot(row))
    return out


def _order_ballots(session: Session, ids: list[int]) -> dict[int, list[StoredOrderBallot]]:
    out: dict[int, list[StoredOrderBallot]] = {}
    for row in session.exec(select(OrderBallotRow).where(OrderBallotRow.debate_id.in_(ids)).order_by(OrderBallotRow.id)).all():  # type: ignore[attr-defined]
        out.setdefault(row.debate_id, []).append(stored_order_ballot(row))
    return out


def _findings(session: Session, ids: list[int]) -> dict[int, list[StoredFinding]]:
    out: dict[int, list[StoredFinding]] = {}
    for row in session.exec(select(FindingRow).where(FindingRow.debate_id.in_(ids)).order_by(FindingRow.id)).all():  # type: ignore[attr-defined]
        out.setdefault(row.debate_id, []).append(stored_finding(row))
    return out


def _carried(ballots: Sequence[B], status: str) -> tuple[B, ...]:
    """The stored ballots a (re)start reuses. Retrying a failed debate means judging it again:
    its abstentions are asked anew (the new answers replace them), its valid ballots stand."""
    if status != "failed":
        return tuple(ballots)
    return tuple(b for b in ballots if not b.abstained)
