"""Results of judged and forfeited debates one at a time, as the bracket and the draws read
them (the standings' sums per pairing and the ratings' battles are plain reads, in `reads`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from sqlmodel import select

from debate.store.ballots import BallotQueries
from debate.store.reads import forfeited_side
from debate.store.tables import DebateRow

if TYPE_CHECKING:
    # Imported where used: the standings' module (and the draws it pulls in) is for the
    # commands that rank, not for every command that opens a store.
    from debate.draws.standings import DebateResult

SETTLED = ("judged", "forfeit")
"""The statuses of a debate that has its result: it is never run again."""


class ResultQueries(BallotQueries):
    def debate_results(self, tournament_id: int, rounds: Collection[int] | None = None) -> dict[int, list[DebateResult]]:
        """Judged and forfeited debates as standings input, by round (of `rounds`, or every
        round): winner, final ballots per side, rubric totals, whether the debate is voided
        (excluded from ratings: the standings leave it out too), and which side forfeited it."""
        from debate.draws.standings import DebateResult

        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            # Columns, not DebateRow objects: this reads every judged debate of the tournament
            # (after each round), and ORM rows with their identity-map state cost several times
            # what the results do, so the end-of-round peak grew with the tournament's size.
            query = (
                select(DebateRow.id, DebateRow.round_number, DebateRow.proposition_id, DebateRow.opposition_id, DebateRow.winner, DebateRow.prop_score, DebateRow.opp_score, DebateRow.excluded, DebateRow.status)
                .where(DebateRow.tournament_id == tournament_id, DebateRow.status.in_(SETTLED)).order_by(DebateRow.id)  # type: ignore[arg-type,attr-defined]
            )
            if rounds is not None:
                query = query.where(DebateRow.round_number.in_(list(rounds)))  # type: ignore[attr-defined]
            debates = session.exec(query).all()
        ballots = self._final_winners(tournament_id, rounds)
        results: dict[int, list[DebateResult]] = {}
        for d in debates:
            votes = [w for w in ballots.get(d.id or 0, []) if w is not None]
            results.setdefault(d.round_number, []).append(DebateResult(
                proposition=names[d.proposition_id], opposition=names[d.opposition_id], winner=d.winner,  # type: ignore[arg-type]
                ballots_prop=votes.count("proposition") + votes.count("tie") / 2, ballots_opp=votes.count("opposition") + votes.count("tie") / 2,
                score_prop=d.prop_score or 0.0, score_opp=d.opp_score or 0.0, voided=d.excluded and d.status == "judged",
                forfeited=forfeited_side(d.winner) if d.status == "forfeit" else None,
            ))
        return results

    def forfeits(self, tournament_id: int) -> dict[str, str]:
        """Each contestant that has forfeited a debate, with the first such debate's reason: it
        stays unavailable for the rest of the tournament (a forfeit is final)."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            rows = session.exec(
                select(DebateRow.proposition_id, DebateRow.opposition_id, DebateRow.winner, DebateRow.error)
                .where(DebateRow.tournament_id == tournament_id, DebateRow.status == "forfeit").order_by(DebateRow.id)  # type: ignore[arg-type]
            ).all()
        out: dict[str, str] = {}
        for prop, opp, winner, error in rows:
            for side, contestant in (("proposition", prop), ("opposition", opp)):
                if forfeited_side(winner) in (side, "both"):
                    out.setdefault(names[contestant], error or "unavailable")
        return out
