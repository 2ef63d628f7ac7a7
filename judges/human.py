"""Human scorers: the blind ballot API the CLI and the TUI share.

A scorer sees a debate as a judge model does: sides, never model names (a speaker's
self-identification is removed), and grades it on the same rubric with the same ballot
schema. Human ballots are stored beside the model ballots, marked `human`, under the
scorer's name; a scorer grades each debate once.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, ConfigDict

from debate.config import TournamentConfig
from debate.errors import UserError
from debate.formats import Format
from debate.store import BallotRecord, Store
from debate.transcript import Speech, Transcript
from judges.ballot import Ballot, verdict_side
from judges.rubric import Rubric
from judges.rules import check_transcript, redact_identities

_SCORER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,47}$")


class BlindDebate(BaseModel):
    """One debate as a human scorer sees it."""

    model_config = ConfigDict(frozen=True)

    debate_id: int
    motion: str
    info_slide: str | None
    format: str
    speeches: tuple[Speech, ...]
    findings: tuple[str, ...]  # rule-check findings, as plain sentences


class Progress(BaseModel):
    scored: int
    available: int


def check_scorer(name: str, config: TournamentConfig) -> str:
    name = name.strip()
    if not _SCORER.match(name):
        raise UserError(f"scorer name {name!r} must be 1-48 letters, digits, spaces, '.', '_' or '-'")
    if name in {j.name for j in config.judges}:
        raise UserError(f"'{name}' is a judge model's name in this tournament; choose another scorer name")
    return name


def next_debate(store: Store, tournament_id: int, scorer: str, config: TournamentConfig) -> BlindDebate | None:
    """The next finished debate this scorer has not graded: the least human-graded first."""
    candidates = store.debates_for_scoring(tournament_id, scorer)
    if not candidates:
        return None
    return blind_debate(store, candidates[0], config.resolved_format())


def blind_debate(store: Store, debate_id: int, fmt: Format) -> BlindDebate:
    plan = store.debate_plan(debate_id)
    transcript = Transcript(motion=plan.motion, format=fmt, speeches=plan.speeches)
    findings = check_transcript(transcript)
    speeches = tuple(s.model_copy(update={"text": redact_identities(s.text, [f for f in findings if f.speech_index == s.index])}) for s in plan.speeches)
    notes = tuple(f"Speech {f.speech_index + 1} ({f.side}): {f.detail}" for f in findings if f.kind != "identity_leak")
    return BlindDebate(debate_id=debate_id, motion=plan.motion.text, info_slide=plan.motion.info_slide, format=fmt.name, speeches=speeches, findings=notes)


def submit(store: Store, tournament_id: int, debate_id: int, scorer: str, ballot: Ballot, rubric: Rubric) -> None:
    """Store a scorer's ballot; UserError if it is incomplete or the debate was already graded."""
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


def ballot_from_answers(scores: dict[str, tuple[int, int]], verdict: str, both_poor: bool, reason: str) -> Ballot:
    """A Ballot from a form's answers; ValueError says what is missing or out of range."""
    payload = {
        "scores": {cid: {"proposition": p, "opposition": o} for cid, (p, o) in scores.items()},
        "verdict": verdict, "both_poor": both_poor, "reason": reason.strip(),
    }
    return Ballot.model_validate(json.loads(json.dumps(payload)))
