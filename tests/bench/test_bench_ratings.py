"""The ratings benchmark runs on tiny sizes and prints its figures; speed targets are read by
people, not asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from debate.bench import ratings as bench_ratings

KEYS = {
    "models", "battles", "seconds", "spearman", "arena_rank_seconds", "speedup", "max_rating_diff", "max_bound_diff",
    "whole_process_seconds", "arena_rank_whole_process_seconds", "whole_process_speedup",
}  # fmt: skip


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def print(self, *objects: Any) -> None:
        self.lines.append(" ".join(str(o) for o in objects))


def test_bench_module_prints_one_line_per_size_and_json_last() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ARENA_RANK_PYTHON"}
    done = subprocess.run(
        [sys.executable, "-m", "debate.bench.ratings", "--sizes", "5x300,8x2000", "--repeats", "1"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert [(s["models"], s["battles"]) for s in figures["sizes"]] == [(5, 300), (8, 2000)]
    for size in figures["sizes"]:
        assert KEYS <= set(size)
        assert size["seconds"] > 0 and size["spearman"] > 0.5
        assert size["arena_rank_seconds"] is None and size["max_rating_diff"] is None
        # The whole process reads the CSV log, so it cannot be quicker than the fit alone.
        assert size["whole_process_seconds"] > size["seconds"]
        assert size["arena_rank_whole_process_seconds"] is None and size["whole_process_speedup"] is None
    assert sum("battles" in line and "spearman" in line for line in lines[:-1]) == 2
    assert sum("whole process" in line for line in lines[:-1]) == 2


def test_run_returns_what_it_prints(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ARENA_RANK_PYTHON", raising=False)
    console = _Lines()
    figures = bench_ratings.run([(6, 1500)], seed=3, console=console, repeats=2, arena_repeats=1)
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == figures
    assert any("1,500 battles" in line for line in console.lines)
    assert "arena-rank not available" in console.lines[0]
    # Same seed, same synthetic battles, same correlation.
    again = bench_ratings.run([(6, 1500)], seed=3, console=_Lines(), repeats=1)
    assert again["sizes"][0]["spearman"] == figures["sizes"][0]["spearman"]


def test_bench_compares_with_arena_rank_when_it_can() -> None:
    if bench_ratings.arena_rank_python() is None:
        pytest.skip("arena-rank not importable here and ARENA_RANK_PYTHON not set to a python that has it")
    figures = bench_ratings.run([(10, 3000)], console=_Lines(), repeats=1, arena_repeats=1)
    size = figures["sizes"][0]
    assert size["arena_rank_seconds"] > 0 and size["speedup"] > 0
    assert size["max_rating_diff"] < 0.5 and size["max_bound_diff"] < 0.5
    assert size["arena_rank_whole_process_seconds"] > 0
    assert size["whole_process_speedup"] == pytest.approx(size["arena_rank_whole_process_seconds"] / size["whole_process_seconds"], rel=0.01)
