"""Shared test helpers: write configs, run the CLI, read the store directly."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import yaml

DEBATE = [sys.executable, "-m", "debate.cli"]


def write_config(path: Path, **overrides: Any) -> Path:
    config: dict[str, Any] = {
        "name": "t",
        "contestants": [
            {"name": "alpha", "model": "fake/alpha"},
            {"name": "beta", "model": "fake/beta"},
            {"name": "gamma", "model": "fake/gamma"},
        ],
        "judges": [{"name": "judge", "model": "fake/judge"}],
        "motions": ["core-en"],
        "database": str(path.parent / "t.db"),
    }
    config.update(overrides)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DEBATE, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    # Closed here, not left to the garbage collector: a stray connection's close checkpoints
    # the WAL later, rewriting the file under tests that compare it.
    with closing(sqlite3.connect(db)) as conn, conn:
        return conn.execute(sql, params).fetchall()


def read_calls(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def presented_json(verdict: int = 4, a: int = 3, b: int = 4, reason: str = "Debater B answered the key point.") -> str:
    """A valid judge reply for the default rubric, in the neutral labels judges are asked in:
    `verdict` 1 (Debater A clearly better) .. 5 (Debater B clearly better)."""
    from judges.rubric import load_rubric

    scores = {cid: {"debater_a": a, "debater_b": b} for cid in load_rubric("default").ids}
    return json.dumps({"reason": reason, "scores": scores, "verdict": verdict, "both_poor": False})


def finished_tournament(folder: Path, contestants: list[dict[str, Any]], name: str = "fixed", **overrides: Any) -> Path:
    """Run a whole fake tournament in `folder` through the CLI; its database's path."""
    config = write_config(folder / "cfg.yaml", name=name, contestants=contestants, **overrides)
    result = run_cli("run", str(config), "--quiet")
    assert result.returncode == 0, result.stderr
    return folder / "t.db"


async def wait_for(pilot: Any, condition: Any, timeout: float = 20.0) -> None:
    """Let a Textual app run until `condition()` holds; fail after `timeout` seconds. A widget
    the condition queries may not be mounted yet (a screen just pushed, on a loaded machine):
    that counts as not yet."""
    from textual.css.query import NoMatches

    def holds() -> bool:
        try:
            return bool(condition())
        except NoMatches:
            return False

    waited = 0.0
    while not holds():
        await pilot.pause(0.1)
        waited += 0.1
        assert waited < timeout, "condition never became true"


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """The URL of a new database on the PostgreSQL server at `server_url`, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"debate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
