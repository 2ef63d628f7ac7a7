"""Judge qualification on control debates, through the CLI and a real (fake-provider) run."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.helpers import query, read_calls, run_cli, write_config

ALWAYS_A = json.dumps({
    "reason": "Debater A made the better case throughout.",
    "scores": {c: {"debater_a": 4, "debater_b": 2} for c in ("argument_sufficiency", "rebuttal", "style", "language", "rule_compliance", "ethics")},
    "verdict": 1,
    "both_poor": False,
})


def _script(folder: Path, reply: str) -> str:
    path = folder / "judge.yaml"
    path.write_text(yaml.safe_dump({"judge": [reply]}), encoding="utf-8")
    return str(path)


def test_a_judge_that_always_picks_debater_a_is_flagged_and_one_that_reads_passes(tmp_path: Path) -> None:
    judges = [
        {"name": "lazy", "model": "fake/lazy", "temperature": 0, "params": {"script": _script(tmp_path, ALWAYS_A)}},
        {"name": "reader", "model": "fake/reader", "temperature": 0, "params": {"oracle": True}},
    ]
    cfg = write_config(tmp_path / "t.yaml", judges=judges)
    result = run_cli("judges", "test", str(cfg), "--format", "json")
    assert result.returncode == 1, "a flagged judge makes the command fail"
    measured = {r["judge"]: r for r in json.loads(result.stdout)}
    lazy, reader = measured["lazy"], measured["reader"]
    assert lazy["flagged"] and lazy["position_consistency"] == 0 and lazy["preference_fairness"] == 1.0
    assert lazy["accuracy"] < 0.8 and any("position consistency" in p for p in lazy["problems"])
    assert not reader["flagged"] and reader["accuracy"] == 1.0 and reader["position_consistency"] == 1.0
    assert reader["controls"] == 6 and reader["ballots"] == 12, "six controls, each in both orders, once at temperature 0"
    assert reader["probabilities"] is True, "the fake provider returns logprobs when asked"
    stored = query(tmp_path / "t.db", "select judge, flagged, tournament_id from judge_qualification order by judge")
    assert stored == [("lazy", 1, None), ("reader", 0, None)], "no tournament of that name yet: stored on their own"
    assert query(tmp_path / "t.db", "select count(*) from debate")[0][0] == 0, "controls are never stored as debates"
    # README's next step: `judges show` reads them back from the database with no tournament.
    shown = run_cli("judges", "show", "--db", str(tmp_path / "t.db"), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert sorted(r["judge"] for r in json.loads(shown.stdout)) == ["lazy", "reader"]
    assert "before any tournament" in run_cli("judges", "show", "--db", str(tmp_path / "t.db")).stdout


def test_a_sampling_judge_is_asked_twice_and_its_repetition_is_measured(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    cfg = write_config(tmp_path / "t.yaml", judges=[{"name": "noisy", "model": "fake/noisy", "temperature": 0.7, "params": {"call_log": str(log)}}])
    result = run_cli("judges", "test", str(cfg), "--controls", "3", "--format", "json")
    (noisy,) = json.loads(result.stdout)
    assert noisy["controls"] == 3 and noisy["ballots"] + noisy["abstentions"] == 12
    assert noisy["repetition_stability"] is not None
    assert len(read_calls(log)) == 12


def test_before_the_first_round_judges_are_tested_and_require_qualified_leaves_out_the_flagged(tmp_path: Path) -> None:
    judges = [
        {"name": "lazy", "model": "fake/lazy", "family": "x", "temperature": 0, "params": {"script": _script(tmp_path, ALWAYS_A)}},
        {"name": "reader", "model": "fake/reader", "family": "y", "temperature": 0, "params": {"oracle": True}},
    ]
    contestants = [{"name": "alpha", "model": "fake/alpha"}, {"name": "beta", "model": "fake/beta"}]
    cfg = write_config(tmp_path / "t.yaml", judges=judges, contestants=contestants, panel={"require_qualified": True, "qualification": {"controls": 4}})
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "judge lazy: FLAGGED" in result.stdout and "judge reader: qualified" in result.stdout
    assert "left out of the panel (panel.require_qualified): lazy" in result.stdout
    db = tmp_path / "t.db"
    assert query(db, "select distinct judge from ballot") == [("reader",)]
    assert query(db, "select judge, flagged from judge_qualification order by judge") == [("lazy", 1), ("reader", 0)]
    assert query(db, "select count(*) from model_call where purpose = 'qualification'")[0][0] == 16, "2 judges x 4 controls x 2 orders, paid for"
    # A resumed or repeated run does not test the judges again.
    again = run_cli("run", str(cfg), "--quiet")
    assert again.returncode == 0 and "testing" not in again.stdout


def test_require_qualified_with_no_qualified_judge_stops_before_any_debate(tmp_path: Path) -> None:
    judges = [{"name": "lazy", "model": "fake/lazy", "temperature": 0, "params": {"script": _script(tmp_path, ALWAYS_A)}}]
    cfg = write_config(tmp_path / "t.yaml", judges=judges, panel={"require_qualified": True, "qualification": {"controls": 2}})
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no judge has passed its qualification" in result.stderr
    assert query(tmp_path / "t.db", "select count(*) from speech")[0][0] == 0


def test_judges_show_lists_the_stored_figures_and_the_untested(tmp_path: Path) -> None:
    judges = [{"name": "reader", "model": "fake/reader", "temperature": 0, "params": {"oracle": True}}, {"name": "later", "model": "fake/later"}]
    cfg = write_config(tmp_path / "t.yaml", judges=judges, panel={"qualification": {"before_first_round": False}}, contestants=[{"name": "a", "model": "fake/a"}, {"name": "b", "model": "fake/b"}])
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    assert run_cli("judges", "test", "--db", str(tmp_path / "t.db"), "--judges", "reader", "--controls", "2").returncode == 0
    shown = run_cli("judges", "show", "--db", str(tmp_path / "t.db"))
    assert "reader" in shown.stdout and "qualified" in shown.stdout and "not tested" in shown.stdout
    rows = json.loads(run_cli("judges", "show", "--db", str(tmp_path / "t.db"), "--format", "json").stdout)
    assert [r["judge"] for r in rows] == ["reader"] and rows[0]["accuracy"] == 1.0
    unknown = run_cli("judges", "test", "--db", str(tmp_path / "t.db"), "--judges", "nobody")
    assert unknown.returncode == 2 and "no judge named 'nobody'" in unknown.stderr
