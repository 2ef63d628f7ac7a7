"""A contestant whose calls fail for good forfeits its remaining debates; the tournament goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from debate.draws.standings import DebateResult, compute_standings
from debate.store import Store
from tests.helpers import query, read_calls, run_cli, write_config

FAST = {"max_attempts": 2, "backoff_s": 0, "backoff_max_s": 0, "unavailable_after": 2}


def _dead(name: str, kind: str, log: Path) -> dict[str, Any]:
    return {"name": name, "model": f"fake/{name}", "params": {"faults": [{"kind": kind, "times": 1000}], "call_log": str(log)}}


def _standings(db: Path) -> dict[str, dict[str, Any]]:
    result = run_cli("standings", "--db", str(db), "--format", "json")
    assert result.returncode == 0, result.stderr
    return {row["name"]: row for row in json.loads(result.stdout)["rows"]}


def _check_forfeits(db: Path, dead: str, reason: str) -> list[tuple[Any, ...]]:
    rows = query(db, "select d.status, d.winner, d.error, p.name, o.name from debate d join contestant p on p.id = d.proposition_id join contestant o on o.id = d.opposition_id")
    theirs = [r for r in rows if dead in (r[3], r[4])]
    assert theirs and all(status == "forfeit" and reason in (error or "") for status, _, error, _, _ in theirs)
    assert all(winner == ("opposition" if prop == dead else "proposition") for _, winner, _, prop, _ in theirs), "the opponent wins"
    assert all(status == "judged" for status, _, _, p, o in rows if dead not in (p, o))
    store = Store(str(db), create=False)
    try:
        battles = store.battle_rows(store.find_tournament(None).id or 0)
    finally:
        store.close()
    assert battles and not [b for b in battles if dead in (b["proposition"], b["opposition"])], "forfeits are not rated"
    return theirs


def test_round_robin_with_a_dead_contestant_finishes_with_its_forfeits(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    contestants = [{"name": "alpha", "model": "fake/alpha"}, _dead("beta", "server", log), {"name": "gamma", "model": "fake/gamma"}]
    cfg = write_config(tmp_path / "t.yaml", contestants=contestants, gateway=FAST)
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "beta is unavailable after 2 failed calls in a row" in result.stdout and "forfeits" in result.stdout
    db = tmp_path / "t.db"
    theirs = _check_forfeits(db, "beta", "beta is unavailable after 2 failed calls in a row")
    assert len(read_calls(log)) == FAST["unavailable_after"] * FAST["max_attempts"], "not asked again once unavailable"
    assert query(db, "select status from tournament") == [("finished",)]

    table = _standings(db)
    assert table["beta"]["forfeits"] == len(theirs) == table["beta"]["losses"] == table["beta"]["debates"]
    assert table["beta"]["points"] == 0 and table["beta"]["ballots"] == 0
    forfeit_wins = {name: sum(1 for _, _, _, p, o in theirs if name in (p, o)) for name in ("alpha", "gamma")}
    for name, won in forfeit_wins.items():
        assert table[name]["wins"] >= won and table[name]["forfeits"] == 0
        assert table[name]["debates"] == table[name]["wins"] + table[name]["losses"] + table[name]["ties"]
    shown = run_cli("standings", "--db", str(db))
    assert f"beta {len(theirs)}" in shown.stdout and "forfeit" in shown.stdout

    again = run_cli("run", str(cfg), "--quiet")
    assert again.returncode == 0, again.stderr
    assert len(read_calls(log)) == FAST["unavailable_after"] * FAST["max_attempts"], "a rerun never asks the dead model"
    assert query(db, "select count(*) from debate where status = 'forfeit'")[0][0] == len(theirs)


def test_swiss_goes_on_past_a_contestant_whose_key_is_rejected(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    contestants = [{"name": n, "model": f"fake/{n}"} for n in ("alpha", "gamma", "delta")] + [_dead("beta", "auth", log)]
    cfg = write_config(tmp_path / "t.yaml", contestants=contestants, pairing="swiss", rounds=3, gateway=FAST)
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 0, result.stderr
    db = tmp_path / "t.db"
    assert query(db, "select count(*), min(status) from round") == [(3, "done")], "every round drawn and done"
    theirs = _check_forfeits(db, "beta", "beta is unavailable: its provider rejected the key")
    assert len(theirs) == 3, "drawn every round, forfeited every time"
    assert len(read_calls(log)) == 1, "one rejected key is enough"
    assert _standings(db)["beta"]["forfeits"] == 3
    again = run_cli("run", str(cfg), "--quiet")
    assert again.returncode == 0, again.stderr
    assert len(read_calls(log)) == 1


def test_an_arena_stops_drawing_a_model_its_provider_does_not_have(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    contestants = [{"name": n, "model": f"fake/{n}"} for n in ("alpha", "gamma", "delta")] + [_dead("beta", "not_found", log)]
    arena = {"batch": 4, "max_debates": 16}
    cfg = write_config(tmp_path / "t.yaml", contestants=contestants, pairing="arena", arena=arena, gateway={**FAST, "unavailable_after": 5})
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 0, result.stderr
    db = tmp_path / "t.db"
    theirs = _check_forfeits(db, "beta", "beta is unavailable: its provider has no such model")
    assert len(read_calls(log)) == 1, "one 'no such model' is enough, whatever unavailable_after says"
    batch_of = dict(query(db, "select d.id, r.number from debate d join round r on r.id = d.round_id"))
    first_forfeit = min(batch_of[d] for d in (row[0] for row in query(db, "select id from debate where status = 'forfeit'")))
    assert all(batch_of[d] == first_forfeit for d in (row[0] for row in query(db, "select id from debate where status = 'forfeit'"))), (
        "drawn in no batch after the one it failed in"
    )
    # A forfeit costs nothing, so the budget of 16 goes to judged debates among the others.
    assert query(db, "select count(*) from debate where status = 'judged'")[0][0] == 16


def test_standings_give_a_forfeit_to_the_opponent_and_count_it() -> None:
    results = [
        DebateResult(proposition="a", opposition="b", winner="proposition", forfeited="opposition"),
        DebateResult(proposition="c", opposition="b", winner="proposition", forfeited="opposition", ballots_prop=9, score_prop=9),
        DebateResult(proposition="a", opposition="c", winner="opposition", ballots_opp=1, score_prop=4, score_opp=6),
        DebateResult(proposition="b", opposition="d", winner=None, forfeited="both"),
    ]
    rows = {r.name: r for r in compute_standings(["a", "b", "c", "d"], results)}
    assert (rows["a"].wins, rows["a"].losses, rows["a"].forfeits, rows["a"].debates) == (1, 1, 0, 2)
    assert (rows["b"].wins, rows["b"].losses, rows["b"].forfeits, rows["b"].points) == (0, 3, 3, 0)
    assert (rows["d"].losses, rows["d"].forfeits) == (1, 1), "a double forfeit is a loss for both"
    assert rows["c"].ballots == 1 and rows["c"].score_total == 6, "a forfeit brings no ballots or scores"
    assert rows["a"].score_average == 4, "averages are over judged debates only"
    assert rows["a"].opponent_strength == rows["b"].points + rows["c"].points
