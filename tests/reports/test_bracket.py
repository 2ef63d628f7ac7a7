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


def test_the_bracket_played_stands_when_the_preliminary_standings_move_after_the_break(knockout_db: Path, tmp_path: Path) -> None:
    """A human ballot or a re-judged debate can reorder the preliminary table after the
    break: the bracket is still the one drawn and played, said to be seeded as it broke."""
    import shutil

    from debate.store import DebateUpdate, Store

    db = tmp_path / "moved.db"
    shutil.copy(knockout_db, db)
    before = json.loads(run_cli("standings", "--db", str(db), "--format", "json").stdout)
    seeds = before["bracket"]["seeds"]
    assert before["bracket"]["standings_moved"] is False
    store = Store(str(db))
    try:
        tid = store.find_tournament().id or 0
        # The last seed's preliminary debates all go its way: it now tops the table.
        last = seeds[-1]
        store.write([
            DebateUpdate(debate_id=d.id, status="judged", winner="proposition" if d.proposition == last else "opposition")
            for d in store.debates(tid) if d.round <= 3 and last in (d.proposition, d.opposition)
        ])
    finally:
        store.close()
    shown = run_cli("standings", "--db", str(db), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    after = json.loads(shown.stdout)
    assert after["rows"][0]["name"] == last and after["bracket"]["seeds"] == seeds
    assert after["bracket"]["standings_moved"] is True and after["bracket"]["champion"] == before["bracket"]["champion"]
    table = run_cli("standings", "--db", str(db))
    assert table.returncode == 0 and "as they stood at the break; they have changed since" in " ".join(table.stdout.split())
    assert run_cli("export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "card.csv")).returncode == 0
