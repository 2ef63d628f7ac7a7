"""A judge whose calls fail for good is one missing ballot, never a crashed tournament."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import query, run_cli, write_config

FAST_GATEWAY = {"max_attempts": 2, "backoff_s": 0, "backoff_max_s": 0}
DOWN = {"faults": [{"kind": "server", "times": 1000}]}


def test_a_dead_judge_abstains_and_the_panel_judges_without_it(tmp_path: Path) -> None:
    judges = [{"name": "down", "model": "fake/down", "params": DOWN}, {"name": "up", "model": "fake/up"}]
    cfg = write_config(tmp_path / "t.yaml", judges=judges, gateway=FAST_GATEWAY)
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    db = tmp_path / "t.db"
    assert query(db, "select distinct status from debate") == [("judged",)]
    assert query(db, "select distinct judge from ballot") == [("up",)], "nothing is stored for the judge that never answered"
    assert query(db, "select distinct judge from order_ballot") == [("up",)]
    failed_calls = query(db, "select count(*) from model_call where model = 'fake/down' and ok = 0")[0][0]
    assert failed_calls == 2 * query(db, "select count(*) from debate")[0][0], "each failed judge call (both presentations) is on record"
    assert query(db, "select status from tournament") == [("finished",)]


def test_a_panel_with_no_judge_left_fails_its_debates_with_the_reason(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml", judges=[{"name": "down", "model": "fake/down", "params": DOWN}], gateway=FAST_GATEWAY)
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    db = tmp_path / "t.db"
    rows = query(db, "select status, error from debate")
    assert rows and all(status == "failed" for status, _ in rows), "no debate is left running"
    assert all("judge calls failed: down:" in error for _, error in rows)
    assert query(db, "select count(*) from ballot")[0][0] == 0
    # Nothing of the outage is stored as a ballot, so a rerun asks the judge again.
    again = run_cli("run", str(cfg), "--quiet")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert query(db, "select count(*) from model_call where model = 'fake/down'")[0][0] == 2 * 2 * len(rows), "two runs, two presentations each"


def test_a_rerun_judges_again_the_debates_whose_every_judge_abstained(tmp_path: Path) -> None:
    script = tmp_path / "judge.yaml"
    script.write_text("judge: ['not a ballot']\n", encoding="utf-8")
    cfg = write_config(tmp_path / "t.yaml", judges=[{"name": "judge", "model": "fake/judge", "params": {"script": str(script)}}], rounds=1)
    first = run_cli("run", str(cfg), "--quiet")
    assert first.returncode == 1, first.stderr
    db = tmp_path / "t.db"
    failed = query(db, "select count(*) from debate where status = 'failed'")[0][0]
    assert failed and query(db, "select count(*) from ballot where abstained = 1")[0][0] == failed
    invalid_replies = query(db, "select count(*) from model_call where ok = 0")[0][0]

    script.write_text("default: unused\n", encoding="utf-8")  # the judge now answers
    again = run_cli("run", str(cfg), "--quiet")
    assert again.returncode == 0, again.stderr
    assert query(db, "select distinct status from debate") == [("judged",)]
    assert query(db, "select count(*) from ballot where abstained = 1")[0][0] == 0, "each abstention was replaced by the new answer"
    assert query(db, "select count(*) from order_ballot where abstained = 1")[0][0] == 0
    assert query(db, "select count(*) from ballot")[0][0] == failed
    assert query(db, "select count(*) from model_call where ok = 0")[0][0] == invalid_replies, "the first run's invalid replies stay on record"
