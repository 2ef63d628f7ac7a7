"""Standings: every column on crafted results, tie-break orders, shared ranks, bye policies,
validation, and the conversion to Swiss records."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debate.draws.pairing import Draw, DrawError, Pairing, RatingEstimate, swiss_draw
from debate.draws.standings import (
    DEFAULT_TIE_BREAKS,
    TIE_BREAKS,
    DebateResult,
    StandingRow,
    compute_standings,
    records_for_swiss,
)


def _r(prop: str, opp: str, winner: str | None, bp: float = 0, bo: float = 0, sp: float = 0, so: float = 0, margin: float | None = None) -> DebateResult:
    return DebateResult(
        proposition=prop, opposition=opp, winner=winner, ballots_prop=bp, ballots_opp=bo, score_prop=sp, score_opp=so, margin=margin  # type: ignore[arg-type]
    )


def _by_name(rows: list[StandingRow]) -> dict[str, StandingRow]:
    return {row.name: row for row in rows}


def test_every_column_on_a_small_tournament() -> None:
    results = [
        _r("a", "b", "proposition", 3, 0, 80, 70),
        _r("c", "a", "opposition", 1, 2, 60, 75),
        _r("b", "c", "tie", 1, 1, 65, 65),
        _r("a", "c", None, 0, 0, 0, 0),  # not judged yet: ignored
    ]
    rows = _by_name(compute_standings(["a", "b", "c"], results))
    a, b, c = rows["a"], rows["b"], rows["c"]
    assert (a.debates, a.wins, a.losses, a.ties, a.ballots) == (2, 2.0, 0, 0, 5.0)
    assert (b.debates, b.wins, b.losses, b.ties, b.ballots) == (2, 0.5, 1, 1, 1.0)
    assert (c.debates, c.wins, c.losses, c.ties, c.ballots) == (2, 0.5, 1, 1, 2.0)
    assert (a.score_total, a.score_average, a.margin) == (155.0, 77.5, 25.0)
    assert (b.score_total, b.margin) == (135.0, -10.0)
    assert (c.score_total, c.margin) == (125.0, -15.0)
    # Opponent strength: the sum of the opponents' wins, once per debate.
    assert (a.opponent_strength, b.opponent_strength, c.opponent_strength) == (1.0, 2.5, 2.5)
    assert [r.rank for r in compute_standings(["a", "b", "c"], results)] == [1, 2, 3]
    assert [r.name for r in compute_standings(["a", "b", "c"], results)] == ["a", "c", "b"]  # c on ballots


def test_tie_break_order_is_configurable() -> None:
    # x and y both have one win; x has more ballots, y the higher score and margin.
    results = [
        _r("x", "z", "proposition", 3, 0, 70, 69),
        _r("y", "w", "proposition", 2, 1, 90, 50),
    ]
    names = ["w", "x", "y", "z"]
    order = lambda tb: [r.name for r in compute_standings(names, results, tie_breaks=tb)][:2]
    assert order(("wins", "ballots")) == ["x", "y"]
    assert order(("wins", "score_total")) == ["y", "x"]
    assert order(("wins", "margin")) == ["y", "x"]
    assert order(("ballots",)) == ["x", "y"]


def test_equal_keys_share_a_rank_and_are_listed_by_name() -> None:
    results = [_r("d", "a", "proposition"), _r("c", "b", "proposition")]
    rows = compute_standings(["a", "b", "c", "d", "e"], results, tie_breaks=("wins",))
    assert [(r.rank, r.name) for r in rows] == [(1, "c"), (1, "d"), (3, "a"), (3, "b"), (3, "e")]


def test_given_margin_replaces_the_score_difference() -> None:
    rows = _by_name(compute_standings(["p", "o"], [_r("p", "o", "proposition", sp=70, so=60, margin=3)]))
    assert (rows["p"].margin, rows["o"].margin) == (3.0, -3.0)


def test_opponent_strength_breaks_a_tie_on_wins() -> None:
    # s beat t (two wins), w beat u (none); both lost to x (two wins).
    results = [
        _r("s", "t", "proposition"),
        _r("w", "u", "proposition"),
        _r("t", "y", "proposition"),
        _r("t", "z", "proposition"),
        _r("x", "s", "proposition"),
        _r("x", "w", "proposition"),
    ]
    rows = compute_standings(list("stuwxyz"), results, tie_breaks=("wins", "opponent_strength"))
    table = {r.name: r for r in rows}
    assert table["s"].wins == table["w"].wins == 1
    assert (table["s"].opponent_strength, table["w"].opponent_strength) == (4, 2)
    assert table["s"].rank < table["w"].rank
    # Without the tie-break they share a rank.
    plain = {r.name: r for r in compute_standings(list("stuwxyz"), results, tie_breaks=("wins",))}
    assert plain["s"].rank == plain["w"].rank


@pytest.mark.parametrize(
    ("policy", "wins", "ballots", "score"),
    [("win", 3.0, 4.0, 150.0), ("none", 2.0, 4.0, 150.0), ("average", 3.0, 6.0, 225.0)],
)
def test_bye_policies(policy: str, wins: float, ballots: float, score: float) -> None:
    results = [_r("a", "b", "proposition", 2, 1, 80, 60), _r("c", "a", "opposition", 0, 2, 50, 70)]
    rows = _by_name(compute_standings(["a", "b", "c"], results, {"a": 1}, bye_policy=policy))  # type: ignore[arg-type]
    a = rows["a"]
    assert (a.wins, a.ballots, a.score_total, a.byes) == (wins, ballots, score, 1)
    assert a.score_average == 75.0  # per judged debate, whatever the bye policy
    # The bye credit counts for the opponents' strength too.
    assert rows["b"].opponent_strength == wins


def test_average_bye_before_any_debate_adds_nothing() -> None:
    rows = _by_name(compute_standings(["a", "b"], [], {"a": 2}, bye_policy="average"))
    assert (rows["a"].wins, rows["a"].byes) == (0.0, 2)


def test_ratings_are_shown_and_can_break_ties() -> None:
    ratings = [RatingEstimate(name="a", rating=1400, lower=1350, upper=1450), RatingEstimate(name="b", rating=1600)]
    rows = compute_standings(["a", "b", "c"], [], tie_breaks=("wins", "rating"), ratings=ratings)
    assert [r.name for r in rows] == ["b", "a", "c"]  # unrated last
    assert (rows[1].rating, rows[1].rating_lower, rows[1].rating_upper) == (1400, 1350, 1450)
    assert rows[2].rating is None and rows[2].rank == 3


@pytest.mark.parametrize("bad", [("wins", "speaks"), ("elo",), ()])
def test_unknown_tie_breaks_are_rejected_with_the_allowed_list(bad: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="allowed: wins, ballots, score_total") as caught:
        compute_standings(["a", "b"], [], tie_breaks=bad)
    assert isinstance(caught.value, DrawError)
    for name in bad:
        assert (repr(name) in str(caught.value)) == (name not in TIE_BREAKS)


def test_other_validation() -> None:
    with pytest.raises(ValueError, match="more than once"):
        compute_standings(["a", "b"], [], tie_breaks=("wins", "wins"))
    with pytest.raises(ValueError, match="bye policy"):
        compute_standings(["a", "b"], [], bye_policy="half")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown contestants: zed"):
        compute_standings(["a", "b"], [_r("a", "zed", "proposition")])
    with pytest.raises(ValueError, match="unknown contestants: q"):
        compute_standings(["a", "b"], [], {"q": 1})
    with pytest.raises(ValueError, match="both sides"):
        compute_standings(["a", "b"], [_r("a", "a", "tie")])
    with pytest.raises(ValueError):
        compute_standings(["a", "a"], [])
    assert set(DEFAULT_TIE_BREAKS) <= set(TIE_BREAKS)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 10),
    seed=st.integers(0, 10_000),
    debates=st.integers(0, 30),
    tie_breaks=st.lists(st.sampled_from(sorted(TIE_BREAKS)), min_size=1, max_size=4, unique=True),
)
def test_totals_and_ranks_are_consistent(n: int, seed: int, debates: int, tie_breaks: list[str]) -> None:
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(n)]
    results = []
    for _ in range(debates):
        a, b = rng.sample(names, 2)
        winner = rng.choice(["proposition", "opposition", "tie", None])
        results.append(_r(a, b, winner, rng.randint(0, 3), rng.randint(0, 3), rng.randint(40, 80), rng.randint(40, 80)))
    rows = compute_standings(names, results, tie_breaks=tie_breaks, bye_policy="none")
    judged = [r for r in results if r.winner is not None]
    assert sorted(r.name for r in rows) == sorted(names)
    assert sum(r.wins for r in rows) == len(judged)
    assert sum(r.debates for r in rows) == 2 * len(judged)
    assert sum(r.margin for r in rows) == pytest.approx(0)
    assert sum(r.ballots for r in rows) == sum(r.ballots_prop + r.ballots_opp for r in judged)

    def key(row: StandingRow) -> tuple[float, ...]:
        return tuple(-float("inf") if getattr(row, k) is None else round(getattr(row, k), 9) for k in tie_breaks)

    # Competition ranking: one more than the number of rows strictly ahead.
    for row in rows:
        assert row.rank == 1 + sum(key(other) > key(row) for other in rows)
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)


def test_records_for_swiss_reads_sides_opponents_and_byes_from_the_draws() -> None:
    history = [
        Draw(round=2, pairings=(Pairing(proposition="b", opposition="a"),), byes=("c",)),
        Draw(round=1, pairings=(Pairing(proposition="a", opposition="c"),), byes=("b",)),
    ]
    results = [_r("a", "c", "proposition", 1, 0, 70, 60), _r("b", "a", "opposition", 0, 1, 65, 72)]
    standings = compute_standings(["a", "b", "c"], results, {"b": 1, "c": 1}, ratings=[RatingEstimate(name="a", rating=1234)])
    records = {r.name: r for r in records_for_swiss(standings, history)}
    a, b, c = records["a"], records["b"], records["c"]
    assert (a.wins, a.ballots, a.score_total, a.rating) == (2.0, 2.0, 142.0, 1234.0)
    assert (a.proposition_count, a.opposition_count, a.last_side, a.opponents, a.byes) == (1, 1, "opposition", ("c", "b"), 0)
    assert (b.proposition_count, b.last_side, b.opponents, b.byes, b.wins, b.rating) == (1, "proposition", ("a",), 1, 1.0, 0.0)
    assert (c.opposition_count, c.last_side, c.byes) == (1, "opposition", 1)
    # And they feed the next Swiss round: a is the only one without a bye, so a sits out;
    # c, one opposition up, proposes.
    draw = swiss_draw(list(records.values()), round_number=3, seed=0)
    assert draw.byes == ("a",)
    assert [(p.proposition, p.opposition) for p in draw.pairings] == [("c", "b")]
