"""Human scorers, the pure part: the blind view of a debate, the scorer's name, a ballot from a
form's answers.

A scorer sees a debate as a judge model does: sides, never model names (a speaker's
self-identification is removed), and grades it on the same rubric with the same ballot
schema. Reading debates and storing ballots is `debate.api.ScoringSession`'s job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence

from pydantic import BaseModel, ConfigDict

from debate.core.errors import UserError
from debate.core.formats import Format
from debate.core.transcript import MotionText, Speech, Transcript
from judges.ballot import Ballot
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


def check_scorer(name: str, judge_names: Collection[str]) -> str:
    """The scorer's name, trimmed; UserError if it is malformed or a judge model's name (the
    ballots of both are stored under their names)."""
    name = name.strip()
    if not _SCORER.match(name):
        raise UserError(f"scorer name {name!r} must be 1-48 letters, digits, spaces, '.', '_' or '-'")
    if name in judge_names:
        raise UserError(f"'{name}' is a judge model's name in this tournament; choose another scorer name")
    return name


def blind_view(debate_id: int, motion: MotionText, speeches: Sequence[Speech], fmt: Format) -> BlindDebate:
    """The debate with identities redacted and the rule checks' findings as sentences (an
    identity leak is not shown: it would name what was redacted)."""
    findings = check_transcript(Transcript(motion=motion, format=fmt, speeches=tuple(speeches)))
    shown = tuple(s.model_copy(update={"text": redact_identities(s.text, [f for f in findings if f.speech_index == s.index])}) for s in speeches)
    notes = tuple(f"Speech {f.speech_index + 1} ({f.side}): {f.detail}" for f in findings if f.kind != "identity_leak")
    return BlindDebate(debate_id=debate_id, motion=motion.text, info_slide=motion.info_slide, format=fmt.name, speeches=shown, findings=notes)


def ballot_from_answers(scores: dict[str, tuple[int, int]], verdict: str, both_poor: bool, reason: str) -> Ballot:
    """A Ballot from a form's answers; ValueError says what is missing or out of range."""
    payload = {
        "scores": {cid: {"proposition": p, "opposition": o} for cid, (p, o) in scores.items()},
        "verdict": verdict, "both_poor": both_poor, "reason": reason.strip(),
    }
    return Ballot.model_validate(json.loads(json.dumps(payload)))
