"""Stopping a run (Ctrl-C, SIGTERM): the store says "stopped", the claim is released and the
same command resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import DEBATE, query, write_config

SLOW = {"latency": 0.3, "token_latency": 0.02}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_run_marks_what_was_running_and_resumes(tmp_path: Path, signum: int) -> None:
    contestants = [{"name": n, "model": f"fake/{n}", "params": SLOW} for n in ("alpha", "beta", "gamma")]
    cfg = write_config(tmp_path / "t.yaml", contestants=contestants)
    db = tmp_path / "t.db"
    process = subprocess.Popen([*DEBATE, "run", str(cfg), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not (db.exists() and _count(db, "select count(*) from speech") >= 2):
        time.sleep(0.2)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "run the same command again to resume" in stderr
    assert query(db, "select status from tournament") == [("stopped",)]
    statuses = {s for (s,) in query(db, "select distinct status from debate")}
    assert "running" not in statuses and "stopped" in statuses
    assert query(db, "select count(*) from runner")[0][0] == 0, "the run's claim is released"
    if signum == signal.SIGINT:
        return  # resuming is the same after either signal: once is enough for the suite's time
    again = subprocess.run([*DEBATE, "run", str(cfg), "--quiet"], capture_output=True, text=True, timeout=180, env=os.environ)
    assert again.returncode == 0, again.stderr
    assert query(db, "select status from tournament") == [("finished",)]
    assert query(db, "select distinct status from debate") == [("judged",)]


def _count(db: Path, sql: str) -> int:
    try:
        return int(query(db, sql)[0][0])
    except Exception:  # noqa: BLE001 - the schema may not exist yet while the run starts
        return 0


def test_a_tournament_stored_by_an_earlier_version_resumes_under_this_one(tmp_path: Path) -> None:
    import json
    import sqlite3

    cfg = write_config(tmp_path / "t.yaml", rounds=1)
    db = tmp_path / "t.db"
    first = subprocess.run([*DEBATE, "run", str(cfg), "--quiet"], capture_output=True, text=True, timeout=180, env=os.environ)
    assert first.returncode == 0, first.stderr
    (stored,) = query(db, "select config_json from tournament")[0]
    old = json.loads(stored)
    old["tie_breaks"] = ["wins" if k == "points" else k for k in old["tie_breaks"]]  # the former name
    del old["rejudges"]  # a setting added since, with its default
    with sqlite3.connect(db) as conn:
        conn.execute("update tournament set config_json = ?", (json.dumps(old),))
    conn.close()
    again = subprocess.run([*DEBATE, "run", str(cfg), "--quiet"], capture_output=True, text=True, timeout=180, env=os.environ)
    assert again.returncode == 0, again.stderr
    assert "different config" not in again.stderr
