"""Intervals clustered by debate: k ballots of one debate are not k independent battles."""

from __future__ import annotations

import numpy as np
import pytest

from debate.bench.ratings import synthetic_battles
from judges.ratings import Battles, bradley_terry


def _widths(table) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([row.upper - row.lower for row in sorted(table.rows, key=lambda r: r.name)])


def _as_ballots(battles: Battles, k: int, *, clustered: bool) -> Battles:
    """Every battle repeated k times, as k ballots of the same debate."""
    pick = np.repeat(np.arange(len(battles)), k)
    return Battles(**{**battles.subset(pick).__dict__, "cluster": pick if clustered else None})


@pytest.fixture(scope="module")
def debates() -> Battles:
    battles, _ = synthetic_battles(5, 120, seed=3)
    return Battles(names=battles.names, a=battles.a, b=battles.b, outcome=battles.outcome, cluster=np.arange(len(battles)))


def test_one_battle_per_debate_is_the_plain_sandwich(debates: Battles) -> None:
    plain = Battles(names=debates.names, a=debates.a, b=debates.b, outcome=debates.outcome)
    assert _widths(bradley_terry(debates)) == pytest.approx(_widths(bradley_terry(plain)), rel=1e-9)


@pytest.mark.parametrize("ci", ["sandwich", "bootstrap"])
def test_repeated_ballots_do_not_narrow_clustered_intervals(debates: Battles, ci: str) -> None:
    single = _widths(bradley_terry(debates, ci=ci))
    clustered = bradley_terry(_as_ballots(debates, 3, clustered=True), ci=ci)
    independent = _widths(bradley_terry(_as_ballots(debates, 3, clustered=False), ci=ci))
    # Taken as independent, three copies narrow every interval by about sqrt(3)...
    assert np.all(independent < 0.7 * single)
    # ...clustered by debate they stay as wide as the one-ballot board.
    tolerance = 1e-6 if ci == "sandwich" else 0.2
    assert _widths(clustered) == pytest.approx(single, rel=tolerance)
    assert clustered.battles == 3 * len(debates)


def test_the_table_names_its_interval_method(debates: Battles) -> None:
    assert bradley_terry(debates).interval_method == f"95% CI, sandwich clustered by debate ({len(debates)} debates), at least half the model-based width"
    ballots = _as_ballots(debates, 2, clustered=True)
    assert bradley_terry(ballots, ci="bootstrap", bootstrap_rounds=50).interval_method == f"95% CI, bootstrap over debates (n=50, {len(debates)} debates), at least half the model-based width"
    plain = Battles(names=debates.names, a=debates.a, b=debates.b, outcome=debates.outcome)
    assert bradley_terry(plain).interval_method == "95% CI, sandwich over battles (each taken as independent), at least half the model-based width"
    assert bradley_terry(plain, ci=None).interval_method is None


def test_clustered_side_and_style_terms_are_widened_too() -> None:
    battles, _ = synthetic_battles(4, 200, seed=5)
    rng = np.random.default_rng(1)
    side = rng.random(len(battles)) < 0.5
    style = rng.normal(size=(len(battles), 1))
    base = Battles(names=battles.names, a=battles.a, b=battles.b, outcome=battles.outcome, a_is_proposition=side, style=style, cluster=np.arange(len(battles)))
    pick = np.repeat(np.arange(len(base)), 4)
    repeated = base.subset(pick)
    single = bradley_terry(base, side=True, style=True)
    clustered = bradley_terry(Battles(**{**repeated.__dict__, "cluster": pick}), side=True, style=True)
    independent = bradley_terry(Battles(**{**repeated.__dict__, "cluster": None}), side=True, style=True)
    width = lambda table: table.side_advantage.upper - table.side_advantage.lower  # noqa: E731
    assert width(clustered) == pytest.approx(width(single), rel=0.05)
    assert width(independent) < 0.7 * width(single)
