"""The scorecard: everything a tournament produced, as one data model, ready to export.

`build_scorecard(store, name)` reads the store in a handful of bulk queries
(`debate.store.scorecard`), reuses the standings (`debate.reports.standings_report`) and the
ratings (`debate.ratings_view.tournament_ratings`), and assembles a `Scorecard`:

- `tournament`: name, status, pairing, format, rubric (criteria ids, names, scales, weights),
  judges, and counts (debates judged, failed, excluded, ballots, human scorers);
- `leaderboard`: the standings in rank order, each row with the contestant's record, rating
  with its 95% interval, battles, and the standings' own columns;
- `contestants`: per contestant its record, rating, criterion means with 95% intervals (model
  judges; human scorers separately), per motion category debates / wins / win rate, and the
  strongest and weakest category (by win rate, ties to the first name; the weakest is another
  category than the strongest whenever there are two);
- `debates`: every debate with its motion, sides, panel result, every ballot (model and human,
  every stage, scores per criterion per side, reason) and its rule findings;
- `win_rates` (contestant against contestant), `criterion_heatmap` (contestant x criterion)
  and `category_heatmap` (contestant x motion category);
- `agreement`: Krippendorff's alpha per criterion over all raters (interval level) and of the
  verdicts (ordinal), Cohen's kappa of each judge against the human consensus on winners (null
  without human ballots), and the raters flagged as outliers against the panel;
- `side_balance` per motion, `side_advantage`, `separability`, `excluded_debates`, `usage`.

Definitions (what counts where):

- A judge's *final* ballot for a debate is its revised ballot where it has one, else its
  independent ballot. A *valid* ballot is one that did not abstain and has a verdict.
- A *rated* debate is judged, has a winner and is not excluded from ratings (e.g. an identity
  leak). Ratings, win rates, categories, criterion means and side balance count rated
  debates only; excluded debates are listed in `excluded_debates` with their reason.
- `record` counts every judged debate (excluded ones too), as the standings do: wins, losses
  and ties of the panel's winner. Win rates count a tie as half a win.
- Criterion means: over every valid final ballot of a rated debate the contestant spoke in,
  the score the ballot gave the contestant's side; interval mean +- 1.96 * sd / sqrt(n)
  (sample sd; no interval with fewer than two scores).
- Agreement counts every valid final ballot, whatever the debate's status; a rater is a judge
  (by name) or a human scorer. A rater is flagged when its agreement with the panel's winner
  is improbably low (one-sided binomial test, p < `FLAG_ALPHA`) against the pooled rate of
  the model judges (of all raters when there are no model judges).

NaN never appears: an undefined statistic is null.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from debate.store import Store
from debate.store import scorecard as q
from judges.ballot import Ballot, SideScores, Verdict
from judges.ratings import (
    MotionBalance,
    RatingTable,
    SideAdvantage,
    separability,
    side_balance,
)
from judges.rubric import Rubric

SCHEMA_VERSION = 1
Z95 = 1.959963984540054
FLAG_ALPHA = 0.01
SIDES = ("proposition", "opposition")


# --- the data model -----------------------------------------------------------------------------


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
    standings: dict[str, float | int | str | None] = Field(description="the standings' own columns (debates, wins with ties as halves, ballots, score_total, ...)")


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


class WinRateCell(_Model):
    debates: int
    wins: int
    losses: int
    ties: int
    rate: float | None


class WinRateMatrix(_Model):
    """`cells[i][j]`: how `contestants[i]` did against `contestants[j]` (null on the diagonal)."""

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
    tournament: TournamentInfo
    leaderboard: list[LeaderboardRow]
    contestants: list[ContestantCard]
    motions: list[MotionInfo]
    debates: list[DebateCard]
    win_rates: WinRateMatrix
    criterion_heatmap: CriterionHeatmap
    category_heatmap: CategoryHeatmap
    agreement: Agreement
    side_balance: list[MotionBalance]
    side_advantage: SideAdvantage | None
    separability: float | None
    rating_notes: list[str]
    excluded_debates: list[ExcludedDebate]
    usage: Usage
    notes: list[str] = []

    def criterion_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.tournament.rubric.criteria}


# --- assembly -------------------------------------------------------------------------------------


def build_scorecard(store: Store, tournament_name: str | None = None, *, rubric: Rubric | None = None, base_dir: Path | None = None, now: datetime | None = None) -> Scorecard:
    """The scorecard of the named tournament (None: the latest). `rubric` overrides the one in
    the stored config; a rubric file named relative to the config is looked for under
    `base_dir` (default: the working directory), and when it cannot be found the criteria are
    taken from the ballots (noted in `notes`)."""
    from debate.ratings_view import tournament_ratings
    from debate.reports import standings_report

    facts = q.tournament_facts(store, tournament_name)
    people = q.contestants(store, facts.id)
    debate_rows = q.debates(store, facts.id)
    ballot_rows = q.ballots(store, facts.id)
    finding_rows = q.findings(store, facts.id)
    calls = q.call_usage(store, facts.id)
    report = standings_report(store, facts.name)
    table = tournament_ratings(store, facts.id)
    notes: list[str] = []
    rubric_info = _rubric_info(facts.config, rubric, base_dir, ballot_rows, notes)
    criteria = [c.id for c in rubric_info.criteria]

    final = _final_ballots(ballot_rows)
    rated = [d for d in debate_rows if _rated(d)]
    by_debate = {d.id: d for d in debate_rows}
    ratings = {row.name: row for row in table.rows} if table is not None else {}
    standings_rows = {row["name"]: row for row in report.rows}
    records = _records(debate_rows)

    # Leaderboard: the standings' order; anyone the standings do not list goes last.
    order = [row["name"] for row in report.rows if row["name"] in {p.name for p in people}]
    order += [p.name for p in people if p.name not in order]
    models = {p.name: p for p in people}
    leaderboard = []
    for name in order:
        row = standings_rows.get(name, {})
        rating = ratings.get(name)
        leaderboard.append(LeaderboardRow(
            rank=row.get("rank"), name=name, model=models[name].model, record=records.get(name, Record()),
            rating=_num(rating.rating) if rating else None, lower=_num(rating.lower) if rating else None, upper=_num(rating.upper) if rating else None,
            battles=rating.battles if rating else 0,
            standings={k: _cell(v) for k, v in row.items() if k not in {"name", "rank", "rating", "rating_lower", "rating_upper"}},
        ))

    # Criterion means per contestant, model judges and humans apart.
    model_scores, human_scores = _side_scores(rated, final, criteria)
    has_humans = any(b.kind == "human" for b in ballot_rows)
    categories = _category_records(rated)
    usage_by_name = report.per_contestant_usage
    cards = []
    for row in leaderboard:
        cats = categories.get(row.name, {})
        strongest, weakest = _extremes(cats)
        usage = usage_by_name.get(row.name, {})
        cards.append(ContestantCard(
            name=row.name, model=row.model, family=models[row.name].family, rank=row.rank, record=row.record,
            rating=row.rating, lower=row.lower, upper=row.upper, battles=row.battles,
            criterion_means={c: _mean(model_scores.get((row.name, c), [])) for c in criteria},
            criterion_means_human={c: _mean(human_scores.get((row.name, c), [])) for c in criteria} if has_humans else None,
            categories=dict(sorted(cats.items())), strongest_category=strongest, weakest_category=weakest,
            usage=ContestantUsage(**{k: usage[k] for k in ContestantUsage.model_fields if k in usage}),
        ))

    ballots_of: dict[int, list[q.BallotFacts]] = defaultdict(list)
    for b in ballot_rows:
        ballots_of[b.debate_id].append(b)
    findings_of: dict[int, list[q.FindingFacts]] = defaultdict(list)
    for f in finding_rows:
        findings_of[f.debate_id].append(f)
    final_ids = {b.id for b in final}
    debates = [
        DebateCard(
            id=d.id, round=d.round, round_kind=d.round_kind, status=d.status,
            motion=MotionInfo(key=d.motion_key, text=d.motion_text, category=d.category, language=d.language),
            proposition=d.proposition, opposition=d.opposition, winner=d.winner,
            margin=_num(d.margin), disagreement=_num(d.disagreement), prop_score=_num(d.prop_score), opp_score=_num(d.opp_score),
            excluded=d.excluded, excluded_reason=d.excluded_reason, error=d.error,
            ballots=[_ballot_card(b, b.id in final_ids) for b in ballots_of.get(d.id, [])],
            findings=[FindingCard(speech_idx=f.speech_idx, side=f.side, kind=f.kind, severity=f.severity, detail=f.detail, evidence=f.evidence) for f in findings_of.get(d.id, [])],
        )
        for d in debate_rows
    ]

    used_motions: dict[str, MotionInfo] = {}
    for d in debate_rows:
        used_motions.setdefault(d.motion_key, MotionInfo(key=d.motion_key, text=d.motion_text, category=d.category, language=d.language))

    config = facts.config
    counts = TournamentCounts(
        contestants=len(people), debates=len(debate_rows),
        judged=sum(d.status == "judged" for d in debate_rows), failed=sum(d.status == "failed" for d in debate_rows),
        unfinished=sum(d.status not in ("judged", "failed") for d in debate_rows),
        excluded=sum(d.excluded for d in debate_rows), rated=len(rated),
        model_ballots=sum(b.kind != "human" for b in ballot_rows), human_ballots=sum(b.kind == "human" for b in ballot_rows),
        human_scorers=len({b.judge for b in ballot_rows if b.kind == "human"}), findings=len(finding_rows),
    )
    tournament = TournamentInfo(
        name=facts.name, status=facts.status, pairing=str(config.get("pairing", report.pairing)),
        format=str(facts.format.get("name", config.get("format", ""))), seed=facts.seed,
        rounds=len({d.round for d in debate_rows}), created_at=facts.created_at, finished_at=facts.finished_at,
        rubric=rubric_info, judges=[JudgeInfo(name=str(j.get("name")), model=str(j.get("model"))) for j in config.get("judges", []) if isinstance(j, dict)],
        counts=counts,
    )
    total = report.usage
    return Scorecard(
        generated_at=now or datetime.now(UTC),
        tournament=tournament,
        leaderboard=leaderboard,
        contestants=cards,
        motions=list(used_motions.values()),
        debates=debates,
        win_rates=_win_rates(order, rated),
        criterion_heatmap=_criterion_heatmap(order, cards, rubric_info),
        category_heatmap=_category_heatmap(order, categories),
        agreement=_agreement(final, ballot_rows, by_debate, criteria),
        side_balance=side_balance([(d.motion_key, d.winner) for d in rated]),  # type: ignore[misc]
        side_advantage=table.side_advantage if table is not None else None,
        separability=_separability(table),
        rating_notes=list(table.notes) if table is not None else [],
        excluded_debates=[
            ExcludedDebate(id=d.id, round=d.round, proposition=d.proposition, opposition=d.opposition, motion=d.motion_key, reason=d.excluded_reason or "excluded from ratings")
            for d in debate_rows if d.excluded
        ],
        usage=Usage(
            calls=int(total.get("calls", 0)), prompt_tokens=int(total.get("prompt_tokens", 0)), completion_tokens=int(total.get("completion_tokens", 0)),
            cost_usd=float(total.get("cost_usd", 0.0)),
            by_model=[PurposeUsage(purpose=c.purpose, model=c.model, calls=c.calls, failed=c.failed, prompt_tokens=c.prompt_tokens, completion_tokens=c.completion_tokens, cost_usd=c.cost_usd) for c in calls],
        ),
        notes=notes,
    )


# --- pieces ---------------------------------------------------------------------------------------


def _num(value: float | None) -> float | None:
    """A finite float, or None (NaN and infinities are not numbers a reader can use)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _cell(value: Any) -> float | int | str | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return _num(value)
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


def _rated(d: q.DebateFacts) -> bool:
    return d.status == "judged" and not d.excluded and d.winner in ("proposition", "opposition", "tie")


def _valid(b: q.BallotFacts) -> bool:
    return not b.abstained and b.verdict is not None


def _final_ballots(ballots: Iterable[q.BallotFacts]) -> list[q.BallotFacts]:
    """Each rater's last word per debate (revised over independent; a later row over an earlier
    one of the same stage), kept only when valid."""
    latest: dict[tuple[int, str], q.BallotFacts] = {}
    for b in ballots:  # ordered by debate, then id
        key = (b.debate_id, b.judge)
        held = latest.get(key)
        if held is None or b.stage == "revised" or held.stage != "revised":
            latest[key] = b
    return [b for b in latest.values() if _valid(b)]


def _records(debates: Iterable[q.DebateFacts]) -> dict[str, Record]:
    out: dict[str, Record] = {}
    for d in debates:
        if d.status != "judged" or d.winner not in ("proposition", "opposition", "tie"):
            continue
        prop, opp = out.setdefault(d.proposition, Record()), out.setdefault(d.opposition, Record())
        if d.winner == "tie":
            prop.ties += 1
            opp.ties += 1
        elif d.winner == "proposition":
            prop.wins += 1
            opp.losses += 1
        else:
            opp.wins += 1
            prop.losses += 1
    return out


def _outcome(d: q.DebateFacts, name: str) -> str:
    """'win', 'loss' or 'tie' for `name` in a rated debate."""
    if d.winner == "tie":
        return "tie"
    side = "proposition" if d.proposition == name else "opposition"
    return "win" if d.winner == side else "loss"


def _category_records(rated: Sequence[q.DebateFacts]) -> dict[str, dict[str, CategoryRecord]]:
    tallies: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for d in rated:
        for name in (d.proposition, d.opposition):
            tally = tallies[name].setdefault(d.category, [0, 0, 0])
            tally[("win", "loss", "tie").index(_outcome(d, name))] += 1
    return {
        name: {cat: CategoryRecord(debates=sum(t), wins=t[0], losses=t[1], ties=t[2], win_rate=(t[0] + t[2] / 2) / sum(t)) for cat, t in cats.items()}
        for name, cats in tallies.items()
    }


def _extremes(categories: Mapping[str, CategoryRecord]) -> tuple[str | None, str | None]:
    """(strongest, weakest) category by win rate among those with a debate; ties go to the
    name that sorts first. With two or more categories the weakest is never the strongest
    (all level: the first name is the strongest, the second the weakest); with one, it is both."""
    played = [(cat, rec.win_rate) for cat, rec in categories.items() if rec.debates >= 1 and rec.win_rate is not None]
    if not played:
        return None, None
    strongest = min(played, key=lambda item: (-item[1], item[0]))[0]
    others = [item for item in played if item[0] != strongest] or played
    weakest = min(others, key=lambda item: (item[1], item[0]))[0]
    return strongest, weakest


def _side_scores(rated: Sequence[q.DebateFacts], final: Sequence[q.BallotFacts], criteria: Sequence[str]) -> tuple[dict[tuple[str, str], list[float]], dict[tuple[str, str], list[float]]]:
    """(contestant, criterion) -> every score the contestant's side got, model judges and
    humans apart, over valid final ballots of rated debates."""
    debates = {d.id: d for d in rated}
    model: dict[tuple[str, str], list[float]] = defaultdict(list)
    human: dict[tuple[str, str], list[float]] = defaultdict(list)
    for b in final:
        d = debates.get(b.debate_id)
        if d is None:
            continue
        target = human if b.kind == "human" else model
        for cid in criteria:
            sides = b.scores.get(cid)
            if not sides:
                continue
            for side, name in (("proposition", d.proposition), ("opposition", d.opposition)):
                value = sides.get(side)
                if value is not None:
                    target[(name, cid)].append(float(value))
    return model, human


def _mean(values: Sequence[float]) -> CriterionMean:
    n = len(values)
    if n == 0:
        return CriterionMean(mean=None, sd=None, lower=None, upper=None, n=0)
    mean = math.fsum(values) / n
    if n < 2:
        return CriterionMean(mean=mean, sd=None, lower=None, upper=None, n=1)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = Z95 * sd / math.sqrt(n)
    return CriterionMean(mean=mean, sd=sd, lower=mean - half, upper=mean + half, n=n)


def _win_rates(order: Sequence[str], rated: Sequence[q.DebateFacts]) -> WinRateMatrix:
    index = {name: k for k, name in enumerate(order)}
    size = len(order)
    tally = [[[0, 0, 0] for _ in range(size)] for _ in range(size)]  # [wins, losses, ties] of row vs column
    for d in rated:
        p, o = index.get(d.proposition), index.get(d.opposition)
        if p is None or o is None or p == o:
            continue
        result = _outcome(d, d.proposition)
        if result == "tie":
            tally[p][o][2] += 1
            tally[o][p][2] += 1
        elif result == "win":
            tally[p][o][0] += 1
            tally[o][p][1] += 1
        else:
            tally[p][o][1] += 1
            tally[o][p][0] += 1
    cells: list[list[WinRateCell | None]] = []
    for i in range(size):
        row: list[WinRateCell | None] = []
        for j in range(size):
            if i == j:
                row.append(None)
                continue
            w, lost, t = tally[i][j]
            n = w + lost + t
            row.append(WinRateCell(debates=n, wins=w, losses=lost, ties=t, rate=(w + t / 2) / n if n else None))
        cells.append(row)
    return WinRateMatrix(contestants=list(order), cells=cells)


def _criterion_heatmap(order: Sequence[str], cards: Sequence[ContestantCard], rubric: RubricInfo) -> CriterionHeatmap:
    by_name = {c.name: c for c in cards}
    means, normalised, counts = [], [], []
    for name in order:
        card = by_name[name]
        row_means, row_norm, row_n = [], [], []
        for criterion in rubric.criteria:
            stat = card.criterion_means.get(criterion.id)
            mean = stat.mean if stat is not None else None
            row_means.append(mean)
            span = criterion.scale_max - criterion.scale_min
            row_norm.append(None if mean is None or span <= 0 else min(1.0, max(0.0, (mean - criterion.scale_min) / span)))
            row_n.append(stat.n if stat is not None else 0)
        means.append(row_means)
        normalised.append(row_norm)
        counts.append(row_n)
    return CriterionHeatmap(contestants=list(order), criteria=[c.id for c in rubric.criteria], means=means, normalised=normalised, n=counts)


def _category_heatmap(order: Sequence[str], categories: Mapping[str, Mapping[str, CategoryRecord]]) -> CategoryHeatmap:
    names = sorted({cat for cats in categories.values() for cat in cats})
    rates, debates = [], []
    for name in order:
        cats = categories.get(name, {})
        rates.append([cats[c].win_rate if c in cats else None for c in names])
        debates.append([cats[c].debates if c in cats else 0 for c in names])
    return CategoryHeatmap(contestants=list(order), categories=names, rates=rates, debates=debates)


def _as_ballot(b: q.BallotFacts) -> Ballot | None:
    """A stored ballot as the agreement functions read it (they read scores and verdict only)."""
    try:
        verdict = Verdict(b.verdict)
    except ValueError:
        return None
    scores = {
        cid: SideScores.model_construct(proposition=sides["proposition"], opposition=sides["opposition"])
        for cid, sides in b.scores.items()
        if "proposition" in sides and "opposition" in sides
    }
    return Ballot.model_construct(scores=scores, verdict=verdict, both_poor=b.both_poor, reason=b.reason or "-")


def _agreement(final: Sequence[q.BallotFacts], every: Sequence[q.BallotFacts], debates: Mapping[int, q.DebateFacts], criteria: Sequence[str]) -> Agreement:
    from judges.agreement import (
        agreement_counts,
        criterion_alpha,
        outlier_scorers,
        pooled_rate,
        verdict_alpha,
        winner_kappas,
    )

    raters: dict[str, dict[int, Ballot]] = {}
    kinds: dict[str, tuple[str, str]] = {}
    for b in final:
        ballot = _as_ballot(b)
        if ballot is None:
            continue
        raters.setdefault(b.judge, {})[b.debate_id] = ballot
        kinds.setdefault(b.judge, (b.judge_model, b.kind))
    abstentions: dict[str, int] = defaultdict(int)
    for b in every:
        kinds.setdefault(b.judge, (b.judge_model, b.kind))
        if b.abstained:
            abstentions[b.judge] += 1
    humans = {name: ballots for name, ballots in raters.items() if kinds[name][1] == "human"}
    judges = {name: ballots for name, ballots in raters.items() if kinds[name][1] != "human"}

    alphas = criterion_alpha(raters, SimpleNamespace(ids=tuple(criteria)), level="interval") if raters else {c: math.nan for c in criteria}  # type: ignore[arg-type]
    kappas = {name: _num(k) for name, k in winner_kappas(judges, humans).items()} if humans else None
    panel: dict[Any, str | None] = {d.id: d.winner for d in debates.values() if d.status == "judged" and d.winner in ("proposition", "opposition", "tie")}
    counts = agreement_counts(raters, panel)
    pool = [counts[name] for name in judges] if judges else list(counts.values())
    baseline = _num(pooled_rate(pool))
    flagged = outlier_scorers(counts, baseline, alpha=FLAG_ALPHA) if baseline is not None else []
    return Agreement(
        criterion_alpha={c: _num(alphas.get(c, math.nan)) for c in criteria},
        verdict_alpha=_num(verdict_alpha(raters)) if raters else None,
        kappas=kappas,
        baseline_agreement=baseline,
        flagged_scorers=flagged,
        raters=[
            RaterInfo(
                name=name, judge_model=kinds[name][0], kind=kinds[name][1], ballots=len(raters.get(name, {})), abstentions=abstentions.get(name, 0),
                agree=counts.get(name, (0, 0))[0], compared=counts.get(name, (0, 0))[1],
                agreement_rate=counts[name][0] / counts[name][1] if counts.get(name, (0, 0))[1] else None, flagged=name in flagged,
            )
            for name in sorted(kinds, key=lambda n: (kinds[n][1] == "human", n))
        ],
    )


def _separability(table: RatingTable | None) -> float | None:
    if table is None or not table.rows or any(r.lower is None or r.upper is None for r in table.rows):
        return None
    return _num(separability(table))


def _ballot_card(b: q.BallotFacts, final: bool) -> BallotCard:
    return BallotCard(
        judge=b.judge, judge_model=b.judge_model, kind=b.kind, stage=b.stage, final=final, verdict=b.verdict, winner=b.winner,
        both_poor=b.both_poor, abstained=b.abstained, reason=b.reason,
        scores={cid: SideScore(proposition=s.get("proposition"), opposition=s.get("opposition")) for cid, s in b.scores.items()},
    )


# --- the rubric -----------------------------------------------------------------------------------


def _rubric_info(config: Mapping[str, Any], given: Rubric | None, base_dir: Path | None, ballots: Sequence[q.BallotFacts], notes: list[str]) -> RubricInfo:
    if given is not None:
        return _info(given, "given")
    spec = config.get("rubric", "default")
    try:
        from judges.rubric import load_rubric, rubric_from_data

        if isinstance(spec, dict):
            return _info(rubric_from_data(spec, "stored config", prefix=("rubric",)), "inline")
        spec = str(spec)
        if "/" in spec or "\\" in spec or spec.endswith((".yaml", ".yml")):
            path = Path(spec)
            if not path.is_absolute():
                path = (base_dir or Path.cwd()) / path
            return _info(load_rubric(path), "file")
        return _info(load_rubric(spec), "shipped")
    except Exception as exc:  # noqa: BLE001 - any failure to read it: fall back on the ballots
        notes.append(f"rubric {spec!r} could not be loaded ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}); criteria taken from the ballots")
    return _inferred(ballots, str(spec))


def _info(rubric: Rubric, source: str) -> RubricInfo:
    return RubricInfo(
        name=rubric.name, source=source,
        criteria=[CriterionInfo(id=c.id, name=c.name, weight=c.weight, scale_min=c.scale_min, scale_max=c.scale_max) for c in rubric.criteria],
    )


def _inferred(ballots: Sequence[q.BallotFacts], name: str) -> RubricInfo:
    seen: dict[str, list[float]] = {}
    for b in ballots:
        for cid, sides in b.scores.items():
            seen.setdefault(cid, []).extend(float(v) for v in sides.values())
    criteria = []
    for cid, values in seen.items():
        low = math.floor(min(values)) if values else 1
        high = math.ceil(max(values)) if values else 5
        criteria.append(CriterionInfo(id=cid, name=cid.replace("_", " ").capitalize(), scale_min=int(low), scale_max=int(max(high, low + 1))))
    return RubricInfo(name=name, source="inferred", criteria=criteria)

