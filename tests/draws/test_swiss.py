"""Swiss draws: simulated tournaments checked against independent brute force, and crafted
cases for each step of the pipeline (brackets, pull-ups, fold, conflicts, sides, byes)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debate.draws.swiss import (
    ODD_POLICIES,
    fold_pairs,
    make_brackets,
    rank_records,
    resolve_odd_brackets,
)
from debate.core.errors import UserError
from debate.draws.pairing import Draw, DrawError, Record, swiss_draw

# ---------------------------------------------------------------------------------------------
# An independent tournament simulator and checks


@dataclass
class Sim:
    names: list[str]
    rating: dict[str, float]
    wins: dict[str, float] = field(default_factory=dict)
    ballots: dict[str, int] = field(default_factory=dict)
    score: dict[str, int] = field(default_factory=dict)
    prop: dict[str, int] = field(default_factory=dict)
    opp: dict[str, int] = field(default_factory=dict)
    met: dict[str, list[str]] = field(default_factory=dict)
    byes: dict[str, int] = field(default_factory=dict)
    last: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def new(cls, n: int, rng: random.Random) -> Sim:
        names = [f"c{i:02d}" for i in range(n)]
        ratings = rng.sample(range(1000, 3000), n)  # distinct, so the test can rank the field itself
        sim = cls(names=names, rating=dict(zip(names, map(float, ratings), strict=True)))
        for name in names:
            sim.wins[name], sim.ballots[name], sim.score[name] = 0.0, 0, 0
            sim.prop[name], sim.opp[name], sim.byes[name], sim.met[name], sim.last[name] = 0, 0, 0, [], None
        return sim

    def records(self) -> list[Record]:
        return [
            Record(
                name=n,
                wins=self.wins[n],
                ballots=self.ballots[n],
                score_total=self.score[n],
                rating=self.rating[n],
                proposition_count=self.prop[n],
                opposition_count=self.opp[n],
                opponents=tuple(self.met[n]),
                byes=self.byes[n],
                last_side=self.last[n],  # type: ignore[arg-type]
            )
            for n in self.names
        ]

    def balance(self, name: str) -> int:
        return self.prop[name] - self.opp[name]

    def times_met(self, a: str, b: str) -> int:
        return self.met[a].count(b)

    def play(self, draw: Draw, rng: random.Random) -> None:
        for p in draw.pairings:
            a, b = p.proposition, p.opposition
            winner, loser = (a, b) if rng.random() < 0.5 else (b, a)
            self.wins[winner] += 1
            self.ballots[winner] += rng.choice([2, 3])
            self.ballots[loser] += rng.choice([0, 1])
            self.score[winner] += rng.randrange(60, 80)
            self.score[loser] += rng.randrange(50, 75)
            self.prop[a] += 1
            self.opp[b] += 1
            self.last[a], self.last[b] = "proposition", "opposition"
            self.met[a].append(b)
            self.met[b].append(a)
        for name in draw.byes:
            self.byes[name] += 1

    def ranked(self) -> list[str]:
        return sorted(self.names, key=lambda n: (-self.wins[n], -self.ballots[n], -self.score[n], -self.rating[n]))


def _side_ok(sim: Sim, a: str, b: str) -> bool:
    # Two contestants due to the same side cannot meet without one going two sides adrift.
    return not (sim.balance(a) == sim.balance(b) != 0)


def _matchings(items: list[str]) -> Iterator[list[tuple[str, str]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for i, partner in enumerate(rest):
        for tail in _matchings(rest[:i] + rest[i + 1 :]):
            yield [(first, partner), *tail]


def _fewest_rematches_brute_force(sim: Sim, players: list[str]) -> int | None:
    """The fewest meetings-again over every side-valid draw of `players` (None if none)."""
    best = None
    for matching in _matchings(players):
        if all(_side_ok(sim, a, b) for a, b in matching):
            cost = sum(sim.times_met(a, b) for a, b in matching)
            best = cost if best is None else min(best, cost)
    return best


def _levels(sim: Sim, players: list[str]) -> dict[str, int]:
    """Each player's bracket: 0 for the most wins among `players`, 1 for the next, ..."""
    distinct = sorted({sim.wins[n] for n in players}, reverse=True)
    return {n: distinct.index(sim.wins[n]) for n in players}


def _best_brute_force(sim: Sim, players: list[str]) -> tuple[int, int]:
    """The least (rematches, bracket distance) over every side-valid draw of `players`."""
    level = _levels(sim, players)
    return min(
        (sum(sim.times_met(a, b) for a, b in m), sum(abs(level[a] - level[b]) for a, b in m))
        for m in _matchings(players)
        if all(_side_ok(sim, a, b) for a, b in m)
    )


def _ideal_fold(sim: Sim, players: list[str]) -> set[frozenset[str]]:
    """Brackets by wins; from the top, an odd bracket pulls up the best of the next non-empty
    one; then top half v bottom half of each."""
    groups: list[list[str]] = []
    for name in (n for n in sim.ranked() if n in players):
        if groups and sim.wins[groups[-1][0]] == sim.wins[name]:
            groups[-1].append(name)
        else:
            groups.append([name])
    pairs: set[frozenset[str]] = set()
    for i, group in enumerate(groups):
        if len(group) % 2:
            below = next(g for g in groups[i + 1 :] if g)
            group.append(below.pop(0))
        half = len(group) // 2
        pairs |= {frozenset((group[j], group[j + half])) for j in range(half)}
    return pairs


def _rematch_free_exists(sim: Sim, players: list[str]) -> bool:
    """Whether the players can all be paired without a rematch or a side clash
    (maximum-cardinality matching on the graph of allowed pairs)."""
    graph = nx.Graph()
    graph.add_nodes_from(players)
    graph.add_edges_from(
        (a, b)
        for i, a in enumerate(players)
        for b in players[i + 1 :]
        if sim.times_met(a, b) == 0 and _side_ok(sim, a, b)
    )
    return 2 * len(nx.max_weight_matching(graph, maxcardinality=True)) == len(players)


def _bye_order(sim: Sim, policy: str) -> list[str]:
    ranked = sim.ranked()
    position = {n: i for i, n in enumerate(ranked)}
    bottom = sim.wins[ranked[-1]]
    if policy == "bye":
        return sorted(ranked, key=lambda n: (sim.byes[n], -position[n]))
    return sorted(ranked, key=lambda n: (sim.wins[n] != bottom, sim.byes[n], -position[n]))


def check_round(sim: Sim, draw: Draw, policy: str) -> None:
    """Every invariant of one Swiss round, against the state before it was played."""
    names = sim.names
    playing = [x for p in draw.pairings for x in (p.proposition, p.opposition)]
    # Everyone plays exactly once or sits out; one bye exactly when the field is odd.
    assert len(playing) == len(set(playing))
    assert sorted(playing + list(draw.byes)) == sorted(names)
    assert len(draw.byes) == len(names) % 2
    assert all(p.proposition != p.opposition for p in draw.pairings)

    # Sides: allocated by the stated rule, and the balance stays within one after the round.
    for p in draw.pairings:
        a, b = p.proposition, p.opposition
        assert "swiss" in p.flags
        side_flags = [f for f in p.flags if f.startswith("sides-by-")]
        assert len(side_flags) == 1
        if sim.balance(a) != sim.balance(b):
            assert sim.balance(a) < sim.balance(b) and side_flags == ["sides-by-count"]
        elif sim.last[a] is not None and sim.last[b] is not None and sim.last[a] != sim.last[b]:
            assert sim.last[a] == "opposition" and side_flags == ["sides-by-last-side"]
        else:
            assert side_flags == ["sides-by-coin"]
        assert abs(sim.balance(a) + 1) <= 1 and abs(sim.balance(b) - 1) <= 1
        # A forced rematch is flagged exactly when the two have met.
        assert ("rematch-forced" in p.flags) == (sim.times_met(a, b) > 0)
        # Contestants on different wins meet only through a pull-up or a conflict.
        if sim.wins[a] != sim.wins[b]:
            assert {"pull-up", "cross-bracket"} & set(p.flags), p

    rematches = sum(sim.times_met(p.proposition, p.opposition) for p in draw.pairings)
    order = _bye_order(sim, policy)
    field_ = [n for n in names if n not in draw.byes]
    pairs = {frozenset((p.proposition, p.opposition)) for p in draw.pairings}
    # When the ideal fold has no conflict, it is the draw.
    ideal = _ideal_fold(sim, field_)
    if all(_side_ok(sim, *pair) and sim.times_met(*pair) == 0 for pair in ideal):
        assert pairs == ideal
        assert not {"rematch-avoided", "side-swap", "cross-bracket"} & set(draw.flags)
    if len(names) <= 8:
        # Brute force over every bye and every side-valid pairing.
        if len(names) % 2 == 0:
            assert rematches == _fewest_rematches_brute_force(sim, names)
        else:
            per_bye = {n: _fewest_rematches_brute_force(sim, [x for x in names if x != n]) for n in names}
            best = min(v for v in per_bye.values() if v is not None)
            assert rematches == best
            # The bye goes to the first in the policy's line who allows the fewest rematches.
            assert draw.byes[0] == next(n for n in order if per_bye[n] == best)
        # With the fewest rematches, the pairings are as few win levels apart as possible.
        level = _levels(sim, field_)
        distance = sum(abs(level[p.proposition] - level[p.opposition]) for p in draw.pairings)
        assert (rematches, distance) == _best_brute_force(sim, field_)
    else:
        if len(names) % 2 == 0:
            free = _rematch_free_exists(sim, names)
        else:
            free = any(_rematch_free_exists(sim, [x for x in names if x != n]) for n in names)
            if _rematch_free_exists(sim, [x for x in names if x != order[0]]):
                assert draw.byes == (order[0],)
        if free:
            assert rematches == 0


def simulate(n: int, rounds: int, seed: int, policy: str) -> list[Draw]:
    rng = random.Random(seed)
    sim = Sim.new(n, rng)
    draws = []
    for r in range(1, rounds + 1):
        draw = swiss_draw(sim.records(), round_number=r, seed=seed, odd=policy)  # type: ignore[arg-type]
        check_round(sim, draw, policy)
        sim.play(draw, rng)
        draws.append(draw)
    for name in sim.names:
        assert abs(sim.balance(name)) <= 1
    return draws


# ---------------------------------------------------------------------------------------------
# Simulated tournaments


@pytest.mark.parametrize("n", range(2, 25))
def test_simulated_tournament_keeps_every_invariant(n: int) -> None:
    # More rounds than a round robin has for small fields, so rematches become unavoidable.
    rounds = min(n + 2, 7)
    for policy in ODD_POLICIES if n % 2 else ("bye",):
        simulate(n, rounds, seed=1000 + n, policy=policy)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(2, 24),
    rounds=st.integers(1, 9),
    seed=st.integers(0, 2**32 - 1),
    policy=st.sampled_from(sorted(ODD_POLICIES)),
)
def test_random_tournaments_keep_every_invariant(n: int, rounds: int, seed: int, policy: str) -> None:
    simulate(n, rounds, seed, policy)


@settings(max_examples=80, deadline=None)
@given(n=st.integers(2, 8), seed=st.integers(0, 2**32 - 1), policy=st.sampled_from(sorted(ODD_POLICIES)))
def test_small_fields_long_tournaments_match_brute_force(n: int, seed: int, policy: str) -> None:
    # Two round robins' worth of rounds: rematches are forced, and must still be as few as possible.
    simulate(n, 2 * n, seed, policy)


def test_simulations_do_force_and_flag_rematches() -> None:
    # The brute-force checks above are only interesting if rematches actually get forced.
    flags = {f for draw in simulate(4, 8, seed=5, policy="bye") for p in draw.pairings for f in p.flags}
    assert "rematch-forced" in flags


# ---------------------------------------------------------------------------------------------
# Reproducibility


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 16), seed=st.integers(0, 10_000), shuffle_seed=st.integers(0, 10_000))
def test_draw_depends_on_records_and_seed_only(n: int, seed: int, shuffle_seed: int) -> None:
    rng = random.Random(seed)
    sim = Sim.new(n, rng)
    for r in range(1, 4):
        records = sim.records()
        shuffled = records[:]
        random.Random(shuffle_seed).shuffle(shuffled)
        draw = swiss_draw(records, round_number=r, seed=seed)
        assert swiss_draw(shuffled, round_number=r, seed=seed) == draw
        assert draw.method == "swiss" and draw.seed == seed and draw.round == r
        sim.play(draw, rng)


def test_seed_changes_the_coin_tosses() -> None:
    records = [Record(name=f"c{i}") for i in range(8)]
    draws = {swiss_draw(records, round_number=1, seed=s) for s in range(12)}
    assert len(draws) > 1


# ---------------------------------------------------------------------------------------------
# Crafted cases, one per pipeline step


def _rec(name: str, wins: float = 0, rating: float = 0, **kw: object) -> Record:
    return Record(name=name, wins=wins, rating=rating, **kw)  # type: ignore[arg-type]


def _pairs(draw: Draw) -> set[frozenset[str]]:
    return {frozenset((p.proposition, p.opposition)) for p in draw.pairings}


def _pairing(draw: Draw, name: str):
    return next(p for p in draw.pairings if name in (p.proposition, p.opposition))


def test_ranking_order_is_wins_ballots_score_rating() -> None:
    records = [
        _rec("rating", wins=1, rating=9),
        _rec("score", wins=1, score_total=5),
        _rec("ballots", wins=1, ballots=2),
        _rec("wins", wins=2),
        _rec("nothing", wins=1),
    ]
    ranked = [r.name for r in rank_records(records, seed=0, round_number=1)]
    assert ranked == ["wins", "ballots", "score", "rating", "nothing"]


def test_first_round_folds_the_field_by_rating() -> None:
    records = [_rec(f"c{i}", rating=100 - i) for i in range(8)]
    draw = swiss_draw(records, round_number=1, seed=0)
    assert _pairs(draw) == {frozenset(("c0", "c4")), frozenset(("c1", "c5")), frozenset(("c2", "c6")), frozenset(("c3", "c7"))}
    assert [p.bracket for p in draw.pairings] == [0, 0, 0, 0]
    assert not {"pull-up", "rematch-avoided", "side-swap", "cross-bracket"} & set(draw.flags)


def test_brackets_and_pull_up_steps() -> None:
    ranked = [_rec("a", 2), _rec("b", 1, 3), _rec("c", 1, 2), _rec("d", 1, 1), _rec("e", 0, 2), _rec("f", 0, 1)]
    brackets = make_brackets(ranked)
    assert [(b.wins, b.names) for b in brackets] == [(2, ["a"]), (1, ["b", "c", "d"]), (0, ["e", "f"])]
    resolved = resolve_odd_brackets(brackets)
    # a's bracket pulls up b; b's old bracket, now even, keeps c and d.
    assert [(b.wins, b.names) for b in resolved] == [(2, ["a", "b"]), (1, ["c", "d"]), (0, ["e", "f"])]
    assert [r.name for r in resolved[0].pulled_up] == ["b"]
    assert [fold_pairs(b) for b in resolved] == [[("a", "b")], [("c", "d")], [("e", "f")]]
    # The input brackets are not changed.
    assert [len(b.members) for b in brackets] == [1, 3, 2]


def test_pull_up_cascades_through_an_emptied_bracket() -> None:
    ranked = [_rec("a", 3), _rec("b", 2), _rec("c", 1), _rec("d", 1), _rec("e", 1), _rec("f", 0)]
    resolved = resolve_odd_brackets(make_brackets(ranked))
    assert [b.names for b in resolved] == [["a", "b"], ["c", "d", "e", "f"]]


def test_pull_up_is_flagged_and_explained() -> None:
    records = [_rec("a", 1, 3), _rec("b", 1, 2), _rec("c", 1, 1), _rec("d", 0, 3), _rec("e", 0, 2), _rec("f", 0, 1)]
    draw = swiss_draw(records, round_number=2, seed=0)
    # 1-win bracket a, b, c pulls up d: fold a v c, b v d; then e v f.
    assert _pairs(draw) == {frozenset(("a", "c")), frozenset(("b", "d")), frozenset(("e", "f"))}
    assert "pull-up" in _pairing(draw, "d").flags
    assert "pull-up" not in _pairing(draw, "a").flags
    assert _pairing(draw, "d").bracket == 1
    assert any("pulled up: d (from 0 points)" in note for note in draw.notes)


def test_rematch_in_the_fold_is_avoided_and_flagged() -> None:
    records = [
        _rec("a", rating=4, opponents=("c",), proposition_count=1, last_side="proposition"),
        _rec("b", rating=3, opponents=("d",), proposition_count=1, last_side="proposition"),
        _rec("c", rating=2, opponents=("a",), opposition_count=1, last_side="opposition"),
        _rec("d", rating=1, opponents=("b",), opposition_count=1, last_side="opposition"),
    ]
    draw = swiss_draw(records, round_number=2, seed=0)
    assert frozenset(("a", "c")) not in _pairs(draw) and frozenset(("b", "d")) not in _pairs(draw)
    assert all("rematch-avoided" in p.flags and "rematch-forced" not in p.flags for p in draw.pairings)
    assert any("a v c would have been a rematch" in note for note in draw.notes)


def test_side_clash_in_the_fold_is_swapped_and_flagged() -> None:
    # a and c both proposed last round: a v c would put one of them on proposition twice.
    records = [
        _rec("a", rating=4, proposition_count=1, last_side="proposition"),
        _rec("b", rating=3, opposition_count=1, last_side="opposition"),
        _rec("c", rating=2, proposition_count=1, last_side="proposition"),
        _rec("d", rating=1, opposition_count=1, last_side="opposition"),
    ]
    draw = swiss_draw(records, round_number=2, seed=0)
    assert _pairs(draw) == {frozenset(("a", "b")), frozenset(("c", "d"))} or _pairs(draw) == {
        frozenset(("a", "d")),
        frozenset(("b", "c")),
    }
    assert all("side-swap" in p.flags for p in draw.pairings)
    assert {p.proposition for p in draw.pairings} == {"b", "d"}
    assert all("sides-by-count" in p.flags for p in draw.pairings)


def test_conflict_across_brackets_is_flagged_cross_bracket() -> None:
    records = [
        _rec("a", 1, 2, opponents=("b",), proposition_count=1),
        _rec("b", 1, 1, opponents=("a",), opposition_count=1),
        _rec("c", 0, 2, opponents=("d",), proposition_count=1),
        _rec("d", 0, 1, opponents=("c",), opposition_count=1),
    ]
    draw = swiss_draw(records, round_number=2, seed=0)
    assert _pairs(draw) == {frozenset(("a", "d")), frozenset(("b", "c"))}
    assert all({"cross-bracket", "rematch-avoided"} <= set(p.flags) for p in draw.pairings)
    assert not any("rematch-forced" in p.flags for p in draw.pairings)


def test_unavoidable_rematch_is_flagged_forced() -> None:
    records = [_rec("a", 1, opponents=("b",), proposition_count=1), _rec("b", 0, opponents=("a",), opposition_count=1)]
    draw = swiss_draw(records, round_number=2, seed=0)
    (p,) = draw.pairings
    assert "rematch-forced" in p.flags and (p.proposition, p.opposition) == ("b", "a")
    assert any("no draw avoids every rematch" in note for note in draw.notes)


@pytest.mark.parametrize(
    ("a", "b", "proposition", "flag"),
    [
        ({"proposition_count": 1}, {}, "b", "sides-by-count"),
        ({}, {"opposition_count": 2, "proposition_count": 1}, "b", "sides-by-count"),
        ({"last_side": "opposition"}, {"last_side": "proposition"}, "a", "sides-by-last-side"),
        ({"last_side": "proposition"}, {"last_side": "opposition"}, "b", "sides-by-last-side"),
    ],
)
def test_side_allocation_rules(a: dict, b: dict, proposition: str, flag: str) -> None:
    draw = swiss_draw([_rec("a", 1, **a), _rec("b", 1, **b)], round_number=3, seed=0)
    (p,) = draw.pairings
    assert (p.proposition, flag in p.flags) == (proposition, True)


def test_side_coin_is_seeded_and_fair_enough() -> None:
    props = [swiss_draw([_rec("a"), _rec("b")], round_number=1, seed=s).pairings[0].proposition for s in range(200)]
    assert 60 < props.count("a") < 140


def test_odd_policies_differ_on_who_sits_out() -> None:
    # The bottom bracket (d, e) has had its byes; a, b and c have not.
    records = [_rec("a", 2), _rec("b", 1, 2), _rec("c", 1, 1), _rec("d", 0, 2, byes=1), _rec("e", 0, 1, byes=1)]
    rotating = swiss_draw(records, round_number=3, seed=0, odd="bye")
    whole = swiss_draw(records, round_number=3, seed=0, odd="pull-up")
    assert rotating.byes == ("c",) and "bye" in rotating.flags
    assert whole.byes == ("e",)
    assert any(note.startswith("bye: c sits out") for note in rotating.notes)
    # Without c, a is alone on 2 wins and pulls up b.
    assert "pull-up" in _pairing(rotating, "a").flags


def test_bye_moves_down_the_line_to_avoid_a_rematch() -> None:
    # c is first in line for the bye, but then a and b must meet again.
    records = [_rec("a", 1, 2, opponents=("b",), proposition_count=1), _rec("b", 1, 1, opponents=("a",), opposition_count=1), _rec("c", 0)]
    draw = swiss_draw(records, round_number=2, seed=0)
    assert draw.byes != ("c",)
    assert not any("rematch-forced" in p.flags for p in draw.pairings)
    assert any("c was first in line" in note for note in draw.notes)


@pytest.mark.parametrize("bad", [[], [Record(name="solo")], [Record(name="x"), Record(name="x")]])
def test_rejects_bad_fields(bad: list[Record]) -> None:
    with pytest.raises(DrawError):
        swiss_draw(bad, round_number=1, seed=0)


def test_unknown_odd_policy_is_a_user_error_and_a_value_error() -> None:
    with pytest.raises(DrawError, match="bye, pull-up") as caught:
        swiss_draw([_rec("a"), _rec("b")], round_number=1, seed=0, odd="swing")  # type: ignore[arg-type]
    assert isinstance(caught.value, UserError) and isinstance(caught.value, ValueError)
