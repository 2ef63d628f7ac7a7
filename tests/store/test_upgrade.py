"""A database of the previous schema is upgraded in place; a reader is told how."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from debate.core.errors import StoreError
from debate.core.formats import builtin_format
from debate.core.transcript import MotionText
from debate.store import Store


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
    assert version == "3"
    Store(str(path), read_only=True).close()  # now readable as it is


def test_another_schema_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(str(path)).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("update meta set value = '9' where key = 'schema_version'")
    with pytest.raises(StoreError, match="another version of debate"):
        Store(str(path))
