"""Assembling a `Scorecard` from the store: a handful of bulk queries (`debate.store.scorecard`),
the standings (`debate.reports.standings`) and the ratings (`debate.verdicts`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from judges.ratings import RatingTable, separability, side_balance
from judges.rubric import Rubric

from debate.verdicts import tournament_ratings
from debate.reports.caveats import tournament_caveats
from debate.reports.rating_history import rating_history
from debate.reports.scorecard.agreement import agreement
from debate.reports.scorecard.model import (
    BallotCard,
    CategoryRecord,
    ContestantCard,
    ContestantUsage,
    DebateCard,
    ExcludedDebate,
    FindingCard,
    SpeechCard,
    JudgeInfo,
    LeaderboardRow,
    MotionInfo,
    PurposeUsage,
    Record,
    RubricInfo,
    Scorecard,
    SideScore,
    TournamentCounts,
    TournamentInfo,
    Usage,
)
from debate.reports.scorecard.qualification import qualification_table
from debate.reports.scorecard.rubric import rubric_info
from debate.reports.scorecard.tallies import (
    category_heatmap,
    category_records,
    cell,
    criterion_heatmap,
    extremes,
    final_ballots,
    mean_interval,
    num,
    is_rated,
    records,
    side_scores,
    win_rates,
)
from debate.reports.standings import StandingsReport, standings_report
from debate.store import Store
from debate.store import scorecard as q

# The standings' own columns that the leaderboard already carries under its own names.
_NOT_STANDINGS = {"name", "rank", "rating", "rating_lower", "rating_upper", "no_estimate"}


def build_scorecard(store: Store, tournament_name: str | None = None, *, rubric: Rubric | None = None, base_dir: Path | None = None, now: datetime | None = None) -> Scorecard:
    """The scorecard of the named tournament (None: the latest). `rubric` overrides the one in
    the stored config; a rubric file named relative to the config is looked for under
    `base_dir` (default: the working directory), and when it cannot be found the criteria are
    taken from the ballots (noted in `notes`)."""
    facts = q.tournament_facts(store, tournament_name)
    people = q.contestants(store, facts.id)
    debate_rows = q.debates(store, facts.id)
    ballot_rows = q.ballots(store, facts.id)
    finding_rows = q.findings(store, facts.id)
    calls = q.call_usage(store, facts.id)
    report = standings_report(store, facts.name)
    table = tournament_ratings(store, facts.id)
    notes: list[str] = []
    info = rubric_info(facts.config, rubric, base_dir, ballot_rows, notes)
    criteria = [c.id for c in info.criteria]

    final = final_ballots(ballot_rows)
    rated_rows = [d for d in debate_rows if is_rated(d)]
    leaderboard = _leaderboard(people, report, table, records(rated_rows))
    order = [row.name for row in leaderboard]
    categories = category_records(rated_rows)
    has_humans = any(b.kind == "human" for b in ballot_rows)
    cards = _contestant_cards(leaderboard, people, report, categories, side_scores(rated_rows, final, criteria), criteria, has_humans)
    tournament = _tournament_info(facts, people, debate_rows, ballot_rows, finding_rows, report.pairing, info)
    return Scorecard(
        generated_at=now or datetime.now(UTC),
        caveats=tournament_caveats(store, facts.id, table),
        tournament=tournament,
        leaderboard=leaderboard,
        knockout=report.bracket,
        contestants=cards,
        motions=_motions(debate_rows),
        debates=_debate_cards(debate_rows, ballot_rows, finding_rows, {b.id for b in final}, q.speeches(store, facts.id)),
        win_rates=win_rates(order, rated_rows, {r.name: r.rating for r in leaderboard if r.rating is not None}),
        criterion_heatmap=criterion_heatmap(order, cards, info),
        category_heatmap=category_heatmap(order, categories),
        agreement=agreement(final, ballot_rows, {d.id: d for d in debate_rows}, criteria, store.order_ballots(facts.id)),
        qualifications=qualification_table(_panel(tournament, ballot_rows), store.qualifications(facts.id)),
        side_balance=side_balance([(d.motion_key, d.winner) for d in rated_rows]),  # type: ignore[misc]
        side_advantage=table.side_advantage if table is not None else None,
        separability=_separability(table),
        rank_method=table.rank_method if table is not None else None,
        rating_history=rating_history(store, facts.id),
        rating_notes=list(table.notes) if table is not None else [],
        excluded_debates=[
            ExcludedDebate(id=d.id, round=d.round, proposition=d.proposition, opposition=d.opposition, motion=d.motion_key, reason=d.excluded_reason or "excluded from ratings")
            for d in debate_rows if d.excluded
        ],
        usage=_usage(report.usage, calls),
        notes=notes,
    )


def _leaderboard(people: Sequence[q.ContestantFacts], report: StandingsReport, table: RatingTable | None, by_name: Mapping[str, Record]) -> list[LeaderboardRow]:
    """The standings' order; anyone the standings do not list goes last."""
    names = {p.name for p in people}
    order = [row.name for row in report.rows if row.name in names]
    order += [p.name for p in people if p.name not in order]
    models = {p.name: p.model for p in people}
    ratings = {row.name: row for row in table.rows} if table is not None else {}
    standings_rows = {row.name: row.model_dump() for row in report.rows}
    leaderboard = []
    for name in order:
        row = standings_rows.get(name, {})
        rating = ratings.get(name)
        leaderboard.append(LeaderboardRow(
            rank=row.get("rank"), name=name, model=models[name], record=by_name.get(name, Record()),
            rating=num(rating.rating) if rating else None, lower=num(rating.lower) if rating else None, upper=num(rating.upper) if rating else None,
            battles=rating.battles if rating else 0,
            rank_range=(rating.rank_lower, rating.rank_upper) if rating and rating.rank_lower is not None and rating.rank_upper is not None else None,
            standings={k: cell(v) for k, v in row.items() if k not in _NOT_STANDINGS},
        ))
    return leaderboard


def _contestant_cards(
    leaderboard: Sequence[LeaderboardRow], people: Sequence[q.ContestantFacts], report: StandingsReport,
    categories: Mapping[str, Mapping[str, CategoryRecord]], scores: tuple[Mapping[tuple[str, str], list[float]], Mapping[tuple[str, str], list[float]]],
    criteria: Sequence[str], has_humans: bool,
) -> list[ContestantCard]:
    """Per contestant: criterion means (model judges and humans apart), categories, usage."""
    model_scores, human_scores = scores
    families = {p.name: p.family for p in people}
    cards = []
    for row in leaderboard:
        cats = categories.get(row.name, {})
        strongest, weakest = extremes(cats)
        usage = report.per_contestant_usage.get(row.name, {})
        cards.append(ContestantCard(
            name=row.name, model=row.model, family=families[row.name], rank=row.rank, record=row.record,
            rating=row.rating, lower=row.lower, upper=row.upper, battles=row.battles,
            criterion_means={c: mean_interval(model_scores.get((row.name, c), [])) for c in criteria},
            criterion_means_human={c: mean_interval(human_scores.get((row.name, c), [])) for c in criteria} if has_humans else None,
            categories=dict(sorted(cats.items())), strongest_category=strongest, weakest_category=weakest,
            usage=ContestantUsage(**{k: usage[k] for k in ContestantUsage.model_fields if k in usage}),
        ))
    return cards


def _debate_cards(debates: Sequence[q.DebateFacts], ballots: Sequence[q.BallotFacts], findings: Sequence[q.FindingFacts], final_ids: set[int],
                  speeches: Sequence[q.SpeechFacts]) -> list[DebateCard]:
    ballots_of: dict[int, list[q.BallotFacts]] = defaultdict(list)
    for b in ballots:
        ballots_of[b.debate_id].append(b)
    findings_of: dict[int, list[q.FindingFacts]] = defaultdict(list)
    for f in findings:
        findings_of[f.debate_id].append(f)
    speeches_of: dict[int, list[q.SpeechFacts]] = defaultdict(list)
    for sp in speeches:
        speeches_of[sp.debate_id].append(sp)
    return [
        DebateCard(
            id=d.id, round=d.round, round_kind=d.round_kind, status=d.status,
            motion=MotionInfo(key=d.motion_key, text=d.motion_text, category=d.category, language=d.language),
            proposition=d.proposition, opposition=d.opposition, winner=d.winner,
            margin=num(d.margin), disagreement=num(d.disagreement), prop_score=num(d.prop_score), opp_score=num(d.opp_score),
            excluded=d.excluded, excluded_reason=d.excluded_reason, error=d.error,
            ballots=[_ballot_card(b, b.id in final_ids) for b in ballots_of.get(d.id, [])],
            findings=[FindingCard(speech_idx=f.speech_idx, side=f.side, kind=f.kind, severity=f.severity, detail=f.detail, evidence=f.evidence) for f in findings_of.get(d.id, [])],
            speeches=[
                SpeechCard(number=sp.idx + 1, side=sp.side, role=sp.role, speaker=d.proposition if sp.side == "proposition" else d.opposition,
                           text=sp.text, tokens=sp.tokens, finish_reason=sp.finish_reason)
                for sp in speeches_of.get(d.id, [])
            ],
        )
        for d in debates
    ]


def _ballot_card(b: q.BallotFacts, final: bool) -> BallotCard:
    return BallotCard(
        judge=b.judge, judge_model=b.judge_model, kind=b.kind, stage=b.stage, final=final, verdict=b.verdict, winner=b.winner,
        both_poor=b.both_poor, abstained=b.abstained, reason=b.reason,
        scores={cid: SideScore(proposition=_score(s.get("proposition")), opposition=_score(s.get("opposition"))) for cid, s in b.scores.items()},
    )


def _score(value: float | None) -> int | float | None:
    """A whole score as an integer: ballots store floats since a model judge's scores became the
    mean of its two presentations, and the JSON keeps writing a whole score as it always did."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _motions(debates: Sequence[q.DebateFacts]) -> list[MotionInfo]:
    """The motions debated, in order of first use."""
    used: dict[str, MotionInfo] = {}
    for d in debates:
        used.setdefault(d.motion_key, MotionInfo(key=d.motion_key, text=d.motion_text, category=d.category, language=d.language))
    return list(used.values())


def _tournament_info(
    facts: q.TournamentFacts, people: Sequence[q.ContestantFacts], debates: Sequence[q.DebateFacts], ballots: Sequence[q.BallotFacts],
    findings: Sequence[q.FindingFacts], pairing: str, rubric: RubricInfo,
) -> TournamentInfo:
    config = facts.config
    counts = TournamentCounts(
        contestants=len(people), debates=len(debates),
        judged=sum(d.status == "judged" for d in debates), failed=sum(d.status == "failed" for d in debates),
        unfinished=sum(d.status not in ("judged", "failed") for d in debates),
        excluded=sum(d.excluded for d in debates), rated=sum(is_rated(d) for d in debates),
        model_ballots=sum(b.kind != "human" for b in ballots), human_ballots=sum(b.kind == "human" for b in ballots),
        human_scorers=len({b.judge for b in ballots if b.kind == "human"}), findings=len(findings),
    )
    return TournamentInfo(
        name=facts.name, status=facts.status, pairing=str(config.get("pairing", pairing)),
        format=str(facts.format.get("name", config.get("format", ""))), seed=facts.seed,
        rounds=len({d.round for d in debates}), created_at=facts.created_at, finished_at=facts.finished_at,
        rubric=rubric, judges=[JudgeInfo(name=str(j.get("name")), model=str(j.get("model"))) for j in config.get("judges", []) if isinstance(j, dict)],
        counts=counts,
    )


def _panel(tournament: TournamentInfo, ballots: Sequence[q.BallotFacts]) -> dict[str, str]:
    """The model judges (name -> model): the configured panel, then any other that ballotted."""
    panel = {j.name: j.model for j in tournament.judges}
    for b in ballots:
        if b.kind != "human":
            panel.setdefault(b.judge, b.judge_model)
    return panel


def _usage(total: Mapping[str, Any], calls: Sequence[q.CallUsage]) -> Usage:
    return Usage(
        calls=int(total.get("calls", 0)), prompt_tokens=int(total.get("prompt_tokens", 0)), completion_tokens=int(total.get("completion_tokens", 0)),
        cost_usd=float(total.get("cost_usd", 0.0)),
        by_model=[PurposeUsage(purpose=c.purpose, model=c.model, calls=c.calls, failed=c.failed, prompt_tokens=c.prompt_tokens, completion_tokens=c.completion_tokens, cost_usd=c.cost_usd) for c in calls],
    )


def _separability(table: RatingTable | None) -> float | None:
    if table is None or not table.rows or table.ci is None:
        return None
    return num(separability(table))  # an unbeaten contestant's open end counts as open, not as unknown
