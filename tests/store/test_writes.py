"""A SQLite store writes its records through sqlite3 directly (`RecordWrites._write_sqlite`),
other databases and workers through SQLAlchemy: both leave the same rows, byte for byte but
for the moment they were written, and fail alike."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from debate.core.formats import Side
from debate.core.transcript import Speech
from debate.store import DebateUpdate, FindingRecord, OrderBallotRecord, SpeechRecord, Store
from debate.store.writes import RecordWrites
from tests.store.test_reader import _fill

_STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")


def _through_sqlalchemy(self: RecordWrites, records: Any, *, holder: str | None = None) -> set[int]:
    return self._write_sqlalchemy(records, holder)


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, each value with SQLite's storage class; timestamps checked for
    SQLAlchemy's text form and then replaced, as two runs write them at different moments."""
    with closing(sqlite3.connect(path)) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = {}
        for name in names:
            rows = db.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
            tables[name] = [tuple(_stamp_free(v) for v in row) for row in rows]
        return tables


def _stamp_free(value: Any) -> Any:
    if isinstance(value, str) and value[:2] == "20" and _STAMP.fullmatch(value):
        return "a time"
    return type(value).__name__, value


def test_both_write_paths_leave_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    direct = Store(str(tmp_path / "direct.db"))
    try:
        _fill(direct)
    finally:
        direct.close()
    with monkeypatch.context() as patched:
        patched.setattr(RecordWrites, "write", _through_sqlalchemy)
        through = Store(str(tmp_path / "sqlalchemy.db"))
        try:
            _fill(through)
        finally:
            through.close()
    direct_rows, sqlalchemy_rows = _tables(tmp_path / "direct.db"), _tables(tmp_path / "sqlalchemy.db")
    assert direct_rows == sqlalchemy_rows
    # Not vacuous: every kind of record was written, timestamps included.
    for table in ("speech", "ballot", "order_ballot", "finding", "model_call", "judge_qualification"):
        assert direct_rows[table], table
    assert any(row[-1] == "a time" for row in direct_rows["speech"])
    assert any("a time" in row for row in direct_rows["debate"])


def test_a_retry_replaces_findings_and_partial_text_on_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in ("direct", "sqlalchemy"):
        with monkeypatch.context() as patched:
            if path == "sqlalchemy":
                patched.setattr(RecordWrites, "write", _through_sqlalchemy)
            store = Store(str(tmp_path / f"{path}.db"))
            try:
                _fill(store)
                store.write([DebateUpdate(debate_id=2, status="running", started=True)])
                started = _one(tmp_path / f"{path}.db", "SELECT started_at FROM debate WHERE id = 2")
                store.write_partials({(2, 4): "half"})
                store.write([SpeechRecord(debate_id=2, speech=Speech(index=4, side=Side.PROPOSITION, role="reply", text="whole"), tokens=1, finish_reason="stop"),
                             FindingRecord(debate_id=2, speech_idx=4, side="proposition", kind="canary", severity="major", detail="again"),
                             DebateUpdate(debate_id=2, status="judged", winner="proposition", finished=True)])
            finally:
                store.close()
        db = tmp_path / f"{path}.db"
        assert _one(db, "SELECT count(*) FROM partial_speech WHERE debate_id = 2") == 0, path
        assert _one(db, "SELECT group_concat(detail) FROM finding WHERE debate_id = 2") == "again", path  # "long" replaced
        # A timestamp is set once: an update that passes none keeps it.
        assert started is not None and _one(db, "SELECT started_at FROM debate WHERE id = 2") == started, path
        assert _one(db, "SELECT finished_at IS NOT NULL AND winner = 'proposition' FROM debate WHERE id = 2") == 1, path


def _one(path: Path, sql: str) -> Any:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchone()[0]


def test_a_failed_batch_writes_nothing_and_raises_as_sqlalchemy_does(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "t.db"))
    try:
        _fill(store)
        before = _tables(tmp_path / "t.db")
        speech = Speech(index=0, side=Side.PROPOSITION, role="opening", text="new")
        again = OrderBallotRecord(debate_id=1, judge="j1", judge_model="fake/j1", stage="independent", label_a="opposition", reason="r", verdict="tie", winner="tie", margin=0)
        with pytest.raises(IntegrityError, match="UNIQUE constraint failed: order_ballot"):
            # The new speech is inserted first; the presentation stored already fails the batch.
            store.write([SpeechRecord(debate_id=3, speech=speech, tokens=1, finish_reason="stop"), again, DebateUpdate(debate_id=3, status="failed", error="x")])
        assert _tables(tmp_path / "t.db") == before
    finally:
        store.close()
