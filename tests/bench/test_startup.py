"""`debate bench startup` plays a small fake tournament, times each command in fresh processes and
names the heavy packages each imported; speed targets are read by people, not asserted."""

from __future__ import annotations

import json

from tests.helpers import run_cli

COMMANDS = ("help", "standings", "show", "ratings", "tournaments", "motions_list")


def test_startup_bench_prints_a_line_per_command_and_json_last() -> None:
    result = run_cli("bench", "startup", "--runs", "1", timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    for command in COMMANDS:
        assert figures[f"{command}_s"] > 0 and figures[f"{command}_cpu_s"] > 0, command
        assert set(figures[f"{command}_heavy"]) <= {"litellm", "scipy", "textual", "sqlalchemy"}
    assert figures["runs"] == 1 and figures["target_s"] == 0.5
    for name in ("litellm", "scipy", "textual", "sqlalchemy"):
        assert figures[f"{name}_imported"] == any(name in figures[f"{command}_heavy"] for command in COMMANDS)
    # One printed line per command, each naming it, before the JSON.
    printed = lines[:-1]
    assert len(printed) == len(COMMANDS)
    for line, command in zip(printed, ("--help", "standings", "show", "ratings", "tournaments", "motions list"), strict=True):
        assert line.startswith(f"debate {command} ")
