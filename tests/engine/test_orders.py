"""Both orders through the normal run path: every model judge grades each debate with either
side shown as Debater A, both presentations are stored, and the judge's ballot combines them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml

from debate.config import load_config
from debate.engine import run_tournament
from judges.ballot import signed_margin
from tests.helpers import presented_json, query, read_calls, write_config

NO_QUALIFICATION = {"qualification": {"before_first_round": False}}


def _run(tmp_path: Path, judges: list[dict[str, Any]], *, contestants: int = 2, **panel: Any) -> Path:
    """Run a fake tournament in process (every ordered pair of `contestants`); its database."""
    log = tmp_path / "calls.jsonl"
    for judge in judges:
        judge.setdefault("params", {})["call_log"] = str(log)
    cfg_path = write_config(
        tmp_path / "t.yaml",
        contestants=[{"name": f"c{i}", "model": f"fake/c{i}"} for i in range(contestants)],
        judges=judges,
        panel=NO_QUALIFICATION | panel,
    )
    cfg = load_config(cfg_path)
    summary = anyio.run(run_tournament, cfg, cfg.database, tmp_path)
    assert summary.judged == summary.debates == contestants * (contestants - 1)
    return Path(cfg.database)


def _judge_calls(tmp_path: Path) -> list[dict[str, Any]]:
    """The judge calls made about the tournament's debates (not control debates)."""
    return [c for c in read_calls(tmp_path / "calls.jsonl") if c["purpose"] == "judge" and c.get("debate") is not None]


def _script(tmp_path: Path, name: str, judge: Any) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"judge": judge}), encoding="utf-8")
    return str(path)


def test_a_judge_that_always_picks_debater_a_is_inconsistent_and_every_debate_a_tie(tmp_path: Path) -> None:
    script = _script(tmp_path, "first", [presented_json(verdict=1, a=5, b=1, reason="Debater A was far better.")])
    db = _run(tmp_path, [{"name": "first", "model": "fake/first", "params": {"script": script}}], contestants=3)

    orders = query(db, "select debate_id, label_a, verdict from order_ballot order by debate_id, label_a")
    assert len(orders) == 2 * 6
    # Each presentation is read back in the sides' terms: whoever was Debater A "won".
    assert {(label_a, verdict) for _, label_a, verdict in orders} == {("proposition", "proposition_clearly"), ("opposition", "opposition_clearly")}
    ballots = query(db, "select verdict, winner, margin, consistent, scores_json from ballot")
    assert len(ballots) == 6
    for verdict, winner, margin, consistent, scores in ballots:
        assert (verdict, winner, margin, consistent) == ("tie", "tie", 0.0, 0)
        assert json.loads(scores)["rebuttal"] == {"proposition": 3.0, "opposition": 3.0}
    assert query(db, "select distinct winner from debate") == [("tie",)]


def test_a_judge_that_sees_through_the_labels_is_consistent(tmp_path: Path) -> None:
    # Prefers the proposition whichever label it wears: verdict 1 (A) when it is A, 5 (B) when it is B.
    replies = {"proposition": [presented_json(verdict=1, a=5, b=2)], "opposition": [presented_json(verdict=5, a=2, b=5)]}
    script = _script(tmp_path, "reader", replies)
    db = _run(tmp_path, [{"name": "reader", "model": "fake/reader", "params": {"script": script}}])
    assert query(db, "select distinct verdict, consistent, margin from ballot") == [("proposition_clearly", 1, 2.0)]
    assert query(db, "select distinct winner from debate") == [("proposition",)]
    for (scores,) in query(db, "select scores_json from ballot"):
        assert json.loads(scores)["style"] == {"proposition": 5.0, "opposition": 2.0}


def test_both_orders_store_two_linked_presentations_per_judge_and_debate(tmp_path: Path) -> None:
    db = _run(tmp_path, [{"name": "j1", "model": "fake/j1"}, {"name": "j2", "model": "fake/j2"}], contestants=3)
    calls = _judge_calls(tmp_path)
    assert sorted((c["debate"], c["judge"], c["label_a"]) for c in calls) == sorted(
        (d, j, side) for d in range(1, 7) for j in ("j1", "j2") for side in ("proposition", "opposition")
    )
    orders = query(db, "select debate_id, judge, label_a, margin, winner from order_ballot where abstained = 0")
    assert sorted((d, j, side) for d, j, side, _, _ in orders) == sorted((c["debate"], c["judge"], c["label_a"]) for c in calls)
    pairs: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for debate_id, judge, _, margin, winner in orders:
        pairs.setdefault((debate_id, judge), []).append((margin, winner))
    ballots = query(db, "select debate_id, judge, margin, consistent from ballot where abstained = 0")
    assert len(ballots) == len(pairs) == 12
    for debate_id, judge, margin, consistent in ballots:
        pair = pairs[(debate_id, judge)]
        assert margin == sum(m for m, _ in pair) / 2
        assert consistent == (pair[0][1] == pair[1][1])


def test_one_order_asks_each_judge_once_with_a_coin_for_the_side_shown_first(tmp_path: Path) -> None:
    db = _run(tmp_path, [{"name": "j1", "model": "fake/j1"}, {"name": "j2", "model": "fake/j2"}], contestants=3, orders="one")
    calls = _judge_calls(tmp_path)
    keys = [(c["debate"], c["judge"]) for c in calls]
    assert len(keys) == len(set(keys)) == 6 * 2
    for judge in ("j1", "j2"):
        assert {c["label_a"] for c in calls if c["judge"] == judge} == {"proposition", "opposition"}
    rows = query(db, "select o.label_a, o.margin, b.margin, b.consistent from order_ballot o join ballot b using (debate_id, judge, stage)")
    assert len(rows) == 12
    assert {label_a for label_a, _, _, _ in rows} == {"proposition", "opposition"}
    assert all(ballot == float(order) and consistent is None for _, order, ballot, consistent in rows)


def test_verdict_probabilities_are_stored_beside_the_sampled_verdict(tmp_path: Path) -> None:
    db = _run(tmp_path, [{"name": "sure", "model": "fake/sure"}, {"name": "plain", "model": "fake/plain", "logprobs": False}])
    sure = query(db, "select verdict, margin, expected_margin, probabilities_json from order_ballot where judge = 'sure'")
    assert len(sure) == 4
    for verdict, margin, expected, probabilities in sure:
        # The fake judge is certain of every token it writes.
        assert margin == signed_margin(verdict) and expected == margin
        assert json.loads(probabilities) == {verdict: 1.0}
    for margin, expected in query(db, "select margin, expected_margin from ballot where judge = 'sure'"):
        assert expected == margin
    assert query(db, "select distinct expected_margin, probabilities_json from order_ballot where judge = 'plain'") == [(None, None)]
    assert query(db, "select distinct expected_margin from ballot where judge = 'plain'") == [(None,)]
    asked = {c["judge"] for c in _judge_calls(tmp_path)}
    assert asked == {"sure", "plain"}


def test_resume_asks_only_the_presentation_not_yet_stored(tmp_path: Path) -> None:
    db = _run(tmp_path, [{"name": "judge", "model": "fake/judge"}])
    kept = query(db, "select verdict, margin from order_ballot where debate_id = 1 and label_a = 'proposition'")
    # As if the run had stopped between debate 1's two presentations.
    query(db, "delete from order_ballot where debate_id = 1 and label_a = 'opposition'")
    query(db, "delete from ballot where debate_id = 1")
    query(db, "update debate set status = 'running', winner = null where id = 1")
    query(db, "update round set status = 'running'")
    before = len(read_calls(tmp_path / "calls.jsonl"))

    cfg = load_config(tmp_path / "t.yaml")
    summary = anyio.run(run_tournament, cfg, cfg.database, tmp_path)
    assert summary.judged == 2

    again = read_calls(tmp_path / "calls.jsonl")[before:]
    assert [(c["purpose"], c["debate"], c["label_a"]) for c in again] == [("judge", 1, "opposition")]
    assert query(db, "select verdict, margin from order_ballot where debate_id = 1 and label_a = 'proposition'") == kept
    assert query(db, "select count(*) from order_ballot where debate_id = 1")[0][0] == 2
    (margin,) = query(db, "select margin from ballot where debate_id = 1")[0]
    assert margin == sum(m for (m,) in query(db, "select margin from order_ballot where debate_id = 1")) / 2
