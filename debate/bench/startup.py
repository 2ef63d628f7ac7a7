"""`debate bench startup`: how long commands that call no model take, whole process.

A small tournament is played on the fake provider into a temporary database; then each command
(`--help`, `standings`, `show`, `ratings`, `tournaments`, `motions list`) is run in a fresh
process `runs` times. For each it prints the median wall time, the median CPU time (user +
system: what the command costs on a machine whose other work slows the wall clock) and which of
the heavy packages it imported (litellm, scipy, textual, sqlalchemy: none should be), against the
target of 0.5 s. The last line is one JSON object: `<command>_s`, `<command>_cpu_s` and
`<command>_heavy` per command, `target_s`, and `litellm_imported` / `scipy_imported` /
`textual_imported` / `sqlalchemy_imported` over all of them.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console

TARGET_S = 0.5
HEAVY = ("litellm", "scipy", "textual", "sqlalchemy")
"""Packages that take from half a second to several to import; a command that calls no model,
fits nothing unusual and starts no app should not need them (SQLAlchemy: not to read a SQLite
file)."""

# Runs the CLI as `python -m debate.cli` does, then names the heavy packages it imported on the
# last line of stderr.
_PROBE = """
import json, runpy, sys
sys.argv = ["debate", *sys.argv[1:]]
try:
    runpy.run_module("debate.cli", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
sys.stderr.write("\\n" + json.dumps([name for name in %r if name in sys.modules]) + "\\n")
""" % (HEAVY,)


def run(*, runs: int, console: Console) -> dict[str, Any]:
    """Play the tournament, time every command; print a line each and the JSON object last."""
    with tempfile.TemporaryDirectory(prefix="debate-startup-") as folder:
        database = play_tournament(Path(folder))
        debate_id = _first_debate(database)
        commands = {
            "help": ["--help"],
            "standings": ["standings", "--db", database],
            "show": ["show", str(debate_id), "--db", database],
            "ratings": ["ratings", "--db", database],
            "tournaments": ["tournaments", "--db", database, "--format", "json"],
            "motions_list": ["motions", "list", "--format", "json"],
        }
        figures: dict[str, Any] = {"runs": runs, "target_s": TARGET_S}
        for label, args in commands.items():
            wall, cpu = time_command(args, runs)
            heavy = heavy_imports(args)
            figures.update({f"{label}_s": round(wall, 3), f"{label}_cpu_s": round(cpu, 3), f"{label}_heavy": heavy})
            shown = "--help" if label == "help" else label.replace("_", " ")
            verdict = "under" if wall < TARGET_S else "OVER"
            imported = ", ".join(heavy) if heavy else "none of " + "/".join(HEAVY)
            console.print(f"debate {shown:<13} {wall:6.3f} s  (cpu {cpu:.3f} s, {verdict} the {TARGET_S} s target)  imported {imported}")
    for name in HEAVY:
        figures[f"{name}_imported"] = any(name in figures[f"{label}_heavy"] for label in commands)
    print(json.dumps(figures), flush=True)
    return figures


def play_tournament(folder: Path) -> str:
    """Three fake contestants, one fake judge, two rounds, no latency; the database's path."""
    database = folder / "startup.db"
    config = {
        "name": "startup",
        "contestants": [{"name": name, "model": f"fake/{name}", "params": {"latency": 0, "words": 30}} for name in ("alpha", "beta", "gamma")],
        "judges": [{"name": "judge", "model": "fake/judge", "params": {"latency": 0}}],
        "motions": ["core-en"],
        "rounds": 2,
        "database": str(database),
    }
    path = folder / "startup.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "debate.cli", "run", str(path), "--quiet"], capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the fake tournament did not finish: {done.stderr[-500:]}")
    return str(database)


def time_command(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `debate ARGS` in a fresh process, over `runs` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        before = _children_cpu()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "debate.cli", *args], capture_output=True, check=True, env=_env())
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - before)
    return statistics.median(walls), statistics.median(cpus)


def heavy_imports(args: list[str]) -> list[str]:
    """Which of HEAVY `debate ARGS` imported (one more run, not timed)."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True, env=_env())
    imported: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return imported


def _first_debate(database: str) -> int:
    from debate import api

    with api.opened(database, read_only=True) as store:
        return api.debates(store)[0].id


def _env() -> dict[str, str]:
    # As the README sets it up; were litellm imported after all, it must not reach the network.
    return {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
