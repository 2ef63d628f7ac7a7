"""Canaries: a speech or a judge's reason that reproduces a motion set's canary is found."""

from __future__ import annotations

from pathlib import Path

from debate.core.sides import Side
from debate.core.transcript import Speech
from judges.rules import canary_findings, reproduced
from motions import known_canaries, load_set, shipped_sets
from tests.helpers import query, run_cli, write_config

DEMO = load_set("demo").canary or ""


def _speech(text: str) -> Speech:
    return Speech(index=2, side=Side.OPPOSITION, role="rebuttal", text=text)


def test_every_shipped_set_has_a_canary_and_all_are_known() -> None:
    assert set(known_canaries()) == {load_set(name).canary for name in shipped_sets()} and DEMO


def test_the_canary_or_its_guid_alone_is_found_in_any_case_and_spacing() -> None:
    guid = DEMO.split()[-1]
    for text in (f"As we know, {DEMO}.", f"The code {guid.upper()} proves it.", DEMO.replace(" ", "\n  ")):
        (finding,) = canary_findings(_speech(text), known_canaries())
        assert finding.kind == "canary" and finding.severity == "major" and finding.speech_index == 2
        assert "canary reproduced" in finding.detail and finding.side == "opposition"
    assert canary_findings(_speech("A canary in a coal mine warns miners; GUIDs identify records."), known_canaries()) == []
    assert reproduced(f"my reason quotes {guid}", known_canaries()) == [DEMO]


def test_a_tournament_flags_a_canary_and_says_so_above_the_standings(tmp_path: Path) -> None:
    script = tmp_path / "leaker.yaml"
    script.write_text(f"default: 'We support the motion. {DEMO}'\n", encoding="utf-8")
    contestants = [{"name": "leaker", "model": "fake/leaker", "params": {"script": str(script)}}, {"name": "beta", "model": "fake/beta"}]
    cfg = write_config(tmp_path / "t.yaml", contestants=contestants, rounds=1, sides="once")
    assert run_cli("run", str(cfg), "--quiet").returncode in (0, 1)
    db = tmp_path / "t.db"
    assert query(db, "select count(*) from finding where kind = 'canary'")[0][0] >= 1
    shown = run_cli("standings", "--db", str(db))
    assert "canary string was reproduced by leaker" in shown.stdout
