"""`debate bench validity` end to end on the fake provider (the real one takes 30-60 minutes)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rich.console import Console

from debate.bench import validity


REAL_CONFIG = validity._config


def _fake_config() -> dict[str, Any]:
    config = REAL_CONFIG()
    for spec in config["contestants"] + config["judges"]:
        spec["model"] = f"fake/{spec['name']}"
    config["judges"][0]["params"] = {"oracle": True}
    config["panel"]["qualification"]["controls"] = 2
    return config


def test_validity_prints_qualification_side_bias_and_ratings(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(validity, "_config", _fake_config)
    validity.run(debates=7, database=None, console=Console(quiet=True))
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["debates"] == 12, "rounded up to whole cycles of the six pairings"
    (judge,) = figures["qualification"]
    assert judge["judge"] == "qwen-judge" and judge["accuracy"] == 1.0
    assert figures["side_bias_before"]["ballots"] == figures["side_bias_after"]["ballots"] == 12
    assert {r["name"] for r in figures["ratings"]} == {"qwen-measured", "qwen-fiery", "gemma-base"}
    assert isinstance(figures["target_met"], bool)


def test_the_target_needs_gemma_below_both_with_intervals_apart() -> None:
    row = lambda name, lo, hi: {"name": name, "rating": (lo + hi) / 2, "lower": lo, "upper": hi}  # noqa: E731
    assert validity._target([row("a", 1050, 1150), row("b", 1040, 1120), row("gemma-base", 800, 1000)])
    assert not validity._target([row("a", 1050, 1150), row("b", 990, 1120), row("gemma-base", 800, 1000)])
    assert not validity._target([row("a", 1050, 1150), row("gemma-base", 800, 1000)])
