"""Judge panels: who may judge a debate, and how several ballots become one result. Pure.

Eligibility. Contestants and judges carry a model family (vendor or lineage). Models prefer
text written by their own family, so a judge does not grade a debate in which its own
family speaks, unless the tournament allows it.

Aggregation. Each judge's scores are normalised against that judge's own history, so a
harsh judge and a lenient one count alike: a score becomes a z-score,
`(score - judge's mean for the criterion) / judge's standard deviation for the criterion`,
both taken over every score the judge has given on that criterion (both sides, all its
ballots so far). The standard deviation has a floor of 1/8 of the scale's range (0.5 on a
1..5 scale) so a judge that always gives the same score does not blow up; a judge with no
history is treated as centred on the scale's midpoint with a spread of 1/4 of its range.

The winner is the verdict side most judges voted for, with the summed verdict margins kept:

- the side with more votes wins if it has at least as many votes as "tie";
- if the proposition and opposition have equal votes (and at least as many as "tie"), the
  sign of the summed signed margins decides (+ proposition, - opposition, 0 tie);
- if "tie" has strictly more votes than either side, the result is a tie.

Disagreement, per debate, is the variance of the judges' signed margins (+2 proposition
clearly ... -2 opposition clearly) divided by 4, its largest possible value: 0 when every
judge gave the same verdict, 1 when the panel split evenly between the two "clearly" ends,
1/16 when one judge said "clearly" and the other "slightly" for the same side. `dissent` is
the simpler share of judges whose verdict side differs from the panel's winner.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from debate.core.sides import SIDES
from judges.ballot import Ballot
from judges.orders import JudgeDecision, SideMeans, decision_of
from judges.rubric import Rubric

MIN_SPREAD = 1 / 8  # floor of a judge's standard deviation, as a share of the scale's range
PRIOR_SPREAD = 1 / 4  # spread assumed for a judge with no history, as a share of the range


def family_key(family: str) -> str:
    return family.strip().lower()


def eligible(judge_family: str, debater_families: set[str], allow_self: bool) -> bool:
    """May a judge of `judge_family` grade a debate between `debater_families`?"""
    if allow_self:
        return True
    return family_key(judge_family) not in {family_key(f) for f in debater_families}


def select_panel(judges: Mapping[str, str], debater_families: set[str], allow_self: bool) -> list[str]:
    """The judges (name -> family, in panel order) allowed to grade this debate."""
    return [name for name, family in judges.items() if eligible(family, debater_families, allow_self)]


class JudgeCalibration(BaseModel):
    """A judge's scoring habits: per criterion, the mean and spread of the scores it gave."""

    model_config = ConfigDict(frozen=True)

    judge: str = ""
    means: dict[str, float] = {}
    stds: dict[str, float] = {}
    counts: dict[str, int] = {}

    def centre(self, criterion_id: str, rubric: Rubric) -> float:
        if self.counts.get(criterion_id):
            return self.means[criterion_id]
        return rubric.criterion(criterion_id).midpoint

    def spread(self, criterion_id: str, rubric: Rubric) -> float:
        criterion = rubric.criterion(criterion_id)
        width = criterion.scale_max - criterion.scale_min
        if not self.counts.get(criterion_id):
            return width * PRIOR_SPREAD
        return max(self.stds[criterion_id], width * MIN_SPREAD)


@dataclass
class Calibrations:
    """Every judge's calibration so far. Scores are kept as counts per score value (memory
    bounded by the scale's width, however many ballots), which also keeps the mean and spread
    exact: a judge whose scores are all shifted by a constant normalises to the same z-scores.
    Only the rubric's criteria count."""

    rubric: Rubric
    _counts: dict[str, dict[str, Counter[int]]] = field(default_factory=dict)  # judge -> criterion -> score -> times given

    def add(self, judge: str, ballot: Ballot) -> None:
        per = self._counts.setdefault(judge, {})
        criteria = set(self.rubric.ids)
        for cid, scores in ballot.scores.items():
            if cid in criteria:
                per.setdefault(cid, Counter()).update((scores.proposition, scores.opposition))

    def of(self, judge: str) -> JudgeCalibration:
        means, stds, counts = {}, {}, {}
        for cid, histogram in self._counts.get(judge, {}).items():
            n = histogram.total()
            mean = sum(value * times for value, times in histogram.items()) / n
            means[cid], counts[cid] = mean, n
            stds[cid] = math.sqrt(sum(times * (value - mean) ** 2 for value, times in histogram.items()) / n)
        return JudgeCalibration(judge=judge, means=means, stds=stds, counts=counts)


def normalise(ballot: Ballot | JudgeDecision, calibration: JudgeCalibration, rubric: Rubric) -> dict[str, SideMeans]:
    """The ballot's scores as z-scores against its judge's own habits, per criterion and side."""
    out = {}
    for cid in rubric.ids:
        scores = ballot.scores.get(cid)
        if scores is None:
            continue
        centre, spread = calibration.centre(cid, rubric), calibration.spread(cid, rubric)
        out[cid] = SideMeans(
            proposition=(scores.proposition - centre) / spread,
            opposition=(scores.opposition - centre) / spread,
        )
    return out


class PanelResult(BaseModel):
    """A panel's decision on one debate."""

    model_config = ConfigDict(frozen=True)

    winner: Literal["proposition", "opposition", "tie"] | None  # None: every judge abstained
    votes: dict[str, int]  # proposition / opposition / tie
    margin: float  # sum of the judges' signed verdict margins: + for the proposition
    disagreement: float  # variance of signed margins / 4, in [0, 1]
    dissent: float  # share of valid judges whose verdict side is not the winner
    judges: int  # valid ballots
    abstentions: int
    both_poor: float  # share of valid ballots flagging both sides as poor
    criterion_means: dict[str, SideMeans]  # raw scores
    normalised_means: dict[str, SideMeans]  # per-judge z-scores
    totals: SideMeans | None  # weighted totals of the raw means (rubric scale)
    normalised_totals: SideMeans | None  # weighted totals of the normalised means


def aggregate(
    ballots: Sequence[tuple[str, Ballot | JudgeDecision | None]],
    calibrations: Mapping[str, JudgeCalibration],
    rubric: Rubric,
) -> PanelResult:
    """One result from a panel's decisions (or single ballots); `None` is a judge that abstained.

    A judge without a calibration is normalised with the neutral prior (see module doc).
    """
    valid = [(name, decision_of(b) if isinstance(b, Ballot) else b) for name, b in ballots if b is not None]
    abstentions = len(ballots) - len(valid)
    votes = {"proposition": 0, "opposition": 0, "tie": 0}
    for _, ballot in valid:
        votes[ballot.side] += 1
    if not valid:
        return PanelResult(
            winner=None, votes=votes, margin=0, disagreement=0.0, dissent=0.0, judges=0, abstentions=abstentions,
            both_poor=0.0, criterion_means={}, normalised_means={}, totals=None, normalised_totals=None,
        )

    margins = [ballot.margin for _, ballot in valid]
    margin = sum(margins)
    winner = _winner(votes, margin)
    mean_margin = margin / len(margins)
    disagreement = sum((m - mean_margin) ** 2 for m in margins) / len(margins) / 4
    dissent = sum(b.side != winner for _, b in valid) / len(valid)

    raw: dict[str, list[tuple[float, float]]] = {cid: [] for cid in rubric.ids}
    norm: dict[str, list[tuple[float, float]]] = {cid: [] for cid in rubric.ids}
    for name, ballot in valid:
        calibration = calibrations.get(name) or JudgeCalibration(judge=name)
        for cid, scores in ballot.scores.items():
            if cid in raw:
                raw[cid].append((scores.proposition, scores.opposition))
        for cid, z in normalise(ballot, calibration, rubric).items():
            norm[cid].append((z.proposition, z.opposition))
    criterion_means = _means(raw)
    normalised_means = _means(norm)
    return PanelResult(
        winner=winner,
        votes=votes,
        margin=margin,
        disagreement=min(1.0, disagreement),
        dissent=dissent,
        judges=len(valid),
        abstentions=abstentions,
        both_poor=sum(b.both_poor for _, b in valid) / len(valid),
        criterion_means=criterion_means,
        normalised_means=normalised_means,
        totals=_totals(criterion_means, rubric),
        normalised_totals=_totals(normalised_means, rubric),
    )


def _winner(votes: Mapping[str, int], margin: float) -> Literal["proposition", "opposition", "tie"]:
    p, o, t = votes["proposition"], votes["opposition"], votes["tie"]
    if p > o and p >= t:
        return "proposition"
    if o > p and o >= t:
        return "opposition"
    if p == o and p >= t and p > 0:
        return "proposition" if margin > 0 else "opposition" if margin < 0 else "tie"
    return "tie"


def _means(values: Mapping[str, list[tuple[float, float]]]) -> dict[str, SideMeans]:
    return {
        cid: SideMeans(proposition=sum(p for p, _ in pairs) / len(pairs), opposition=sum(o for _, o in pairs) / len(pairs))
        for cid, pairs in values.items()
        if pairs
    }


def _totals(means: Mapping[str, SideMeans], rubric: Rubric) -> SideMeans | None:
    if set(means) != set(rubric.ids):
        return None
    return SideMeans(**{side: rubric.weighted_total({cid: getattr(m, side) for cid, m in means.items()}) for side in SIDES})


# Judges are asked in neutral labels that change between presentations, so other judges'
# verdicts are told by stance, which every presentation names.
_NEUTRAL_VERDICT = {
    "proposition_clearly": "the debater for the motion clearly better",
    "proposition_slightly": "the debater for the motion slightly better",
    "tie": "too close to call",
    "opposition_slightly": "the debater against the motion slightly better",
    "opposition_clearly": "the debater against the motion clearly better",
}


def _neutral(reason: str) -> str:
    return re.sub(r"(?i)\bthe (proposition|opposition)\b", lambda m: "the debater " + ("for" if m.group(1).lower() == "proposition" else "against") + " the motion", reason)


def deliberation_note(ballots: Sequence[tuple[str, Ballot | JudgeDecision | None]], *, for_judge: str | None = None) -> str:
    """The other judges' verdicts, anonymised (Judge A, B, ...), for a judge's revise step."""
    lines = []
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for name, ballot in ballots:
        letter = next(letters, "?")
        if name == for_judge:
            continue
        if ballot is None:
            lines.append(f"- Judge {letter}: abstained.")
            continue
        reason = _neutral(" ".join(ballot.reason.split()))
        reason = reason if len(reason) <= 200 else reason[:199] + "…"
        poor = " Both debaters poor." if ballot.both_poor else ""
        lines.append(f"- Judge {letter}: {_NEUTRAL_VERDICT[ballot.verdict.value]}.{poor} Reason: {reason}")
    if not lines:
        return ""
    return (
        "Other judges on this panel gave these verdicts:\n" + "\n".join(lines) + "\n"
        "Reconsider your ballot in their light. Change it only where their reasons persuade you; "
        "reply with the full JSON object either way."
    )
