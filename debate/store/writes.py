"""The write path: batches of records in one transaction, and speeches' text so far."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, update

from debate.store.base import StoreBase
from debate.store.models import BallotRecord, CallRecord, DebateUpdate, FindingRecord, Record, SpeechRecord
from debate.store.tables import BallotRow, DebateRow, FindingRow, ModelCallRow, PartialSpeechRow, SpeechRow, _now

# Prepared once per process: SQLAlchemy then reuses the compiled statements, and each kind of
# record goes to the database as one executemany.
_INSERT_SPEECH = insert(SpeechRow)
_INSERT_CALL = insert(ModelCallRow)
_INSERT_BALLOT = insert(BallotRow)
_INSERT_FINDING = insert(FindingRow)
_DELETE_PARTIAL = delete(PartialSpeechRow).where(PartialSpeechRow.debate_id == bindparam("p_debate"), PartialSpeechRow.idx == bindparam("p_idx"))  # type: ignore[arg-type]
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


class RecordWrites(StoreBase):
    def write(self, records: Sequence[Record]) -> None:
        """Commit a batch of records in one transaction: all of them, or (on error) none."""
        speeches, calls, ballots, findings, updates = _rows(records, _now())
        with self.engine.begin() as conn:
            if speeches:
                conn.execute(_INSERT_SPEECH, speeches)
                conn.execute(_DELETE_PARTIAL, [{"p_debate": s["debate_id"], "p_idx": s["idx"]} for s in speeches])
            if calls:
                conn.execute(_INSERT_CALL, calls)
            if ballots:
                conn.execute(_INSERT_BALLOT, ballots)
            if findings:
                # Findings are recomputed from the transcript on resume: replace, never duplicate.
                conn.execute(delete(FindingRow).where(FindingRow.debate_id.in_({f["debate_id"] for f in findings})))  # type: ignore[attr-defined]
                conn.execute(_INSERT_FINDING, findings)
            if updates:
                conn.execute(_UPDATE_DEBATE, updates)

    def write_partials(self, partials: dict[tuple[int, int], str]) -> None:
        """Replace the stored text so far of speeches being spoken."""
        now = _now()
        rows = [{"debate_id": d, "idx": i, "text": text, "updated_at": now} for (d, i), text in partials.items()]
        with self.engine.begin() as conn:
            conn.execute(_DELETE_PARTIAL, [{"p_debate": r["debate_id"], "p_idx": r["idx"]} for r in rows])
            conn.execute(insert(PartialSpeechRow), rows)


Rows = list[dict[str, Any]]


def _rows(records: Sequence[Record], now: datetime) -> tuple[Rows, Rows, Rows, Rows, Rows]:
    """The records as statement parameters: speeches, calls, ballots, findings, debate updates."""
    speeches: Rows = []
    calls: Rows = []
    ballots: Rows = []
    findings: Rows = []
    updates: Rows = []
    for record in records:
        if isinstance(record, SpeechRecord):
            speech = record.speech
            speeches.append({"debate_id": record.debate_id, "idx": speech.index, "side": speech.side.value, "role": speech.role, "text": speech.text, "tokens": record.tokens, "finish_reason": record.finish_reason, "created_at": now})
        elif isinstance(record, CallRecord):
            calls.append(record.model_dump() | {"created_at": now})
        elif isinstance(record, BallotRecord):
            row = record.model_dump(exclude={"scores"})
            ballots.append(row | {"scores_json": json.dumps(record.scores, sort_keys=True), "created_at": now})
        elif isinstance(record, FindingRecord):
            findings.append(record.model_dump())
        else:
            updates.append(_update_params(record, now))
    return speeches, calls, ballots, findings, updates


def _update_params(record: DebateUpdate, now: datetime) -> dict[str, Any]:
    return {
        "b_id": record.debate_id, "b_status": record.status, "b_winner": record.winner, "b_error": record.error,
        "b_started": now if record.started else None, "b_finished": now if record.finished else None,
        "b_margin": record.margin, "b_disagreement": record.disagreement,
        "b_prop_score": record.prop_score, "b_opp_score": record.opp_score,
        "b_excluded": record.excluded, "b_excluded_reason": record.excluded_reason,
    }
