"""The board shows workers when they share a tournament: a worker column in the debates table
and a workers panel (running, settled, per minute, failed, last error), at 80x24 and larger;
nothing of it for a tournament one process ran. Read from the store, as `spectate` and `serve`
do; on PostgreSQL with real workers when DEBATE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import DEBATE, fresh_postgres_database, run_cli, wait_for, write_config

pytestmark = pytest.mark.anyio
CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma", "delta")]
LONG = "build-box-with-a-long-hostname.internal:98231"
SHORT = "vm:4101"
URL = os.environ.get("DEBATE_TEST_POSTGRES_URL")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def plain_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished fake tournament one process ran: no debate has a worker."""
    folder = tmp_path_factory.mktemp("plain")
    config = write_config(folder / "cfg.yaml", name="fixed", contestants=CONTESTANTS)
    result = run_cli("run", str(config), "--quiet")
    assert result.returncode == 0, result.stderr
    return folder / "t.db"


def share(db: Path) -> None:
    """Rewrite `db` as if two workers had run it: each took every other debate, one minute
    apart and two minutes each; the last round's first debate runs under a live lease (nothing
    of it stored yet) and its second failed with an error naming its proposition (a blind
    tournament must mask it)."""
    with closing(sqlite3.connect(db)) as conn, conn:
        ids = [i for (i,) in conn.execute("select id from debate order by id")]
        for n, debate_id in enumerate(ids):
            start, end = datetime(2026, 1, 1, 10, n, tzinfo=UTC), datetime(2026, 1, 1, 10, n + 2, tzinfo=UTC)
            conn.execute("update debate set worker = ?, started_at = ?, finished_at = ? where id = ?",
                         (SHORT if n % 2 == 0 else LONG, start.isoformat(" "), end.isoformat(" "), debate_id))
        conn.execute("update debate set status = 'running', winner = null, finished_at = null, lease_until = 4e9 where id = ?", (ids[-2],))
        for table in ("speech", "order_ballot", "ballot", "finding"):
            conn.execute(f"delete from {table} where debate_id = ?", (ids[-2],))
        (prop,) = conn.execute("select c.name from debate d join contestant c on c.id = d.proposition_id where d.id = ?", (ids[-1],)).fetchone()
        conn.execute("update debate set status = 'failed', winner = null, lease_until = 0, error = ? where id = ?",
                     (f"RateLimitError: fake/{prop} said slow down ({prop} retried 3 times)", ids[-1]))


@pytest.fixture(scope="module")
def shared_db(plain_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("shared") / "t.db"
    shutil.copy(plain_db, db)
    share(db)
    return db


def _app(db: Path | str, **options: object):  # type: ignore[no-untyped-def]
    from tui.app import DebateApp

    return DebateApp(str(db), tournament="fixed", **options)  # type: ignore[arg-type]


def _board(app):  # type: ignore[no-untyped-def]
    from tui.screens.board import BoardScreen

    screen = app.screen
    return screen if isinstance(screen, BoardScreen) and screen.table.row_count else None


async def test_a_tournament_one_process_ran_shows_no_workers(plain_db: Path) -> None:
    from tui.widgets.worker_panel import WorkerPanel

    app = _app(plain_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _board(app))
        board = _board(app)
        assert "worker" not in [key for key, _, _ in board.table.columns]
        panel = board.query_one(WorkerPanel)
        assert not panel.display and panel.region.height == 0
        assert "worker" not in str(board.query_one("#board-detail").render())


async def test_the_board_shows_each_debates_worker_and_each_workers_counts_at_80x24(shared_db: Path) -> None:
    from tui.widgets.worker_panel import WorkerPanel

    app = _app(shared_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _board(app))
        board = _board(app)
        table = board.table
        keys = [key for key, _, _ in table.columns]
        assert keys.index("worker") == keys.index("status") + 1
        # The column starts within the first 80 cells: seen without scrolling sideways.
        left = sum(width + 2 for width in table.widths[: keys.index("worker")])
        assert left + 2 + len(SHORT) <= 80
        running, failed = table.keys  # the last round: its two debates
        assert table.get_row(running)[keys.index("worker")] == SHORT
        assert table.get_row(failed)[keys.index("worker")] == "build-b…:98231"  # the host cut short, the pid kept

        panel = board.query_one(WorkerPanel)
        assert panel.display and 4 <= panel.region.height and panel.region.bottom <= 24 - 4  # the live text and footer below
        lines = {line.worker: line for line in panel.lines}
        assert set(lines) == {SHORT, LONG}
        assert (lines[SHORT].running, lines[SHORT].settled, lines[SHORT].failed, lines[SHORT].last_error) == (1, 5, 0, "")
        assert (lines[LONG].running, lines[LONG].settled, lines[LONG].failed) == (0, 5, 1)
        # Five debates in the ten minutes from its first start (10:01) to its last finish (10:11).
        assert lines[LONG].per_minute == pytest.approx(0.5)
        prop = app.state.debates[int(failed)].proposition
        assert lines[LONG].last_error.startswith("RateLimitError: ") and prop not in lines[LONG].last_error
        assert "Proposition" in lines[LONG].last_error  # blind: the failed debate's sides stay hidden
        assert panel.border_title == "workers 2 · running 1 · 1.0/min"

        await pilot.press("down")  # the failed debate: its detail names its worker in full
        await wait_for(pilot, lambda: LONG in str(board.query_one("#board-detail").render()))


async def test_the_worker_column_appears_when_workers_take_over_a_watched_tournament(plain_db: Path, tmp_path: Path) -> None:
    from tui.widgets.worker_panel import WorkerPanel

    db = tmp_path / "t.db"
    shutil.copy(plain_db, db)
    app = _app(db, read_only=True, poll_interval=0.2)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for(pilot, lambda: _board(app))
        board = _board(app)
        assert "worker" not in [key for key, _, _ in board.table.columns]
        share(db)
        await wait_for(pilot, lambda: board.query_one(WorkerPanel).display and len(board.query_one(WorkerPanel).lines) == 2)
        keys = [key for key, _, _ in board.table.columns]
        assert "worker" in keys
        assert {board.table.get_row(k)[keys.index("worker")] for k in board.table.keys} == {SHORT, "build-b…:98231"}


def test_shared_board_snapshot_80x24(snap_compare, shared_db: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(shared_db), terminal_size=(80, 24), run_before=_settle)


def test_shared_board_snapshot_160x45(snap_compare, shared_db: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(shared_db), terminal_size=(160, 45), run_before=_settle)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from tui.widgets.worker_panel import WorkerPanel

    await wait_for(pilot, lambda: _board(pilot.app) and pilot.app.screen.query_one(WorkerPanel).lines)
    await pilot.pause(0.5)


@pytest.mark.skipif(not URL, reason="set DEBATE_TEST_POSTGRES_URL to a PostgreSQL server to run")
async def test_a_spectator_sees_two_workers_share_a_postgres_tournament(tmp_path: Path) -> None:
    from tui.screens.board import WORKER_WIDTH
    from tui.widgets.worker_panel import short_worker

    assert URL
    contestants = [{"name": n, "model": f"fake/{n}", "params": {"latency": 0.05}} for n in ("alpha", "beta", "gamma", "delta")]
    config = write_config(tmp_path / "cfg.yaml", name="fixed", contestants=contestants)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    with fresh_postgres_database(URL) as url:
        coordinator = subprocess.Popen([*DEBATE, "run", str(config), "--db", url, "--workers", "2", "--quiet", "--lease", "10"],
                                       cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            _wait_for_tournament(url, "fixed")  # a spectator opens the board of a tournament it finds at its start
            app = _app(url, read_only=True, poll_interval=0.3)
            async with app.run_test(size=(100, 30)) as pilot:
                await wait_for(pilot, lambda: app.state.finished and app.state.debates_done == 12, timeout=240)
                await wait_for(pilot, lambda: _board(app) and sum(line.settled for line in _board(app).query_one("WorkerPanel").lines) == 12)
                lines = _board(app).query_one("WorkerPanel").lines
                # Two workers ran; on a loaded machine one may start late enough to get no debate.
                assert 1 <= len(lines) <= 2 and all(line.running == 0 and line.failed == 0 for line in lines)
                assert all(line.per_minute is not None and line.per_minute > 0 for line in lines)
                keys = [key for key, _, _ in _board(app).table.columns]
                shown = {_board(app).table.get_row(k)[keys.index("worker")] for k in _board(app).table.keys}
                assert shown and shown <= {short_worker(line.worker, WORKER_WIDTH) for line in lines}
            assert coordinator.wait(timeout=120) == 0, coordinator.stderr.read() if coordinator.stderr else ""
        finally:
            if coordinator.poll() is None:
                coordinator.terminate()
                coordinator.wait(timeout=30)


def _wait_for_tournament(url: str, name: str, timeout: float = 120.0) -> None:
    import time

    from debate import api
    from debate.core.errors import UserError

    deadline = time.monotonic() + timeout
    while True:
        try:
            with api.opened(url, read_only=True) as store:
                if api.debates(store, name):
                    return
        except UserError:
            pass  # no tables or no tournament yet
        assert time.monotonic() < deadline, f"tournament {name} never appeared"
        time.sleep(0.3)
