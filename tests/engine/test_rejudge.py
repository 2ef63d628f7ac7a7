"""Re-judging stored transcripts with another panel, and comparing the two rankings."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.helpers import query, read_calls, run_cli, write_config

NO_TEST = {"qualification": {"before_first_round": False}}


def _played(tmp_path: Path) -> Path:
    cfg = write_config(tmp_path / "t.yaml", panel=NO_TEST, judges=[{"name": "old", "model": "fake/old"}])
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    return tmp_path / "t.db"


def test_rejudge_grades_the_stored_transcripts_without_calling_a_debater(tmp_path: Path) -> None:
    db = _played(tmp_path)
    before = query(db, "select id, judge, verdict, margin, reason from ballot order by id")
    log = tmp_path / "calls.jsonl"
    panel = tmp_path / "panel.yaml"
    panel.write_text(yaml.safe_dump({"judges": [{"name": "new", "model": "fake/new", "params": {"call_log": str(log)}}], "panel": NO_TEST}), encoding="utf-8")
    result = run_cli("rejudge", "--judges", str(panel), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "debate compare t t-rejudged" in result.stdout
    assert query(db, "select id, judge, verdict, margin, reason from ballot where id <= ? order by id", before[-1][0]) == before, "the original's ballots are untouched"
    debates = query(db, "select count(*) from debate d join tournament t on t.id = d.tournament_id where t.name = 't'")[0][0]
    rejudged = query(db, "select d.status, count(*) from debate d join tournament t on t.id = d.tournament_id where t.name = 't-rejudged' group by d.status")
    assert rejudged == [("judged", debates)]
    assert query(db, "select distinct b.judge from ballot b join debate d on d.id = b.debate_id join tournament t on t.id = d.tournament_id where t.name = 't-rejudged'") == [("new",)]
    calls = read_calls(log)
    assert calls and {c["purpose"] for c in calls} == {"judge"}, "only the new judge was called"
    assert len(calls) == 2 * debates, "both orders of every debate, nothing else"
    speech_calls = query(db, "select count(*) from model_call m join tournament t on t.id = m.tournament_id where t.name = 't-rejudged' and m.purpose = 'speech'")[0][0]
    assert speech_calls == 0
    config = json.loads(query(db, "select config_json from tournament where name = 't-rejudged'")[0][0])
    assert config["rejudges"] == "t" and [j["name"] for j in config["judges"]] == ["new"]
    # Run again: nothing is asked twice.
    assert run_cli("rejudge", "--judges", str(panel), "--db", str(db), "--quiet").returncode == 0
    assert len(read_calls(log)) == 2 * debates


def test_compare_shows_rank_correlation_and_winner_agreement(tmp_path: Path) -> None:
    db = _played(tmp_path)
    assert run_cli("rejudge", "--judges", "fake/other", "--db", str(db), "--name", "second", "--quiet").returncode == 0
    same = json.loads(run_cli("compare", "t", "t", "--db", str(db), "--format", "json").stdout)
    assert same["winner_agreement"] == 1.0 and same["split"] == []
    assert same["kendall_tau"] in (None, 1.0)
    other = json.loads(run_cli("compare", "t", "second", "--db", str(db), "--format", "json").stdout)
    assert other["debates"] == same["debates"] > 0
    assert other["winner_agreement"] == (other["debates"] - len(other["split"])) / other["debates"]
    assert {r["name"] for r in other["rows"]} == {"alpha", "beta", "gamma"}
    table = run_cli("compare", "t", "second", "--db", str(db))
    assert table.returncode == 0 and "same winner in" in table.stdout
    assert "rating 1" in table.stdout and "rating 2" in table.stdout, "each column says which ranking it is"
    # A contestant with no finite rating in a ranking is shown as the standings show it, not as "-".
    for row in other["rows"]:
        for which in ("first", "second"):
            assert (row[f"rating_{which}"] is None) == (row[f"no_estimate_{which}"] is not None)
    shown = {r["name"]: r for r in other["rows"]}
    for name, r in shown.items():
        if r["no_estimate_first"]:
            assert f"{r['no_estimate_first']} all" in next(line for line in table.stdout.splitlines() if name in line)


def test_rejudge_refuses_a_bad_panel_file_with_its_line(tmp_path: Path) -> None:
    db = _played(tmp_path)
    panel = tmp_path / "panel.yaml"
    panel.write_text("judges:\n  - name: x\n    model: fake/x\n    temprature: 0\n", encoding="utf-8")
    result = run_cli("rejudge", "--judges", str(panel), "--db", str(db))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "panel.yaml:4" in result.stderr and "temprature" in result.stderr
    assert query(db, "select count(*) from tournament")[0][0] == 1, "nothing stored for a refused panel"
