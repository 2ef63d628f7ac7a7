"""Blind human scoring: the one place the CLI's `score` and the TUI's scoring screen share.

Human ballots are stored beside the model ballots, marked `human`, under the scorer's name; a
scorer grades each debate once, on the tournament's rubric, the least human-graded first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from debate.core.errors import UserError
from judges.ballot import VERDICTS, Ballot, verdict_side
from debate.api.running import tournament_rubric
from judges.human import BlindDebate, Progress, ballot_from_answers, blind_view, check_scorer

if TYPE_CHECKING:
    from debate.config import TournamentConfig
    from debate.core.formats import Format
    from debate.store import Store
    from judges.rubric import Rubric

__all__ = [
    "VERDICTS", "BlindDebate", "Progress", "ScoringSession", "ballot_from_answers", "blind_debate", "next_debate",
    "progress", "stored_config", "submit",
]


class ScoringSession:
    """One scorer grading one tournament: `next_debate`, `submit`, `progress`. Construction
    checks the scorer's name and loads the tournament's rubric (UserError if either fails)."""

    def __init__(self, store: Store, tournament: str | None, scorer: str, base_dir: Path) -> None:
        row = store.find_tournament(tournament)
        self.store = store
        self.tournament_id = row.id or 0
        self.config = stored_config(store, self.tournament_id)
        self.scorer = check_scorer(scorer, {j.name for j in self.config.judges})
        self.rubric: Rubric = tournament_rubric(self.config, base_dir)

    def next_debate(self) -> BlindDebate | None:
        return next_debate(self.store, self.tournament_id, self.scorer, self.config)

    def submit(self, debate_id: int, ballot: Ballot) -> None:
        submit(self.store, self.tournament_id, debate_id, self.scorer, ballot, self.rubric)

    def progress(self) -> Progress:
        return progress(self.store, self.tournament_id, self.scorer)


def stored_config(store: Store, tournament_id: int) -> TournamentConfig:
    """The config stored with a tournament."""
    from debate.reports.standings import stored_config as config_of

    return config_of(store, tournament_id)


def next_debate(store: Store, tournament_id: int, scorer: str, config: TournamentConfig) -> BlindDebate | None:
    """The next finished debate this scorer has not graded: the least human-graded first."""
    candidates = store.debates_for_scoring(tournament_id, scorer)
    if not candidates:
        return None
    return blind_debate(store, candidates[0], config.resolved_format())


def blind_debate(store: Store, debate_id: int, fmt: Format) -> BlindDebate:
    plan = store.debate_plan(debate_id)
    return blind_view(debate_id, plan.motion, plan.speeches, fmt)


def submit(store: Store, tournament_id: int, debate_id: int, scorer: str, ballot: Ballot, rubric: Rubric) -> None:
    """Store a scorer's ballot; UserError if it is incomplete or the debate was already graded."""
    from debate.store import BallotRecord

    try:
        ballot.check(rubric)
    except ValueError as exc:
        raise UserError(f"the ballot does not fit the rubric: {exc}") from None
    if debate_id not in store.debates_for_scoring(tournament_id, scorer, include_scored=True):
        raise UserError(f"debate {debate_id} is not open for scoring in this tournament")
    if store.has_human_ballot(debate_id, scorer):
        raise UserError(f"{scorer} has already scored debate {debate_id}")
    store.write([
        BallotRecord(
            debate_id=debate_id, judge=scorer, judge_model="human", kind="human", verdict=ballot.verdict.value,
            winner=verdict_side(ballot.verdict), both_poor=ballot.both_poor, reason=ballot.reason,
            scores={cid: s.model_dump() for cid, s in ballot.scores.items()},
        )
    ])


def progress(store: Store, tournament_id: int, scorer: str) -> Progress:
    available = store.debates_for_scoring(tournament_id, scorer, include_scored=True)
    remaining = store.debates_for_scoring(tournament_id, scorer)
    return Progress(scored=len(available) - len(remaining), available=len(available))
