"""One judge's verdict on a debate from its presentations (either side shown first). Pure.

A judge grades a debate twice, the proposition as Debater A and then as Debater B. Its
decision is the mean of the two signed verdicts (+2 proposition clearly ... -2 opposition
clearly), and its scores the mean of the two ballots' scores. The five-level verdict that
stands for the decision is that mean rounded toward a tie, so a pair that disagrees can only
come out weaker than either ballot, never stronger:

- two ballots for the same side keep that side (clearly + slightly -> slightly);
- a position-inconsistent pair, whose ballots name different winners, is a tie when the two
  cancel or nearly do (clearly A + clearly B, slightly + slightly, slightly + tie) and the
  stronger side's "slightly" only when one says "clearly" and the other "tie";
- a judge that always picks Debater A is thus a tie on every debate, which is what its
  verdicts are worth.

`consistent` records whether the two ballots named the same winner (proposition,
opposition or tie); it is None for a decision that rests on one presentation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from debate.core.sides import SIDES
from judges.ballot import Ballot, SideName, Verdict, signed_margin, verdict_side

_VERDICT_OF_MARGIN = {signed_margin(v): v for v in Verdict}


class SideMeans(BaseModel):
    model_config = ConfigDict(frozen=True)

    proposition: float
    opposition: float


class JudgeDecision(BaseModel):
    """What one judge decided about one debate, over the presentations it graded."""

    model_config = ConfigDict(frozen=True)

    margin: float  # mean signed verdict, + for the proposition, -2..2
    verdict: Verdict  # the margin rounded toward a tie
    scores: dict[str, SideMeans]
    both_poor: bool
    reason: str
    consistent: bool | None = None  # None: one presentation
    expected_margin: float | None = None  # mean of the presentations' probability-weighted margins
    presentations: int = 1

    @property
    def side(self) -> SideName:
        return verdict_side(self.verdict)


def rounded_margin(margins: Sequence[float]) -> int:
    """The five-level signed verdict of several presentations: their mean truncated toward a tie."""
    return math.trunc(sum(margins) / len(margins))


def decision_of(ballot: Ballot, expected_margin: float | None = None) -> JudgeDecision:
    """A decision resting on one ballot."""
    return combine([ballot], [expected_margin])  # type: ignore[return-value]


def combine(ballots: Sequence[Ballot], expected: Sequence[float | None] = ()) -> JudgeDecision | None:
    """The decision of one judge's ballots on one debate (one per presentation); None if none."""
    if not ballots:
        return None
    margins = [signed_margin(b.verdict) for b in ballots]
    margin = sum(margins) / len(margins)
    criteria = set.intersection(*(set(b.scores) for b in ballots))
    scores = {
        cid: SideMeans(**{side: sum(b.scores[cid].of(side) for b in ballots) / len(ballots) for side in SIDES})
        for cid in sorted(criteria)
    }
    known = [e for e in expected if e is not None]
    return JudgeDecision(
        margin=margin,
        verdict=_VERDICT_OF_MARGIN[rounded_margin(margins)],
        scores=scores,
        both_poor=all(b.both_poor for b in ballots),
        reason=ballots[0].reason,
        consistent=None if len(ballots) < 2 else len({b.side for b in ballots}) == 1,
        expected_margin=sum(known) / len(known) if known and len(known) == len(ballots) else None,
        presentations=len(ballots),
    )
