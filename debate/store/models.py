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
    findings: tuple[StoredFinding, ...] = ()  # rule-check findings already stored

    def ballot(self, judge: str, stage: str) -> StoredBallot | None:
        return next((b for b in self.ballots if b.judge == judge and b.stage == stage), None)


class StoredRound(BaseModel):
    number: int
    kind: str
    status: str
    motion: str | None  # the round's motion, or None when each debate has its own
    draw: Draw


class DebateSummary(BaseModel):
    id: int
    round: int
    proposition: str
    opposition: str
    motion: str
    status: str
    winner: str | None


class StoredBallot(BaseModel):
    judge: str
    judge_model: str
    kind: str
    stage: str = "independent"
    verdict: str | None = None
    winner: str | None
    both_poor: bool = False
    scores: dict[str, dict[str, int]] = {}
    reason: str
    abstained: bool


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
    scores: dict[str, dict[str, int]] = {}


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


Record = SpeechRecord | CallRecord | BallotRecord | FindingRecord | DebateUpdate


DebatePlan.model_rebuild()
