"""Table rows to the typed records that leave the store: one converter per kind of row.

A row is a table's (sqlmodel) or a plain query's (`reads`): either is read by column name.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from debate.core.transcript import MotionText
from debate.store.models import StoredBallot, StoredFinding, StoredOrderBallot, StoredQualification

if TYPE_CHECKING:
    from debate.store.tables import BallotRow, FindingRow, MotionRow, OrderBallotRow, QualificationRow


def stored_ballot(row: BallotRow) -> StoredBallot:
    return StoredBallot(
        judge=row.judge, judge_model=row.judge_model, kind=row.kind, stage=row.stage, verdict=row.verdict, winner=row.winner,
        both_poor=row.both_poor, scores=json.loads(row.scores_json), reason=row.reason, abstained=row.abstained,
        margin=row.margin, consistent=row.consistent, expected_margin=row.expected_margin,
    )


def stored_order_ballot(row: OrderBallotRow) -> StoredOrderBallot:
    return StoredOrderBallot(
        debate_id=row.debate_id, judge=row.judge, judge_model=row.judge_model, stage=row.stage, label_a=row.label_a,
        verdict=row.verdict, winner=row.winner, margin=row.margin, expected_margin=row.expected_margin,
        probabilities=json.loads(row.probabilities_json) if row.probabilities_json else None,
        both_poor=row.both_poor, scores=json.loads(row.scores_json), reason=row.reason, abstained=row.abstained,
    )


def stored_qualification(row: QualificationRow) -> StoredQualification:
    return StoredQualification(
        tournament_id=row.tournament_id, judge=row.judge, judge_model=row.judge_model, flagged=row.flagged,
        result=json.loads(row.result_json), created_at=row.created_at,
    )


def stored_finding(row: FindingRow) -> StoredFinding:
    return StoredFinding(speech_idx=row.speech_idx, side=row.side, kind=row.kind, severity=row.severity, detail=row.detail, evidence=row.evidence)


def motion_text(row: MotionRow) -> MotionText:
    return MotionText(key=row.key, text=row.text, category=row.category, language=row.language, info_slide=row.info_slide)
