"""Knockout: the break, bracket seeding, byes for top seeds, rounds in bracket order, sides."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debate.draws.pairing import (
    DrawError,
    KnockoutState,
    Record,
    SideHistory,
    advance_knockout,
    bracket_order,
    break_seeds,
    knockout_round,
    start_knockout,
)
from debate.draws.knockout import seeds_as_drawn


def _names(n: int) -> list[str]:
    return [f"s{i:02d}" for i in range(1, n + 1)]  # s01 is ranked first


def _play(state: KnockoutState, rng: random.Random, round_number: int, better_wins: bool = False) -> KnockoutState:
    draw = knockout_round(state, round_number=round_number, seed=7)
    winners = []
    for p in draw.pairings:
        if better_wins:
            winners.append(min((p.proposition, p.opposition), key=state.seed_of))
        else:
            winners.append(rng.choice((p.proposition, p.opposition)))
    return advance_knockout(state, winners)


def test_bracket_order_of_eight() -> None:
    assert bracket_order(8) == (1, 8, 4, 5, 2, 7, 3, 6)
    assert bracket_order(2) == (1, 2)
    assert bracket_order(1) == (1,)


@pytest.mark.parametrize("size", [2, 4, 8, 16, 32, 64])
def test_bracket_order_meets_each_seed_as_late_as_possible(size: int) -> None:
    order = bracket_order(size)
    assert sorted(order) == list(range(1, size + 1))
    # First round: seeds add up to size + 1 (1 v size, 2 v size-1, ...).
    assert all(order[i] + order[i + 1] == size + 1 for i in range(0, size, 2))
    # Seeds a < b can first meet only when the field is down to the smallest power of two
    # that holds b: the top 2^k seeds lie in different blocks of size / 2^k slots.
    for block_count in (2 ** k for k in range(1, int(math.log2(size)) + 1)):
        block = size // block_count
        blocks = [set(order[i : i + block]) for i in range(0, size, block)]
        assert all(len(b & set(range(1, block_count + 1))) == 1 for b in blocks)


@settings(max_examples=60, deadline=None)
@given(k=st.integers(2, 40), extra=st.integers(0, 5), seed=st.integers(0, 10_000))
def test_whole_knockout_keeps_the_bracket(k: int, extra: int, seed: int) -> None:
    names = _names(k + extra)
    state = start_knockout(names, k)
    size = len(state.slots)
    assert size >= k and size & (size - 1) == 0 and size < 2 * k
    assert state.seeds == tuple(names[:k])
    rng = random.Random(seed)
    rounds = 0
    byes_seen: list[str] = []
    while not state.finished:
        rounds += 1
        draw = knockout_round(state, round_number=10 + rounds, seed=seed)
        alive = [n for n in state.slots if n is not None]
        playing = [x for p in draw.pairings for x in (p.proposition, p.opposition)]
        assert sorted(playing + list(draw.byes)) == sorted(alive)
        # The listed order is bracket order: pairing i is slots (2i, 2i+1) without the byes.
        expected = [frozenset(state.slots[i : i + 2]) for i in range(0, len(state.slots), 2) if None not in state.slots[i : i + 2]]
        assert [frozenset((p.proposition, p.opposition)) for p in draw.pairings] == expected
        for p in draw.pairings:
            assert p.seeds == (state.seed_of(p.proposition), state.seed_of(p.opposition))
            assert "knockout" in p.flags
        byes_seen += draw.byes
        before = state
        state = _play(state, rng, 10 + rounds)
        # Winners keep their bracket position: slot i of the next round comes from slots 2i, 2i+1.
        for i, name in enumerate(state.slots):
            assert name in before.slots[2 * i : 2 * i + 2]
    assert rounds == int(math.log2(size))
    assert state.champion in names[:k]
    # The byes went to the top seeds, one each, in the first round only.
    assert sorted(byes_seen) == names[: size - k]


@pytest.mark.parametrize("k", [2, 4, 8, 16, 32])
def test_favourites_meet_as_seeded(k: int) -> None:
    state = start_knockout(_names(k), k)
    rng = random.Random(0)
    first = knockout_round(state, round_number=1, seed=0)
    assert sorted(sorted(p.seeds) for p in first.pairings) == [[s, k + 1 - s] for s in range(1, k // 2 + 1)]
    r = 1
    while not state.finished:
        draw = knockout_round(state, round_number=r, seed=0)
        # When the better seed always wins, each round pairs seed s with seed (field + 1 - s).
        field = len(state.slots)
        assert all(sum(p.seeds) == field + 1 for p in draw.pairings)
        state = _play(state, rng, r, better_wins=True)
        r += 1
    assert state.champion == "s01"


def test_eight_team_bracket_pairs_winners_of_neighbours() -> None:
    state = start_knockout(_names(8), 8)
    first = knockout_round(state, round_number=6, seed=1)
    assert [tuple(sorted(p.seeds)) for p in first.pairings] == [(1, 8), (4, 5), (2, 7), (3, 6)]
    # Upsets: 8 beats 1, 5 beats 4, 2 and 3 win. Next: 8 v 5 and 2 v 3.
    state = advance_knockout(state, ["s08", "s05", "s02", "s03"])
    semis = knockout_round(state, round_number=7, seed=1)
    assert [tuple(sorted(p.seeds)) for p in semis.pairings] == [(5, 8), (2, 3)]
    assert state.stage_name() == "semi-finals"
    final = advance_knockout(state, ["s05", "s02"])
    assert final.stage_name() == "final"
    assert advance_knockout(final, ["s02"]).champion == "s02"


def test_six_break_gives_the_top_two_byes() -> None:
    state = start_knockout(_names(10), 6)
    draw = knockout_round(state, round_number=5, seed=0)
    assert draw.byes == ("s01", "s02")
    assert [tuple(sorted(p.seeds)) for p in draw.pairings] == [(4, 5), (3, 6)]
    assert "bye" in draw.flags and any("s01 advances on a bye" in n for n in draw.notes)
    state = advance_knockout(state, ["s05", "s03"])
    assert state.slots == ("s01", "s05", "s02", "s03")


def test_sides_follow_the_better_seeds_history() -> None:
    state = start_knockout(["a", "b"], 2)
    cases = [
        ({"a": SideHistory(proposition_count=2, opposition_count=3)}, "a", "sides-by-count"),
        ({"a": SideHistory(proposition_count=3, opposition_count=2)}, "b", "sides-by-count"),
        ({"a": SideHistory(proposition_count=2, opposition_count=2, last_side="proposition")}, "b", "sides-by-last-side"),
        ({"a": SideHistory(proposition_count=2, opposition_count=2, last_side="opposition")}, "a", "sides-by-last-side"),
        # The worse seed's history does not count.
        ({"b": SideHistory(proposition_count=0, opposition_count=5)}, None, "sides-by-coin"),
    ]
    for history, proposition, flag in cases:
        (p,) = knockout_round(state, round_number=1, seed=3, history=history).pairings
        assert flag in p.flags
        if proposition:
            assert p.proposition == proposition


def test_sides_accept_swiss_records_and_the_coin_rule() -> None:
    state = start_knockout(["a", "b"], 2)
    records = [Record(name="a", proposition_count=1, opposition_count=2), Record(name="b")]
    (p,) = knockout_round(state, round_number=1, seed=0, history=records).pairings
    assert p.proposition == "a" and "sides-by-count" in p.flags
    coins = {knockout_round(state, round_number=1, seed=s, history=records, sides="coin").pairings[0].proposition for s in range(20)}
    assert coins == {"a", "b"}
    # Reproducible from the seed.
    assert knockout_round(state, round_number=1, seed=4, sides="coin") == knockout_round(state, round_number=1, seed=4, sides="coin")


@pytest.mark.parametrize(
    ("ranked", "k", "message"),
    [(["a", "b", "c"], 4, "needs at least 4"), (["a", "b"], 1, "at least 2"), (["a", "a", "b"], 2, "repeat")],
)
def test_break_errors(ranked: list[str], k: int, message: str) -> None:
    with pytest.raises(DrawError, match=message):
        break_seeds(ranked, k)


def test_break_takes_the_top_k_in_order() -> None:
    assert break_seeds(["x", "y", "z", "w"], 3) == ("x", "y", "z")


def test_advance_rejects_bad_winners() -> None:
    state = start_knockout(_names(4), 4)
    with pytest.raises(DrawError, match="exactly one winner"):
        advance_knockout(state, ["s01", "s04", "s02"])
    with pytest.raises(DrawError, match="exactly one winner"):
        advance_knockout(state, ["s01"])
    with pytest.raises(DrawError, match="not in this knockout"):
        advance_knockout(state, ["s01", "s02", "zz"])
    done = advance_knockout(advance_knockout(state, ["s01", "s02"]), ["s02"])
    with pytest.raises(DrawError, match="over"):
        knockout_round(done, round_number=9, seed=0)
    with pytest.raises(DrawError):
        bracket_order(6)


@pytest.mark.parametrize("k", [2, 3, 4, 5, 6, 7, 8, 12, 16])
def test_the_seeds_read_back_from_the_first_round_drawn(k: int) -> None:
    state = start_knockout(_names(k + 2), k)
    draw = knockout_round(state, round_number=4, seed=3)
    assert seeds_as_drawn(draw, k) == state.seeds


def test_a_first_round_without_seeds_gives_none() -> None:
    draw = knockout_round(start_knockout(_names(4), 4), round_number=4, seed=3)
    bare = draw.model_copy(update={"pairings": tuple(p.model_copy(update={"seeds": None}) for p in draw.pairings)})
    assert seeds_as_drawn(bare, 4) is None
