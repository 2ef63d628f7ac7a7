"""Store(read_only=True): what spectators read through. Reads work, even while another process
writes; every write fails with a clear error and leaves the database as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from debate.core.errors import StoreError
from debate.store import ReadOnlyStoreError, Store
from tests.helpers import run_cli, write_config


@pytest.fixture(scope="module")
def finished_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ro")
    result = run_cli("run", str(write_config(folder / "cfg.yaml", name="fixed")), "--quiet")
    assert result.returncode == 0, result.stderr
    return folder / "t.db"


def digest(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def test_reads_work_and_every_kind_of_write_is_refused(finished_db: Path) -> None:
    before = digest(finished_db)
    store = Store(str(finished_db), create=False, read_only=True)
    try:
        tournament = store.find_tournament()
        assert tournament.name == "fixed" and len(store.debates(tournament.id)) == 6
        writes = [
            lambda: store.set_tournament_status(tournament.id, "paused"),  # an UPDATE
            lambda: store.write_partials({(1, 0): "text"}),  # INSERT/DELETE
            lambda: store.save_standings(tournament.id, 1, []),  # DELETE
        ]
        for write in writes:
            with pytest.raises(ReadOnlyStoreError, match="open read-only"):
                write()
        assert store.find_tournament().status == tournament.status  # still usable after a refusal
    finally:
        store.close()
    assert digest(finished_db) == before


def test_a_reader_sees_what_another_process_commits_and_is_never_blocked(finished_db: Path) -> None:
    reader = Store(str(finished_db), create=False, read_only=True)
    writer = sqlite3.connect(finished_db, isolation_level=None)
    try:
        status = reader.find_tournament().status
        writer.execute("BEGIN IMMEDIATE")  # a tournament in the middle of a write
        writer.execute("UPDATE tournament SET status = 'paused'")
        started = time.monotonic()
        assert reader.find_tournament().status == status  # WAL: the last committed state, at once
        assert time.monotonic() - started < 1
        writer.execute("COMMIT")
        assert reader.find_tournament().status == "paused"
    finally:
        writer.execute(f"UPDATE tournament SET status = '{status}'")
        writer.close()
        reader.close()


def test_read_only_never_creates_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        Store(str(tmp_path / "missing.db"), read_only=True)  # create=True is overruled
    assert list(tmp_path.iterdir()) == []


def test_spectate_and_serve_report_a_missing_database(tmp_path: Path) -> None:
    for command in (["spectate", str(tmp_path / "none.db")], ["serve", "--db", str(tmp_path / "none.db"), "--port", "1"]):
        result = run_cli(*command)
        assert result.returncode == 2 and "no database" in result.stderr
    assert list(tmp_path.iterdir()) == []


URL = os.environ.get("DEBATE_TEST_POSTGRES_URL")


@pytest.mark.skipif(not URL, reason="set DEBATE_TEST_POSTGRES_URL to a PostgreSQL server to run")
def test_read_only_on_postgres(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    assert URL
    name = f"debate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database = URL.rsplit("/", 1)[0] + "/" + name
    try:
        result = run_cli("run", str(write_config(tmp_path / "cfg.yaml", name="pg")), "--db", database, "--quiet")
        assert result.returncode == 0, result.stderr
        reader, writer = Store(database, create=False, read_only=True), Store(database, create=False)
        try:
            tournament = reader.find_tournament()
            with pytest.raises(ReadOnlyStoreError, match="open read-only"):
                reader.set_tournament_status(tournament.id, "paused")
            writer.set_tournament_status(tournament.id, "paused")
            assert reader.find_tournament().status == "paused"  # the session default is read-only, not a stale snapshot
        finally:
            reader.close()
            writer.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
