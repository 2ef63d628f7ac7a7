"""Commands that call no model start without the heavy packages: litellm (3-4 s to import),
scipy (about a second), textual, alembic (a third of a second; a current database is opened
without it) and SQLAlchemy (half a second with sqlmodel's tables; a SQLite file is read through
`debate.store.reader`). Checked by what each command leaves in sys.modules, run in a fresh
process; how long they take is for `debate bench startup` to print."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import finished_tournament

HEAVY = ("litellm", "scipy", "textual", "alembic", "sqlalchemy")
# Lighter, but still a good part of a command's start: numpy (the ratings maths, which only
# commands that rate need) and the rule checks (a few hundred patterns compiled on import;
# the standings need only the canary check).
RATING_ONLY = ("numpy",)
CHECKS = ("judges.rules.injection", "judges.rules.identity", "judges.rules.language")
WATCHED = HEAVY + RATING_ONLY + CHECKS

# Runs the CLI as `python -m debate.cli` does, then prints which of WATCHED it imported.
PROBE = """
import json, runpy, sys
sys.argv = ["debate", *sys.argv[1:]]
try:
    runpy.run_module("debate.cli", run_name="__main__", alter_sys=True)
except SystemExit as done:
    code = done.code
else:
    code = 0
sys.stderr.write("\\n" + json.dumps({"code": code, "loaded": [m for m in WATCHED if m in sys.modules]}) + "\\n")
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished_tournament(tmp_path_factory.mktemp("startup"), [{"name": n, "model": f"fake/{n}"} for n in ("alpha", "beta", "gamma")])


def _loaded(*args: str, watched: tuple[str, ...] = WATCHED) -> list[str]:
    """Which of `watched` `debate ARGS` left in sys.modules."""
    probe = f"WATCHED = {watched!r}\n{PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120, env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    loaded: list[str] = report["loaded"]
    return loaded


def _imported(*args: str) -> list[str]:
    return [m for m in _loaded(*args) if m in HEAVY]


def test_help_imports_none_of_the_heavy_packages() -> None:
    assert _imported("--help") == []


@pytest.mark.parametrize("command", [["standings"], ["show", "1"], ["ratings"], ["ratings", "--format", "json"], ["tournaments"], ["debates"], ["draw", "1"]])
def test_reading_a_stored_tournament_imports_none_of_the_heavy_packages(database: Path, command: list[str]) -> None:
    assert _imported(*command, "--db", str(database)) == []


@pytest.mark.parametrize("command", [["show", "1"], ["tournaments"], ["debates"]])
def test_reading_without_rating_imports_neither_numpy_nor_the_rule_checks(database: Path, command: list[str]) -> None:
    assert _loaded(*command, "--db", str(database)) == []


@pytest.mark.parametrize("command", [["standings"], ["ratings"]])
def test_rating_imports_numpy_but_not_the_rule_checks(database: Path, command: list[str]) -> None:
    # numpy here shows the probe sees a package a command does import.
    assert _loaded(*command, "--db", str(database)) == ["numpy"]


def test_rating_a_battle_log_imports_neither_pydantic_nor_the_store(tmp_path: Path) -> None:
    # pydantic's BaseModel alone is a tenth of a second; a battle log needs no config or store,
    # and JSON output no rich.
    log = tmp_path / "battles.csv"
    log.write_text("model_a,model_b,winner\nx,y,model_a\ny,x,tie\nx,y,model_b\n", encoding="utf-8")
    watched = ("pydantic", "rich", "sqlite3", "debate.store", "numpy")
    assert _loaded("ratings", "--battles", str(log), "--format", "json", watched=watched) == ["numpy"]


def test_the_probe_reports_a_heavy_package_that_was_imported() -> None:
    # The same probe with textual imported before the CLI runs: an empty list above means
    # nothing was imported, not that the probe cannot see it.
    probe = f"WATCHED = {WATCHED!r}\n" + PROBE.replace("runpy.run_module(", "__import__('textual.app'); runpy.run_module(")
    done = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True, text=True, timeout=120)
    assert json.loads(done.stderr.strip().splitlines()[-1])["loaded"] == ["textual"]
