"""What crosses the store's boundary: plans, summaries and the records the engine writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from debate.draws.model import Draw
from debate.core.transcript import MotionText, Speech


class DebatePlan(BaseModel):
    """Everything needed to (re)start one debate, including what is already stored."""

    model_config = ConfigDict(frozen=True)

    debate_id: int
    round_number: int
    proposition: str
    opposition: str
    motion: MotionText
    speeches: tuple[Speech, ...]
    ballots: tuple[StoredBallot, ...] = ()  # model ballots already stored
    order_ballots: tuple[StoredOrderBallot, ...] = ()  # their presentations already stored
    findings: tuple[StoredFinding, ...] = ()  # rule-check findings already stored

    def ballot(self, judge: str, stage: str) -> StoredBallot | None:
        return next((b for b in self.ballots if b.judge == judge and b.stage == stage), None)

    def order_ballot(self, judge: str, stage: str, label_a: str) -> StoredOrderBallot | None:
        return next((b for b in self.order_ballots if b.judge == judge and b.stage == stage and b.label_a == label_a), None)


class StoredRound(BaseModel):
    number: int
    kind: str
    status: str
    motion: str | None  # the round's motion, or None when each debate has its own
    draw: Draw


class RoundHeader(BaseModel):
    """A stored round without its pairings: what running and drawing rounds mostly need, the
    same size however many debates the round has."""

    number: int
    kind: str
    status: str
    motion: str | None
    byes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class DebateSummary(BaseModel):
    id: int
    round: int
    proposition: str
    opposition: str
    motion: str
    status: str
    winner: str | None
    voided: bool = False  # excluded from ratings and standings (e.g. an identity leak)
    worker: str | None = None  # the worker (host:pid) that holds or last held it; None: a single run's
    error: str | None = None  # why it failed or was forfeited


class WorkerStats(BaseModel):
    """One worker's share of a tournament, as its debate rows tell it (see `WorkerQueries`)."""

    worker: str  # host:pid, as the worker names itself
    running: int  # debates it holds a live lease on now
    settled: int  # judged or forfeit, last held by it
    failed: int  # failed, last held by it
    per_minute: float | None  # its recent throughput (see `WorkerQueries.worker_stats`); None: nothing settled yet
    last_error: str | None = None  # the error of its latest failed debate
    last_error_debate: int | None = None  # that debate's id


class StoredBallot(BaseModel):
    judge: str
    judge_model: str
    kind: str
    stage: str = "independent"
    verdict: str | None = None
    winner: str | None
    both_poor: bool = False
    scores: dict[str, dict[str, float]] = {}  # a model judge's: means over its presentations
    reason: str
    abstained: bool
    margin: float | None = None  # mean signed verdict over the presentations, + proposition
    consistent: bool | None = None  # both presentations named the same winner; None: one
    expected_margin: float | None = None  # read from verdict probabilities, where there were any


class StoredOrderBallot(BaseModel):
    """One presentation of a debate to a judge, in proposition/opposition terms."""

    debate_id: int
    judge: str
    judge_model: str
    stage: str
    label_a: str  # the side the judge read as "Debater A"
    verdict: str | None
    winner: str | None
    margin: int | None
    expected_margin: float | None = None
    probabilities: dict[str, float] | None = None
    both_poor: bool = False
    scores: dict[str, dict[str, int]] = {}
    reason: str
    abstained: bool = False


class StoredQualification(BaseModel):
    """A judge's qualification on control debates; `result` is a JudgeQualification's fields."""

    tournament_id: int | None
    judge: str
    judge_model: str
    flagged: bool
    result: dict[str, Any]
    created_at: datetime


class StoredFinding(BaseModel):
    speech_idx: int
    side: str
    kind: str
    severity: str
    detail: str
    evidence: str = ""


class DebateDetail(BaseModel):
    id: int
    tournament: str
    round: int
    status: str
    winner: str | None
    error: str | None
    proposition: str
    opposition: str
    motion: MotionText
    format: str
    speeches: list[Speech]
    ballots: list[StoredBallot]
    order_ballots: list[StoredOrderBallot] = []  # the model judges' presentations
    findings: list[StoredFinding] = []
    margin: float | None = None
    disagreement: float | None = None
    prop_score: float | None = None
    opp_score: float | None = None
    excluded: bool = False
    excluded_reason: str | None = None


class TournamentInfo(BaseModel):
    id: int
    name: str
    status: str
    created_at: datetime
    debates: int
    judged: int
    failed: int
    config: dict[str, Any]


# Records handed to `Store.write`, committed together in one transaction.
class SpeechRecord(BaseModel):
    debate_id: int
    speech: Speech
    tokens: int
    finish_reason: str


class CallRecord(BaseModel):
    tournament_id: int
    debate_id: int | None
    purpose: str
    speech_idx: int | None
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0
    attempts: int = 1
    ok: bool = True
    error: str | None = None


class BallotRecord(BaseModel):
    debate_id: int
    judge: str
    judge_model: str
    winner: str | None
    reason: str
    abstained: bool = False
    kind: str = "model"
    stage: str = "independent"
    verdict: str | None = None
    both_poor: bool = False
    scores: dict[str, dict[str, float]] = {}
    margin: float | None = None
    consistent: bool | None = None
    expected_margin: float | None = None


class OrderBallotRecord(BaseModel):
    debate_id: int
    judge: str
    judge_model: str
    stage: str
    label_a: str
    reason: str
    verdict: str | None = None
    winner: str | None = None
    margin: int | None = None
    expected_margin: float | None = None
    probabilities: dict[str, float] | None = None
    both_poor: bool = False
    scores: dict[str, dict[str, int]] = {}
    abstained: bool = False


class QualificationRecord(BaseModel):
    tournament_id: int | None
    judge: str
    judge_model: str
    flagged: bool
    result: dict[str, Any]
    verdicts: list[dict[str, Any]]


class FindingRecord(BaseModel):
    debate_id: int
    speech_idx: int
    side: str
    kind: str
    severity: str
    detail: str
    evidence: str = ""


class DebateUpdate(BaseModel):
    debate_id: int
    status: str
    winner: str | None = None
    error: str | None = None
    started: bool = False
    finished: bool = False
    margin: float | None = None
    disagreement: float | None = None
    prop_score: float | None = None
    opp_score: float | None = None
    excluded: bool = False
    excluded_reason: str | None = None


Record = SpeechRecord | CallRecord | BallotRecord | OrderBallotRecord | QualificationRecord | FindingRecord | DebateUpdate


DebatePlan.model_rebuild()
