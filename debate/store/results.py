"""Results of judged and forfeited debates, as the standings and the ratings read them."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func
from sqlmodel import select

from debate.store.ballots import BallotQueries, final_ballots_of
from debate.store.tables import BallotRow, DebateRow, SpeechRow

if TYPE_CHECKING:
    # Imported where used: the standings' module (and the draws it pulls in) is for the
    # commands that rank, not for every command that opens a store.
    from debate.draws.standings import DebateResult, ResultTally

SETTLED = ("judged", "forfeit")
"""The statuses of a debate that has its result: it is never run again."""


class ResultQueries(BallotQueries):
    def result_tallies(self, tournament_id: int, rounds: Collection[int]) -> list[ResultTally]:
        """The judged and forfeited debates of `rounds`, summed in the database per pairing and
        outcome: the standings' input in a few rows per pairing, however many debates. Equal to
        tallying `debate_results` of those rounds one debate at a time."""
        from debate.draws.standings import ResultTally

        final = final_ballots_of(tournament_id)
        votes = (
            select(
                BallotRow.debate_id.label("debate_id"),  # type: ignore[attr-defined]
                func.sum(case((BallotRow.winner == "proposition", 1.0), (BallotRow.winner == "tie", 0.5), else_=0.0)).label("prop"),
                func.sum(case((BallotRow.winner == "opposition", 1.0), (BallotRow.winner == "tie", 0.5), else_=0.0)).label("opp"),
            )
            .join(final, final.c.id == BallotRow.id)  # type: ignore[arg-type]
            .group_by(BallotRow.debate_id)
            .subquery("votes")
        )
        outcome = (DebateRow.proposition_id, DebateRow.opposition_id, DebateRow.status, DebateRow.winner, DebateRow.excluded)
        query = (
            select(
                *outcome, func.count(), func.sum(func.coalesce(DebateRow.prop_score, 0.0)), func.sum(func.coalesce(DebateRow.opp_score, 0.0)),
                func.sum(func.coalesce(votes.c.prop, 0.0)), func.sum(func.coalesce(votes.c.opp, 0.0)),
            )
            .outerjoin(votes, votes.c.debate_id == DebateRow.id)  # type: ignore[arg-type]
            .where(DebateRow.tournament_id == tournament_id, DebateRow.status.in_(SETTLED), DebateRow.round_number.in_(list(rounds)))  # type: ignore[attr-defined]
            .group_by(*outcome).order_by(*outcome)
        )
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            rows = session.exec(query).all()
        return [
            ResultTally(
                proposition=names[prop], opposition=names[opp], winner=winner, voided=bool(excluded) and status == "judged",
                forfeited=_forfeited(winner) if status == "forfeit" else None, debates=count,  # type: ignore[arg-type]
                ballots_prop=float(ballots_prop), ballots_opp=float(ballots_opp), score_prop=float(score_prop), score_opp=float(score_opp),
                margin=float(score_prop) - float(score_opp),
            )
            for prop, opp, status, winner, excluded, count, score_prop, score_opp, ballots_prop, ballots_opp in rows
        ]

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
                forfeited=_forfeited(d.winner) if d.status == "forfeit" else None,
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
                if _forfeited(winner) in (side, "both"):
                    out.setdefault(names[contestant], error or "unavailable")
        return out

    def battle_rows(self, tournament_id: int) -> list[dict[str, Any]]:
        """One row per judged debate: sides, winner, motion category and language, exclusion,
        and each side's total words (the length covariate of style control)."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            motions = self._motion_rows(session, tournament_id)
            debates = session.exec(select(DebateRow).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged").order_by(DebateRow.id)).all()  # type: ignore[arg-type]
            words: dict[tuple[int, str], int] = {}
            for debate_id, side, text in session.exec(
                select(SpeechRow.debate_id, SpeechRow.side, SpeechRow.text).join(DebateRow, DebateRow.id == SpeechRow.debate_id).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged")  # type: ignore[arg-type]
            ).all():
                words[(debate_id, side)] = words.get((debate_id, side), 0) + len(text.split())
        return [
            {
                "debate_id": d.id, "proposition": names[d.proposition_id], "opposition": names[d.opposition_id], "winner": d.winner,
                "motion": motions[d.motion_id].key, "category": motions[d.motion_id].category, "language": motions[d.motion_id].language,
                "excluded": d.excluded, "prop_words": words.get((d.id or 0, "proposition"), 0), "opp_words": words.get((d.id or 0, "opposition"), 0),
            }
            for d in debates
        ]


def _forfeited(winner: str | None) -> str:
    """Who forfeited a forfeit debate: the side that did not win it ("both" when neither did)."""
    return {"proposition": "opposition", "opposition": "proposition"}.get(winner or "", "both")
