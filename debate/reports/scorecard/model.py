"""The scorecard's data model: everything a tournament produced, as pydantic models.

This is the JSON export's schema (`schema_version` marks changes) and what every renderer reads.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from judges.ratings import MotionBalance, SideAdvantage

from debate.reports.bracket import BracketReport
from debate.reports.caveats import Caveat
from debate.reports.rating_history import RatingHistory

SCHEMA_VERSION = 1
# p below which a rater's agreement with the panel is improbably low (see `Agreement`).
FLAG_ALPHA = 0.01


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriterionInfo(_Model):
    id: str
    name: str
    weight: float = 1.0
    scale_min: int
    scale_max: int


class RubricInfo(_Model):
    name: str
    source: str = Field(description="where the rubric came from: shipped, file, inline, or inferred from the ballots")
    criteria: list[CriterionInfo]


class JudgeInfo(_Model):
    name: str
    model: str


class TournamentCounts(_Model):
    contestants: int
    debates: int
    judged: int
    failed: int
    unfinished: int
    excluded: int
    rated: int
    model_ballots: int
    human_ballots: int
    human_scorers: int
    findings: int


class TournamentInfo(_Model):
    name: str
    status: str
    pairing: str
    format: str
    seed: int
    rounds: int
    created_at: datetime | None
    finished_at: datetime | None
    rubric: RubricInfo
    judges: list[JudgeInfo]
    counts: TournamentCounts


class Record(_Model):
    """Debates won, lost and tied (the panel's winner)."""

    wins: int = 0
    losses: int = 0
    ties: int = 0

    @property
    def debates(self) -> int:
        return self.wins + self.losses + self.ties


class LeaderboardRow(_Model):
    rank: int | None
    name: str
    model: str
    record: Record
    rating: float | None
    lower: float | None
    upper: float | None
    battles: int
    rank_range: tuple[int, int] | None = Field(
        default=None,
        description="the best and worst rank (1 = first) the contestant holds in 95% of draws of the ratings (see the scorecard's `rank_method`); null when unrated",
    )
    standings: dict[str, float | int | str | None] = Field(description="the standings' own columns (debates, wins, losses, ties, points with ties as halves, voided, ballots, score_total, ...)")


class CriterionMean(_Model):
    mean: float | None
    sd: float | None
    lower: float | None
    upper: float | None
    n: int


class CategoryRecord(_Model):
    debates: int
    wins: int
    losses: int
    ties: int
    win_rate: float | None = Field(description="(wins + ties / 2) / debates")


class ContestantUsage(_Model):
    speeches: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    mean_latency_s: float | None = None


class ContestantCard(_Model):
    name: str
    model: str
    family: str
    rank: int | None
    record: Record
    rating: float | None
    lower: float | None
    upper: float | None
    battles: int
    criterion_means: dict[str, CriterionMean] = Field(description="model judges, by criterion id")
    criterion_means_human: dict[str, CriterionMean] | None = Field(description="human scorers, by criterion id; null when no human ballots")
    categories: dict[str, CategoryRecord]
    strongest_category: str | None
    weakest_category: str | None
    usage: ContestantUsage


class MotionInfo(_Model):
    key: str
    text: str
    category: str
    language: str


class SideScore(_Model):
    proposition: int | float | None = None
    opposition: int | float | None = None


class BallotCard(_Model):
    judge: str
    judge_model: str
    kind: str
    stage: str
    final: bool = Field(description="this is the rater's last word on the debate (revised over independent)")
    verdict: str | None
    winner: str | None
    both_poor: bool
    abstained: bool
    reason: str
    scores: dict[str, SideScore]


class FindingCard(_Model):
    speech_idx: int
    side: str
    kind: str
    severity: str
    detail: str
    evidence: str


class SpeechCard(_Model):
    number: int = Field(description="the speech's place in the debate, from 1")
    side: str
    role: str
    speaker: str = Field(description="the contestant who gave it")
    text: str
    tokens: int
    finish_reason: str


class DebateCard(_Model):
    id: int
    round: int
    round_kind: str
    status: str
    motion: MotionInfo
    proposition: str
    opposition: str
    winner: str | None
    margin: float | None
    disagreement: float | None
    prop_score: float | None
    opp_score: float | None
    excluded: bool
    excluded_reason: str | None
    error: str | None
    ballots: list[BallotCard]
    findings: list[FindingCard]
    speeches: list[SpeechCard] = Field(default_factory=list, description="the transcript, in speaking order")


class WinRateCell(_Model):
    debates: int = Field(description="rated debates between the two (each one battle in the ratings): the battle-count matrix")
    wins: int
    losses: int
    ties: int
    rate: float | None
    predicted: float | None = Field(default=None, description="the chance the ratings give the row contestant against the column contestant, sides equal")


class WinRateMatrix(_Model):
    """`cells[i][j]`: how `contestants[i]` did against `contestants[j]` (null on the diagonal):
    the observed win rate (`rate`), the ratings' predicted win probability (`predicted`) and the
    number of rated debates between them (`debates`), three matrices in one."""

    contestants: list[str]
    cells: list[list[WinRateCell | None]]


class CriterionHeatmap(_Model):
    """`means[i][k]`: contestant i's mean score on criterion k (model judges); `normalised`
    puts it on 0..1 along the criterion's scale."""

    contestants: list[str]
    criteria: list[str]
    means: list[list[float | None]]
    normalised: list[list[float | None]]
    n: list[list[int]]


class CategoryHeatmap(_Model):
    """`rates[i][k]`: contestant i's win rate in category k (ties half)."""

    contestants: list[str]
    categories: list[str]
    rates: list[list[float | None]]
    debates: list[list[int]]


class RaterInfo(_Model):
    name: str
    judge_model: str
    kind: str
    ballots: int = Field(description="valid final ballots")
    abstentions: int
    agree: int = Field(description="valid final ballots agreeing with the panel's winner of a judged debate")
    compared: int
    agreement_rate: float | None
    flagged: bool


class AgreementCell(_Model):
    share: float | None = Field(description="share of the shared debates on which the two judges named the same winner; null when they shared none")
    debates: int = Field(description="debates both judges gave a valid final ballot on")


class WinnerAgreementMatrix(_Model):
    """`cells[i][j]`: how often model judges i and j named the same winner (null on the diagonal)."""

    judges: list[str] = []
    cells: list[list[AgreementCell | None]] = []


class PresentedSideBiasInfo(_Model):
    """A model judge's lean toward the side shown to it as "Debater A", over its presentation
    ballots in both orders (null where undefined)."""

    judge: str
    judge_model: str
    ballots: int = Field(description="presentations with a verdict")
    toward_a: float | None = Field(description="mean signed margin toward Debater A, -2..2; 0 is no lean")
    decisive: int = Field(description="presentations that named a winner")
    favours_a: float | None = Field(description="share of the decisive presentations that Debater A won; 0.5 is no lean")
    pairs: int = Field(description="debates (per stage) graded in both orders")
    inconsistent: float | None = Field(description="share of those whose two orders named different winners (position-inconsistent)")


class Agreement(_Model):
    level: str = "interval"
    criterion_alpha: dict[str, float | None]
    verdict_level: str = "ordinal"
    verdict_alpha: float | None
    kappas: dict[str, float | None] | None = Field(description="Cohen's kappa of each judge's winners against the human consensus; null without human ballots")
    baseline_agreement: float | None
    flag_alpha: float = FLAG_ALPHA
    flagged_scorers: list[str]
    raters: list[RaterInfo]
    winner_agreement: WinnerAgreementMatrix = WinnerAgreementMatrix()
    presented_side_bias: list[PresentedSideBiasInfo] = []


class JudgeQualificationInfo(_Model):
    """A panel judge's latest qualification on control debates (`tested` false and null
    figures: it has none). The figures are `judges.qualification.JudgeQualification`'s."""

    judge: str
    judge_model: str
    tested: bool
    tested_at: datetime | None = None
    controls: int | None = None
    ballots: int | None = None
    abstentions: int | None = None
    accuracy: float | None = None
    position_consistency: float | None = None
    preference_fairness: float | None = Field(default=None, description="share of decisive verdicts given to the first label; 0.5 is fair")
    repetition_stability: float | None = None
    score_spread: float | None = None
    distinct_scores: float | None = None
    echo_share: float | None = Field(default=None, description="share of reasons that echo the prompt")
    flagged: bool = False
    problems: list[str] = []


class ExcludedDebate(_Model):
    id: int
    round: int
    proposition: str
    opposition: str
    motion: str
    reason: str


class PurposeUsage(_Model):
    purpose: str
    model: str
    calls: int
    failed: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


class Usage(_Model):
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    by_model: list[PurposeUsage]


class Scorecard(_Model):
    schema_version: int = SCHEMA_VERSION
    generated_at: datetime
    caveats: list[Caveat] = Field(default=[], description="plain sentences on why the results may not mean what they seem, most serious first; empty when nothing was found wrong")
    tournament: TournamentInfo
    leaderboard: list[LeaderboardRow]
    knockout: BracketReport | None = Field(default=None, description="the elimination rounds after the break and their champion; the leaderboard ranks the preliminary rounds only")
    contestants: list[ContestantCard]
    motions: list[MotionInfo]
    debates: list[DebateCard]
    win_rates: WinRateMatrix
    criterion_heatmap: CriterionHeatmap
    category_heatmap: CategoryHeatmap
    agreement: Agreement
    qualifications: list[JudgeQualificationInfo] = []
    side_balance: list[MotionBalance]
    side_advantage: SideAdvantage | None
    separability: float | None
    rank_method: str | None = Field(default=None, description="how the leaderboard's rank ranges were found; null without ratings")
    rating_history: RatingHistory | None = Field(default=None, description="the ratings after each completed round, fitted on the rated debates so far")
    rating_notes: list[str]
    excluded_debates: list[ExcludedDebate]
    usage: Usage
    notes: list[str] = []

    def criterion_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.tournament.rubric.criteria}
