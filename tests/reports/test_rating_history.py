"""Rating over rounds and the pairs' matrices, read from a stored fake tournament."""

from __future__ import annotations

from pathlib import Path

import pytest

from debate.reports.pairwise import pairwise_report
from debate.reports.rating_history import rating_history
from debate.store import Store
from debate.verdicts import tournament_ratings
from tests.helpers import finished_tournament

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma", "delta")]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished_tournament(tmp_path_factory.mktemp("history"), CONTESTANTS)


@pytest.fixture(scope="module")
def store(db: Path) -> Store:
    return Store(str(db))


def _rated_rounds(store: Store, tournament_id: int) -> list[int]:
    """The round of each debate the ratings count (judged, with a winner, not excluded)."""
    rated = {r["debate_id"] for r in store.battle_rows(tournament_id) if not r["excluded"] and r["winner"] in ("proposition", "opposition", "tie")}
    return [d.round for d in store.debates(tournament_id) if d.id in rated]


def test_one_entry_per_completed_round_each_fitted_on_the_debates_so_far(store: Store) -> None:
    tid = store.find_tournament("fixed").id or 0
    history = rating_history(store, tid)
    done = [r.number for r in store.stored_rounds(tid) if r.status == "done"]
    assert len(done) > 2 and [entry.round for entry in history.rounds] == done
    rounds = _rated_rounds(store, tid)
    assert [entry.debates for entry in history.rounds] == [sum(1 for r in rounds if r <= number) for number in done]
    # After the last round: the tournament's own ratings, intervals and rank ranges.
    final = tournament_ratings(store, tid)
    assert final is not None
    last = {r.name: r for r in history.rounds[-1].ratings}
    for row in final.rows:
        assert (last[row.name].rating, last[row.name].lower, last[row.name].upper) == pytest.approx((row.rating, row.lower, row.upper))
        assert (last[row.name].rank_lower, last[row.name].rank_upper) == (row.rank_lower, row.rank_upper)
    assert "sandwich" in history.method


def test_a_round_not_yet_done_is_left_out(db: Path, tmp_path: Path) -> None:
    import shutil
    import sqlite3
    from contextlib import closing

    copy = tmp_path / "t.db"
    shutil.copy(db, copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute("update round set status = 'running' where number = (select max(number) from round)")
    other = Store(str(copy))
    tid = other.find_tournament("fixed").id or 0
    numbers = [r.number for r in other.stored_rounds(tid)]
    assert [entry.round for entry in rating_history(other, tid).rounds] == numbers[:-1]


def test_the_pairs_count_every_rated_debate_and_predictions_pair_up(store: Store) -> None:
    tid = store.find_tournament("fixed").id or 0
    pairs = pairwise_report(store, "fixed")
    n = len(pairs.contestants)
    assert sorted(pairs.contestants) == sorted(c["name"] for c in CONTESTANTS)
    counted = sum(cell.debates for row in pairs.cells for cell in row if cell is not None)
    assert counted == 2 * len(_rated_rounds(store, tid))  # each debate from both sides
    for i in range(n):
        for j in range(n):
            a, b = pairs.cells[i][j], pairs.cells[j][i]
            if i == j:
                assert a is None
                continue
            assert a is not None and b is not None and a.debates == b.debates and (a.wins, a.losses, a.ties) == (b.losses, b.wins, b.ties)
            assert a.predicted is not None and b.predicted is not None and a.predicted + b.predicted == pytest.approx(1.0)
    assert pairwise_report(store, "fixed", order=["delta", "alpha"]).contestants == ["delta", "alpha"]
