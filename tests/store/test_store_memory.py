"""Memory the store needs for a large round does not grow with the round's size.

`debate bench orchestration` showed peak RSS rising about 6 MB per 1,000 debates. Nothing
accumulated while debates ran (tracemalloc's total and gc object counts stayed flat); the
growth was two whole-round store calls: `save_round` held an ORM object per debate until its
commit (about 4 KB each), and `debate_results` loaded every judged debate as an ORM row. These
tests measure Python allocations (tracemalloc), and SQLite's own counters, so they are
deterministic, unlike RSS.
"""

from __future__ import annotations

import _sqlite3
import ctypes
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from debate.config import TournamentConfig
from debate.draws.model import Draw, Pairing
from debate.core.formats import BUILTIN_FORMATS
from debate.store import BallotRecord, DebateUpdate, Store
from debate.store.database import SQLITE_HEAP_LIMIT
from debate.core.transcript import MotionText

N = 4000
NAMES = ["a", "b", "c", "d"]


def _tournament(store: Store) -> int:
    config = TournamentConfig.model_validate({"name": "big", "contestants": [{"name": n, "model": f"fake/{n}"} for n in NAMES]})
    return store.create_tournament("big", config.public_dict(), BUILTIN_FORMATS["quick"], 0, [(n, f"fake/{n}", n) for n in NAMES],
                                   [MotionText(key="m", text="This House would", category="policy", language="en")])


def _draw(n: int) -> Draw:
    pairs = [(p, o) for p in NAMES for o in NAMES if p != o]
    return Draw(round=1, pairings=tuple(Pairing(proposition=p, opposition=o) for p, o in (pairs[i % len(pairs)] for i in range(n))))


def _allocations(action: Callable[[], Any]) -> tuple[int, int]:
    """(peak, retained) bytes that `action` allocated; its result is counted as retained."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = action()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak - base, current - base


def test_saving_a_large_round_allocates_little_per_debate(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.db"))
    tid = _tournament(store)
    draw = _draw(N)
    peak, _ = _allocations(lambda: store.save_round(tid, draw, ["m"] * N))
    # One chunk of rows (the draw's pairings are its debate rows, no longer a JSON document); an ORM object per debate was ~4.4 KB.
    assert peak / N < 1000, f"save_round peaked at {peak / N:.0f} bytes per debate"
    counts = store.round_debate_counts(tid, 1)
    assert counts == {"pending": N}
    assert [(p.proposition, p.opposition) for p in store.debate_plans([1, N])] == [("a", "b"), (draw.pairings[-1].proposition, draw.pairings[-1].opposition)]
    store.close()


def test_reading_results_of_a_large_round_holds_no_row_objects(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "r.db"))
    tid = _tournament(store)
    store.save_round(tid, _draw(N), ["m"] * N)
    store.write([BallotRecord(debate_id=i, judge="j", judge_model="fake/j", verdict="tie", winner="tie", reason="r") for i in range(1, N + 1)]
                + [DebateUpdate(debate_id=i, status="judged", winner="proposition", prop_score=4.0, opp_score=3.0, finished=True) for i in range(1, N + 1)])
    peak, retained = _allocations(lambda: store.debate_results(tid))
    # Beyond the results themselves, the transient cost per debate: ORM rows made it ~1.6 KB.
    assert (peak - retained) / N < 800, f"debate_results peaked {(peak - retained) / N:.0f} bytes per debate above its result"
    results = store.debate_results(tid)
    assert sum(len(r) for r in results.values()) == N
    first = results[1][0]
    assert (first.proposition, first.opposition, first.winner, first.ballots_prop, first.score_prop, first.score_opp) == ("a", "b", "proposition", 0.5, 4.0, 3.0)
    store.close()


def _sqlite_memory() -> Any:
    """SQLite's own memory counters, from the library Python's sqlite3 runs on."""
    library = ctypes.CDLL(_sqlite3.__file__)  # its symbols, or those of the libsqlite3 it links
    library.sqlite3_memory_highwater.restype = ctypes.c_int64
    library.sqlite3_memory_highwater.argtypes = [ctypes.c_int]
    return library


def test_sqlite_memory_stays_bounded_however_large_the_file(tmp_path: Path) -> None:
    # Each pooled connection kept its own page cache of up to 2 MB, filled as the file grew:
    # an engine playing 20,000 debates held 3.4 MB more of SQLite's memory than one playing 1,000.
    store = Store(str(tmp_path / "s.db"))
    with store.engine.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA soft_heap_limit").scalar() == SQLITE_HEAP_LIMIT
        conn.exec_driver_sql("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute(text("INSERT INTO filler (body) VALUES (:body)"), [{"body": f"{i:06d}" * 150} for i in range(12_000)])  # ~11 MB
    sqlite = _sqlite_memory()
    sqlite.sqlite3_memory_highwater(1)  # reset the high-water mark
    # Three connections at once (as the writer, a session and a read hold them), each reading
    # the whole file: unbounded, their caches alone would reach 6 MB.
    connections = [store.engine.connect() for _ in range(3)]
    try:
        for conn in connections:
            assert conn.execute(text("SELECT count(*), sum(length(body)) FROM filler")).one()[0] == 12_000
        high = sqlite.sqlite3_memory_highwater(0)
    finally:
        for conn in connections:
            conn.close()
        store.close()
    assert high < 2 * SQLITE_HEAP_LIMIT, f"SQLite's memory reached {high / 2**20:.1f} MB"
