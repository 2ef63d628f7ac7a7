"""Swiss, knockout and arena tournaments end to end on the fake provider."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

from tests.helpers import query, run_cli, write_config


def _contestants(n: int) -> list[dict[str, object]]:
    return [{"name": f"c{i}", "model": f"fake/c{i}", "params": {"seed": i}} for i in range(n)]


def _draws(db: str) -> list[dict[str, object]]:
    rounds = json.loads(run_cli("tournaments", "--db", db, "--format", "json").stdout)
    assert rounds
    out = []
    n = 1
    while True:
        shown = run_cli("draw", str(n), "--db", db, "--format", "json")
        if shown.returncode != 0:
            assert "has no round" in shown.stderr
            return out
        out.append(json.loads(shown.stdout))
        n += 1


def test_swiss_with_a_bye_then_a_final(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml", contestants=_contestants(5), pairing="swiss", rounds=3, odd="bye", **{"break": {"size": 2}})
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 0, result.stderr
    db = str(tmp_path / "t.db")
    draws = _draws(db)
    assert [d["stage"] for d in draws] == ["preliminary"] * 3 + ["elimination"]
    met: set[frozenset[str]] = set()
    sides = {f"c{i}": 0 for i in range(5)}
    for d in draws[:3]:
        playing = [n for p in d["pairings"] for n in (p["proposition"], p["opposition"])]
        assert sorted(playing + list(d["byes"])) == sorted(sides), "everyone plays once or has the bye"
        assert len(d["byes"]) == 1
        for p in d["pairings"]:
            pair = frozenset((p["proposition"], p["opposition"]))
            assert pair not in met, "no rematch while a rematch-free draw exists"
            met.add(pair)
            sides[p["proposition"]] += 1
            sides[p["opposition"]] -= 1
        assert all(abs(v) <= 1 for v in sides.values())
    byes = [d["byes"][0] for d in draws[:3]]
    assert len(set(byes)) == 3, "the bye rotates"
    # The final is between the top two of the preliminary standings.
    standings = json.loads(run_cli("standings", "--db", db, "--format", "json").stdout)
    top_two = {r["name"] for r in standings["rows"][:2]}
    final = draws[3]["pairings"]
    assert len(final) == 1 and {final[0]["proposition"], final[0]["opposition"]} == top_two
    # Standings were kept after every preliminary round.
    assert [r for (r,) in query(Path(db), "select distinct round from standing order by round")] == [1, 2, 3]
    assert query(Path(db), "select status from tournament")[0][0] == "finished"


def test_per_debate_motions_never_repeat_for_a_pairing(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml", contestants=_contestants(4), motion_assignment="per-debate", rounds=12)
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    rows = query(tmp_path / "t.db", "select proposition_id, opposition_id, motion_id from debate order by round_number")
    seen: dict[tuple[int, int], list[int]] = {}
    for prop, opp, motion in rows:
        seen.setdefault((prop, opp), []).append(motion)
    # Never twice on the same sides; the side-swapped rematch replays its first leg's motion.
    assert all(len(m) == len(set(m)) == 2 for m in seen.values())
    assert all(seen[(opp, prop)] == motions for (prop, opp), motions in seen.items())
    assert len(rows) == 24


def test_arena_spends_its_budget_and_stops(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml", contestants=_contestants(4), pairing="arena", arena={"batch": 4, "max_debates": 10})
    first = run_cli("run", str(cfg), "--quiet")
    assert first.returncode == 0, first.stderr
    db = tmp_path / "t.db"
    assert query(db, "select count(*) from debate")[0][0] == 10
    assert query(db, "select count(*) from debate where status = 'judged'")[0][0] == 10
    again = run_cli("run", str(cfg), "--quiet")
    assert again.returncode == 0
    assert query(db, "select count(*) from debate")[0][0] == 10, "a spent budget starts nothing more"
    pairs = {frozenset(p) for p in query(db, "select proposition_id, opposition_id from debate")}
    assert len(pairs) >= 4, "the arena samples several pairs"
    standings = json.loads(run_cli("standings", "--db", str(db), "--format", "json").stdout)
    assert all(r["rating"] is not None for r in standings["rows"])


def test_swiss_draws_survive_a_resume(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml", contestants=_contestants(6), pairing="swiss", rounds=2)
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    db = str(tmp_path / "t.db")
    before = _draws(db)
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    assert _draws(db) == before
    pairs = [frozenset((p["proposition"], p["opposition"])) for d in before for p in d["pairings"]]
    assert len(pairs) == len(set(pairs)) == 6
    assert all(len(set(pair)) == 2 for pair in pairs)
    assert set(combinations(sorted({n for pair in pairs for n in pair}), 2))  # six distinct names played


def test_structure_config_errors_are_user_errors(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.yaml", pairing="swiss")
    result = run_cli("run", str(cfg))
    assert result.returncode == 2 and "swiss tournament needs `rounds`" in result.stderr
    cfg = write_config(tmp_path / "t.yaml", pairing="arena")
    result = run_cli("run", str(cfg))
    assert result.returncode == 2 and "arena" in result.stderr
    cfg = write_config(tmp_path / "t.yaml", tie_breaks=["wins", "charisma"])
    result = run_cli("run", str(cfg))
    assert result.returncode == 2 and "charisma" in result.stderr and "Traceback" not in result.stderr
    missing = run_cli("draw", "9", "--db", str(tmp_path / "t.db"))
    assert missing.returncode == 2


def test_motions_commit_then_verify_and_detect_a_change(tmp_path: Path) -> None:
    import yaml

    committed = run_cli("motions", "commit", "demo")
    assert committed.returncode == 0, committed.stderr
    digest = committed.stdout.strip().splitlines()[-1]
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert run_cli("motions", "verify", "demo", digest).returncode == 0
    from importlib.resources import files

    data = yaml.safe_load(files("motions").joinpath("sets/demo.yaml").read_text(encoding="utf-8"))
    data["motions"][0]["text"] += " today"
    changed = tmp_path / "demo.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run_cli("motions", "verify", str(changed), digest).returncode == 1
    del data["canary"]
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused = run_cli("motions", "commit", str(changed))
    assert refused.returncode == 2 and "canary" in refused.stderr


def test_motions_list_json_has_the_documented_fields() -> None:
    listed = json.loads(run_cli("motions", "list", "--format", "json").stdout)
    assert len(listed) >= 60
    assert {"id", "text", "category", "language"} <= set(listed[0])
    assert {m["language"] for m in listed} >= {"en", "zh"}


def test_deliberation_stores_independent_and_revised_ballots(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path / "t.yaml",
        contestants=_contestants(2),
        judges=[{"name": f"j{i}", "model": f"fake/j{i}", "params": {"seed": i}} for i in range(3)],
        panel={"deliberation": True},
        sides="once",
    )
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    db = tmp_path / "t.db"
    stages = query(db, "select stage, count(*) from ballot group by stage order by stage")
    assert stages == [("independent", 3), ("revised", 3)]
    # Each judge revises in both presentations too.
    orders = query(db, "select stage, label_a, count(*) from order_ballot group by stage, label_a order by stage, label_a")
    assert orders == [("independent", "opposition", 3), ("independent", "proposition", 3), ("revised", "opposition", 3), ("revised", "proposition", 3)]
    calls = query(db, "select count(*) from model_call where purpose = 'judge'")[0][0]
    assert calls == 3 * 2 * 2


def test_self_preference_keeps_a_judge_off_its_own_family(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path / "t.yaml",
        contestants=[{"name": "a", "model": "fake/a", "family": "acme"}, {"name": "b", "model": "fake/b", "family": "other"}],
        judges=[{"name": "acme-judge", "model": "fake/j1", "family": "acme"}, {"name": "neutral", "model": "fake/j2", "family": "third"}],
        sides="once",
    )
    assert run_cli("run", str(cfg), "--quiet").returncode == 0
    assert [j for (j,) in query(tmp_path / "t.db", "select judge from ballot")] == ["neutral"]
