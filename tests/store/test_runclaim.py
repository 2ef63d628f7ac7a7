"""One runner per tournament: a second `debate run` of a running tournament is refused, a dead
runner's claim is taken over, and a run that lost its claim stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from debate.core.errors import TournamentBusy, sole_error
from debate.store.claims import Runner, may_take_over
from debate.store import Store
from tests.helpers import query, run_cli, write_config

NOW = 1_795_000_000.0
ME = Runner(pid=100, host="here")


def test_a_live_claim_elsewhere_is_kept_and_a_dead_or_silent_one_is_taken() -> None:
    alive = lambda pid: pid == 200  # noqa: E731
    assert not may_take_over(Runner(200, "here"), NOW, ME, NOW + 5, alive)
    assert may_take_over(Runner(201, "here"), NOW, ME, NOW + 5, alive)  # its process is gone
    assert not may_take_over(Runner(200, "there"), NOW, ME, NOW + 29, alive)  # cannot see its pid
    assert may_take_over(Runner(200, "there"), NOW, ME, NOW + 31, alive)  # silent too long
    assert may_take_over(ME, NOW, ME, NOW, alive)


def test_the_store_hands_the_claim_to_one_runner_at_a_time(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.db"))
    try:
        other = Runner(pid=os.getppid(), host=Runner.me().host)  # alive, on this host
        store.claim_run("t", other)
        with pytest.raises(TournamentBusy, match=rf"being run by process {other.pid} on {other.host}"):
            store.claim_run("t", Runner.me())
        assert store.keep_run("t", other) and not store.keep_run("t", Runner.me())
        store.release_run("t", other)
        store.claim_run("t", Runner.me())
        holder = store.runner_of("t")
        assert holder is not None and holder[0] == Runner.me() and holder[1] < 5
        store.claim_run("u", Runner(pid=999_999_999, host=Runner.me().host))  # a pid that cannot exist
        store.claim_run("u", Runner.me())  # taken over at once: that process is dead
        assert store.runner_of("u")[0] == Runner.me()  # type: ignore[index]
    finally:
        store.close()


def test_a_second_run_of_a_running_tournament_is_refused_and_the_first_finishes(tmp_path: Path) -> None:
    # Slow enough (about 12 s a debate, spent waiting) that the second run, however long its
    # start-up takes on a busy machine, finds the first still running.
    slow = {"words": 30, "token_latency": 0.1}
    contestants = [{"name": n, "model": f"fake/{n}", "params": slow} for n in ("alpha", "beta", "gamma")]
    config = write_config(tmp_path / "cfg.yaml", name="busy", contestants=contestants)
    first = subprocess.Popen([sys.executable, "-m", "debate.cli", "run", str(config), "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        db = tmp_path / "t.db"
        deadline = time.monotonic() + 30
        while not (db.exists() and _has_runner(db)):
            assert time.monotonic() < deadline, "the first run never claimed the tournament"
            time.sleep(0.1)
        second = run_cli("run", str(config), "--quiet")
        assert second.returncode == 2
        assert f"tournament 'busy' is being run by process {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        assert first.wait(timeout=120) == 0
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert query(db, "select count(*) from debate where status = 'judged'") == [(6,)]
    assert query(db, "select count(*) from speech") == [(6 * 4,)]  # nothing spoken twice
    assert query(db, "select count(*) from runner") == [(0,)]  # released at the end


def _has_runner(db: Path) -> bool:
    try:
        return bool(query(db, "select count(*) from runner")[0][0])
    except Exception:  # the table is not there yet
        return False


def test_a_run_that_loses_its_claim_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import anyio

    import debate.engine
    import debate.workers
    from debate.config import load_config

    monkeypatch.setattr(debate.workers, "HEARTBEAT_S", 0.2)  # keep_claim lives there
    # Slow enough (about 12 s a debate, spent waiting) that the second run, however long its
    # start-up takes on a busy machine, finds the first still running.
    slow = {"words": 30, "token_latency": 0.1}
    contestants = [{"name": n, "model": f"fake/{n}", "params": slow} for n in ("alpha", "beta", "gamma")]
    config = load_config(write_config(tmp_path / "cfg.yaml", name="stolen", contestants=contestants))
    db = tmp_path / "t.db"

    async def steal_then_wait() -> None:
        while not _has_runner(db):
            await anyio.sleep(0.05)
        query(db, "update runner set pid = 1, host = 'elsewhere'")  # another machine took it over

    async def main() -> None:
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(steal_then_wait)
                await debate.engine.run_tournament(config, str(db), tmp_path)
        except BaseExceptionGroup as group:
            raise sole_error(group) from None

    started = time.monotonic()
    with pytest.raises(TournamentBusy, match="taken over by another run"):
        anyio.run(main)
    assert time.monotonic() - started < 20  # stopped at the next beats, not at the end of the tournament
    assert query(db, "select pid, host from runner") == [(1, "elsewhere")]  # the new holder's claim is left alone
    assert query(db, "select count(*) from debate where status = 'judged'")[0][0] < 6
