"""`debate standings` and `debate ratings` put the caveats above their tables, and the JSON
carries them; machine-readable ratings stay parseable (the caveats go to stderr)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from debate.store import DebateUpdate, QualificationRecord, Store
from tests.helpers import finished_tournament, run_cli

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma")]
SIDE_SENTENCE = "The proposition won all"


@pytest.fixture(scope="module")
def lopsided_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished tournament the proposition won throughout, judged by a flagged judge."""
    db = finished_tournament(tmp_path_factory.mktemp("lopsided"), CONTESTANTS)
    store = Store(str(db))
    try:
        tid = store.find_tournament().id or 0
        judged = [d.id for d in store.debates(tid) if d.status == "judged"]
        store.write([DebateUpdate(debate_id=d, status="judged", winner="proposition") for d in judged])
        store.write([QualificationRecord(tournament_id=tid, judge="judge", judge_model="fake/judge", flagged=True, result={"accuracy": 0.42, "position_consistency": 0.25}, verdicts=[])])
    finally:
        store.close()
    return db


def test_standings_table_starts_with_the_caveats(lopsided_db: Path) -> None:
    done = run_cli("standings", "--db", str(lopsided_db))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.splitlines()[0] == "Not a meaningful ranking:"
    assert "Judge judge failed its qualification on control debates (accuracy 0.42, position consistency 0.25)" in text
    assert text.index("failed its qualification") < text.index(SIDE_SENTENCE) < text.index("Standings: fixed")


def test_standings_json_carries_the_caveats_beside_every_old_key(lopsided_db: Path) -> None:
    done = run_cli("standings", "--db", str(lopsided_db), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert {"tournament", "status", "pairing", "tie_breaks", "rows", "side_advantage", "usage", "per_contestant_usage"} <= document.keys()
    assert [c["kind"] for c in document["caveats"]][:2] == ["flagged_judge", "side_decided"]


def test_ratings_show_the_caveats_above_the_table_and_keep_json_clean(lopsided_db: Path) -> None:
    table = run_cli("ratings", "--db", str(lopsided_db))
    assert table.returncode == 0, table.stderr
    assert table.stdout.index(SIDE_SENTENCE) < table.stdout.index("Ratings (")
    as_json = run_cli("ratings", "--db", str(lopsided_db), "--format", "json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)[0]["name"]
    assert SIDE_SENTENCE in as_json.stderr


def test_a_battle_log_has_no_tournament_caveats(tmp_path: Path) -> None:
    log = tmp_path / "battles.csv"
    log.write_text("model_a,model_b,winner\n" + "a,b,model_a\n" * 6 + "b,a,model_a\n" * 2)
    done = run_cli("ratings", "--battles", str(log))
    assert done.returncode == 0, done.stderr
    for headline in ("Not a meaningful ranking", "Read with care"):
        assert headline not in done.stdout and headline not in done.stderr


def test_a_clean_tournament_prints_no_caveat_headline(lopsided_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    shutil.copy(lopsided_db, db)
    store = Store(str(db))
    try:
        tid = store.find_tournament().id or 0
        # Alternate the winners and pass the judge; the ratings may still rest on the prior,
        # so only the judge and side sentences must be gone.
        judged = [d.id for d in store.debates(tid) if d.status == "judged"]
        store.write([DebateUpdate(debate_id=d, status="judged", winner="proposition" if i % 2 else "opposition") for i, d in enumerate(judged)])
        store.write([QualificationRecord(tournament_id=tid, judge="judge", judge_model="fake/judge", flagged=False, result={"accuracy": 0.9}, verdicts=[])])
    finally:
        store.close()
    text = run_cli("standings", "--db", str(db)).stdout
    assert "failed its qualification" not in text and SIDE_SENTENCE not in text and "not been tested" not in text
