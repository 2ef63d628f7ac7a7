"""Judge qualification: how well one judge graded control debates whose better side is known.

The measures follow Shi et al., "Judging the Judges" (arXiv 2406.07791), as issue 10 names them:

- control accuracy: the verdict of each control, with both presentation orders of the same
  repetition combined the way the product combines them (the mean of the two margins,
  rounded toward zero on the five-level scale, so two opposite verdicts make a tie), picks the
  better side; a tie is wrong. Each repetition of a control counts as one trial.
- position consistency: both orders of the same repetition name the same winner.
- preference fairness: the share of decisive verdicts given to the side labelled A (0.5 is fair).
- repetition stability: the same control in the same order gets the same margin when asked again.

Beside them, two signs of a judge that is not reading the debate: scores that never vary,
and reasons that repeat the prompt's scaffolding instead of judging.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from debate.core.sides import Side
from judges.ballot import VERDICTS
from judges.orders import rounded_margin
from judges.presentation import SCALE

FAIRNESS_TOLERANCE = 0.25  # preference fairness outside 0.5 +- this is reported
MIN_SCORE_SPREAD = 0.25  # a standard deviation of scores below this is reported
MAX_ECHO_SHARE = 0.5  # reasons echoing the prompt in more than this share are reported

# Stored reasons name the sides where the judge wrote a neutral label, so a copied scale line
# ("Debater A clearly better") comes back as "the Proposition clearly better": both are
# matched as "debater x ...".
_LABEL = re.compile(r"\b(?:debater [ab]|(?:the )?(?:proposition|opposition))(?= (?:clearly|slightly) better)")


def _normalised(text: str) -> str:
    return _LABEL.sub("debater x", " ".join(text.lower().split()))


# The prompt's scaffolding: verdict keywords, the neutral-label verdict scale, and rubric
# instructions. A reason that repeats them twice, or is mostly made of them, is echoing.
PROMPT_ECHOES: tuple[str, ...] = (
    *(v for v in VERDICTS if "_" in v),  # "tie" alone is an ordinary word
    *dict.fromkeys(_normalised(text) for text in SCALE.values()),
    "one or two sentences on what decided the debate",
    "<what decided",
    "what decided the debate, in one or two sentences",
    "score each side",
    "on every criterion",
    "the five verdicts",
    "reply with only",
    "json object",
)
_MOSTLY = 0.5  # share of a reason's letters that, if scaffolding, make it an echo


class ControlVerdict(BaseModel):
    """One judge's verdict on one control in one presentation order.

    `margin` is in proposition terms (-2 opposition clearly ... +2 proposition clearly);
    None when the judge abstained or the call failed. `scores` maps each criterion to
    {"proposition": x, "opposition": y}.
    """

    model_config = ConfigDict(frozen=True)

    control: str
    better: Side
    label_a: Side
    repetition: int = 0
    margin: float | None
    expected_margin: float | None = None  # from the verdict's probabilities, where there were any
    scores: dict[str, dict[str, float]] = {}
    reason: str = ""


class Thresholds(BaseModel):
    model_config = ConfigDict(frozen=True)

    accuracy: float = 0.8
    position_consistency: float = 0.7


class JudgeQualification(BaseModel):
    """One judge's measures on the controls; `problems` are plain sentences with the figures."""

    judge: str
    controls: int
    ballots: int
    abstentions: int
    accuracy: float | None
    position_consistency: float | None
    preference_fairness: float | None
    repetition_stability: float | None
    score_spread: float | None
    distinct_scores: int
    echo_share: float | None
    flagged: bool
    problems: list[str]
    probabilities: bool | None = None  # were verdict probabilities read (logprobs)? None: unknown


def qualify(judge: str, verdicts: Sequence[ControlVerdict], thresholds: Thresholds = Thresholds()) -> JudgeQualification:
    """The qualification of `judge` from its verdicts on control debates.

    Flagged when accuracy or position consistency is below its threshold, or when no verdict
    is valid; unfair preference, flat scores and echoing reasons are reported without flagging.
    """
    valid = [v for v in verdicts if v.margin is not None]
    scores = [x for v in valid for sides in v.scores.values() for x in sides.values()]
    reasons = [v.reason for v in valid if v.reason.strip()]
    measured = JudgeQualification(
        judge=judge,
        controls=len({v.control for v in verdicts}),
        ballots=len(valid),
        abstentions=len(verdicts) - len(valid),
        accuracy=_accuracy(valid),
        position_consistency=_position_consistency(valid),
        preference_fairness=_share(_favours_a(v) for v in valid if v.margin != 0),
        repetition_stability=_repetition_stability(valid),
        score_spread=statistics.pstdev(scores) if scores else None,
        distinct_scores=len(set(scores)),
        echo_share=_share(echoes_prompt(r) for r in reasons),
        flagged=False,
        problems=[],
    )
    flags, notes = _problems(measured, thresholds)
    return measured.model_copy(update={"flagged": bool(flags), "problems": flags + notes})


def echoes_prompt(reason: str) -> bool:
    """True when `reason` repeats the prompt's scaffolding instead of judging the debate."""
    text = _normalised(reason)
    hits = [phrase for phrase in PROMPT_ECHOES if phrase in text]
    if sum(text.count(phrase) for phrase in hits) >= 2:
        return True
    letters = sum(ch.isalpha() for ch in text)
    rest = text
    for phrase in hits:
        rest = rest.replace(phrase, " ")
    return letters > 0 and sum(ch.isalpha() for ch in rest) < (1 - _MOSTLY) * letters


def _winner(margin: float) -> int:
    return (margin > 0) - (margin < 0)


def _favours_a(verdict: ControlVerdict) -> bool:
    return _winner(verdict.margin or 0) == (1 if verdict.label_a is Side.PROPOSITION else -1)


def _share(outcomes: Iterable[bool]) -> float | None:
    values = list(outcomes)
    return sum(values) / len(values) if values else None


def _group(verdicts: Sequence[ControlVerdict], key: str) -> dict[tuple[str, object], list[ControlVerdict]]:
    """Valid verdicts grouped by control and `key` ("repetition" or "label_a")."""
    groups: dict[tuple[str, object], list[ControlVerdict]] = defaultdict(list)
    for verdict in verdicts:
        groups[(verdict.control, getattr(verdict, key))].append(verdict)
    return groups


def _accuracy(valid: Sequence[ControlVerdict]) -> float | None:
    def right(trial: list[ControlVerdict]) -> bool:
        better = 1 if trial[0].better is Side.PROPOSITION else -1
        return _winner(rounded_margin([v.margin for v in trial if v.margin is not None])) == better

    return _share(right(trial) for trial in _group(valid, "repetition").values())


def _position_consistency(valid: Sequence[ControlVerdict]) -> float | None:
    pairs = []
    for trial in _group(valid, "repetition").values():
        by_order = {v.label_a: v.margin for v in trial}
        if len(by_order) == 2:
            pairs.append(len({_winner(m) for m in by_order.values() if m is not None}) == 1)
    return _share(pairs)


def _repetition_stability(valid: Sequence[ControlVerdict]) -> float | None:
    pairs = []
    for same_order in _group(valid, "label_a").values():
        by_repetition = {v.repetition: v.margin for v in same_order}
        if len(by_repetition) >= 2:
            pairs.append(len(set(by_repetition.values())) == 1)
    return _share(pairs)


def _problems(q: JudgeQualification, thresholds: Thresholds) -> tuple[list[str], list[str]]:
    """(the problems that flag the judge, the ones only reported)."""
    flags: list[str] = []
    if q.ballots == 0:
        flags.append(f"no valid verdict on {q.controls} controls ({q.abstentions} abstained or failed)")
    if q.accuracy is not None and q.accuracy < thresholds.accuracy:
        flags.append(f"control accuracy {q.accuracy:.2f} is below {thresholds.accuracy:.2f}")
    if q.position_consistency is not None and q.position_consistency < thresholds.position_consistency:
        flags.append(f"position consistency {q.position_consistency:.2f} is below {thresholds.position_consistency:.2f}")
    notes: list[str] = []
    fairness = q.preference_fairness
    if fairness is not None and abs(fairness - 0.5) > FAIRNESS_TOLERANCE:
        first = fairness > 0.5
        label = "the first label (Debater A)" if first else "the second label (Debater B)"
        notes.append(f"prefers {label}: {fairness if first else 1 - fairness:.2f} of decisive verdicts")
    if q.score_spread is not None and q.score_spread < MIN_SCORE_SPREAD:
        notes.append("gave the same score everywhere" if q.distinct_scores == 1
                     else f"its scores barely vary: standard deviation {q.score_spread:.2f}")
    if q.echo_share is not None and q.echo_share > MAX_ECHO_SHARE:
        notes.append(f"its reasons echo the prompt in {q.echo_share:.2f} of ballots")
    return flags, notes
