"""A database of the previous schema is upgraded in place; a reader is told how."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from debate.core.errors import StoreError
from debate.core.formats import builtin_format
from debate.core.transcript import MotionText
from debate.draws.model import Draw, Pairing
from debate.store import Store

PAIRING_COLUMNS = ("flags_json", "bracket", "prop_seed", "opp_seed")


def _schema_2(path: Path) -> None:
    store = Store(str(path))
    store.create_tournament("old", {"name": "old"}, builtin_format("quick"), 0, [("a", "fake/a", "fake"), ("b", "fake/b", "fake")], [MotionText(key="m", text="This House would test.")])
    store.close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("drop table order_ballot")
        conn.execute("drop table judge_qualification")
        for column in ("margin", "consistent", "expected_margin"):
            conn.execute(f"alter table ballot drop column {column}")
        conn.execute("update meta set value = '2' where key = 'schema_version'")


def test_a_schema_2_database_is_upgraded_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _schema_2(path)
    with pytest.raises(StoreError, match="schema 2.*open it once read-write"):
        Store(str(path), read_only=True)
    store = Store(str(path))
    assert [t.name for t in store.list_tournaments()] == ["old"], "nothing stored is lost"
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        columns = {row[1] for row in conn.execute("pragma table_info(ballot)")}
        tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
        version = conn.execute("select value from meta where key = 'schema_version'").fetchone()[0]
    assert {"margin", "consistent", "expected_margin"} <= columns
    assert {"order_ballot", "judge_qualification"} <= tables
    assert version == "5"
    Store(str(path), read_only=True).close()  # now readable as it is


def _schema_3(path: Path, draws: list[Draw], played: list[int]) -> None:
    """A schema 3 database: each round's pairings in its draw document, none on the debates.
    `played[i]` is how many of draw i's pairings have a debate (a re-judged copy holds fewer)."""
    store = Store(str(path))
    tid = store.create_tournament("old", {"name": "old"}, builtin_format("quick"), 0, [(n, f"fake/{n}", "fake") for n in "abcd"],
                                  [MotionText(key="m", text="This House would test.")])
    for draw, n in zip(draws, played, strict=True):
        store.save_round(tid, draw.model_copy(update={"pairings": draw.pairings[:n]}), ["m"] * n, kind="elimination" if draw.method == "knockout" else "preliminary")
    store.close()
    with closing(sqlite3.connect(path)) as conn, conn:
        for draw in draws:
            conn.execute("update round set draw_json = ? where number = ?", (draw.model_dump_json(), draw.round))
        for column in PAIRING_COLUMNS:
            conn.execute(f"alter table debate drop column {column}")
        conn.execute("update meta set value = '3' where key = 'schema_version'")


def test_a_schema_3_database_moves_each_pairing_onto_its_debate(tmp_path: Path) -> None:
    path = tmp_path / "three.db"
    swiss = Draw(
        round=1, method="swiss", seed=7, byes=("d",), notes=("bracket 0: 3 contestants",), flags=("bye", "pull-up"),
        pairings=(Pairing(proposition="a", opposition="b", flags=("pull-up", "sides-by-coin"), bracket=0.5), Pairing(proposition="c", opposition="a", bracket=0.0)),
    )
    knockout = Draw(round=2, method="knockout", pairings=(Pairing(proposition="a", opposition="d", seeds=(1, 4)), Pairing(proposition="b", opposition="c", seeds=(2, 3))))
    copied = Draw(round=3, method="swiss", pairings=(Pairing(proposition="a", opposition="b"), Pairing(proposition="a", opposition="b", flags=("rematch",)), Pairing(proposition="c", opposition="d")))
    _schema_3(path, [swiss, knockout, copied], [2, 2, 2])
    with pytest.raises(StoreError, match="schema 3.*open it once read-write"):
        Store(str(path), read_only=True)
    store = Store(str(path))
    try:
        tid = store.find_tournament("old").id or 0
        rounds = store.stored_rounds(tid)
        assert [r.draw for r in rounds[:2]] == [swiss, knockout], "every pairing's flags, bracket and seeds carried over"
        assert rounds[2].draw == copied.model_copy(update={"pairings": copied.pairings[:2]}), "a pairing no debate plays is dropped"
        assert [(h.number, h.kind, h.byes, h.notes) for h in store.round_headers(tid)] == [
            (1, "preliminary", ("d",), ("bracket 0: 3 contestants",)), (2, "elimination", (), ()), (3, "preliminary", (), ())]
        assert [(p.proposition, p.opposition) for p in store.debate_plans([1, 2, 3, 4])] == [("a", "b"), ("c", "a"), ("a", "d"), ("b", "c")]
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as conn:
        version = conn.execute("select value from meta where key = 'schema_version'").fetchone()[0]
        documents = [row[0] for row in conn.execute("select draw_json from round")]
    assert version == "5" and not any("pairings" in d for d in documents)
    again = Store(str(path), read_only=True)  # the upgraded database reads as it is
    try:
        assert [r.draw for r in again.stored_rounds(tid)[:2]] == [swiss, knockout]
    finally:
        again.close()


def test_a_schema_4_database_gets_the_worker_leases_and_its_tournament_runs_on(tmp_path: Path) -> None:
    """Schema 5 added the debates' leases and the runner's `shared` flag for workers."""
    path = tmp_path / "old.db"
    store = Store(str(path))
    tid = store.create_tournament("old", {"name": "old"}, builtin_format("quick"), 0, [(n, f"fake/{n}", "fake") for n in "ab"],
                                  [MotionText(key="m", text="This House would test.")])
    store.save_round(tid, Draw(round=1, pairings=(Pairing(proposition="a", opposition="b"),)), ["m"], kind="preliminary")
    store.close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("drop index if exists ix_debate_worker")
        for table, column in (("debate", "worker"), ("debate", "lease_until"), ("runner", "shared")):
            conn.execute(f"alter table {table} drop column {column}")
        conn.execute("update meta set value = '4' where key = 'schema_version'")
    with pytest.raises(StoreError, match="schema 4.*open it once read-write"):
        Store(str(path), read_only=True)
    store = Store(str(path))
    try:
        assert store.claim_debates(tid, "w1", 5, 30.0) == [d.id for d in store.debates(tid)], "its pending debate can be leased"
        assert store.claim_debates(tid, "w2", 5, 30.0) == [], "and is then held"
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as conn:
        debate_columns = {row[1] for row in conn.execute("pragma table_info(debate)")}
        runner_columns = {row[1] for row in conn.execute("pragma table_info(runner)")}
        version = conn.execute("select value from meta where key = 'schema_version'").fetchone()[0]
    assert {"worker", "lease_until"} <= debate_columns and "shared" in runner_columns
    assert version == "5"


def test_db_upgrade_upgrades_once_and_keeps_the_old_file(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    path = tmp_path / "old.db"
    _schema_2(path)
    refused = run_cli("export", "--format", "json", "--out", str(tmp_path / "card.json"), "--db", str(path))
    assert refused.returncode == 2 and f"debate db upgrade --db {path}" in refused.stderr, "the reader says how to upgrade"
    done = run_cli("db", "upgrade", "--db", str(path))
    assert done.returncode == 0, done.stderr
    backup = tmp_path / "old.db.schema2.bak"
    assert f"upgraded from schema 2 to 5; the file as it was is kept at {backup}" in done.stdout
    with closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("select value from meta where key = 'schema_version'").fetchone()[0] == "2", "the copy is the file as it was"
        assert conn.execute("select name from tournament").fetchall() == [("old",)]
    again = run_cli("db", "upgrade", "--db", str(path))
    assert again.returncode == 0 and "already at schema 5; nothing to do" in again.stdout
    assert sorted(p.name for p in tmp_path.glob("old.db.*bak*")) == ["old.db.schema2.bak"], "no second copy when nothing changed"
    missing = run_cli("db", "upgrade", "--db", str(tmp_path / "absent.db"))
    assert missing.returncode == 2 and "no database at" in missing.stderr and not (tmp_path / "absent.db").exists()


def test_another_schema_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(str(path)).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("update meta set value = '9' where key = 'schema_version'")
    with pytest.raises(StoreError, match="another version of debate"):
        Store(str(path))
