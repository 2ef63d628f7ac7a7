"""One judge's decision from its presentations: the mean signed verdict rounded toward a tie,
the consistency flag, and the mean scores."""

from __future__ import annotations

import pytest

from judges.ballot import Ballot, SideScores, Verdict, signed_margin
from judges.orders import SideMeans, combine, decision_of

PC, PS, T, OS, OC = Verdict


def _ballot(verdict: Verdict, prop: int = 3, opp: int = 3, *, both_poor: bool = False, reason: str = "r") -> Ballot:
    scores = {"rebuttal": SideScores(proposition=prop, opposition=opp), "style": SideScores(proposition=opp, opposition=prop)}
    return Ballot(scores=scores, verdict=verdict, both_poor=both_poor, reason=reason)


# (first presentation, second presentation) -> (margin, verdict, consistent): the module doc's table.
TABLE = [
    ((PC, PC), (2.0, PC, True)),
    ((PC, PS), (1.5, PS, True)),  # same side: the side stands, at the weaker level
    ((PS, PS), (1.0, PS, True)),
    ((T, T), (0.0, T, True)),
    ((OS, OC), (-1.5, OS, True)),
    ((OC, OC), (-2.0, OC, True)),
    ((PC, T), (1.0, PS, False)),  # "clearly" against "tie": the stronger side's "slightly"
    ((T, OC), (-1.0, OS, False)),
    ((PS, T), (0.5, T, False)),  # nearly cancel: a tie
    ((T, OS), (-0.5, T, False)),
    ((PC, OS), (0.5, T, False)),
    ((OC, PS), (-0.5, T, False)),
    ((PS, OS), (0.0, T, False)),  # cancel
    ((PC, OC), (0.0, T, False)),  # the judge that always picks Debater A
]


@pytest.mark.parametrize(("pair", "expected"), TABLE, ids=[f"{a.value}+{b.value}" for (a, b), _ in TABLE])
def test_a_pair_rounds_toward_a_tie(pair: tuple[Verdict, Verdict], expected: tuple[float, Verdict, bool]) -> None:
    for ordered in (pair, pair[::-1]):  # which presentation came first does not matter
        decision = combine([_ballot(v) for v in ordered])
        assert decision is not None
        assert (decision.margin, decision.verdict, decision.consistent) == expected
        assert decision.presentations == 2


def test_no_pair_comes_out_stronger_than_its_ballots() -> None:
    for a in Verdict:
        for b in Verdict:
            decision = combine([_ballot(a), _ballot(b)])
            assert decision is not None
            strongest = max(abs(signed_margin(a)), abs(signed_margin(b)))
            assert abs(signed_margin(decision.verdict)) <= min(abs(decision.margin), strongest)
            assert decision.margin == (signed_margin(a) + signed_margin(b)) / 2
            mirrored = combine([_ballot(Verdict(_mirror(a))), _ballot(Verdict(_mirror(b)))])
            assert mirrored is not None and mirrored.margin == -decision.margin
            assert signed_margin(mirrored.verdict) == -signed_margin(decision.verdict)


def _mirror(verdict: Verdict) -> str:
    return verdict.value.replace("proposition", "@").replace("opposition", "proposition").replace("@", "opposition")


def test_scores_are_the_means_of_the_presentations() -> None:
    first = _ballot(PC, 5, 2, reason="first")
    second = Ballot(scores={"rebuttal": SideScores(proposition=4, opposition=1)}, verdict=PS, reason="second")
    decision = combine([first, second])
    assert decision is not None
    # Only the criteria both ballots scored are kept.
    assert decision.scores == {"rebuttal": SideMeans(proposition=4.5, opposition=1.5)}
    assert decision.reason == "first"
    assert decision.side == "proposition"


def test_both_poor_needs_every_presentation() -> None:
    both = combine([_ballot(T, both_poor=True), _ballot(T, both_poor=True)])
    one = combine([_ballot(T, both_poor=True), _ballot(T)])
    assert both is not None and one is not None
    assert both.both_poor is True and one.both_poor is False


def test_expected_margin_is_the_mean_only_when_every_presentation_has_one() -> None:
    pair = [_ballot(PC), _ballot(PS)]
    known = combine(pair, [1.8, 0.6])
    assert known is not None and known.expected_margin == pytest.approx(1.2)
    partial = combine(pair, [1.8, None])
    assert partial is not None and partial.expected_margin is None
    assert combine(pair) is not None and combine(pair).expected_margin is None  # type: ignore[union-attr]


def test_one_presentation_decides_alone() -> None:
    ballot = _ballot(OS, 2, 4)
    decision = decision_of(ballot, -0.7)
    assert (decision.margin, decision.verdict, decision.consistent, decision.presentations) == (-1.0, OS, None, 1)
    assert decision.expected_margin == -0.7
    assert decision.scores["rebuttal"] == SideMeans(proposition=2, opposition=4)
    assert combine([]) is None
