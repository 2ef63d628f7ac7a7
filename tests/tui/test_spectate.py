"""A read-only spectator attached to a tournament another process is running, through the store."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.helpers import query, write_config

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def contents(db: Path) -> str:
    """A digest of every row (not of the file's bytes, which a WAL checkpoint may rewrite)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


SLOW = {"words": 40, "token_latency": 0.03}  # a speech takes over a second: partial text is flushed mid-speech


@pytest.mark.parametrize("read_only", [True, False], ids=["spectator", "app"])
async def test_the_app_follows_another_process_live_and_a_spectator_writes_nothing(tmp_path: Path, read_only: bool) -> None:
    from tui.app import DebateApp
    from tui.state import JUDGED

    contestants = [{"name": n, "model": f"fake/{n}", "params": SLOW} for n in ("alpha", "beta", "gamma")]
    config = write_config(tmp_path / "cfg.yaml", name="elsewhere", contestants=contestants, format="quick")
    runner = subprocess.Popen([sys.executable, "-m", "debate.cli", "run", str(config), "--quiet"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        db = tmp_path / "t.db"
        partial_seen: list[str] = []
        # `debate tui --db` (not read-only) opened on a tournament another process runs follows
        # it through the store just as a spectator does.
        app = DebateApp(str(db), tournament="elsewhere", read_only=read_only, poll_interval=0.2)
        announced: list[bool] = []  # each poll's `structural`
        announce = app._announce
        app._announce = lambda touched, structural: (announced.append(structural), announce(touched, structural))[1]  # type: ignore[method-assign]
        async with app.run_test(size=(160, 48)) as pilot:
            waited = 0.0
            while not (app.state.finished and app.state.debates_done == 6):
                await pilot.pause(0.2)
                waited += 0.2
                assert waited < 120, f"spectator never saw the end: {app.state.debates_done} judged"
                for d in app.state.debates.values():
                    partial_seen += [s.text for s in d.speeches.values() if s.text and not s.done]
            assert all(d.status == JUDGED for d in app.state.debates.values())
            assert app.engine_running is False
        # Standings and draws are read again when a result or a round changed, not on every
        # poll that only brought more of a speech's text.
        assert 0 < announced.count(True) < len(announced) / 2, f"{announced.count(True)} structural of {len(announced)}"
        assert runner.wait(timeout=60) == 0, runner.stderr.read().decode() if runner.stderr else ""
        assert partial_seen, "no speech was seen while it was being spoken"
        assert query(db, "select count(*) from debate where status='judged'") == [(6,)]
        if not read_only:
            return
        before = contents(db)
        spectator = DebateApp(str(db), read_only=True, poll_interval=0.1)
        async with spectator.run_test(size=(160, 48)) as pilot:
            await pilot.pause(1.0)
            await pilot.press("h")  # scoring: refused
        assert contents(db) == before  # a spectator leaves the tournament as it found it
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)


async def test_a_killed_tournament_resumes_from_the_app_without_speaking_twice(tmp_path: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen
    from tui.state import JUDGED

    contestants = [{"name": n, "model": f"fake/{n}", "params": SLOW} for n in ("alpha", "beta", "gamma")]
    config = write_config(tmp_path / "cfg.yaml", name="killed", contestants=contestants, concurrency={"debates": 2})
    db = tmp_path / "t.db"
    runner = subprocess.Popen([sys.executable, "-m", "debate.cli", "run", str(config), "--quiet"], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(600):
            if db.exists() and _judged(db) >= 2:
                break
            await anyio_sleep(0.1)
    finally:
        os.killpg(runner.pid, signal.SIGKILL)
        runner.wait()
    judged_before = _judged(db)
    assert 2 <= judged_before < 6
    speeches_before = query(db, "select count(*) from speech")[0][0]

    app = DebateApp(str(db), tournament="killed")
    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(100):
            await pilot.pause(0.1)
            if isinstance(app.screen, BoardScreen) and app.screen.resumable():
                break
        assert "Resume" in _footer_text(app)
        await pilot.press("ctrl+r")
        for _ in range(1200):
            await pilot.pause(0.1)
            if app.state.finished:
                break
        assert app.state.finished and all(d.status == JUDGED for d in app.state.debates.values())
        assert app.engine_error is None
        await pilot.pause(0.3)
        assert "Resume" not in _footer_text(app)
    assert _judged(db) == 6
    # Each debate of the quick format has four speeches; the killed run's stay, none is redone.
    assert query(db, "select count(*) from speech")[0][0] == 24 >= speeches_before
    assert query(db, "select count(*) from (select debate_id, idx from speech group by debate_id, idx having count(*) > 1)") == [(0,)]


def _judged(db: Path) -> int:
    try:
        return int(query(db, "select count(*) from debate where status = 'judged'")[0][0])
    except sqlite3.Error:
        return 0


def _footer_text(app) -> str:  # type: ignore[no-untyped-def]
    return " ".join(b.binding.description for b in app.screen.active_bindings.values() if b.enabled and b.binding.show)


async def anyio_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


async def test_a_spectator_shows_why_a_debate_did_not_finish(tmp_path: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen

    from tests.helpers import run_cli, wait_for

    broken = {"faults": [{"kind": "bad_request", "times": 99}]}  # every call alpha makes is refused
    contestants = [{"name": "alpha", "model": "fake/alpha", "params": broken}, {"name": "beta", "model": "fake/beta"}, {"name": "gamma", "model": "fake/gamma"}]
    config = write_config(tmp_path / "cfg.yaml", name="broken", contestants=contestants, format="quick")
    run_cli("run", str(config), "--quiet")
    errors = dict(query(tmp_path / "t.db", "select id, error from debate where error is not null"))
    assert errors, "alpha's debates failed or were forfeited, with a reason"
    app = DebateApp(str(tmp_path / "t.db"), tournament="broken", read_only=True, poll_interval=0.2)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and bool(app.state.debates))
        await wait_for(pilot, lambda: {d.id: d.error for d in app.state.debates.values() if d.error} == errors)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        rows = [screen.row(d) for d in screen.debates() if d.id in errors]
        # The board's error column says why (alpha's name masked, as the spectator is blind).
        assert rows and all(row[-1].startswith("forfeit: Proposition is unavailable") for row in rows), [row[-1] for row in rows]
