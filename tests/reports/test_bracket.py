"""The knockout after the break: the bracket, who went through and how, and the champion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_config

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 10}} for n in "abcdef"]


@pytest.fixture(scope="module")
def knockout_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ko")
    cfg = write_config(root / "t.yaml", name="ko", contestants=CONTESTANTS, pairing="swiss", rounds=3, **{"break": {"size": 4}})
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 0, result.stderr
    return root / "t.db"


def test_the_bracket_names_a_champion_from_the_final_never_a_tie(knockout_db: Path) -> None:
    shown = run_cli("standings", "--db", str(knockout_db), "--format", "json")
    report = json.loads(shown.stdout)
    bracket = report["bracket"]
    assert [r["stage"] for r in bracket["rounds"]] == ["semi-finals", "final"]
    semis, final = bracket["rounds"]
    assert {m["winner"] for m in semis["matches"]} == {final["matches"][0]["proposition"], final["matches"][0]["opposition"]}
    (match,) = final["matches"]
    assert match["winner"] in (match["proposition"], match["opposition"]) and match["decided_by"] is not None
    assert bracket["champion"] == match["winner"] and bracket["runner_up"] in (match["proposition"], match["opposition"])
    assert bracket["champion"] != bracket["runner_up"]
    assert set(bracket["seeds"]) == {r["name"] for r in report["rows"][:4]}, "the top four of the preliminary standings break"


def test_the_cli_and_every_export_show_the_champion_above_the_preliminary_table(knockout_db: Path, tmp_path: Path) -> None:
    report = json.loads(run_cli("standings", "--db", str(knockout_db), "--format", "json").stdout)
    champion = report["bracket"]["champion"]
    table = run_cli("standings", "--db", str(knockout_db)).stdout
    assert table.index(f"Champion: {champion}") < table.index("Preliminary standings") < table.index("Knockout")
    for fmt in ("md", "html", "json"):
        out = tmp_path / f"card.{fmt}"
        assert run_cli("export", "--db", str(knockout_db), "--format", fmt, "--out", str(out)).returncode == 0
        text = out.read_text(encoding="utf-8")
        assert f"Champion: {champion}" in text or json.loads(text)["knockout"]["champion"] == champion
