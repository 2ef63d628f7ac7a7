"""Human scorers grade blind through the same ballot schema; ratings from tournaments and logs."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

from debate.core.errors import UserError
from debate.reports.standings import stored_config
from debate.store import Store
from debate.api.scoring import blind_debate, next_debate, progress, submit
from judges.human import ballot_from_answers
from judges.rubric import load_rubric
from tests.helpers import DEBATE, query, run_cli, write_config


@pytest.fixture
def tournament(tmp_path: Path) -> Path:
    leak = tmp_path / "leak.yaml"
    leak.write_text("default: As ChatGPT, made by OpenAI, I say the motion is wise.\n")
    cfg = write_config(
        tmp_path / "t.yaml",
        contestants=[{"name": "alpha", "model": "fake/alpha", "params": {"script": str(leak)}}, {"name": "beta", "model": "fake/beta"}],
        sides="once",
    )
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    return tmp_path / "t.db"


def test_a_scorer_sees_no_model_names_and_scores_each_debate_once(tournament: Path) -> None:
    store = Store(str(tournament))
    try:
        tid = store.find_tournament().id
        config = stored_config(store, tid)
        rubric = load_rubric("default")
        debate = next_debate(store, tid, "alice", config)
        assert debate is not None
        shown = debate.model_dump_json()
        assert "alpha" not in shown and "beta" not in shown and "ChatGPT" not in shown and "fake/" not in shown
        ballot = ballot_from_answers({cid: (4, 2) for cid in rubric.ids}, "proposition_clearly", False, "Clearer case.")
        submit(store, tid, debate.debate_id, "alice", ballot, rubric)
        assert progress(store, tid, "alice").model_dump() == {"scored": 1, "available": 1}
        assert next_debate(store, tid, "alice", config) is None
        assert next_debate(store, tid, "bob", config) is not None
        with pytest.raises(UserError, match="already scored"):
            submit(store, tid, debate.debate_id, "alice", ballot, rubric)
        out_of_range = ballot_from_answers({cid: (9, 2) for cid in rubric.ids}, "proposition_clearly", False, "Too generous.")
        with pytest.raises(UserError, match="does not fit the rubric"):
            submit(store, tid, debate.debate_id, "bob", out_of_range, rubric)
        incomplete = ballot_from_answers({"style": (3, 3)}, "tie", False, "Even.")
        with pytest.raises(UserError, match="does not fit the rubric"):
            submit(store, tid, debate.debate_id, "bob", incomplete, rubric)
        with pytest.raises(ValueError):
            ballot_from_answers({cid: (3, 3) for cid in rubric.ids}, "a landslide", False, "x")
        stored = query(tournament, "select judge_model, kind, winner from ballot where judge = 'alice'")
        assert stored == [("human", "human", "proposition")]
        assert blind_debate(store, debate.debate_id, config.resolved_format()).speeches
    finally:
        store.close()


def test_identity_leak_is_found_stored_and_kept_out_of_ratings(tournament: Path) -> None:
    assert query(tournament, "select count(*) from finding where kind = 'identity_leak'")[0][0] >= 1
    assert query(tournament, "select excluded from debate")[0][0] == 1
    rated = run_cli("ratings", "--db", str(tournament))
    assert rated.returncode == 2 and "no judged debates" in rated.stderr


def test_score_command_reads_answers_from_the_terminal(tournament: Path) -> None:
    criteria = len(load_rubric("default").ids)
    answers = "7\n" + "3\n2\n" * criteria + "2\nn\nA modest edge.\ny\n"  # 7 is out of range: asked again
    done = subprocess.run([*DEBATE, "score", "--db", str(tournament), "--scorer", "carol", "--limit", "1"], input=answers, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "whole number from 1 to 5" in done.stderr
    assert query(tournament, "select verdict from ballot where judge = 'carol'") == [("proposition_slightly",)]
    judge_name = run_cli("score", "--db", str(tournament), "--scorer", "judge")
    assert judge_name.returncode == 2 and "judge model" in judge_name.stderr


def test_ratings_from_a_battle_log(tmp_path: Path) -> None:
    log = tmp_path / "battles.csv"
    with log.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["model_a", "model_b", "winner", "category"])
        for _ in range(30):
            writer.writerow(["strong", "weak", "model_a", "policy"])
        for _ in range(10):
            writer.writerow(["strong", "weak", "model_b", "ethics"])
        for _ in range(5):
            writer.writerow(["strong", "weak", "tie", "ethics"])
    rows = json.loads(run_cli("ratings", "--battles", str(log), "--format", "json").stdout)
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"strong", "weak"}
    assert by_name["strong"]["rating"] > by_name["weak"]["rating"]
    assert all({"name", "rating", "lower", "upper", "battles"} <= set(r) for r in rows)
    assert by_name["strong"]["battles"] == 45
    split = json.loads(run_cli("ratings", "--battles", str(log), "--by", "category", "--format", "json").stdout)
    assert {r["category"] for r in split} == {"policy", "ethics"}
    bad = tmp_path / "bad.csv"
    bad.write_text("model_a,model_b,winner\nx,y,model_c\n")
    broken = run_cli("ratings", "--battles", str(bad))
    assert broken.returncode == 2 and "bad.csv:2" in broken.stderr and "Traceback" not in broken.stderr


def test_ratings_per_criterion_from_a_tournament(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml")
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    rows = json.loads(run_cli("ratings", "--db", str(tmp_path / "t.db"), "--by", "criterion", "--format", "json").stdout)
    assert {r["criterion"] for r in rows} == set(load_rubric("default").ids)
    table = run_cli("ratings", "--db", str(tmp_path / "t.db"), "--style")
    assert table.returncode == 0 and "raw rating" in table.stdout


def test_export_command_writes_each_format(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml", contestants=[{"name": "a", "model": "fake/a"}, {"name": "b", "model": "fake/b"}])
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    db = str(tmp_path / "t.db")
    for fmt in ("json", "csv", "md", "html"):
        target = tmp_path / f"card.{fmt}"
        done = run_cli("export", "--format", fmt, "--out", str(target), "--db", db)
        assert done.returncode == 0, done.stderr
        assert target.stat().st_size > 200
    card = json.loads((tmp_path / "card.json").read_text())
    assert card["schema_version"] == 1 and len(card["debates"]) == 2
    with (tmp_path / "card.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 and {"debate_id", "judge", "verdict"} <= set(rows[0])
    missing = run_cli("export", "--format", "pdf", "--out", str(tmp_path / "x"), "--db", db)
    assert missing.returncode == 2


def _score(db: Path, votes: list[tuple[int, str, str]]) -> None:
    """Human ballots (debate id, scorer, verdict), level scores on every criterion."""
    store = Store(str(db))
    try:
        tid = store.find_tournament().id
        rubric = load_rubric("default")
        for debate_id, scorer, verdict in votes:
            submit(store, tid, debate_id, scorer, ballot_from_answers({cid: (3, 3) for cid in rubric.ids}, verdict, False, "Verdict."), rubric)
    finally:
        store.close()


def test_outlier_scorers_are_flagged_and_left_out_of_human_ratings(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml", contestants=[{"name": n, "model": f"fake/{n}"} for n in ("a", "b", "c", "d")],
                       judges=[{"name": f"j{i}", "model": f"fake/j{i}"} for i in range(3)])
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    db = tmp_path / "t.db"
    votes = []
    for debate_id, winner in query(db, "select id, winner from debate where winner != 'tie'"):
        agree = "proposition_clearly" if winner == "proposition" else "opposition_clearly"
        disagree = "opposition_clearly" if winner == "proposition" else "proposition_clearly"
        votes += [(debate_id, "fair", agree), (debate_id, "contrarian", disagree)]
    _score(db, votes)
    rated = run_cli("ratings", "--db", str(db), "--source", "humans", "--format", "json")
    assert rated.returncode == 0, rated.stderr
    assert "contrarian" in rated.stderr
    kept = json.loads(run_cli("ratings", "--db", str(db), "--source", "humans", "--include-flagged", "--format", "json").stdout)
    left = json.loads(rated.stdout)
    assert sum(r["battles"] for r in kept) == 2 * sum(r["battles"] for r in left)


def test_one_dissenting_ballot_against_a_lone_judge_flags_no_one(tmp_path: Path) -> None:
    """A lone judge is the panel, so its agreement with it is 1 by construction: no baseline
    to hold a human scorer against, where one dissent used to be flagged (p = 0)."""
    cfg = write_config(tmp_path / "t.yaml", contestants=[{"name": n, "model": f"fake/{n}"} for n in ("a", "b", "c")])
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    db = tmp_path / "t.db"
    debate_id, winner = query(db, "select id, winner from debate where winner != 'tie'")[0]
    _score(db, [(debate_id, "ana", "opposition_clearly" if winner == "proposition" else "proposition_clearly")])
    rated = run_cli("ratings", "--db", str(db), "--source", "humans")
    assert rated.returncode == 0, rated.stderr
    assert "flagged" not in rated.stderr
    out = tmp_path / "card.md"
    assert run_cli("export", "--format", "md", "--out", str(out), "--db", str(db)).returncode == 0
    assert "Raters are not tested for outliers: a lone judge is the panel" in out.read_text(encoding="utf-8")
    card = tmp_path / "card.json"
    assert run_cli("export", "--format", "json", "--out", str(card), "--db", str(db)).returncode == 0
    agreement = json.loads(card.read_text(encoding="utf-8"))["agreement"]
    assert agreement["baseline_agreement"] is None and agreement["flagged_scorers"] == []


def test_human_ratings_with_no_human_ballots_say_so(tournament: Path) -> None:
    done = run_cli("ratings", "--db", str(tournament), "--source", "humans")
    assert done.returncode == 2 and "no human ballots to rate yet" in done.stderr, done.stderr
