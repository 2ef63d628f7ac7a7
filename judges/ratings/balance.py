"""Side balance: does a motion favour the proposition?"""

from __future__ import annotations

import math
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from debate.core.sides import Side

DEBATE_OUTCOMES = (Side.PROPOSITION.value, Side.OPPOSITION.value, "tie")
"""What a debate can end in: a side wins, or a tie."""


class MotionBalance(BaseModel):
    """Proposition's record on one motion; ties count half to each side. `lopsided` when the
    chi-square test against 50/50 rejects at the chosen level (few debates: read with care)."""

    model_config = ConfigDict(frozen=True)

    motion: str
    debates: int
    proposition_wins: int
    opposition_wins: int
    ties: int
    proposition_rate: float
    chi2: float
    p_value: float
    lopsided: bool


def side_balance(records: Iterable[tuple[str, str]], *, alpha: float = 0.05) -> list[MotionBalance]:
    """Per motion: proposition win rate and a chi-square goodness-of-fit test against 50/50.

    `records` are (motion, winner side) with side in proposition / opposition / tie. Rows come
    most lopsided first (smallest p-value), then by motion.
    """
    tallies: dict[str, list[int]] = {}
    for motion, winner in records:
        if winner not in DEBATE_OUTCOMES:
            raise ValueError(f"motion {motion!r}: winner side {winner!r} is not one of {', '.join(DEBATE_OUTCOMES)}")
        tallies.setdefault(motion, [0, 0, 0])[DEBATE_OUTCOMES.index(winner)] += 1
    result = [_balance(motion, prop, opp, tie, alpha) for motion, (prop, opp, tie) in tallies.items()]
    result.sort(key=lambda row: (row.p_value, row.motion))
    return result


def _balance(motion: str, prop: int, opp: int, tie: int, alpha: float) -> MotionBalance:
    debates = prop + opp + tie
    observed = [prop + tie / 2.0, opp + tie / 2.0]
    expected = debates / 2.0
    chi2 = sum((count - expected) ** 2 for count in observed) / expected
    # Two cells, one degree of freedom: the chi-square survival function is erfc(sqrt(x / 2)).
    p_value = math.erfc(math.sqrt(chi2 / 2.0))
    return MotionBalance(
        motion=motion,
        debates=debates,
        proposition_wins=prop,
        opposition_wins=opp,
        ties=tie,
        proposition_rate=observed[0] / debates,
        chi2=chi2,
        p_value=p_value,
        lopsided=p_value < alpha,
    )
