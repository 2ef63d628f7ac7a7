"""`debate bench workers`: a tiny run on the test PostgreSQL server (skipped without
DEBATE_TEST_POSTGRES_URL), and its refusals without one."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import create_engine, text

from tests.helpers import run_cli

URL = os.environ.get("DEBATE_TEST_POSTGRES_URL")
WITHOUT_SERVER = {"DEBATE_TEST_POSTGRES_URL": "", "DEBATE_BENCH_POSTGRES_URL": ""}


def test_bench_workers_without_postgres_says_what_it_needs() -> None:
    result = run_cli("bench", "workers", env=WITHOUT_SERVER)
    assert result.returncode == 2
    assert "needs a PostgreSQL server" in result.stderr and "DEBATE_BENCH_POSTGRES_URL" in result.stderr
    sqlite = run_cli("bench", "workers", "--db", "sqlite:///bench.db", env=WITHOUT_SERVER)
    assert sqlite.returncode == 2
    assert "needs PostgreSQL" in sqlite.stderr and "not a SQLite database" in sqlite.stderr
    assert "Traceback" not in result.stderr + sqlite.stderr


def _bench_databases() -> set[str]:
    assert URL
    engine = create_engine(URL)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("select datname from pg_database where datname like 'debate_bench_%'")).scalars())
    finally:
        engine.dispose()


@pytest.mark.skipif(not URL, reason="set DEBATE_TEST_POSTGRES_URL to a PostgreSQL server to run")
def test_bench_workers_prints_debates_per_minute_by_worker_count() -> None:
    before = _bench_databases()
    # Two counts, not three: each worker process pays for importing litellm once, and four of
    # them would double the test's time. The JSON says so with speedup_4_vs_1 null.
    result = run_cli("bench", "workers", "--db", URL, "--counts", "1,2", "--debates", "6", "--latency", "0.05", "--slots", "2",
                     env={"DEBATE_BENCH_POSTGRES_URL": ""}, timeout=240)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert set(figures["debates_per_min"]) == {"1", "2"}
    assert all(v > 0 for v in figures["debates_per_min"].values())
    assert figures["speedup_4_vs_1"] is None, "no run with 4 workers to compare"
    assert figures["settled"] == {"1": 6, "2": 6}, "every count settled every debate"
    for run in figures["runs"]:
        assert run["debates"] == run["settled"] == 6 and run["failed"] == 0
        assert run["workers_used"] == run["workers"], "every worker ran debates of the measured round"
        assert run["warmed_workers"] == run["workers"], "every worker had a warm-up debate"
        assert 0 < run["wall_s"] <= run["coordinator_wall_s"]
        assert run["capacity_per_min"] == run["workers"] * 2 * 60 / (5 * 0.05)
    # The server is on this machine: its CPU is read from /proc, and it did some work.
    assert all(share is not None and share > 0 for share in figures["postgres_cpu_share"].values())
    assert all(share > 0 for share in figures["workers_cpu_share"].values())
    assert any("debates per minute by worker count" in line for line in lines), "the table is printed"
    assert _bench_databases() == before, "each count's database is dropped afterwards"
