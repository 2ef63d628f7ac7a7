"""The plain-SQL reads (`debate.store.reads`) give the same answers through a `Reader` (the
standard library's sqlite3 alone) as through the `Store` (SQLAlchemy), and on PostgreSQL as on
SQLite, on a tournament with every kind of row; a read-only command imports no SQLAlchemy; a
reader hands every other method to a read-only Store, and refuses writes as that one does."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from debate.api import open_store
from debate.core.errors import StoreError
from debate.core.formats import Side
from debate.core.transcript import Speech
from debate.store import CallRecord, FindingRecord, OrderBallotRecord, QualificationRecord, ReadOnlyStoreError, SpeechRecord, Store
from debate.store.reader import Reader
from debate.store.reads import ReadQueries
from tests.helpers import fresh_postgres_database
from tests.store.test_result_tallies import _tournament

POSTGRES = os.environ.get("DEBATE_TEST_POSTGRES_URL")


def _fill(store: Store) -> int:
    """The tallies' tournament (ties, revised ballots, byes, voids, forfeits, an elimination
    round) with speeches, presentations, findings, model calls, qualifications and a speech
    still being spoken added."""
    tid, _ = _tournament(store)
    store.write([
        *(SpeechRecord(debate_id=d, speech=Speech(index=i, side=Side.PROPOSITION if i % 2 == 0 else Side.OPPOSITION, role="opening", text=f"words of {d} {i} " * (i + 1)), tokens=9, finish_reason="stop")
          for d in (1, 2, 8) for i in range(4)),
        OrderBallotRecord(debate_id=1, judge="j1", judge_model="fake/j1", stage="independent", label_a="opposition", reason="r", verdict="proposition_slightly",
                          winner="proposition", margin=1, expected_margin=0.4, probabilities={"proposition_slightly": 0.7, "tie": 0.3}, scores={"style": {"proposition": 4, "opposition": 3}}),
        OrderBallotRecord(debate_id=2, judge="j2", judge_model="fake/j2", stage="independent", label_a="proposition", reason="r", abstained=True),
        FindingRecord(debate_id=1, speech_idx=0, side="proposition", kind="canary", severity="major", detail="a canary", evidence="x"),
        FindingRecord(debate_id=2, speech_idx=1, side="opposition", kind="over_length", severity="minor", detail="long"),
        *(CallRecord(tournament_id=tid, debate_id=d, purpose="speech", speech_idx=i, model="fake/a", prompt_tokens=10 + i, completion_tokens=5, cost_usd=0.25 if i else None, latency_s=0.5)
          for d in (1, 8) for i in range(4)),
        CallRecord(tournament_id=tid, debate_id=1, purpose="judge", speech_idx=None, model="fake/j1", prompt_tokens=7, ok=False, error="timeout"),
        QualificationRecord(tournament_id=tid, judge="j1", judge_model="fake/j1", flagged=True, result={"accuracy": 0.5}, verdicts=[]),
        QualificationRecord(tournament_id=tid, judge="j1", judge_model="fake/j1", flagged=False, result={"accuracy": 0.9}, verdicts=[]),
        QualificationRecord(tournament_id=None, judge="j2", judge_model="fake/j2", flagged=False, result={}, verdicts=[]),
    ])
    store.write_partials({(8, 4): "half a speech"})
    return tid


def _calls(tid: int) -> list[tuple[str, tuple[Any, ...]]]:
    return [
        ("find_tournament", ()), ("find_tournament", ("t",)), ("tournament_or_none", ("t",)), ("tournament_or_none", ("nobody",)),
        ("list_tournaments", ()), ("debates", (tid,)), ("debate_plan", (2,)), ("debate_plans", ([8, 1, 2, 3, 5, 404],)), ("debate_plans", ([],)),
        ("debate_detail", (1,)), ("debate_detail", (2,)), ("partial_speeches", ([8, 1],)), ("round_headers", (tid,)), ("stored_rounds", (tid,)),
        ("result_tallies", (tid, [1, 2])), ("result_tallies", (tid, [3])), ("final_ballots", (tid,)), ("final_ballots", (tid, "human")),
        ("qualifications", (tid,)), ("qualifications", (None,)), ("findings_of_kind", (tid, "canary")), ("battle_rows", (tid,)),
        ("usage_by_contestant", (tid,)), ("call_counts", (tid,)),
    ]


def _answers(store: Any, tid: int, *, drop_times: bool = False) -> list[Any]:
    return [_plain(getattr(store, name)(*args), drop_times) for name, args in _calls(tid)]


def _plain(value: Any, drop_times: bool) -> Any:
    """A comparable form: models and dataclasses as dicts, and (across databases) no timestamps."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    elif hasattr(value, "__dataclass_fields__"):
        value = dict(vars(value))
    if isinstance(value, dict):
        return {k: _plain(v, drop_times) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, drop_times) for v in value]
    if isinstance(value, datetime) and drop_times:
        return "a time"
    return value


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, int]:
    store = Store(str(tmp_path / "t.db"))
    try:
        return tmp_path / "t.db", _fill(store)
    finally:
        store.close()


def test_every_read_is_covered_here() -> None:
    public = {name for name, value in vars(ReadQueries).items() if callable(value) and not name.startswith("_")}  # the reads, not `location`
    assert public == {name for name, _ in _calls(1)}


def test_a_reader_answers_as_the_store_does(filled: tuple[Path, int]) -> None:
    path, tid = filled
    store, reader = Store(str(path), create=False, read_only=True), open_store(str(path), read_only=True)
    try:
        assert isinstance(reader, Reader)
        expected = _answers(store, tid)
        assert _answers(reader, tid) == expected
        # Not vacuous: the tournament has what each read returns.
        by_call = dict(zip((f"{name}{args}" for name, args in _calls(tid)), expected, strict=True))
        assert len(by_call[f"debate_plans{([8, 1, 2, 3, 5, 404],)}"]) == 5 and by_call[f"partial_speeches{([8, 1],)}"] == {(8, 4): "half a speech"}
        assert [q["result"] for q in by_call[f"qualifications{(tid,)}"]] == [{"accuracy": 0.9}]
        assert by_call[f"findings_of_kind{(tid, 'canary')}"] == [[1, "proposition"]]
        assert by_call[f"call_counts{(tid,)}"] == {"calls": 9, "prompt_tokens": 2 * 46 + 7, "completion_tokens": 40, "cost_usd": 1.5}
        with pytest.raises(Exception, match="no debate with id 404"):
            reader.debate_detail(404)
    finally:
        store.close()
        reader.close()


@pytest.mark.skipif(not POSTGRES, reason="set DEBATE_TEST_POSTGRES_URL to a PostgreSQL server to run")
def test_the_reads_answer_on_postgresql_as_on_sqlite(filled: tuple[Path, int]) -> None:
    assert POSTGRES
    path, tid = filled
    with fresh_postgres_database(POSTGRES) as url:
        server = Store(url)
        try:
            assert _fill(server) == tid
            on_postgres = _answers(server, tid, drop_times=True)
        finally:
            server.close()
    store = Store(str(path), create=False, read_only=True)
    try:
        assert on_postgres == _answers(store, tid, drop_times=True)
    finally:
        store.close()


def test_a_reader_hands_other_methods_to_a_read_only_store(filled: tuple[Path, int]) -> None:
    path, tid = filled
    before = _digest(path)
    reader = open_store(str(path), read_only=True)
    try:
        assert reader.forfeits(tid) == {"a": "a unavailable", "b": "both unavailable", "c": "both unavailable"}
        with pytest.raises(ReadOnlyStoreError, match="open read-only"):
            reader.set_tournament_status(tid, "paused")
    finally:
        reader.close()
    assert _digest(path) == before


def test_a_database_not_at_this_schema_is_left_to_the_store(filled: tuple[Path, int]) -> None:
    path, _ = filled
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = 'schema_4'")
    # A reader would read it; the Store says what to run first.
    with pytest.raises(StoreError, match="earlier version of debate .*debate db upgrade"):
        open_store(str(path), read_only=True)


def test_read_only_commands_import_no_sqlalchemy(filled: tuple[Path, int]) -> None:
    path, tid = filled
    probe = (
        "import sys\n"
        "from debate import api\n"
        f"with api.opened({str(path)!r}, read_only=True) as store:\n"
        f"    api.standings(store, 't'); api.debate(store, 1); api.tournaments(store); api.round_draw(store, 't', 2)\n"
        f"    api.ratings(store, 't')\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _digest(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
