"""Bulk read-only queries for the scorecard export.

Each function reads one kind of row for a whole tournament in a single query (joins do the
name and motion look-ups), so exporting a tournament of thousands of debates costs a handful
of queries, never one per debate. Nothing here writes. Rows come back as small frozen
dataclasses in a stable order (by id), with the ballot scores already parsed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import case, func
from sqlalchemy.orm import aliased
from sqlmodel import select

from debate.store.ballots import final_ballots_of
from debate.store.repository import Store
from debate.store.tables import (
    BallotRow,
    ContestantRow,
    DebateRow,
    FindingRow,
    ModelCallRow,
    MotionRow,
    RoundRow,
    SpeechRow,
)


_Child = TypeVar("_Child", FindingRow, SpeechRow)


@dataclass(frozen=True, slots=True)
class TournamentFacts:
    id: int
    name: str
    status: str
    seed: int
    config: dict[str, Any]
    format: dict[str, Any]
    created_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class ContestantFacts:
    id: int
    name: str
    model: str
    family: str


@dataclass(frozen=True, slots=True)
class MotionFacts:
    id: int
    key: str
    text: str
    category: str
    language: str


@dataclass(frozen=True, slots=True)
class DebateFacts:
    id: int
    round: int
    round_kind: str
    status: str
    proposition: str
    opposition: str
    motion_key: str
    motion_text: str
    category: str
    language: str
    winner: str | None
    margin: float | None
    disagreement: float | None
    prop_score: float | None
    opp_score: float | None
    excluded: bool
    excluded_reason: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class BallotFacts:
    id: int
    debate_id: int
    judge: str
    judge_model: str
    kind: str
    stage: str
    verdict: str | None
    winner: str | None
    both_poor: bool
    scores: dict[str, dict[str, int]]
    reason: str
    abstained: bool
    final: bool = False  # the rater's last word on the debate (see `debate.store.ballots`)


@dataclass(frozen=True, slots=True)
class FindingFacts:
    id: int
    debate_id: int
    speech_idx: int
    side: str
    kind: str
    severity: str
    detail: str
    evidence: str


@dataclass(frozen=True, slots=True)
class SpeechFacts:
    debate_id: int
    idx: int
    side: str
    role: str
    text: str
    tokens: int
    finish_reason: str


@dataclass(frozen=True, slots=True)
class CallUsage:
    purpose: str
    model: str
    calls: int
    failed: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


def tournament_facts(store: Store, name: str | None = None) -> TournamentFacts:
    """The named tournament, or the latest; StoreError when there is none."""
    row = store.find_tournament(name)
    assert row.id is not None
    return TournamentFacts(
        id=row.id, name=row.name, status=row.status, seed=row.seed,
        config=json.loads(row.config_json), format=json.loads(row.format_json),
        created_at=row.created_at, finished_at=row.finished_at,
    )


def contestants(store: Store, tournament_id: int) -> list[ContestantFacts]:
    """Every contestant, in the order they were entered."""
    with store._session() as session:
        rows = session.exec(select(ContestantRow).where(ContestantRow.tournament_id == tournament_id).order_by(ContestantRow.id)).all()  # type: ignore[arg-type]
    return [ContestantFacts(id=r.id or 0, name=r.name, model=r.model, family=r.family) for r in rows]


def motions(store: Store, tournament_id: int) -> list[MotionFacts]:
    """Every motion the tournament was given (used or not), in stored order."""
    with store._session() as session:
        rows = session.exec(select(MotionRow).where(MotionRow.tournament_id == tournament_id).order_by(MotionRow.id)).all()  # type: ignore[arg-type]
    return [MotionFacts(id=r.id or 0, key=r.key, text=r.text, category=r.category, language=r.language) for r in rows]


def debates(store: Store, tournament_id: int) -> list[DebateFacts]:
    """Every debate of the tournament (any status) with side names, motion and round kind, by id."""
    prop, opp = aliased(ContestantRow), aliased(ContestantRow)
    query = (
        select(
            DebateRow.id, DebateRow.round_number, RoundRow.kind, DebateRow.status,
            prop.name, opp.name, MotionRow.key, MotionRow.text, MotionRow.category, MotionRow.language,
            DebateRow.winner, DebateRow.margin, DebateRow.disagreement, DebateRow.prop_score, DebateRow.opp_score,
            DebateRow.excluded, DebateRow.excluded_reason, DebateRow.error,
        )
        .join(prop, prop.id == DebateRow.proposition_id)  # type: ignore[arg-type]
        .join(opp, opp.id == DebateRow.opposition_id)  # type: ignore[arg-type]
        .join(MotionRow, MotionRow.id == DebateRow.motion_id)  # type: ignore[arg-type]
        .join(RoundRow, RoundRow.id == DebateRow.round_id)  # type: ignore[arg-type]
        .where(DebateRow.tournament_id == tournament_id)
        .order_by(DebateRow.id)  # type: ignore[arg-type]
    )
    with store._session() as session:
        rows = session.exec(query).all()
    return [
        DebateFacts(
            id=r[0], round=r[1], round_kind=r[2], status=r[3], proposition=r[4], opposition=r[5],
            motion_key=r[6], motion_text=r[7], category=r[8], language=r[9], winner=r[10], margin=r[11],
            disagreement=r[12], prop_score=r[13], opp_score=r[14], excluded=bool(r[15]), excluded_reason=r[16], error=r[17],
        )
        for r in rows
    ]


def ballots(store: Store, tournament_id: int) -> list[BallotFacts]:
    """Every ballot of the tournament, model and human, every stage, ordered by debate then id;
    `final` marks each rater's final ballot on a debate."""
    final = final_ballots_of(tournament_id)
    query = (
        select(BallotRow, final.c.id)
        .join(DebateRow, DebateRow.id == BallotRow.debate_id)  # type: ignore[arg-type]
        .outerjoin(final, final.c.id == BallotRow.id)  # type: ignore[arg-type]
        .where(DebateRow.tournament_id == tournament_id)
        .order_by(BallotRow.debate_id, BallotRow.id)  # type: ignore[arg-type]
    )
    with store._session() as session:
        rows = session.exec(query).all()
    return [
        BallotFacts(
            id=r.id or 0, debate_id=r.debate_id, judge=r.judge, judge_model=r.judge_model, kind=r.kind, stage=r.stage,
            verdict=r.verdict, winner=r.winner, both_poor=bool(r.both_poor), scores=_scores(r.scores_json),
            reason=r.reason, abstained=bool(r.abstained), final=final_id is not None,
        )
        for r, final_id in rows
    ]


def findings(store: Store, tournament_id: int) -> list[FindingFacts]:
    """Every rule-check finding of the tournament, ordered by debate then id."""
    return [
        FindingFacts(id=r.id or 0, debate_id=r.debate_id, speech_idx=r.speech_idx, side=r.side, kind=r.kind, severity=r.severity, detail=r.detail, evidence=r.evidence)
        for r in _debate_children(store, tournament_id, FindingRow, FindingRow.id)
    ]


def speeches(store: Store, tournament_id: int) -> list[SpeechFacts]:
    """Every stored speech of the tournament, ordered by debate then speech."""
    return [
        SpeechFacts(debate_id=r.debate_id, idx=r.idx, side=r.side, role=r.role, text=r.text, tokens=r.tokens, finish_reason=r.finish_reason)
        for r in _debate_children(store, tournament_id, SpeechRow, SpeechRow.idx)
    ]


def _debate_children(store: Store, tournament_id: int, row: type[_Child], then_by: Any) -> Sequence[_Child]:
    """The rows of `row` (a table keyed by debate_id) that belong to the tournament's debates,
    ordered by debate, then by `then_by`."""
    query = (
        select(row)
        .join(DebateRow, DebateRow.id == row.debate_id)  # type: ignore[arg-type]
        .where(DebateRow.tournament_id == tournament_id)
        .order_by(row.debate_id, then_by)  # type: ignore[arg-type]
    )
    with store._session() as session:
        return session.exec(query).all()


def call_usage(store: Store, tournament_id: int) -> list[CallUsage]:
    """Model calls grouped by purpose (speech | judge) and model: counts, tokens and cost."""
    query = (
        select(
            ModelCallRow.purpose, ModelCallRow.model, func.count(),
            func.coalesce(func.sum(case((ModelCallRow.ok == False, 1), else_=0)), 0),
            func.coalesce(func.sum(ModelCallRow.prompt_tokens), 0), func.coalesce(func.sum(ModelCallRow.completion_tokens), 0),
            func.coalesce(func.sum(ModelCallRow.cost_usd), 0.0),
        )
        .where(ModelCallRow.tournament_id == tournament_id)
        .group_by(ModelCallRow.purpose, ModelCallRow.model)
        .order_by(ModelCallRow.purpose, ModelCallRow.model)
    )
    with store._session() as session:
        rows = session.exec(query).all()
    return [CallUsage(purpose=r[0], model=r[1], calls=int(r[2]), failed=int(r[3]), prompt_tokens=int(r[4]), completion_tokens=int(r[5]), cost_usd=float(r[6])) for r in rows]


def _scores(text: str) -> dict[str, dict[str, int]]:
    """Parsed `scores_json`; anything malformed becomes no scores rather than an error."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, dict[str, int]] = {}
    for criterion, sides in data.items():
        if isinstance(sides, dict):
            out[str(criterion)] = {side: value for side, value in sides.items() if isinstance(value, (int, float)) and not isinstance(value, bool)}
    return out
