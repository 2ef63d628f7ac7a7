"""The database tables (sqlmodel). Rows stay inside the store; the engine sees `models`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 5


def _now() -> datetime:
    return datetime.now(UTC)


class MetaRow(SQLModel, table=True):
    """Facts about the database itself (its schema version)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class TournamentRow(SQLModel, table=True):
    __tablename__ = "tournament"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    config_json: str
    format_json: str
    seed: int
    status: str = "running"  # running | finished | incomplete (some debates failed) | stopped (by the user)
    created_at: datetime = Field(default_factory=_now)
    finished_at: datetime | None = None


class RunnerRow(SQLModel, table=True):
    """Which process is running a tournament now, and when it last said so.

    Two runners of one tournament would both claim its pending debates and pay for every
    speech twice; a runner claims this row first and refreshes `heartbeat_at` while it runs.
    """

    __tablename__ = "runner"
    tournament: str = Field(primary_key=True)
    pid: int
    host: str
    # Seconds since the epoch, not datetimes: a timestamp column without a zone on a PostgreSQL
    # server outside UTC would shift the heartbeat by hours and wrongly age a live claim.
    started_at: float
    heartbeat_at: float
    # The runner coordinates workers (`debate run --workers`, `debate worker`): its debates are
    # claimed through leases on the debate rows, not run by this process alone. None: not.
    shared: bool | None = None


class ContestantRow(SQLModel, table=True):
    __tablename__ = "contestant"
    __table_args__ = (UniqueConstraint("tournament_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    tournament_id: int = Field(foreign_key="tournament.id", index=True)
    name: str
    model: str
    family: str


class MotionRow(SQLModel, table=True):
    __tablename__ = "motion"
    __table_args__ = (UniqueConstraint("tournament_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    tournament_id: int = Field(foreign_key="tournament.id", index=True)
    key: str
    text: str
    category: str
    language: str
    info_slide: str | None = None


class RoundRow(SQLModel, table=True):
    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("tournament_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    tournament_id: int = Field(foreign_key="tournament.id", index=True)
    number: int
    motion_id: int | None = Field(default=None, foreign_key="motion.id")  # None: a motion per debate
    status: str = "drawn"  # drawn | done
    kind: str = "preliminary"  # preliminary | elimination | arena
    # The draw without its pairings (byes, notes, method, seed, flags): each pairing is the
    # round's debate row, so a round of any size is never one document rebuilt in memory.
    draw_json: str = "{}"


class DebateRow(SQLModel, table=True):
    __tablename__ = "debate"
    id: int | None = Field(default=None, primary_key=True)
    tournament_id: int = Field(foreign_key="tournament.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    round_number: int
    proposition_id: int = Field(foreign_key="contestant.id")
    opposition_id: int = Field(foreign_key="contestant.id")
    motion_id: int = Field(foreign_key="motion.id")
    # The draw's pairing this debate plays: its flags (a JSON list; None: none), the Swiss
    # bracket it was drawn in, and the knockout seeds of its sides.
    flags_json: str | None = None
    bracket: float | None = None
    prop_seed: int | None = None
    opp_seed: int | None = None
    status: str = Field(default="pending", index=True)  # pending | running | judged | failed | stopped
    winner: str | None = None  # proposition | opposition | tie
    margin: float | None = None  # the panel's summed verdict margins, + for proposition
    disagreement: float | None = None  # 0 = unanimous panel
    prop_score: float | None = None  # weighted rubric totals, panel means
    opp_score: float | None = None
    excluded: bool = False  # left out of ratings (e.g. an identity leak)
    excluded_reason: str | None = None
    error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # The worker that holds (or last held) the debate, and until when (epoch seconds, as the
    # runner's heartbeat). NULL: free; 0: failed in this pass, left for the next run to retry.
    worker: str | None = None
    lease_until: float | None = None


class SpeechRow(SQLModel, table=True):
    __tablename__ = "speech"
    __table_args__ = (UniqueConstraint("debate_id", "idx"),)
    id: int | None = Field(default=None, primary_key=True)
    debate_id: int = Field(foreign_key="debate.id", index=True)
    idx: int
    side: str
    role: str
    text: str
    tokens: int
    finish_reason: str
    created_at: datetime = Field(default_factory=_now)


class BallotRow(SQLModel, table=True):
    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("debate_id", "judge", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    debate_id: int = Field(foreign_key="debate.id", index=True)
    judge: str  # a judge's name, or a human scorer's
    judge_model: str  # "human" for a scorer
    kind: str = "model"  # model | human
    stage: str = "independent"  # independent | revised (after deliberation)
    verdict: str | None = None  # the five-level verdict; None when abstained
    winner: str | None  # proposition | opposition | tie; None when the judge abstained
    both_poor: bool = False
    scores_json: str = "{}"  # {criterion: {"proposition": n, "opposition": n}}; means over orders
    reason: str
    abstained: bool = False
    # A model judge's ballot combines its two presentations (see `OrderBallotRow`):
    margin: float | None = None  # mean signed verdict over the orders, + for the proposition
    consistent: bool | None = None  # did both orders name the same winner? None: one order
    expected_margin: float | None = None  # the same, read from verdict probabilities; None: none
    created_at: datetime = Field(default_factory=_now)


class OrderBallotRow(SQLModel, table=True):
    """A judge's ballot in one presentation of a debate: the side shown as "Debater A".

    Kept in the proposition's and opposition's terms; the ballot a judge's two presentations
    combine into is the `ballot` row of the same debate, judge and stage.
    """

    __tablename__ = "order_ballot"
    __table_args__ = (UniqueConstraint("debate_id", "judge", "stage", "label_a"),)
    id: int | None = Field(default=None, primary_key=True)
    debate_id: int = Field(foreign_key="debate.id", index=True)
    judge: str
    judge_model: str
    stage: str = "independent"
    label_a: str  # proposition | opposition: the side the judge read as Debater A
    verdict: str | None = None  # five-level, in proposition/opposition terms; None: abstained
    winner: str | None = None
    margin: int | None = None  # signed verdict, + for the proposition
    expected_margin: float | None = None  # from the verdict's probabilities, + for the proposition
    probabilities_json: str | None = None  # {verdict: p} over the five levels; None: no logprobs
    both_poor: bool = False
    scores_json: str = "{}"
    reason: str
    abstained: bool = False
    created_at: datetime = Field(default_factory=_now)


class QualificationRow(SQLModel, table=True):
    """One judge's results on control debates whose better side is known by construction."""

    __tablename__ = "judge_qualification"
    id: int | None = Field(default=None, primary_key=True)
    tournament_id: int | None = Field(default=None, foreign_key="tournament.id", index=True)
    judge: str
    judge_model: str
    result_json: str  # the JudgeQualification, whole
    verdicts_json: str  # every control verdict it rests on, for audit
    flagged: bool
    created_at: datetime = Field(default_factory=_now)


class PartialSpeechRow(SQLModel, table=True):
    """The text so far of a speech being spoken; replaced by its `speech` row when done."""

    __tablename__ = "partial_speech"
    debate_id: int = Field(foreign_key="debate.id", primary_key=True)
    idx: int = Field(primary_key=True)
    text: str
    updated_at: datetime = Field(default_factory=_now)


class FindingRow(SQLModel, table=True):
    """An automatic rule-check finding about one speech."""

    __tablename__ = "finding"
    id: int | None = Field(default=None, primary_key=True)
    debate_id: int = Field(foreign_key="debate.id", index=True)
    speech_idx: int
    side: str
    kind: str  # over_length | wrong_language | identity_leak | injection | both_sides | concession
    severity: str  # minor | major
    detail: str
    evidence: str = ""


class StandingSnapshotRow(SQLModel, table=True):
    """The standings as they stood after a round, kept for the record."""

    __tablename__ = "standing"
    __table_args__ = (UniqueConstraint("tournament_id", "round", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    tournament_id: int = Field(foreign_key="tournament.id", index=True)
    round: int
    name: str
    rank: int
    data_json: str


class ModelCallRow(SQLModel, table=True):
    __tablename__ = "model_call"
    id: int | None = Field(default=None, primary_key=True)
    tournament_id: int = Field(foreign_key="tournament.id", index=True)
    debate_id: int | None = Field(default=None, foreign_key="debate.id", index=True)
    purpose: str  # speech | judge
    speech_idx: int | None = None
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0
    attempts: int = 1
    ok: bool = True
    error: str | None = None
    created_at: datetime = Field(default_factory=_now)

