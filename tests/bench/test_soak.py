"""The soak benchmark, short: three SIGKILLs of a faulty run, then the results must equal an
uninterrupted run's."""

from __future__ import annotations

import json

from tests.helpers import run_cli


def test_a_tournament_killed_three_times_ends_as_if_never_killed() -> None:
    result = run_cli("bench", "soak", "--kills", "3", "--seed", "5", timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["kills"] == 3 and figures["runs"] >= 4
    assert figures["identical"] and figures["differing_debates"] == 0 and figures["debates"] == 12
