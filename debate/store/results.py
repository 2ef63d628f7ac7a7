"""Results of judged and forfeited debates, as the standings and the ratings read them."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from debate.draws.standings import DebateResult
from debate.store.ballots import BallotQueries
from debate.store.tables import DebateRow, SpeechRow

SETTLED = ("judged", "forfeit")
"""The statuses of a debate that has its result: it is never run again."""


class ResultQueries(BallotQueries):
    def debate_results(self, tournament_id: int) -> dict[int, list[DebateResult]]:
        """Judged and forfeited debates as standings input, by round: winner, final ballots per
        side, rubric totals, whether the debate is voided (excluded from ratings: the standings
        leave it out too), and which side forfeited it."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            # Columns, not DebateRow objects: this reads every judged debate of the tournament
            # (after each round), and ORM rows with their identity-map state cost several times
            # what the results do, so the end-of-round peak grew with the tournament's size.
            query = (
                select(DebateRow.id, DebateRow.round_number, DebateRow.proposition_id, DebateRow.opposition_id, DebateRow.winner, DebateRow.prop_score, DebateRow.opp_score, DebateRow.excluded, DebateRow.status)
                .where(DebateRow.tournament_id == tournament_id, DebateRow.status.in_(SETTLED)).order_by(DebateRow.id)  # type: ignore[arg-type,attr-defined]
            )
            debates = session.exec(query).all()
        ballots = self._final_winners(tournament_id)
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
