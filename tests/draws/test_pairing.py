"""Draws: round robin by the circle method, schedules, motion assignment (known draws, and
round by round)."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debate.draws.pairing import (
    Draw,
    Pairing,
    Record,
    motion_for_round,
    motions_per_debate,
    record_motions,
    round_robin,
    schedule,
    swiss_draw,
)

SIZES = range(2, 10)


def _names(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


def _first_cycle_length(n: int) -> int:
    return n if n % 2 else n - 1


@pytest.mark.parametrize("n", SIZES)
def test_every_pair_meets_twice_once_on_each_side(n: int) -> None:
    names = _names(n)
    draws = round_robin(names, both_sides=True)
    assert len(draws) == 2 * _first_cycle_length(n)
    assert [d.round for d in draws] == list(range(1, len(draws) + 1))
    ordered = Counter((p.proposition, p.opposition) for d in draws for p in d.pairings)
    expected = {(a, b) for a in names for b in names if a != b}
    assert set(ordered) == expected
    assert all(count == 1 for count in ordered.values())


@pytest.mark.parametrize("n", SIZES)
def test_sides_once_meets_each_pair_exactly_once(n: int) -> None:
    names = _names(n)
    draws = round_robin(names, both_sides=False)
    assert len(draws) == _first_cycle_length(n)
    pairs = Counter(frozenset((p.proposition, p.opposition)) for d in draws for p in d.pairings)
    assert len(pairs) == n * (n - 1) // 2
    assert set(pairs.values()) == {1}


@pytest.mark.parametrize("n", SIZES)
def test_each_contestant_plays_at_most_once_per_round(n: int) -> None:
    names = _names(n)
    for draw in round_robin(names, both_sides=True):
        playing = [x for p in draw.pairings for x in (p.proposition, p.opposition)]
        assert len(playing) == len(set(playing))
        assert set(playing) | set(draw.byes) == set(names)
        assert not set(playing) & set(draw.byes)
        assert all(p.proposition != p.opposition for p in draw.pairings)


@pytest.mark.parametrize("n", SIZES)
def test_byes_only_for_odd_fields_one_per_round_everyone_once_per_cycle(n: int) -> None:
    names = _names(n)
    draws = round_robin(names, both_sides=True)
    if n % 2 == 0:
        assert all(d.byes == () for d in draws)
        assert all(len(d.pairings) == n // 2 for d in draws)
        return
    assert all(len(d.byes) == 1 for d in draws)
    assert all(len(d.pairings) == (n - 1) // 2 for d in draws)
    cycle = _first_cycle_length(n)
    for start in (0, cycle):
        byes = [d.byes[0] for d in draws[start : start + cycle]]
        assert sorted(byes) == sorted(names)


@pytest.mark.parametrize("n", SIZES)
def test_second_cycle_mirrors_the_first_with_sides_swapped(n: int) -> None:
    draws = round_robin(_names(n), both_sides=True)
    cycle = _first_cycle_length(n)
    for first, second in zip(draws[:cycle], draws[cycle:], strict=True):
        assert [(p.opposition, p.proposition) for p in first.pairings] == [(p.proposition, p.opposition) for p in second.pairings]
        assert first.byes == second.byes


def _side_imbalance(n: int) -> dict[str, int]:
    prop: Counter[str] = Counter()
    opp: Counter[str] = Counter()
    for draw in round_robin(_names(n), both_sides=False):
        for p in draw.pairings:
            prop[p.proposition] += 1
            opp[p.opposition] += 1
    return {name: prop[name] - opp[name] for name in _names(n)}


def test_two_contestants_first_cycle_is_balanced() -> None:
    assert sorted(_side_imbalance(2).values()) == [-1, 1]


@pytest.mark.parametrize("n", range(3, 10))
def test_first_cycle_sides_differ_by_at_most_one(n: int) -> None:
    imbalance = _side_imbalance(n)
    assert all(abs(d) <= 1 for d in imbalance.values()), imbalance


def test_round_robin_needs_two() -> None:
    with pytest.raises(ValueError):
        round_robin(["solo"])
    with pytest.raises(ValueError):
        round_robin([])


def test_schedule_default_is_the_whole_round_robin() -> None:
    names = _names(4)
    assert schedule(names, method="round-robin", both_sides=True, rounds=None) == round_robin(names, both_sides=True)
    assert schedule(names, method="round-robin", both_sides=False, rounds=None) == round_robin(names, both_sides=False)


def test_schedule_truncates() -> None:
    names = _names(5)
    full = round_robin(names, both_sides=True)
    short = schedule(names, method="round-robin", both_sides=True, rounds=3)
    assert [d.round for d in short] == [1, 2, 3]
    assert [d.pairings for d in short] == [d.pairings for d in full[:3]]


def test_schedule_repeats_and_renumbers() -> None:
    names = _names(3)
    full = round_robin(names, both_sides=True)  # 6 rounds
    long = schedule(names, method="round-robin", both_sides=True, rounds=14)
    assert len(long) == 14
    assert [d.round for d in long] == list(range(1, 15))
    for i, draw in enumerate(long):
        assert draw.pairings == full[i % len(full)].pairings
        assert draw.byes == full[i % len(full)].byes


def test_schedule_rejects_unknown_method() -> None:
    with pytest.raises(ValueError, match="swiss"):
        schedule(_names(4), method="swiss", both_sides=True, rounds=None)


# ---------------------------------------------------------------------------------------------
# Motions chosen one round at a time (for draws not known in advance)

def _pair_key(p: Pairing) -> frozenset[str]:
    return frozenset((p.proposition, p.opposition))


def _debated(history: dict[tuple[str, str], set[str]], p: Pairing) -> set[str]:
    return history.get((p.proposition, p.opposition), set()) | history.get((p.opposition, p.proposition), set())


def _repeats(draws: list[Draw], motions: list[list[str]]) -> list[tuple[tuple[str, str], str]]:
    """(pairing with its sides, motion) given more than once."""
    seen: Counter[tuple[tuple[str, str], str]] = Counter()
    for draw, chosen in zip(draws, motions, strict=True):
        for p, motion in zip(draw.pairings, chosen, strict=True):
            seen[((p.proposition, p.opposition), motion)] += 1
    return [key for key, count in seen.items() if count > 1]


def _legs(draws: list[Draw], motions: list[list[str]]) -> dict[frozenset[str], dict[str, list[str]]]:
    """Per pair, the motions each contestant debated as proposition, in round order."""
    out: dict[frozenset[str], dict[str, list[str]]] = {}
    for draw, chosen in zip(draws, motions, strict=True):
        for p, motion in zip(draw.pairings, chosen, strict=True):
            out.setdefault(_pair_key(p), {}).setdefault(p.proposition, []).append(motion)
    return out


def _round_by_round(draws: list[Draw], keys: list[str], seed: int, *, per_debate: bool) -> list[list[str]]:
    history: dict[tuple[str, str], set[str]] = {}
    chosen: list[list[str]] = []
    for draw in draws:
        picked = motions_per_debate(draw, history, keys, seed) if per_debate else [motion_for_round(draw, history, keys, seed, draw.round)] * len(draw.pairings)
        chosen.append(picked)
        history = record_motions(history, draw, picked)
    return chosen


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("cycles", [1, 3])
@pytest.mark.parametrize("per_debate", [False, True])
def test_a_side_swapped_rematch_debates_its_first_legs_motion(n: int, cycles: int, per_debate: bool) -> None:
    names = _names(n)
    one = len(round_robin(names, both_sides=True))
    draws = schedule(names, method="round-robin", both_sides=True, rounds=one * cycles)
    for extra in (0, 2):
        motions = [f"m{j}" for j in range(cycles + extra)]
        for seed in range(3):
            chosen = _round_by_round(draws, motions, seed, per_debate=per_debate)
            # No pairing repeats a motion on the same sides, and each pair's two sides
            # debate the same motions in the same order: the rematch replays its first leg.
            assert _repeats(draws, chosen) == []
            for pair, by_side in _legs(draws, chosen).items():
                first, second = (by_side[name] for name in sorted(pair))
                assert first == second and len(set(first)) == cycles


def test_motion_for_round_spreads_the_motions() -> None:
    draws = round_robin(_names(4), both_sides=True)
    first_cycle = len(draws) // 2
    motions = [f"m{j}" for j in range(first_cycle)]
    chosen = [c[0] for c in _round_by_round(draws, motions, 3, per_debate=False)]
    assert sorted(chosen[:first_cycle]) == sorted(motions)
    assert chosen[first_cycle:] == chosen[:first_cycle]  # the second cycle swaps the sides of the first
    # Motions other pairings have debated count against a motion, whatever the seed or round.
    others = {("x", "y"): {"m0", "m1"}, ("z", "x"): {"m2", "m0"}}
    for seed in range(6):
        for r in range(1, 5):
            assert motion_for_round(draws[0], others, ["m0", "m1", "m2", "m3"], seed, r) == "m3"


def test_only_a_side_swapped_rematch_replays_a_motion() -> None:
    first = Pairing(proposition="a", opposition="b")
    history = {("a", "b"): {"m0"}}
    keys = ["m0", "m1"]
    swapped = Draw(round=2, pairings=(Pairing(proposition="b", opposition="a", flags=("round-robin", "sides-swapped")),))
    plain = Draw(round=2, pairings=(Pairing(proposition="b", opposition="a"),))  # e.g. a Swiss rematch
    same_sides = Draw(round=2, pairings=(first.model_copy(update={"flags": ("sides-swapped",)}),))
    for seed in range(6):
        assert motion_for_round(swapped, history, keys, seed) == "m0"
        assert motions_per_debate(swapped, history, keys, seed) == ["m0"]
        assert motion_for_round(plain, history, keys, seed) == "m1"
        assert motions_per_debate(plain, history, keys, seed) == ["m1"]
        assert motion_for_round(same_sides, history, keys, seed) == "m1"


def _swiss_rounds(n: int, rounds: int, seed: int) -> list[Draw]:
    rng = random.Random(seed)
    wins = {name: 0 for name in _names(n)}
    prop = dict.fromkeys(wins, 0)
    opp = dict.fromkeys(wins, 0)
    met: dict[str, list[str]] = {name: [] for name in wins}
    draws = []
    for r in range(1, rounds + 1):
        records = [
            Record(name=x, wins=wins[x], proposition_count=prop[x], opposition_count=opp[x], opponents=tuple(met[x]))
            for x in wins
        ]
        draw = swiss_draw(records, round_number=r, seed=seed)
        for p in draw.pairings:
            wins[rng.choice((p.proposition, p.opposition))] += 1
            prop[p.proposition] += 1
            opp[p.opposition] += 1
            met[p.proposition].append(p.opposition)
            met[p.opposition].append(p.proposition)
        draws.append(draw)
    return draws


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 12), rounds=st.integers(1, 12), motions=st.integers(1, 8), seed=st.integers(0, 10_000))
def test_motions_round_by_round_avoid_repeats_whenever_possible(n: int, rounds: int, motions: int, seed: int) -> None:
    keys = [f"m{j}" for j in range(motions)]
    draws = _swiss_rounds(n, rounds, seed)
    whole: dict[tuple[str, str], set[str]] = {}
    each: dict[tuple[str, str], set[str]] = {}
    for draw in draws:
        # One motion for the round: a motion no pairing of the round has had, if there is one.
        motion = motion_for_round(draw, whole, keys, seed, draw.round)
        free = set(keys) - set().union(*(_debated(whole, p) for p in draw.pairings))
        assert motion in (free or set(keys))
        whole = record_motions(whole, draw, motion)
        # One motion per debate: each pairing gets one it has not had, while any is left.
        chosen = motions_per_debate(draw, each, keys, seed)
        assert len(chosen) == len(draw.pairings)
        for p, m in zip(draw.pairings, chosen, strict=True):
            done = _debated(each, p)
            assert m in keys and (m not in done or done >= set(keys))
        each = record_motions(each, draw, chosen)


def test_motions_per_debate_spread_within_a_round() -> None:
    draw = round_robin(_names(8))[0]
    chosen = motions_per_debate(draw, {}, ["a", "b", "c", "d"], seed=0)
    assert sorted(chosen) == ["a", "b", "c", "d"]
    chosen = motions_per_debate(draw, {}, ["a", "b"], seed=0)
    assert sorted(chosen) == ["a", "a", "b", "b"]


def test_round_by_round_motions_are_deterministic_and_seeded() -> None:
    draw = round_robin(_names(6))[2]
    keys = [f"m{j}" for j in range(10)]
    for seed in range(5):
        assert motion_for_round(draw, {}, keys, seed) == motion_for_round(draw, {}, list(reversed(keys)), seed)
        assert motions_per_debate(draw, {}, keys, seed) == motions_per_debate(draw, {}, list(reversed(keys)), seed)
    assert len({motion_for_round(draw, {}, keys, seed) for seed in range(10)}) > 1
    # The round number rotates the order: successive fresh rounds start at different motions.
    assert len({motion_for_round(draw, {}, keys, 0, r) for r in range(1, 6)}) == 5


def test_record_motions_returns_a_new_history() -> None:
    draw = round_robin(_names(4))[0]
    history: dict[tuple[str, str], set[str]] = {("c0", "c3"): {"old"}}
    updated = record_motions(history, draw, "new")
    assert history == {("c0", "c3"): {"old"}}
    assert all(updated[(p.proposition, p.opposition)] >= {"new"} for p in draw.pairings)
    per = record_motions({}, draw, ["x", "y"])
    assert [per[(p.proposition, p.opposition)] for p in draw.pairings] == [{"x"}, {"y"}]
    with pytest.raises(ValueError):
        record_motions({}, draw, ["x"])
    with pytest.raises(ValueError):
        motion_for_round(draw, {}, [], seed=0)
    with pytest.raises(ValueError):
        motions_per_debate(draw, {}, [], seed=0)


def test_new_draw_fields_default_to_nothing() -> None:
    # Round-robin draws keep their shape: the optional fields added for other methods are unset.
    draw = round_robin(_names(3))[0]
    assert (draw.method, draw.seed, draw.flags) == (None, None, ())
    assert all(p.bracket is None and p.seeds is None for p in draw.pairings)
    assert Draw.model_validate_json(draw.model_dump_json()) == draw
