"""Workers as the debate rows show them (`Store.worker_stats`, `api.live_view`): counts per
worker, running only under a live lease, throughput over recent work, the latest error; nothing
for a tournament no worker has touched. On SQLite, and on PostgreSQL when
DEBATE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from debate import api
from debate.config import TournamentConfig
from debate.core.formats import BUILTIN_FORMATS
from debate.core.transcript import MotionText
from debate.draws.model import Draw, Pairing
from debate.store import Store
from debate.store.tables import DebateRow
from tests.helpers import fresh_postgres_database

URL = os.environ.get("DEBATE_TEST_POSTGRES_URL")
NOW = 1_800_000_000.0  # the clock the lease checks read (epoch seconds)
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = Store(str(tmp_path / "t.db"))
        yield opened
        opened.close()
        return
    if not URL:
        pytest.skip("set DEBATE_TEST_POSTGRES_URL to a PostgreSQL server to run")
    with fresh_postgres_database(URL) as url:
        opened = Store(url)
        yield opened
        opened.close()


def _tournament(store: Store, name: str, debates: int) -> list[int]:
    """A tournament of one round of `debates` pending debates; their ids."""
    names = [f"c{n}" for n in range(2 * debates)]
    config = TournamentConfig.model_validate({"name": name, "contestants": [{"name": n, "model": f"fake/{n}"} for n in names]})
    tid = store.create_tournament(name, config.public_dict(), BUILTIN_FORMATS["quick"], 0, [(n, f"fake/{n}", n) for n in names],
                                  [MotionText(key="m", text="This House would", category="policy", language="en")])
    pairings = tuple(Pairing(proposition=names[2 * n], opposition=names[2 * n + 1]) for n in range(debates))
    store.save_round(tid, Draw(round=1, pairings=pairings), ["m"] * debates)
    return [d.id for d in store.debates(tid)]


def _set(store: Store, debate_id: int, **values: Any) -> None:
    """Write a debate row as a worker's run would have left it."""
    with store.engine.begin() as conn:
        conn.execute(update(DebateRow).where(DebateRow.id == debate_id).values(**values))  # type: ignore[arg-type]


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_tournament_no_worker_touched_shows_no_workers(store: Store) -> None:
    ids = _tournament(store, "single", 3)
    _set(store, ids[0], status="judged", winner="proposition", started_at=_at(0), finished_at=_at(2))
    _set(store, ids[1], status="failed", error="boom", started_at=_at(0), finished_at=_at(1))
    tid = store.find_tournament("single").id or 0
    assert store.worker_stats(tid, now=NOW) == []
    assert api.worker_stats(store, "single") == []
    view = api.live_view(store, "single")
    assert view.workers == [] and all(d.worker is None for d in view.debates)


def test_each_worker_counts_rate_and_last_error(store: Store) -> None:
    ids = _tournament(store, "shared", 11)
    other = _tournament(store, "elsewhere", 1)
    # a:1 settled three debates in four minutes (10:00 to 10:04) and a forfeit with no start;
    # it runs one debate under a live lease; another of its leases ran out (its debate is not
    # counted as running: any worker may take it over).
    for n, (start, end) in enumerate([(0, 2), (1, 3), (2, 4)]):
        _set(store, ids[n], status="judged", winner="tie", worker="a:1", started_at=_at(start), finished_at=_at(end))
    _set(store, ids[3], status="forfeit", winner="proposition", error="c7 unavailable", worker="a:1", finished_at=_at(3.5))
    _set(store, ids[4], status="running", worker="a:1", lease_until=NOW + 20, started_at=_at(5))
    _set(store, ids[5], status="running", worker="a:1", lease_until=NOW - 5, started_at=_at(5))
    # b:2 settled a debate long ago and one recently: only the recent one makes its rate
    # (one debate in the two minutes it took). Two failures: the later one is its last error.
    _set(store, ids[6], status="judged", winner="opposition", worker="b:2", started_at=_at(-62), finished_at=_at(-60))
    _set(store, ids[7], status="judged", winner="opposition", worker="b:2", started_at=_at(8), finished_at=_at(10))
    _set(store, ids[8], status="failed", error="RateLimitError: later", worker="b:2", lease_until=0.0, started_at=_at(4), finished_at=_at(9))
    _set(store, ids[9], status="failed", error="Timeout: earlier", worker="b:2", lease_until=0.0, started_at=_at(1), finished_at=_at(2))
    # c:3 was stopped with its debate handed back; ids[10] has never been claimed.
    _set(store, ids[10], status="stopped", worker="c:3")
    # a:1's debate in another tournament counts there, not here.
    _set(store, other[0], status="judged", winner="tie", worker="a:1", started_at=_at(0), finished_at=_at(1))

    stats = {w.worker: w for w in store.worker_stats(store.find_tournament("shared").id or 0, now=NOW)}
    assert list(stats) == ["a:1", "b:2", "c:3"]
    a, b, c = stats["a:1"], stats["b:2"], stats["c:3"]
    assert (a.running, a.settled, a.failed, a.last_error) == (1, 4, 0, None)
    assert a.per_minute == pytest.approx(4 / 4)  # four settled from its first start (10:00) to its last finish (10:04)
    assert (b.running, b.settled, b.failed) == (0, 2, 2)
    assert b.per_minute == pytest.approx(1 / 2)
    assert (b.last_error, b.last_error_debate) == ("RateLimitError: later", ids[8])
    assert (c.running, c.settled, c.failed, c.per_minute, c.last_error) == (0, 0, 0, None, None)

    view = api.live_view(store, "shared")
    assert {w.worker for w in view.workers} == {"a:1", "b:2", "c:3"}
    assert {d.id: d.worker for d in view.debates}[ids[7]] == "b:2"
    assert {d.id: d.worker for d in view.debates}[ids[4]] == "a:1"


def test_the_rate_looks_back_at_most_the_window_from_the_latest_finish(store: Store) -> None:
    from debate.store.workerstats import RATE_WINDOW_S

    ids = _tournament(store, "long", 2)
    window = RATE_WINDOW_S / 60
    # One debate ran for an hour and finished at 11:00, the other finished two minutes
    # before: both are recent, and the span is cut to the window.
    _set(store, ids[0], status="judged", winner="tie", worker="w:9", started_at=_at(0), finished_at=_at(60))
    _set(store, ids[1], status="judged", winner="tie", worker="w:9", started_at=_at(50), finished_at=_at(58))
    (w,) = store.worker_stats(store.find_tournament("long").id or 0, now=NOW)
    assert w.per_minute == pytest.approx(2 / window)
