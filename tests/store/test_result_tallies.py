"""Standings from results summed in the database (`Store.result_tallies`) equal the standings
computed one debate at a time (`Store.debate_results`), on a tournament with everything that
changes a table: ties, split and revised ballots, byes, voided debates, forfeits by one side
and by both, and debates without a result. The tallies stay a few rows per pairing."""

from __future__ import annotations

import sqlite3
import tracemalloc
from contextlib import closing
from pathlib import Path

import pytest

from debate.config import TournamentConfig
from debate.core.formats import BUILTIN_FORMATS
from debate.core.transcript import MotionText
from debate.draws.model import Draw, Pairing
from debate.draws.standings import StandingRow
from debate.rounds import PRELIMINARY, standings, tallied_standings
from debate.store import BallotRecord, DebateUpdate, Store
from debate.store.reads import _debate_outcomes, placeholders

NAMES = ["a", "b", "c", "d", "e"]
FLOATS = ("points", "ballots", "score_total", "score_average", "margin", "opponent_strength")


def _config(**extra: object) -> TournamentConfig:
    return TournamentConfig.model_validate({"name": "t", "contestants": [{"name": n, "model": f"fake/{n}"} for n in NAMES], **extra})


def _ballot(debate_id: int, judge: str, winner: str | None, *, stage: str = "independent") -> BallotRecord:
    verdict = None if winner is None else {"proposition": "proposition_clearly", "opposition": "opposition_clearly", "tie": "tie"}[winner]
    return BallotRecord(debate_id=debate_id, judge=judge, judge_model=f"fake/{judge}", stage=stage, winner=winner, verdict=verdict, abstained=winner is None, reason="r")


def _judged(debate_id: int, winner: str, prop: float, opp: float, *, excluded: bool = False) -> DebateUpdate:
    return DebateUpdate(debate_id=debate_id, status="judged", winner=winner, prop_score=prop, opp_score=opp, excluded=excluded, finished=True)


def _tournament(store: Store) -> tuple[int, int]:
    """Two preliminary rounds and an elimination round; returns (tournament id, debates)."""
    config = _config()
    tid = store.create_tournament("t", config.public_dict(), BUILTIN_FORMATS["quick"], 0, [(n, f"fake/{n}", n) for n in NAMES],
                                  [MotionText(key="m", text="This House would", category="policy", language="en")])
    one = [("a", "b"), ("c", "d"), ("a", "b"), ("b", "a"), ("c", "a")]
    two = [("d", "a"), ("b", "c"), ("a", "c"), ("c", "b"), ("d", "b"), ("a", "d")]
    store.save_round(tid, Draw(round=1, pairings=tuple(Pairing(proposition=p, opposition=o) for p, o in one), byes=("e",)), ["m"] * len(one))
    store.save_round(tid, Draw(round=2, pairings=tuple(Pairing(proposition=p, opposition=o) for p, o in two), byes=("e", "c")), ["m"] * len(two))
    store.save_round(tid, Draw(round=3, pairings=(Pairing(proposition="a", opposition="c"),)), ["m"], kind="elimination")
    store.write([
        # Round 1: a split panel with a tie ballot; a revised ballot that changes sides; a tie;
        # a voided debate; a debate that failed (no result).
        _ballot(1, "j1", "proposition"), _ballot(1, "j2", "tie"), _ballot(1, "j3", "opposition"), _judged(1, "proposition", 7.25, 6.5),
        _ballot(2, "j1", "proposition"), _ballot(2, "j1", "opposition", stage="revised"), _ballot(2, "j2", "opposition"), _judged(2, "opposition", 5.1, 6.3),
        _ballot(3, "j1", "tie"), _ballot(3, "j2", None), _judged(3, "tie", 6.0, 6.0),
        _ballot(4, "j1", "proposition"), _judged(4, "proposition", 9.0, 1.0, excluded=True),
        DebateUpdate(debate_id=5, status="failed", error="no valid ballot", finished=True),
        # Round 2: a forfeit by the opposition, a forfeit by both, judged debates, one pending.
        DebateUpdate(debate_id=6, status="forfeit", winner="proposition", error="a unavailable", finished=True),
        DebateUpdate(debate_id=7, status="forfeit", winner=None, error="both unavailable", finished=True),
        _ballot(8, "j1", "proposition"), _ballot(8, "j2", "proposition"), _judged(8, "proposition", 8.125, 4.75),
        _ballot(9, "j1", "opposition"), _judged(9, "opposition", 3.3, 7.7),
        _ballot(10, "j1", "tie"), _ballot(10, "j2", "proposition"), _judged(10, "tie", 5.5, 5.25),
        # Round 3 (elimination): not part of the preliminary standings.
        _ballot(12, "j1", "opposition"), _judged(12, "opposition", 1.0, 9.0),
    ])
    return tid, 12


def _same(tallied: list[StandingRow], counted: list[StandingRow]) -> None:
    assert [(r.rank, r.name) for r in tallied] == [(r.rank, r.name) for r in counted]
    for mine, theirs in zip(tallied, counted, strict=True):
        assert mine.model_dump(exclude=set(FLOATS)) == theirs.model_dump(exclude=set(FLOATS))
        for key in FLOATS:  # sums reached in another order: equal to rounding
            assert getattr(mine, key) == pytest.approx(getattr(theirs, key), abs=1e-9), (mine.name, key)


@pytest.mark.parametrize("extra", [{}, {"bye_counts_as": "average"}, {"bye_counts_as": "win", "tie_breaks": ["points", "opponent_strength", "margin"]}])
def test_standings_from_tallies_equal_those_from_every_result(tmp_path: Path, extra: dict[str, object]) -> None:
    store = Store(str(tmp_path / "t.db"))
    try:
        tid, _ = _tournament(store)
        config = _config(**extra)
        prelims = [r for r in store.stored_rounds(tid) if r.kind == PRELIMINARY]
        headers = [r for r in store.round_headers(tid) if r.kind == PRELIMINARY]
        counted = standings(config, prelims, store.debate_results(tid))
        tallied = tallied_standings(config, headers, store.result_tallies(tid, [r.number for r in headers]))
        _same(tallied, counted)
        # The table is not trivial: every kind of outcome reached it.
        by_name = {r.name: r for r in counted}
        assert by_name["a"].voided == by_name["b"].voided == 1
        assert by_name["a"].forfeits == by_name["b"].forfeits == by_name["c"].forfeits == 1 and by_name["d"].forfeits == 0
        assert sum(r.ties for r in counted) == 4 and by_name["e"].byes == 2 and by_name["c"].byes == 1
    finally:
        store.close()


def test_tallies_of_a_round_subset_leave_the_other_rounds_out(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "t.db"))
    try:
        tid, _ = _tournament(store)
        config = _config()
        rounds = [r for r in store.stored_rounds(tid) if r.number == 1]
        headers = [r for r in store.round_headers(tid) if r.number == 1]
        _same(tallied_standings(config, headers, store.result_tallies(tid, [1])), standings(config, rounds, store.debate_results(tid, [1])))
        assert sum(t.debates for t in store.result_tallies(tid, [3])) == 1
        assert store.result_tallies(tid, []) == []
    finally:
        store.close()


def test_tallies_hold_a_few_rows_however_many_debates(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "big.db"))
    try:
        config = _config()
        tid = store.create_tournament("t", config.public_dict(), BUILTIN_FORMATS["quick"], 0, [(n, f"fake/{n}", n) for n in NAMES],
                                      [MotionText(key="m", text="This House would", category="policy", language="en")])
        n = 4000
        pairs = [Pairing(proposition=p, opposition=o) for p in NAMES[:4] for o in NAMES[:4] if p != o]
        store.save_round(tid, Draw(round=1, pairings=tuple(pairs[i % len(pairs)] for i in range(n))), ["m"] * n)
        store.write([_ballot(i, "j", "proposition" if i % 5 else "tie") for i in range(1, n + 1)]
                    + [_judged(i, "proposition" if i % 5 else "tie", 4.0 + i % 7, 3.0) for i in range(1, n + 1)])
        store.result_tallies(tid, [1])  # the first call fills SQLAlchemy's statement caches
        tracemalloc.start()
        try:
            tallies = store.result_tallies(tid, [1])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert sum(t.debates for t in tallies) == n and len(tallies) == 2 * len(pairs)
        # debate_results of the same round peaks near 7 MB here (about 1.8 KB a debate), and grows with it.
        assert peak < 200_000, f"result_tallies peaked at {peak} bytes for {n} debates"
    finally:
        store.close()


def test_the_tally_keeps_nothing_per_debate_in_sqlite(tmp_path: Path) -> None:
    # Summed in SQL, the tally sorted every debate's votes and outcome through temporary
    # B-trees, SQLite's working memory growing with the tournament (14 MB at 100,000 debates).
    # Read a debate at a time in the order of its id, through the indexes, it needs none.
    path = tmp_path / "t.db"
    store = Store(str(path))
    try:
        tid, _ = _tournament(store)
    finally:
        store.close()
    marks, params = placeholders("r", [1, 2])
    with closing(sqlite3.connect(path)) as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {_debate_outcomes(marks)}", {"t": tid, **params})]
    assert not [step for step in plan if "TEMP B-TREE" in step or "MATERIALIZE" in step or "AUTOMATIC" in step], plan
