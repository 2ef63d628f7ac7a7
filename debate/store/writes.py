"""The write path: batches of records in one transaction, and speeches' text so far."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlmodel import col

from debate.store.base import StoreBase
from debate.store.models import BallotRecord, CallRecord, DebateUpdate, FindingRecord, OrderBallotRecord, QualificationRecord, Record, SpeechRecord
from debate.store.tables import BallotRow, DebateRow, FindingRow, ModelCallRow, OrderBallotRow, PartialSpeechRow, QualificationRow, SpeechRow, _now
from debate.store.vetting import damage

# Prepared once per process: SQLAlchemy then reuses the compiled statements, and each kind of
# record goes to the database as one executemany.
_INSERT_SPEECH = insert(SpeechRow)
_INSERT_CALL = insert(ModelCallRow)
_INSERT_BALLOT = insert(BallotRow)
_INSERT_FINDING = insert(FindingRow)
_INSERT_ORDER_BALLOT = insert(OrderBallotRow)
_INSERT_QUALIFICATION = insert(QualificationRow)
_DELETE_FINDINGS = delete(FindingRow).where(FindingRow.debate_id == bindparam("f_debate"))  # type: ignore[arg-type]
_DELETE_PARTIAL = delete(PartialSpeechRow).where(PartialSpeechRow.debate_id == bindparam("p_debate"), PartialSpeechRow.idx == bindparam("p_idx"))  # type: ignore[arg-type]
_DELETE_ABSTAINED_BALLOT = delete(BallotRow).where(
    BallotRow.debate_id == bindparam("k_debate"), BallotRow.judge == bindparam("k_judge"), BallotRow.stage == bindparam("k_stage"), BallotRow.abstained.is_(True)  # type: ignore[arg-type,attr-defined]
)
_DELETE_ABSTAINED_ORDER = delete(OrderBallotRow).where(
    OrderBallotRow.debate_id == bindparam("k_debate"), OrderBallotRow.judge == bindparam("k_judge"), OrderBallotRow.stage == bindparam("k_stage"),  # type: ignore[arg-type]
    OrderBallotRow.label_a == bindparam("k_label"), OrderBallotRow.abstained.is_(True),  # type: ignore[arg-type,attr-defined]
)
_UPDATE_DEBATE = (
    update(DebateRow)
    .where(DebateRow.id == bindparam("b_id"))  # type: ignore[arg-type]
    .values(
        status=bindparam("b_status"),
        winner=bindparam("b_winner"),
        error=bindparam("b_error"),
        margin=bindparam("b_margin"),
        disagreement=bindparam("b_disagreement"),
        prop_score=bindparam("b_prop_score"),
        opp_score=bindparam("b_opp_score"),
        excluded=bindparam("b_excluded"),
        excluded_reason=bindparam("b_excluded_reason"),
        # A timestamp is set once: later updates pass NULL and keep the stored value.
        started_at=func.coalesce(bindparam("b_started", type_=DebateRow.__table__.c.started_at.type), DebateRow.started_at),  # type: ignore[attr-defined]
        finished_at=func.coalesce(bindparam("b_finished", type_=DebateRow.__table__.c.finished_at.type), DebateRow.finished_at),  # type: ignore[attr-defined]
    )
)


# A worker's debate update: only while the worker holds the debate (its exactly-once write).
_UPDATE_HELD_DEBATE = _UPDATE_DEBATE.where(DebateRow.worker == bindparam("b_worker"))  # type: ignore[arg-type]


class RecordWrites(StoreBase):
    def write(self, records: Sequence[Record], *, holder: str | None = None) -> set[int]:
        """Commit a batch of records in one transaction: all of them, or (on error) none.

        With a `holder` (a worker), the records of a debate are written only while that worker
        holds the debate's lease: the debates it has lost to another worker are returned and
        nothing of theirs is written but the model calls (they were paid for). A debate's
        result is so written once, by the one worker that holds it."""
        if self.is_sqlite and holder is None:
            self._write_sqlite(records)
            return set()
        return self._write_sqlalchemy(records, holder)

    def _write_sqlalchemy(self, records: Sequence[Record], holder: str | None) -> set[int]:
        lost: set[int] = set()
        with self.engine.begin() as conn:
            if holder is not None:
                records, lost = _held_records(conn, records, holder, sqlite=self.is_sqlite)
            for statement, params in _statements(_rows(records, _now())):
                conn.execute(statement, params)
        return lost

    def _write_sqlite(self, records: Sequence[Record]) -> None:
        """`write` through SQLite's own driver: the same statements, compiled once each, run as
        executemany. SQLAlchemy's work per statement (its compiled-cache lookup, parameter and
        type processing, the result) cost several times SQLite's own, and the writes a fifth of
        the engine's CPU per model call."""
        rows = _rows(records, _sqlite_time(_now()))
        with self.engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            sql = ""
            try:
                for statement, params in _statements(rows):
                    sql = _sqlite_sql(statement, tuple(params[0]))
                    cursor.executemany(sql, params)
            except sqlite3.Error as exc:
                # As SQLAlchemy raises it: a damaged file named, anything else as its
                # IntegrityError, OperationalError, ... around the driver's.
                raise damage(exc, self.location) or DBAPIError.instance(sql, None, exc, sqlite3.Error) from exc
            finally:
                cursor.close()

    def write_partials(self, partials: dict[tuple[int, int], str]) -> None:
        """Replace the stored text so far of speeches being spoken."""
        now = _now()
        rows = [{"debate_id": d, "idx": i, "text": text, "updated_at": now} for (d, i), text in partials.items()]
        with self.engine.begin() as conn:
            conn.execute(_DELETE_PARTIAL, [{"p_debate": r["debate_id"], "p_idx": r["idx"]} for r in rows])
            conn.execute(insert(PartialSpeechRow), rows)


Rows = list[dict[str, Any]]


def _debate_of(record: Record) -> int | None:
    """The debate a record belongs to for its lease; None for what any process may write."""
    if isinstance(record, (CallRecord, QualificationRecord)):
        return None
    return record.debate_id


def _held_records(conn: Connection, records: Sequence[Record], holder: str, *, sqlite: bool) -> tuple[list[Record], set[int]]:
    """The records whose debates `holder` still holds, and the debates it has lost. The held
    rows stay locked to the end of the transaction (PostgreSQL), so no claim takes one over
    meanwhile; each result is then set by a conditional UPDATE whose row count is checked."""
    wanted = {d for r in records if (d := _debate_of(r)) is not None}
    if not wanted:
        return list(records), set()
    query = select(DebateRow.id).where(col(DebateRow.id).in_(wanted), DebateRow.worker == holder)
    if not sqlite:
        query = query.with_for_update()
    held = set(conn.execute(query).scalars())
    for update_ in records:
        if isinstance(update_, DebateUpdate) and update_.debate_id in held:
            done = conn.execute(_UPDATE_HELD_DEBATE, _update_params(update_, _now()) | {"b_worker": holder})
            if done.rowcount != 1:
                held.discard(update_.debate_id)
    kept = [r for r in records if (d := _debate_of(r)) is None or (d in held and not isinstance(r, DebateUpdate))]
    return kept, wanted - held


def _statements(rows: dict[str, Rows]) -> list[tuple[Executable, Rows]]:
    """The statements that write `rows`, in order, each with its executemany's parameters."""
    statements: list[tuple[Executable, Rows]] = []
    if speeches := rows["speech"]:
        statements.append((_INSERT_SPEECH, speeches))
        statements.append((_DELETE_PARTIAL, [{"p_debate": s["debate_id"], "p_idx": s["idx"]} for s in speeches]))
    # A failed debate's retry asks its abstained judges again: their answer replaces the
    # abstention (the invalid replies stay in model_call).
    if rows["ballot"]:
        statements.append((_DELETE_ABSTAINED_BALLOT, [_ballot_key(r) for r in rows["ballot"]]))
    if rows["order_ballot"]:
        statements.append((_DELETE_ABSTAINED_ORDER, [_ballot_key(r) | {"k_label": r["label_a"]} for r in rows["order_ballot"]]))
    for kind, statement in (("call", _INSERT_CALL), ("order_ballot", _INSERT_ORDER_BALLOT), ("ballot", _INSERT_BALLOT), ("qualification", _INSERT_QUALIFICATION)):
        if rows[kind]:
            statements.append((statement, rows[kind]))
    if findings := rows["finding"]:
        # Findings are recomputed from the transcript on resume: replace, never duplicate.
        statements.append((_DELETE_FINDINGS, [{"f_debate": d} for d in sorted({f["debate_id"] for f in findings})]))
        statements.append((_INSERT_FINDING, findings))
    if rows["update"]:
        statements.append((_UPDATE_DEBATE, rows["update"]))
    return statements


@cache
def _sqlite_sql(statement: Executable, keys: tuple[str, ...]) -> str:
    """`statement` as sqlite3 runs it with parameters named `keys` (`:name` placeholders)."""
    return str(statement.compile(dialect=sqlite_dialect.dialect(paramstyle="named"), column_keys=list(keys)))


def _sqlite_time(moment: datetime) -> str:
    """A timestamp as SQLAlchemy stores it in SQLite (UTC, microseconds, no zone): the text the
    readers parse, whichever path wrote it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _ballot_key(row: dict[str, Any]) -> dict[str, Any]:
    return {"k_debate": row["debate_id"], "k_judge": row["judge"], "k_stage": row["stage"]}


def _rows(records: Sequence[Record], now: datetime | str) -> dict[str, Rows]:
    """The records as statement parameters, by kind of row."""
    rows: dict[str, Rows] = {kind: [] for kind in ("speech", "call", "ballot", "order_ballot", "qualification", "finding", "update")}
    for record in records:
        if isinstance(record, SpeechRecord):
            speech = record.speech
            rows["speech"].append({"debate_id": record.debate_id, "idx": speech.index, "side": speech.side.value, "role": speech.role, "text": speech.text, "tokens": record.tokens, "finish_reason": record.finish_reason, "created_at": now})
        elif isinstance(record, CallRecord):
            rows["call"].append(record.model_dump() | {"created_at": now})
        elif isinstance(record, BallotRecord):
            rows["ballot"].append(record.model_dump(exclude={"scores"}) | {"scores_json": json.dumps(record.scores, sort_keys=True), "created_at": now})
        elif isinstance(record, OrderBallotRecord):
            probabilities = None if record.probabilities is None else json.dumps(record.probabilities, sort_keys=True)
            rows["order_ballot"].append(
                record.model_dump(exclude={"scores", "probabilities"}) | {"scores_json": json.dumps(record.scores, sort_keys=True), "probabilities_json": probabilities, "created_at": now}
            )
        elif isinstance(record, QualificationRecord):
            rows["qualification"].append(
                record.model_dump(exclude={"result", "verdicts"}) | {"result_json": json.dumps(record.result, sort_keys=True), "verdicts_json": json.dumps(record.verdicts), "created_at": now}
            )
        elif isinstance(record, FindingRecord):
            rows["finding"].append(record.model_dump())
        else:
            rows["update"].append(_update_params(record, now))
    return rows


def _update_params(record: DebateUpdate, now: datetime | str) -> dict[str, Any]:
    return {
        "b_id": record.debate_id, "b_status": record.status, "b_winner": record.winner, "b_error": record.error,
        "b_started": now if record.started else None, "b_finished": now if record.finished else None,
        "b_margin": record.margin, "b_disagreement": record.disagreement,
        "b_prop_score": record.prop_score, "b_opp_score": record.opp_score,
        "b_excluded": record.excluded, "b_excluded_reason": record.excluded_reason,
    }
