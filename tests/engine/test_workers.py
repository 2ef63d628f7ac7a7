"""Several workers on one PostgreSQL tournament: leases, takeover after SIGKILL, exactly-once
results, workers limited to some models. Skipped without DEBATE_TEST_POSTGRES_URL (CI sets it),
except the refusal of workers on SQLite."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from debate.store import Store
from tests.helpers import DEBATE, fresh_postgres_database, read_calls, run_cli, write_config

URL = os.environ.get("DEBATE_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(not URL, reason="set DEBATE_TEST_POSTGRES_URL to a PostgreSQL server to run")
ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}


@pytest.fixture
def database() -> Iterator[str]:
    assert URL
    with fresh_postgres_database(URL) as url:
        yield url


def _config(folder: Path, log: Path, latency: float) -> Path:
    params = {"latency": latency, "call_log": str(log)}
    contestants = [{"name": n, "model": f"fake/{n}", "params": params} for n in ("alpha", "beta", "gamma", "delta")]
    return write_config(folder / "t.yaml", contestants=contestants, judges=[{"name": "judge", "model": "fake/judge", "params": params}], database=str(folder / "t.db"))


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*DEBATE, *args], env=ENV, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _rows(url: str, sql: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql)).all()]
    except ProgrammingError:
        return []  # the coordinator has not made the tables yet
    finally:
        engine.dispose()


def _results(url: str) -> dict[str, Any]:
    """What a tournament's run decided, by debate id (the same ids for the same draws)."""
    return {
        "debates": _rows(url, "select id, round_number, proposition_id, opposition_id, status, winner from debate order by id"),
        "speeches": _rows(url, "select debate_id, idx, text from speech order by debate_id, idx"),
        "ballots": _rows(url, "select debate_id, judge, verdict, winner, scores_json from ballot order by debate_id, judge, stage"),
        "orders": _rows(url, "select debate_id, judge, label_a, verdict, scores_json from order_ballot order by debate_id, judge, label_a"),
    }


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    cfg = _config(tmp_path, tmp_path / "calls.jsonl", 0)
    result = run_cli("run", str(cfg), "--workers", "2")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()], "one line"
    assert "--workers 2 needs a PostgreSQL database" in result.stderr
    assert not (tmp_path / "t.db").exists(), "refused before anything was stored"
    assert read_calls(tmp_path / "calls.jsonl") == []


@needs_postgres
def test_three_workers_one_killed_mid_debate(tmp_path: Path, database: str) -> None:
    single_dir, shared_dir = tmp_path / "single", tmp_path / "shared"
    single_dir.mkdir(), shared_dir.mkdir()
    single = run_cli("run", str(_config(single_dir, single_dir / "calls.jsonl", 0)), "--quiet", env=ENV)
    assert single.returncode == 0, single.stderr

    log = shared_dir / "calls.jsonl"
    cfg = _config(shared_dir, log, 0.15)
    # A short lease, so the takeover comes soon after the kill; long enough that a live worker's
    # heartbeat (a third of it) is not missed on a loaded machine, which would hand its debates over.
    coordinator = _start("run", str(cfg), "--db", database, "--workers", "0", "--quiet", "--lease", "8")
    # The victim starts alone, so that it surely gets a debate on a loaded machine (where the
    # others could otherwise run the whole tournament before it has started).
    workers = [_start("worker", "--db", database, "--slots", "1", "--lease", "8", "--quiet")]
    try:
        victim = workers[0]
        name = f"{socket.gethostname()}:{victim.pid}"
        deadline = time.monotonic() + 120
        held: list[tuple[int, int]] = []
        while not held:  # the victim is mid-debate: it holds a running debate with a speech stored
            assert time.monotonic() < deadline, "the first worker never got a debate"
            held = _rows(database, f"select d.id, (select count(*) from speech s where s.debate_id = d.id) from debate d where d.worker = '{name}' and d.status = 'running'")
            held = [(d, n) for d, n in held if n >= 1]
            time.sleep(0.05)
        workers += [_start("worker", "--db", database, "--slots", "1", "--lease", "8", "--quiet") for _ in range(2)]
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        # What the victim had stored when it died (it writes nothing more).
        stored = dict(_rows(database, f"select d.id, (select count(*) from speech s where s.debate_id = d.id) from debate d where d.id in ({','.join(str(d) for d, _ in held)})"))
        assert coordinator.wait(timeout=300) == 0, coordinator.stderr.read() if coordinator.stderr else ""
    finally:
        for process in [coordinator, *workers]:
            _stop(process)

    results = _results(database)
    assert all(status == "judged" for *_, status, _ in results["debates"])
    assert len(results["debates"]) == 12
    per_debate = Counter(d for d, *_ in results["ballots"])
    assert set(per_debate.values()) == {1}, "one ballot per judge and debate: no debate completed twice"
    taken_over = _rows(database, f"select worker from debate where id in ({','.join(str(d) for d in stored)})")
    assert all(w != name for (w,) in taken_over), "another worker took over and finished the killed worker's debate"
    assert results == _results(database.replace(database, f"sqlite:///{single_dir / 't.db'}")), "the same results as one process with the same seed"

    speeches = Counter((c["debate"], c["speech_index"]) for c in read_calls(log) if c.get("purpose") == "speech" and not c.get("control"))
    again = {key: n for key, n in speeches.items() if n > 1}
    # Only the speech in flight when the worker died (never stored) was asked for twice.
    assert all(d in stored and idx == stored[d] and n == 2 for (d, idx), n in again.items()), (again, stored)
    assert len(speeches) == 12 * 4


@needs_postgres
def test_workers_with_disjoint_models_finish_a_tournament_needing_both(tmp_path: Path, database: str) -> None:
    log = tmp_path / "calls.jsonl"
    cfg = _config(tmp_path, log, 0)
    coordinator = _start("run", str(cfg), "--db", database, "--workers", "0", "--quiet")
    speakers = _start("worker", "--db", database, "--models", "fake/*a", "--quiet")  # alpha, beta, gamma, delta
    judges = _start("worker", "--db", database, "--models", "fake/judge", "--quiet")
    try:
        assert coordinator.wait(timeout=180) == 0, coordinator.stderr.read() if coordinator.stderr else ""
    finally:
        for process in (coordinator, speakers, judges):
            _stop(process)
    debates = _rows(database, "select status, worker, (select count(*) from speech s where s.debate_id = d.id) from debate d")
    assert len(debates) == 12 and all(status == "judged" and spoken == 4 for status, _, spoken in debates)
    assert {worker for _, worker, _ in debates} == {f"{socket.gethostname()}:{judges.pid}"}, "the judging worker judged each debate last"
    calls = [c for c in read_calls(log) if not c.get("control")]
    assert Counter(c["purpose"] for c in calls)["speech"] == 12 * 4
    assert json.loads(_rows(database, "select count(*) from ballot")[0][0].__str__()) == 12


@needs_postgres
def test_a_worker_takes_over_from_a_killed_coordinator_and_finishes_the_tournament(tmp_path: Path, database: str) -> None:
    single_dir, shared_dir = tmp_path / "single", tmp_path / "shared"
    single_dir.mkdir(), shared_dir.mkdir()
    single = run_cli("run", str(_config(single_dir, single_dir / "calls.jsonl", 0)), "--quiet", env=ENV)
    assert single.returncode == 0, single.stderr

    cfg = _config(shared_dir, shared_dir / "calls.jsonl", 0.1)
    coordinator = _start("run", str(cfg), "--db", database, "--workers", "0", "--quiet", "--lease", "8")
    workers = [_start("worker", "--db", database, "--slots", "2", "--lease", "8") for _ in range(2)]
    try:
        deadline = time.monotonic() + 120
        while not _rows(database, "select id from debate where status = 'judged'"):
            assert time.monotonic() < deadline, "no debate was judged"
            time.sleep(0.05)
        coordinator.send_signal(signal.SIGKILL)
        coordinator.wait()
        drawn_by_the_dead = _rows(database, "select max(number) from round")[0][0]
        deadline = time.monotonic() + 240
        while _rows(database, "select status from tournament") != [("finished",)] or _rows(database, "select tournament from runner"):
            assert time.monotonic() < deadline, _rows(database, "select status, count(*) from debate group by status")
            time.sleep(0.2)
    finally:
        for process in workers:
            _stop(process)
    notices = [w.stderr.read() if w.stderr else "" for w in workers]
    took_over = [n for n in notices if "coordinates tournament 't' now" in n]
    assert len(took_over) == 1, notices
    assert f"process {coordinator.pid} on {socket.gethostname()}" in took_over[0]
    assert _rows(database, "select max(number) from round")[0][0] > drawn_by_the_dead, "the new coordinator drew the later rounds"
    assert _results(database) == _results(f"sqlite:///{single_dir / 't.db'}"), "the same results as one process with the same seed"


def test_a_worker_started_in_the_background_by_a_script_stops_on_sigterm(tmp_path: Path) -> None:
    # A shell script's background job ignores SIGINT; SIGTERM must still stop the worker politely.
    db = tmp_path / "t.db"
    Store(str(db)).close()
    worker = subprocess.Popen([*DEBATE, "worker", "--db", str(db)], env=ENV, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert worker.stderr is not None
        first = worker.stderr.readline()
        assert f"worker {socket.gethostname()}:{worker.pid}: serving every shared tournament" in first
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        assert "worker stopped: its debates are released for other workers" in worker.stderr.read()
    finally:
        _stop(worker)
