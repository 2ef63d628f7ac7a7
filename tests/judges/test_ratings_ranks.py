"""Rank intervals: each contestant's range of ranks over draws of the ratings."""

from __future__ import annotations

import numpy as np
import pytest

from judges.ratings import Battles, bradley_terry, normal_draws, rank_intervals, ranks_per_draw


def _records(*groups: tuple[str, str, str, int]) -> list[tuple[str, str, str]]:
    return [(a, b, winner) for a, b, winner, count in groups for _ in range(count)]


# "champ" wins nine in ten against each of the others; "a" and "b" split their debates evenly
# and each beats "c" four times in five.
FIELD = _records(
    ("champ", "a", "model_a", 45), ("a", "champ", "model_a", 5),
    ("champ", "b", "model_a", 45), ("b", "champ", "model_a", 5),
    ("champ", "c", "model_a", 45), ("c", "champ", "model_a", 5),
    ("a", "b", "model_a", 25), ("b", "a", "model_a", 25),
    ("a", "c", "model_a", 40), ("c", "a", "model_a", 10),
    ("b", "c", "model_a", 40), ("c", "b", "model_a", 10),
)  # fmt: skip


def _ranges(**options: object) -> dict[str, tuple[int | None, int | None]]:
    table = bradley_terry(Battles.from_records(FIELD), **options)  # type: ignore[arg-type]
    return {row.name: (row.rank_lower, row.rank_upper) for row in table.rows}


@pytest.mark.parametrize("ci", ["sandwich", "bootstrap"])
def test_a_clear_favourite_is_first_and_two_even_contestants_share_second_and_third(ci: str) -> None:
    ranges = _ranges(ci=ci, bootstrap_rounds=100)
    assert ranges["champ"] == (1, 1)
    assert ranges["a"] == ranges["b"] == (2, 3)
    assert ranges["c"] == (4, 4)


def test_two_indistinguishable_contestants_share_first_and_second() -> None:
    table = bradley_terry(Battles.from_records(_records(("x", "y", "model_a", 10), ("y", "x", "model_a", 10))))
    assert [(row.rank_lower, row.rank_upper) for row in table.rows] == [(1, 2), (1, 2)]


def test_the_same_seed_gives_the_same_ranges_and_the_method_names_it() -> None:
    few = _records(("x", "y", "model_a", 3), ("y", "x", "model_a", 2), ("y", "z", "model_a", 3), ("z", "y", "model_a", 2), ("z", "x", "model_a", 2), ("x", "z", "model_a", 2))
    first, again = (bradley_terry(Battles.from_records(few), seed=7) for _ in range(2))
    assert [(r.rank_lower, r.rank_upper) for r in first.rows] == [(r.rank_lower, r.rank_upper) for r in again.rows]
    assert first.rank_method is not None and "seed 7" in first.rank_method and "sandwich" in first.rank_method
    # The draws themselves follow the seed.
    params, cov = np.zeros(3), np.eye(3)
    assert np.array_equal(normal_draws(params, cov, 50, 1), normal_draws(params, cov, 50, 1))
    assert not np.array_equal(normal_draws(params, cov, 50, 1), normal_draws(params, cov, 50, 2))
    booted = bradley_terry(Battles.from_records(few), ci="bootstrap", bootstrap_rounds=40)
    assert booted.rank_method is not None and "40 bootstrap refits" in booted.rank_method


def test_contestants_set_apart_take_the_places_above_and_below_everyone() -> None:
    apart = _records(("ace", "champ", "model_a", 2), ("ace", "c", "model_a", 1), ("c", "zero", "model_a", 3), ("a", "zero", "model_a", 1))
    table = bradley_terry(Battles.from_records(FIELD + apart))
    ways = {row.name: row.no_estimate for row in table.rows if row.no_estimate}
    assert ways == {"ace": "above", "zero": "below"}
    ranges = {row.name: (row.rank_lower, row.rank_upper) for row in table.rows}
    assert ranges["ace"] == (1, 1) and ranges["zero"] == (6, 6)
    # The fitted four move down one place: their own ranges, shifted past "ace".
    assert ranges["champ"] == (2, 2) and ranges["a"] == ranges["b"] == (3, 4) and ranges["c"] == (5, 5)


def test_two_set_apart_the_same_way_share_those_places() -> None:
    apart = _records(("ace", "champ", "model_a", 2), ("king", "c", "model_a", 2))
    table = bradley_terry(Battles.from_records(FIELD + apart))
    ranges = {row.name: (row.rank_lower, row.rank_upper) for row in table.rows}
    assert ranges["ace"] == ranges["king"] == (1, 2)
    assert ranges["champ"] == (3, 3)


def test_no_intervals_no_rank_ranges() -> None:
    table = bradley_terry(Battles.from_records(FIELD), ci=None)
    assert table.rank_method is None
    assert all(row.rank_lower is None and row.rank_upper is None for row in table.rows)


def test_ties_in_a_draw_share_the_better_rank_and_the_quantiles_are_ranks_that_occurred() -> None:
    assert ranks_per_draw(np.array([[3.0, 1.0, 2.0, 2.0]])).tolist() == [[1, 4, 2, 2]]
    # x is first in 90 draws of 100 and second in 10: a 95% interval must include second place,
    # a 70% one (15% cut from each end) need not.
    draws = np.array([[1.0, 0.0]] * 90 + [[0.0, 1.0]] * 10)
    assert rank_intervals(draws, 0.95) == [(1, 2), (1, 2)]
    assert rank_intervals(draws, 0.70) == [(1, 1), (2, 2)]
    assert rank_intervals(draws, 0.95, above=3) == [(4, 5), (4, 5)]
