"""A database of the previous schema is upgraded in place; a reader is told how."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from debate.core.errors import StoreError
from debate.core.formats import builtin_format
from debate.core.transcript import MotionText
from debate.draws.model import Draw, Pairing
from debate.store import Store, database_url
from tests.helpers import DEBATE, fresh_postgres_database, query, read_calls, run_cli, write_config

PAIRING_COLUMNS = ("flags_json", "bracket", "prop_seed", "opp_seed")


def _as_previous_release(conn: sqlite3.Connection, version: int) -> None:
    """Mark a database made by this release (and cut back to an older schema) as a release from
    before Alembic wrote it: no `alembic_version`, only `meta.schema_version`."""
    conn.execute("drop table alembic_version")
    conn.execute("update meta set value = ? where key = 'schema_version'", (str(version),))


def _schema_2(path: Path) -> None:
    store = Store(str(path))
    store.create_tournament("old", {"name": "old"}, builtin_format("quick"), 0, [("a", "fake/a", "fake"), ("b", "fake/b", "fake")], [MotionText(key="m", text="This House would test.")])
    store.close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("drop table order_ballot")
        conn.execute("drop table judge_qualification")
        for column in ("margin", "consistent", "expected_margin"):
            conn.execute(f"alter table ballot drop column {column}")
        _as_previous_release(conn, 2)


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
        _as_previous_release(conn, 3)


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
        _as_previous_release(conn, 4)
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


# --- Alembic: the revisions, a previous release's tournament resumed, a newer one refused ---

POSTGRES_URL = os.environ.get("DEBATE_TEST_POSTGRES_URL")
KEY = "DEBATE_TEST_UPGRADE_KEY"


@contextmanager
def _database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield str(tmp_path / "t.db")
        return
    if not POSTGRES_URL:
        pytest.skip("set DEBATE_TEST_POSTGRES_URL to a PostgreSQL server to run")
    with fresh_postgres_database(POSTGRES_URL) as url:
        yield url


def _sql(target: str, *statements: str) -> list[list[tuple[Any, ...]]]:
    """Each statement's rows, run in one transaction on the database at `target`."""
    engine = create_engine(database_url(target))
    try:
        with engine.begin() as conn:
            results = [conn.execute(text(s)) for s in statements]
            return [[tuple(row) for row in r] if r.returns_rows else [] for r in results]
    finally:
        engine.dispose()


def _cut_back_to_schema_4(target: str) -> None:
    """What the release before this one left: schema 4, no leases, no Alembic."""
    statements = [f"alter table {t} drop column {c}" for t, c in (("debate", "worker"), ("debate", "lease_until"), ("runner", "shared"))]
    _sql(target, *statements, "drop table alembic_version", "update meta set value = '4' where key = 'schema_version'")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_schema_4_tournament_stopped_part_way_is_upgraded_and_resumes_to_the_end(backend: str, tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    keyed = {"name": "gamma", "model": "fake/gamma", "api_key_env": KEY, "params": {"call_log": str(log)}}
    contestants = [{"name": n, "model": f"fake/{n}", "params": {"call_log": str(log)}} for n in ("alpha", "beta")] + [keyed]
    with _database(backend, tmp_path) as target:
        cfg = write_config(tmp_path / "t.yaml", contestants=contestants, database=target)
        env = {k: v for k, v in os.environ.items() if k != KEY}
        first = subprocess.run([*DEBATE, "run", str(cfg), "--quiet"], capture_output=True, text=True, env=env, timeout=180)
        assert first.returncode == 1, first.stderr  # gamma has no key: its debates fail, the others are judged
        done_before = _sql(target, "select id from debate where status = 'judged' order by id")[0]
        spoken_before = _sql(target, "select debate_id, idx from speech")[0]
        assert len(done_before) == 2 and _sql(target, "select count(*) from debate where status = 'failed'")[0] == [(4,)]
        _cut_back_to_schema_4(target)

        refused = run_cli("standings", "--db", target)
        assert refused.returncode == 2 and "schema 4" in refused.stderr and "debate db upgrade --db" in refused.stderr
        calls_before = len(read_calls(log))
        again = run_cli("run", str(cfg), "--quiet", env={KEY: "not-a-real-key"}, timeout=180)
        assert again.returncode == 0, again.stderr
        assert "upgraded from schema 4 to this release's" in again.stdout + again.stderr, "the run says it upgraded the database"

        assert _sql(target, "select version_num from alembic_version", "select value from meta where key = 'schema_version'") == [[("schema_5",)], [("5",)]]
        assert _sql(target, "select status from tournament", "select distinct status from debate") == [[("finished",)], [("judged",)]]
        spoken = [(c["debate"], c["speech_index"]) for c in read_calls(log)[calls_before:] if c["purpose"] == "speech"]
        assert spoken and not set(spoken) & set(spoken_before), "the upgraded tournament resumed: no stored speech was asked again"
        assert {d for d, _ in spoken}.isdisjoint(i for (i,) in done_before)
        assert _sql(target, "select count(*) from speech")[0] == [(6 * 4,)]
        assert _schema_differences(target) == [], "the upgraded database is the schema a new one gets"
        if backend == "sqlite":
            backup = Path(target + ".schema4.bak")
            assert _sql(str(backup), "select value from meta where key = 'schema_version'")[0] == [("4",)], "the file as it was is kept"
        standings = run_cli("standings", "--db", target, "--format", "json")
        assert standings.returncode == 0 and sum(r["debates"] for r in json.loads(standings.stdout)["rows"]) == 2 * 6


def _schema_differences(target: str) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = create_engine(database_url(target))
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), SQLModel.metadata))
    finally:
        engine.dispose()


def test_each_older_schema_upgrades_to_exactly_the_schema_a_new_database_gets(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _schema_2(path)
    Store(str(path)).close()
    assert _schema_differences(str(path)) == []


def test_the_revisions_run_from_schema_2_to_head_one_per_schema() -> None:
    from alembic.script import ScriptDirectory

    from debate.store import migrations
    from debate.store.tables import SCHEMA_VERSION

    script = ScriptDirectory(str(Path(migrations.__file__).parent))
    chain = [s.revision for s in reversed(list(script.walk_revisions()))]
    assert script.get_heads() == [migrations.HEAD]
    assert chain == list(migrations.REVISIONS.values()) == [f"schema_{n}" for n in range(2, SCHEMA_VERSION + 1)]
    assert migrations.schema_of(migrations.HEAD) == SCHEMA_VERSION


def test_a_database_of_a_newer_revision_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    Store(str(path)).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("update alembic_version set version_num = 'schema_6_f00d'")
    before = path.read_bytes()
    message = f"{path} was written by a newer version of debate (revision schema_6_f00d); this version reads up to revision schema_5 (schema 5); upgrade debate to read it"
    for read_only in (True, False):
        with pytest.raises(StoreError) as refused:
            Store(str(path), read_only=read_only)
        assert str(refused.value) == message
    done = run_cli("db", "upgrade", "--db", str(path))
    assert done.returncode == 2 and message in " ".join(done.stderr.split()) and "Traceback" not in done.stderr
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["newer.db"], "nothing written, nothing copied"


def test_a_current_database_of_the_previous_release_is_stamped_without_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "five.db"
    Store(str(path)).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        _as_previous_release(conn, 5)
    before = path.read_bytes()
    Store(str(path), read_only=True).close()
    assert path.read_bytes() == before, "a reader reads it as it is"
    done = run_cli("db", "upgrade", "--db", str(path))
    assert done.returncode == 0 and "already at schema 5; nothing to do" in done.stdout
    assert query(path, "select version_num from alembic_version") == [("schema_5",)]
    assert sorted(p.name for p in tmp_path.glob("five.db.*bak*")) == [], "no schema changed, so no copy"


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    Store(str(path)).close()
    probe = (
        "import sys\nfrom debate.store import Store\n"
        f"Store({str(path)!r}, read_only=True).close()\nStore({str(path)!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_an_upgrade_that_fails_part_way_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from debate.store import migrations

    path = tmp_path / "old.db"
    _schema_2(path)
    real = migrations.upgrade

    def upgrade_then_fail(conn: Any) -> None:
        real(conn)
        raise RuntimeError("the machine stopped here")

    monkeypatch.setattr(migrations, "upgrade", upgrade_then_fail)
    with pytest.raises(RuntimeError, match="stopped here"):
        Store(str(path))
    # Every step ran, and none of it stayed: SQLite's schema changes were in the transaction.
    assert "margin" not in {row[1] for row in query(path, "pragma table_info(ballot)")}
    assert not query(path, "select name from sqlite_master where name in ('alembic_version', 'order_ballot')")
    assert query(path, "select value from meta where key = 'schema_version'") == [("2",)]
    monkeypatch.undo()
    Store(str(path)).close()  # and the next open upgrades it
    assert query(path, "select version_num from alembic_version") == [("schema_5",)]


def test_two_processes_upgrading_at_once_upgrade_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _schema_2(path)
    both = [subprocess.Popen([*DEBATE, "db", "upgrade", "--db", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    said = [p.communicate(timeout=120) for p in both]
    assert [p.returncode for p in both] == [0, 0], said
    outs = sorted(out for out, _ in said)
    assert "already at schema 5; nothing to do" in outs[0] and "upgraded from schema 2 to 5" in outs[1]
    assert sorted(p.name for p in tmp_path.glob("old.db.*bak*")) == ["old.db.schema2.bak"]
