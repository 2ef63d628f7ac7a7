"""Ballots as they are read: the one rule for a rater's final ballot, and who has scored what.

A rater (a judge by name, or a human scorer) may leave two ballots on a debate: its
independent one and, after deliberation, a revised one. Its *final* ballot is the revised one
where it has one, else the independent one; of two rows of the same stage the later row wins.
Every reader of final ballots (standings input, ratings, scorecards) goes through
`final_ballots_of`, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Subquery, case, func
from sqlmodel import select

from debate.store.base import StoreBase
from debate.store.converters import stored_ballot, stored_order_ballot, stored_qualification
from debate.store.models import StoredBallot, StoredOrderBallot, StoredQualification
from debate.store.tables import BallotRow, DebateRow, OrderBallotRow, QualificationRow

REVISED = "revised"


def final_ballots_of(tournament_id: int) -> Subquery:
    """One row per rater per debate of the tournament: `id`, the rater's final ballot, and
    `first_id`, its first ballot on the debate (readers list final ballots in that order)."""
    rater = (BallotRow.debate_id, BallotRow.judge)
    revised_first = case((BallotRow.stage == REVISED, 0), else_=1)
    ranked = (
        select(
            BallotRow.id.label("id"),  # type: ignore[union-attr]
            func.row_number().over(partition_by=rater, order_by=(revised_first, BallotRow.id.desc())).label("rank"),  # type: ignore[union-attr]
            func.min(BallotRow.id).over(partition_by=rater).label("first_id"),
        )
        .join(DebateRow, DebateRow.id == BallotRow.debate_id)  # type: ignore[arg-type]
        .where(DebateRow.tournament_id == tournament_id)
        .subquery("ranked_ballot")
    )
    return select(ranked.c.id, ranked.c.first_id).where(ranked.c.rank == 1).subquery("final_ballot")


class BallotQueries(StoreBase):
    def final_ballots(self, tournament_id: int, kind: str = "model") -> list[tuple[int, StoredBallot]]:
        """(debate id, ballot) for each rater's final ballot on each debate, in the order the
        raters first ballotted."""
        final = final_ballots_of(tournament_id)
        query = select(BallotRow).join(final, final.c.id == BallotRow.id).where(BallotRow.kind == kind).order_by(final.c.first_id)  # type: ignore[arg-type]
        with self._session() as session:
            rows = session.exec(query).all()
        return [(row.debate_id, stored_ballot(row)) for row in rows]

    def _final_winners(self, tournament_id: int, rounds: Collection[int] | None = None) -> dict[int, list[str | None]]:
        """Each judged debate's final ballots (model and human) as the side each one chose (in
        `rounds`, or every round)."""
        final = final_ballots_of(tournament_id)
        query = (
            select(BallotRow.debate_id, BallotRow.winner)
            .join(final, final.c.id == BallotRow.id)  # type: ignore[arg-type]
            .join(DebateRow, DebateRow.id == BallotRow.debate_id)  # type: ignore[arg-type]
            .where(DebateRow.status == "judged")
            .order_by(final.c.first_id)
        )
        if rounds is not None:
            query = query.where(DebateRow.round_number.in_(list(rounds)))  # type: ignore[attr-defined]
        out: dict[int, list[str | None]] = {}
        with self._session() as session:
            for debate_id, winner in session.exec(query):
                out.setdefault(debate_id, []).append(winner)
        return out

    def model_ballots(self, tournament_id: int) -> list[tuple[str, StoredBallot]]:
        """Every model ballot of the tournament, for judge calibration on resume."""
        with self._session() as session:
            rows = session.exec(
                select(BallotRow).join(DebateRow, DebateRow.id == BallotRow.debate_id).where(DebateRow.tournament_id == tournament_id, BallotRow.kind == "model").order_by(BallotRow.id)  # type: ignore[arg-type]
            ).all()
        return [(row.judge, stored_ballot(row)) for row in rows]

    def order_ballots(self, tournament_id: int, *, judged_only: bool = True) -> list[StoredOrderBallot]:
        """Every presentation a model judge graded in the tournament (for presented-side bias)."""
        query = select(OrderBallotRow).join(DebateRow, DebateRow.id == OrderBallotRow.debate_id).where(DebateRow.tournament_id == tournament_id)  # type: ignore[arg-type]
        if judged_only:
            query = query.where(DebateRow.status == "judged")
        with self._session() as session:
            rows = session.exec(query.order_by(OrderBallotRow.id)).all()  # type: ignore[arg-type]
        return [stored_order_ballot(row) for row in rows]

    def qualifications(self, tournament_id: int | None) -> list[StoredQualification]:
        """Each judge's latest qualification for the tournament (None: those made without one)."""
        where = QualificationRow.tournament_id == tournament_id if tournament_id is not None else QualificationRow.tournament_id.is_(None)  # type: ignore[union-attr]
        with self._session() as session:
            rows = session.exec(select(QualificationRow).where(where).order_by(QualificationRow.id)).all()  # type: ignore[arg-type]
        latest = {row.judge: row for row in rows}
        return [stored_qualification(row) for row in latest.values()]

    def debates_for_scoring(self, tournament_id: int, scorer: str, *, include_scored: bool = False) -> list[int]:
        """Debates whose speeches are complete (judged by the panel), least human-graded first;
        without `include_scored`, only those `scorer` has not graded yet."""
        with self._session() as session:
            debates = session.exec(select(DebateRow.id).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged").order_by(DebateRow.id)).all()  # type: ignore[arg-type]
            human = session.exec(
                select(BallotRow.debate_id, BallotRow.judge).join(DebateRow, DebateRow.id == BallotRow.debate_id)  # type: ignore[arg-type]
                .where(DebateRow.tournament_id == tournament_id, BallotRow.kind == "human")
            ).all()
        counts: dict[int, int] = {}
        mine = set()
        for debate_id, judge in human:
            counts[debate_id] = counts.get(debate_id, 0) + 1
            if judge == scorer:
                mine.add(debate_id)
        ids = [d for d in debates if d is not None and (include_scored or d not in mine)]
        return sorted(ids, key=lambda d: (counts.get(d, 0), d))

    def has_human_ballot(self, debate_id: int, scorer: str) -> bool:
        with self._session() as session:
            return session.exec(select(BallotRow.id).where(BallotRow.debate_id == debate_id, BallotRow.judge == scorer, BallotRow.kind == "human")).first() is not None
