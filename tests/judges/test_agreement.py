"""Agreement statistics against published worked examples, and the ballot-level helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from judges.agreement import (
    agreement_counts,
    cohen_kappa,
    consensus_winners,
    criterion_alpha,
    krippendorff_alpha,
    outlier_scorers,
    pooled_rate,
    presented_side_bias,
    verdict_alpha,
    winner_agreement,
    winner_kappas,
)
from judges.ballot import Ballot, SideScores, Verdict
from judges.rubric import load_rubric

nan = math.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, missing data. Rows there are observers; ours are units.
K2011_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],  # A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],  # B
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],  # C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],  # D
]
K2011 = np.array(K2011_OBSERVERS).T


@pytest.mark.parametrize(("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_four_observers_with_missing_data(level: str, published: float) -> None:
    assert round(krippendorff_alpha(K2011, level), 3) == published  # type: ignore[arg-type]


def test_krippendorff_2011_binary_two_observers() -> None:
    # Section A: binary data, two observers, no missing data: alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha(np.array([a, b]).T, "nominal"), 3) == 0.095


def test_krippendorff_2011_nominal_two_observers() -> None:
    # Section B: nominal categories a..e, two observers: alpha = 0.692.
    a = "a a b b d c c c e d d a".split()  # noqa: SIM905
    b = "b a b b b c c c e d d d".split()  # noqa: SIM905
    code = {c: i for i, c in enumerate("abcde")}
    matrix = [[code[x], code[y]] for x, y in zip(a, b, strict=True)]
    assert round(krippendorff_alpha(matrix, "nominal"), 3) == 0.692


def test_krippendorff_wikipedia_example() -> None:
    # Wikipedia, "Krippendorff's alpha", computational example: 3 coders, 15 units;
    # nominal 0.691 and interval 0.811.
    coders = [
        [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
        [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
        [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
    ]
    matrix = np.array(coders).T
    assert round(krippendorff_alpha(matrix, "nominal"), 3) == 0.691
    assert round(krippendorff_alpha(matrix, "interval"), 3) == 0.811


def test_krippendorff_edge_cases() -> None:
    assert krippendorff_alpha([[1, 1], [2, 2], [3, 3]], "interval") == 1.0
    assert math.isnan(krippendorff_alpha([[2, 2], [2, 2]], "nominal"))  # no variation: undefined
    assert math.isnan(krippendorff_alpha([[1, nan], [nan, 2]], "nominal"))  # nothing pairable
    assert krippendorff_alpha([[1, None, 1], [2, 2, None], [3, 3, 3]], "ordinal") == 1.0  # None is missing
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha([[1, 2], [2, 1]], "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="two-dimensional"):
        krippendorff_alpha([1, 2, 3])
    # Systematic disagreement goes below zero.
    assert krippendorff_alpha([[1, 2], [2, 1], [1, 2], [2, 1]], "nominal") < 0


def _table(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> tuple[list[str], list[str]]:
    pairs = [("y", "y")] * yes_yes + [("y", "n")] * yes_no + [("n", "y")] * no_yes + [("n", "n")] * no_no
    return [a for a, _ in pairs], [b for _, b in pairs]


@pytest.mark.parametrize(
    ("table", "published"),
    [
        # Wikipedia, "Cohen's kappa": the 50 grant proposals read by two readers, kappa = 0.4.
        ((20, 5, 10, 15), 0.400),
        # Same agreement (60 of 100), different marginals: 0.1304 and 0.2593.
        ((45, 15, 25, 15), 0.130),
        ((25, 35, 5, 35), 0.259),
    ],
)
def test_cohen_kappa_wikipedia_examples(table: tuple[int, int, int, int], published: float) -> None:
    a, b = _table(*table)
    assert round(cohen_kappa(a, b), 3) == published


def test_cohen_kappa_edge_cases() -> None:
    assert cohen_kappa(["p", "o", "tie"], ["p", "o", "tie"]) == 1.0
    assert cohen_kappa(["p", None, "o", "o"], ["p", "o", nan, "o"]) == 1.0  # missing pairs skipped
    assert math.isnan(cohen_kappa([], []))
    assert math.isnan(cohen_kappa(["p", "p"], ["p", "p"]))
    assert cohen_kappa(["p", "o"], ["o", "p"]) == -1.0
    with pytest.raises(ValueError, match="different numbers"):
        cohen_kappa(["p"], ["p", "o"])


def test_outlier_scorers_one_sided_binomial() -> None:
    agreements = {"steady": (80, 100), "contrarian": (20, 50), "new": (0, 2), "idle": (0, 0), "better": (50, 50)}
    assert outlier_scorers(agreements, baseline_rate=0.8) == ["contrarian"]
    assert outlier_scorers({"a": (10, 20), "b": (1, 10), "c": (5, 10)}, baseline_rate=0.8) == ["b", "a"]  # most significant first; c: p = 0.033
    assert outlier_scorers({"a": (10, 20)}, baseline_rate=0.8, alpha=0.001) == []
    with pytest.raises(ValueError):
        outlier_scorers({"a": (11, 10)}, 0.5)
    with pytest.raises(ValueError):
        outlier_scorers({"a": (1, 10)}, 1.5)


# --- from ballots ------------------------------------------------------------------------------

RUBRIC = load_rubric("default")


def _ballot(verdict: str, prop: int, opp: int) -> Ballot:
    return Ballot(scores={cid: SideScores(proposition=prop, opposition=opp) for cid in RUBRIC.ids},
                  verdict=Verdict(verdict), reason="r")


def test_criterion_alpha_over_judges_and_humans() -> None:
    ballots = {
        "judge-a": {1: _ballot("proposition_clearly", 5, 2), 2: _ballot("opposition_slightly", 3, 4), 3: _ballot("tie", 3, 3)},
        "judge-b": {1: _ballot("proposition_slightly", 5, 2), 2: _ballot("opposition_clearly", 3, 4)},
        "human-1": {1: _ballot("proposition_clearly", 5, 2), 3: _ballot("tie", 3, 3)},
    }
    alphas = criterion_alpha(ballots, RUBRIC)
    assert set(alphas) == set(RUBRIC.ids) and all(a == 1.0 for a in alphas.values())
    # Same data laid out by hand: units (debate, side), raters in order.
    ballots["judge-b"][1] = _ballot("proposition_clearly", 4, 1)
    matrix = [[5, 4, 5], [2, 1, 2], [3, 3, nan], [4, 4, nan], [3, nan, 3], [3, nan, 3]]
    assert criterion_alpha(ballots, RUBRIC)["style"] == pytest.approx(krippendorff_alpha(matrix, "ordinal"))
    assert verdict_alpha(ballots) == pytest.approx(krippendorff_alpha([[2, 2, 2], [-1, -2, nan], [0, nan, 0]], "ordinal"))


def test_winner_kappas_and_outlier_inputs() -> None:
    humans = {
        "h1": {1: _ballot("proposition_clearly", 4, 2), 2: _ballot("opposition_slightly", 2, 3), 3: _ballot("tie", 3, 3), 4: _ballot("opposition_clearly", 1, 5)},
        "h2": {1: _ballot("proposition_slightly", 4, 2), 2: _ballot("opposition_clearly", 2, 3), 3: _ballot("proposition_slightly", 3, 3)},
    }
    assert consensus_winners(humans) == {1: "proposition", 2: "opposition", 3: "tie", 4: "opposition"}
    judges = {
        "agrees": {d: _ballot({"proposition": "proposition_clearly", "opposition": "opposition_clearly", "tie": "tie"}[w], 3, 3)
                   for d, w in consensus_winners(humans).items()},
        "contrary": {1: _ballot("opposition_clearly", 1, 5), 2: _ballot("proposition_clearly", 5, 1), 4: _ballot("proposition_clearly", 5, 1)},
    }
    kappas = winner_kappas(judges, humans)
    assert kappas["agrees"] == 1.0
    assert kappas["contrary"] == pytest.approx(cohen_kappa(["opposition", "proposition", "proposition"], ["proposition", "opposition", "opposition"]))
    counts = agreement_counts(judges, {1: "proposition", 2: "opposition", 3: None, 4: "opposition"})
    assert counts == {"agrees": (3, 3), "contrary": (0, 3)}
    assert pooled_rate(counts.values()) == 0.5
    assert math.isnan(pooled_rate([]))


# --- winner agreement and presented-side bias ---------------------------------------------------


def test_winner_agreement_is_the_share_of_shared_debates_with_the_same_winner() -> None:
    winners = {
        "twin-a": {1: "proposition", 2: "opposition", 3: "tie"},
        "twin-b": {1: "proposition", 2: "opposition", 3: "tie", 4: "opposition"},
        "odd": {2: "proposition", 3: "tie", 4: "opposition"},
        "alone": {9: "proposition"},
    }
    pairs = winner_agreement(winners)
    assert pairs[("twin-a", "twin-b")] == pairs[("twin-b", "twin-a")] == (1.0, 3)  # debate 4 is not shared
    assert pairs[("twin-a", "odd")] == (0.5, 2)  # agree on 3, not on 2
    assert pairs[("twin-b", "odd")] == pytest.approx((2 / 3, 3))
    share, shared = pairs[("alone", "odd")]
    assert math.isnan(share) and shared == 0
    assert len(pairs) == 4 * 3 and ("odd", "odd") not in pairs


def test_a_judge_that_always_favours_debater_a_shows_full_bias() -> None:
    ballots = []
    for debate in range(1, 4):
        ballots += [("label-a", debate, "proposition", 2), ("label-a", debate, "opposition", -2)]  # A wins clearly, whoever A is
        ballots += [("reader", debate, "proposition", 1), ("reader", debate, "opposition", 1)]  # the proposition, in both orders
    ballots += [("reader", 4, "proposition", 0)]  # one tie, graded in one order only
    bias = presented_side_bias(ballots)
    a = bias["label-a"]
    assert (a.ballots, a.toward_a, a.decisive, a.favours_a, a.pairs, a.inconsistent) == (6, 2.0, 6, 1.0, 3, 1.0)
    r = bias["reader"]
    assert (r.ballots, r.decisive, r.pairs, r.inconsistent) == (7, 6, 3, 0.0)
    assert r.toward_a == pytest.approx(0.0) and r.favours_a == pytest.approx(0.5)


def test_presented_side_bias_edge_cases() -> None:
    only_ties = presented_side_bias([("j", 1, "proposition", 0)])["j"]
    assert only_ties.decisive == 0 and math.isnan(only_ties.favours_a) and only_ties.pairs == 0 and math.isnan(only_ties.inconsistent)
    tie_then_win = presented_side_bias([("j", 1, "proposition", 0), ("j", 1, "opposition", 1)])["j"]
    assert tie_then_win.inconsistent == 1.0  # a tie and a win are different winners
    assert presented_side_bias([]) == {}
    with pytest.raises(ValueError, match="Debater A"):
        presented_side_bias([("j", 1, "A", 1)])
