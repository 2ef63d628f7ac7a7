"""Standings: every column on crafted results, whole W-L-T beside points, voided debates,
tie-break orders, shared ranks, bye policies, validation, and the conversion to Swiss records."""

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


def _r(prop: str, opp: str, winner: str | None, bp: float = 0, bo: float = 0, sp: float = 0, so: float = 0, margin: float | None = None, voided: bool = False) -> DebateResult:
    return DebateResult(
        proposition=prop, opposition=opp, winner=winner, ballots_prop=bp, ballots_opp=bo, score_prop=sp, score_opp=so, margin=margin, voided=voided  # type: ignore[arg-type]
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
    assert (a.debates, a.wins, a.losses, a.ties, a.points, a.ballots) == (2, 2, 0, 0, 2.0, 5.0)
    assert (b.debates, b.wins, b.losses, b.ties, b.points, b.ballots) == (2, 0, 1, 1, 0.5, 1.0)
    assert (c.debates, c.wins, c.losses, c.ties, c.points, c.ballots) == (2, 0, 1, 1, 0.5, 2.0)
    assert (a.score_total, a.score_average, a.margin) == (155.0, 77.5, 25.0)
    assert (b.score_total, b.margin) == (135.0, -10.0)
    assert (c.score_total, c.margin) == (125.0, -15.0)
    # Opponent strength: the sum of the opponents' points, once per debate.
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
    assert order(("points", "ballots")) == ["x", "y"]
    assert order(("points", "score_total")) == ["y", "x"]
    assert order(("points", "margin")) == ["y", "x"]
    assert order(("ballots",)) == ["x", "y"]


def test_equal_keys_share_a_rank_and_are_listed_by_name() -> None:
    results = [_r("d", "a", "proposition"), _r("c", "b", "proposition")]
    rows = compute_standings(["a", "b", "c", "d", "e"], results, tie_breaks=("points",))
    assert [(r.rank, r.name) for r in rows] == [(1, "c"), (1, "d"), (3, "a"), (3, "b"), (3, "e")]


def test_given_margin_replaces_the_score_difference() -> None:
    rows = _by_name(compute_standings(["p", "o"], [_r("p", "o", "proposition", sp=70, so=60, margin=3)]))
    assert (rows["p"].margin, rows["o"].margin) == (3.0, -3.0)


def test_opponent_strength_breaks_a_tie_on_points() -> None:
    # s beat t (two wins), w beat u (none); both lost to x (two wins).
    results = [
        _r("s", "t", "proposition"),
        _r("w", "u", "proposition"),
        _r("t", "y", "proposition"),
        _r("t", "z", "proposition"),
        _r("x", "s", "proposition"),
        _r("x", "w", "proposition"),
    ]
    rows = compute_standings(list("stuwxyz"), results, tie_breaks=("points", "opponent_strength"))
    table = {r.name: r for r in rows}
    assert table["s"].wins == table["w"].wins == 1
    assert (table["s"].opponent_strength, table["w"].opponent_strength) == (4, 2)
    assert table["s"].rank < table["w"].rank
    # Without the tie-break they share a rank.
    plain = {r.name: r for r in compute_standings(list("stuwxyz"), results, tie_breaks=("points",))}
    assert plain["s"].rank == plain["w"].rank


@pytest.mark.parametrize(
    ("policy", "points", "ballots", "score"),
    [("win", 3.0, 4.0, 150.0), ("none", 2.0, 4.0, 150.0), ("average", 3.0, 6.0, 225.0)],
)
def test_bye_policies(policy: str, points: float, ballots: float, score: float) -> None:
    results = [_r("a", "b", "proposition", 2, 1, 80, 60), _r("c", "a", "opposition", 0, 2, 50, 70)]
    rows = _by_name(compute_standings(["a", "b", "c"], results, {"a": 1}, bye_policy=policy))  # type: ignore[arg-type]
    a = rows["a"]
    assert (a.points, a.ballots, a.score_total, a.byes) == (points, ballots, score, 1)
    assert (a.debates, a.wins, a.losses, a.ties) == (2, 2, 0, 0)  # a bye is not a debate won
    assert a.score_average == 75.0  # per judged debate, whatever the bye policy
    # The bye credit counts for the opponents' strength too.
    assert rows["b"].opponent_strength == points


def test_average_bye_before_any_debate_adds_nothing() -> None:
    rows = _by_name(compute_standings(["a", "b"], [], {"a": 2}, bye_policy="average"))
    assert (rows["a"].points, rows["a"].wins, rows["a"].byes) == (0.0, 0, 2)


def test_w_l_t_count_whole_debates_and_points_count_a_tie_half() -> None:
    # The case: five wins and two ties over seven debates is W 5 T 2, 6 points.
    results = [_r("a", f"o{i}", "proposition") for i in range(5)] + [_r(f"o{i}", "a", "tie") for i in range(2)]
    names = ["a", *(f"o{i}" for i in range(5))]
    a = _by_name(compute_standings(names, results))["a"]
    assert (a.debates, a.wins, a.losses, a.ties, a.points) == (7, 5, 0, 2, 6.0)
    assert isinstance(a.wins, int)
    others = _by_name(compute_standings(names, results))
    for row in others.values():
        assert row.wins + row.losses + row.ties == row.debates
        assert row.points == row.wins + row.ties / 2


def test_a_voided_debate_counts_only_as_voided() -> None:
    # The leaker "won" twice, both voided; b and c decided one debate between them.
    results = [
        _r("leaker", "b", "proposition", 1, 0, 90, 10, voided=True),
        _r("c", "leaker", "opposition", 0, 1, 10, 90, voided=True),
        _r("b", "c", "proposition", 1, 0, 60, 50),
    ]
    rows = compute_standings(["leaker", "b", "c"], results)
    table = _by_name(rows)
    leaker = table["leaker"]
    assert (leaker.debates, leaker.wins, leaker.points, leaker.ballots, leaker.score_total, leaker.margin, leaker.voided) == (0, 0, 0.0, 0.0, 0.0, 0.0, 2)
    assert (table["b"].debates, table["b"].wins, table["b"].voided, table["b"].opponent_strength) == (1, 1, 1, 0.0)
    assert (table["c"].losses, table["c"].voided) == (1, 1)
    assert rows[0].name == "b" and leaker.rank > 1


def test_the_former_tie_break_name_wins_reads_as_points() -> None:
    results = [_r("x", "y", "tie"), _r("x", "z", "proposition")]
    renamed = compute_standings(["x", "y", "z"], results, tie_breaks=("wins", "ballots"))
    assert renamed == compute_standings(["x", "y", "z"], results, tie_breaks=("points", "ballots"))
    with pytest.raises(ValueError, match="more than once"):
        compute_standings(["x", "y"], [], tie_breaks=("wins", "points"))


def test_ratings_are_shown_and_can_break_ties() -> None:
    ratings = [RatingEstimate(name="a", rating=1400, lower=1350, upper=1450), RatingEstimate(name="b", rating=1600)]
    rows = compute_standings(["a", "b", "c"], [], tie_breaks=("points", "rating"), ratings=ratings)
    assert [r.name for r in rows] == ["b", "a", "c"]  # unrated last
    assert (rows[1].rating, rows[1].rating_lower, rows[1].rating_upper) == (1400, 1350, 1450)
    assert rows[2].rating is None and rows[2].rank == 3


@pytest.mark.parametrize("bad", [("points", "speaks"), ("elo",), ()])
def test_unknown_tie_breaks_are_rejected_with_the_allowed_list(bad: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="allowed: points, ballots, score_total") as caught:
        compute_standings(["a", "b"], [], tie_breaks=bad)
    assert isinstance(caught.value, DrawError)
    for name in bad:
        assert (repr(name) in str(caught.value)) == (name not in TIE_BREAKS)


def test_other_validation() -> None:
    with pytest.raises(ValueError, match="more than once"):
        compute_standings(["a", "b"], [], tie_breaks=("points", "points"))
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
        voided = winner is not None and rng.random() < 0.2
        results.append(_r(a, b, winner, rng.randint(0, 3), rng.randint(0, 3), rng.randint(40, 80), rng.randint(40, 80), voided=voided))
    rows = compute_standings(names, results, tie_breaks=tie_breaks, bye_policy="none")
    judged = [r for r in results if r.winner is not None and not r.voided]
    assert sorted(r.name for r in rows) == sorted(names)
    assert sum(r.points for r in rows) == len(judged)
    assert sum(r.wins for r in rows) == sum(r.winner != "tie" for r in judged)
    assert all(r.wins + r.losses + r.ties == r.debates for r in rows)
    assert sum(r.voided for r in rows) == 2 * sum(r.voided for r in results)
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
    assert (a.wins, a.ballots, a.score_total, a.rating) == (2.0, 2.0, 142.0, 1234.0)  # the Swiss `wins` are points
    assert (a.proposition_count, a.opposition_count, a.last_side, a.opponents, a.byes) == (1, 1, "opposition", ("c", "b"), 0)
    assert (b.proposition_count, b.last_side, b.opponents, b.byes, b.wins, b.rating) == (1, "proposition", ("a",), 1, 1.0, 0.0)
    assert (c.opposition_count, c.last_side, c.byes) == (1, "opposition", 1)
    # And they feed the next Swiss round: a is the only one without a bye, so a sits out;
    # c, one opposition up, proposes.
    draw = swiss_draw(list(records.values()), round_number=3, seed=0)
    assert draw.byes == ("a",)
    assert [(p.proposition, p.opposition) for p in draw.pairings] == [("c", "b")]
