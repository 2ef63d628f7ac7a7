"""The interval floor: a sandwich the data reproduce exactly (one tied debate, a board of ties)
would give zero-width intervals; the floor keeps them at least half the model-based width, and
leaves a real sample's intervals as arena-rank's."""

from __future__ import annotations

import itertools

import pytest

from judges.ratings import Battles, bradley_terry
from tests.judges.test_ratings import synthetic_battles


def _one_tie_one_win() -> Battles:
    # gamma v beta: beta wins (beta is set apart, unbeaten); alpha v gamma: a tie.
    return Battles.from_names(["gamma", "alpha"], ["beta", "gamma"], [0.0, 0.5], a_is_proposition=[True, True], cluster=[0, 1])


def _all_ties(repeats: int = 3) -> Battles:
    pairs = [pair for pair in itertools.combinations("abcd", 2) for _ in range(repeats)]
    return Battles.from_names(
        [a for a, _ in pairs], [b for _, b in pairs], [0.5] * len(pairs), a_is_proposition=[True] * len(pairs), cluster=list(range(len(pairs)))
    )


def _widths(battles: Battles, **options: object) -> dict[str, float]:
    table = bradley_terry(battles, side=True, **options)  # type: ignore[arg-type]
    return {r.name: r.upper - r.lower for r in table.rows if r.lower is not None and r.upper is not None}


def test_without_the_floor_one_tied_debate_gives_a_zero_width_interval() -> None:
    assert _widths(_one_tie_one_win(), floor=False)["alpha"] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("ci", ["sandwich", "bootstrap"])
def test_with_the_floor_one_tied_debate_leaves_the_rating_wide_open(ci: str) -> None:
    widths = _widths(_one_tie_one_win(), ci=ci)
    # One tie says little: the two could be 100 points apart either way.
    assert widths["alpha"] > 200
    assert widths["gamma"] == pytest.approx(widths["alpha"], rel=1e-6)


@pytest.mark.parametrize("ci", ["sandwich", "bootstrap"])
def test_a_board_of_ties_has_open_intervals_and_every_rank_possible(ci: str) -> None:
    table = bradley_terry(_all_ties(), side=True, ci=ci)
    assert all(r.rating == pytest.approx(1000.0) for r in table.rows)
    assert all(r.upper - r.lower > 100 for r in table.rows)  # type: ignore[operator]
    assert all((r.rank_lower, r.rank_upper) == (1, 4) for r in table.rows)
    assert "at least half the model-based width" in (table.interval_method or "")
    unfloored = bradley_terry(_all_ties(), side=True, ci=ci, floor=False)
    assert all(r.upper - r.lower < 1e-6 for r in unfloored.rows)  # type: ignore[operator]


def test_the_floor_leaves_a_real_sample_as_the_plain_sandwich() -> None:
    battles, _ = synthetic_battles(25, 5000, seed=9)
    floored = bradley_terry(battles)
    plain = bradley_terry(battles, floor=False)
    for f, p in zip(floored.rows, plain.rows, strict=True):
        assert (f.name, f.rating) == (p.name, p.rating)
        assert f.lower == pytest.approx(p.lower, abs=1e-9) and f.upper == pytest.approx(p.upper, abs=1e-9)
