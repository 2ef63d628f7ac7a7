"""A rater's final ballot on a debate is one rule (`debate.store.ballots`), and every reader
of final ballots agrees on it: standings input, ratings, the scorecard queries and the
scorecard built from them."""

from __future__ import annotations

from pathlib import Path

from debate.config import TournamentConfig
from debate.core.formats import BUILTIN_FORMATS
from debate.core.transcript import MotionText
from debate.draws.model import Draw, Pairing
from debate.store import BallotRecord, DebateUpdate, Store
from debate.store import scorecard as q

Key = tuple[int, str, str]  # debate id, rater, stage


def _ballot(debate_id: int, judge: str, stage: str, winner: str | None, *, kind: str = "model") -> BallotRecord:
    verdict = None if winner is None else {"proposition": "proposition_clearly", "opposition": "opposition_clearly", "tie": "tie"}[winner]
    return BallotRecord(debate_id=debate_id, judge=judge, judge_model="human" if kind == "human" else f"fake/{judge}", kind=kind, stage=stage,
                        winner=winner, verdict=verdict, abstained=winner is None, reason="r", scores={"rebuttal": {"proposition": 3, "opposition": 4}})


def _store(tmp_path: Path) -> tuple[Store, int]:
    store = Store(str(tmp_path / "f.db"))
    config = TournamentConfig.model_validate({"name": "t", "contestants": [{"name": n, "model": f"fake/{n}"} for n in ("a", "b")]})
    tid = store.create_tournament("t", config.public_dict(), BUILTIN_FORMATS["quick"], 0, [("a", "fake/a", "a"), ("b", "fake/b", "b")],
                                  [MotionText(key="m", text="This House would", category="policy", language="en")])
    store.save_round(tid, Draw(round=1, pairings=(Pairing(proposition="a", opposition="b"), Pairing(proposition="b", opposition="a"))), ["m", "m"])
    # Debate 1: j1 revises its ballot after deliberation; j2 does not; a human scores it too.
    store.write([_ballot(1, "j1", "independent", "proposition"), _ballot(1, "j2", "independent", "proposition")])
    store.write([_ballot(1, "j1", "revised", "opposition"), _ballot(1, "h", "independent", "tie", kind="human")])
    # Debate 2: the rows arrive out of order (revised first) and j2's final ballot abstains.
    store.write([_ballot(2, "j1", "revised", "proposition"), _ballot(2, "j1", "independent", "opposition")])
    store.write([_ballot(2, "j2", "independent", "opposition"), _ballot(2, "j2", "revised", None)])
    store.write([DebateUpdate(debate_id=i, status="judged", winner="proposition", finished=True) for i in (1, 2)])
    return store, tid


FINAL: set[Key] = {(1, "j1", "revised"), (1, "j2", "independent"), (1, "h", "independent"), (2, "j1", "revised"), (2, "j2", "revised")}


def test_every_reader_takes_the_same_final_ballots(tmp_path: Path) -> None:
    store, tid = _store(tmp_path)
    try:
        model = store.final_ballots(tid)
        human = store.final_ballots(tid, kind="human")
        assert {(d, b.judge, b.stage) for d, b in model + human} == FINAL
        assert [(d, b.judge) for d, b in model] == [(1, "j1"), (1, "j2"), (2, "j1"), (2, "j2")]  # as the raters first ballotted
        assert {(b.debate_id, b.judge, b.stage) for b in q.ballots(store, tid) if b.final} == FINAL
        assert len(q.ballots(store, tid)) == 8

        # Standings input counts each final ballot that chose a side (a tie as half to each).
        results = {(r.proposition, r.opposition): (r.ballots_prop, r.ballots_opp) for r in store.debate_results(tid)[1]}
        assert results == {("a", "b"): (1.5, 1.5), ("b", "a"): (1.0, 0.0)}
    finally:
        store.close()


def test_the_scorecard_marks_the_same_ballots_final(tmp_path: Path) -> None:
    from debate.reports.scorecard import build_scorecard

    store, _ = _store(tmp_path)
    try:
        card = build_scorecard(store, "t")
        marked = {(d.id, b.judge, b.stage) for d in card.debates for b in d.ballots if b.final}
        # The scorecard marks final ballots that count, so an abstention is not among them.
        assert marked == FINAL - {(2, "j2", "revised")}
    finally:
        store.close()
