"""The same tournament against PostgreSQL, when a server is available.

CI starts a throw-away server on loopback and sets DEBATE_TEST_POSTGRES_URL; elsewhere this
module is skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.helpers import fresh_postgres_database, run_cli, write_config

URL = os.environ.get("DEBATE_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="set DEBATE_TEST_POSTGRES_URL to a PostgreSQL server to run")


@pytest.fixture
def database() -> str:
    """A fresh database on the server for one test, dropped afterwards."""
    assert URL
    with fresh_postgres_database(URL) as url:
        yield url


def test_tournament_and_resume_on_postgres(tmp_path: Path, database: str) -> None:
    cfg = write_config(tmp_path / "t.yaml", contestants=[{"name": n, "model": f"fake/{n}"} for n in ("a", "b", "c")])
    first = run_cli("run", str(cfg), "--db", database, "--quiet")
    assert first.returncode == 0, first.stderr
    standings = json.loads(run_cli("standings", "--db", database, "--format", "json").stdout)
    assert sum(r["debates"] for r in standings["rows"]) == 2 * 6
    again = run_cli("run", str(cfg), "--db", database, "--quiet")
    assert again.returncode == 0 and "6 already judged" in again.stdout
    engine = create_engine(database)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from speech")).scalar() == 6 * 4
        assert conn.execute(text("select count(*) from runner")).scalar() == 0  # each run released its claim
    engine.dispose()


def test_run_claim_on_postgres(database: str) -> None:
    from debate.core.errors import TournamentBusy
    from debate.store.claims import Runner
    from debate.store import Store

    store = Store(database)
    try:
        live = Runner(pid=os.getppid(), host=Runner.me().host)
        store.claim_run("t", live)
        with pytest.raises(TournamentBusy):
            store.claim_run("t", Runner.me())
        store.claim_run("u", Runner(pid=999_999_999, host=Runner.me().host))
        store.claim_run("u", Runner.me())  # the compare-and-set takes a dead claim
        holder = store.runner_of("u")
        assert holder is not None and holder[0] == Runner.me() and 0 <= holder[1] < 5
        assert store.keep_run("u", Runner.me()) and not store.keep_run("u", live)
    finally:
        store.close()
