"""A contestant without a finite estimate moves no other rating."""

from __future__ import annotations

import pytest

from judges.ratings import FALLBACK_PRIOR, Battles, bradley_terry


def _records(*groups: tuple[str, str, str, int]) -> list[tuple[str, str, str]]:
    return [(a, b, winner) for a, b, winner, count in groups for _ in range(count)]


# "rare" edges "mid" on few battles: a prior over everyone shrinks it more and swaps them.
CORE = _records(
    ("top", "mid", "model_a", 30), ("mid", "top", "model_a", 10),
    ("mid", "low", "model_a", 30), ("low", "mid", "model_a", 10),
    ("rare", "low", "model_a", 4), ("low", "rare", "model_a", 1),
    ("rare", "top", "model_a", 1), ("top", "rare", "model_a", 3),
)  # fmt: skip
WINLESS = _records(("mid", "zero", "model_a", 6))


def test_the_others_keep_the_order_and_ratings_of_the_fit_without_the_winless_one() -> None:
    without = bradley_terry(Battles.from_records(CORE))
    table = bradley_terry(Battles.from_records(CORE + WINLESS))
    others = [row for row in table.rows if row.no_estimate is None]
    assert [row.name for row in others] == [row.name for row in without.rows]
    for row in others:
        assert row.rating == pytest.approx(without.row(row.name).rating, abs=1e-6)
        assert row.lower == pytest.approx(without.row(row.name).lower, abs=1e-6)
    assert table.prior == 0.0
    # The old rule (a prior over the whole board) reorders the middle: the reason for the new one.
    everyone = bradley_terry(Battles.from_records(CORE + WINLESS), prior=FALLBACK_PRIOR)
    assert [row.name for row in everyone.rows][:4] != [row.name for row in without.rows]


def test_the_winless_one_is_listed_last_with_its_records_and_an_open_interval() -> None:
    table = bradley_terry(Battles.from_records(CORE + WINLESS))
    last = table.rows[-1]
    assert (last.name, last.no_estimate, last.lower, last.losses, last.wins, last.battles) == ("zero", "below", None, 6, 0, 6)
    assert table.row("mid").wins == 40 + 6  # its wins over the winless one still count
    assert last.rating <= min(row.rating for row in table.rows[:-1])
    # Six losses to "mid": the 95% bound where six losses fall to a likelihood of exp(-1.92).
    mid = table.row("mid").rating
    assert last.upper is not None and mid - 300 < last.upper < mid
    assert any("never won or tied: zero" in note for note in table.notes)


def test_a_chain_of_winless_contestants_is_set_apart_one_after_another() -> None:
    """"last" only ever beat "zero": once "zero" is set apart, "last" is winless too."""
    chain = _records(("last", "zero", "model_a", 2), ("low", "last", "model_a", 3))
    table = bradley_terry(Battles.from_records(CORE + WINLESS + chain))
    assert {row.name: row.no_estimate for row in table.rows if row.no_estimate} == {"zero": "below", "last": "below"}
    without = bradley_terry(Battles.from_records(CORE))
    assert [row.name for row in table.rows[:4]] == [row.name for row in without.rows]


def test_with_the_side_term_the_others_still_match_their_fit_alone() -> None:
    sides = [k % 3 != 0 for k in range(len(CORE + WINLESS))]
    table = bradley_terry(Battles.from_records(CORE + WINLESS, a_is_proposition=sides), side=True)
    without = bradley_terry(Battles.from_records(CORE, a_is_proposition=sides[: len(CORE)]), side=True)
    assert table.rows[-1].no_estimate == "below"
    assert table.side_advantage is not None and without.side_advantage is not None
    assert table.side_advantage.rating == pytest.approx(without.side_advantage.rating, abs=1e-6)
    assert {r.name: round(r.rating, 6) for r in table.rows[:-1]} == {r.name: round(r.rating, 6) for r in without.rows}
