"""Ballots as they are read: each debate's final ballots' sides, every model ballot and
presentation, and who has scored what. The rule for a rater's final ballot is
`reads.FINAL_BALLOTS`; `final_ballots_of` puts it in SQLAlchemy's statements."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Integer, Subquery, text
from sqlmodel import select

from debate.store.base import StoreBase
from debate.store.converters import stored_ballot, stored_order_ballot
from debate.store.models import StoredBallot, StoredOrderBallot
from debate.store.reads import FINAL_BALLOTS
from debate.store.tables import BallotRow, DebateRow, OrderBallotRow


def final_ballots_of(tournament_id: int) -> Subquery:
    """`reads.FINAL_BALLOTS` (the rule, in plain SQL) as a subquery for SQLAlchemy's statements:
    `id` and `first_id` per rater per debate of the tournament."""
    return text(FINAL_BALLOTS).bindparams(final_tournament=tournament_id).columns(id=Integer, first_id=Integer).subquery("final_ballot")


class BallotQueries(StoreBase):
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
