"""Ratings math: Bradley-Terry (sandwich and bootstrap intervals, side term, style control),
online Elo, separability, side balance and the battle-log reader."""

from __future__ import annotations

import json
import math
import os
import subprocess
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from debate.core.errors import ConfigError
from debate.bench.ratings import compare, run_arena_rank, synthetic_battles
from judges.ratings import (
    CENTER,
    FALLBACK_PRIOR,
    FitOptions,
    SCALE,
    Battles,
    RatingRow,
    RatingTable,
    aggregate,
    bradley_terry,
    online_elo,
    read_battles_csv,
    relative_difference,
    separability,
    side_balance,
    win_probability,
)

Z95 = stats.norm.ppf(0.975)


def _records(*groups: tuple[str, str, str, int]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for a, b, winner, count in groups:
        out += [(a, b, winner)] * count
    return out


# --- hand-computed cases -------------------------------------------------------------------


def test_three_wins_in_four_is_scale_times_ln3_apart_around_the_centre() -> None:
    table = bradley_terry(Battles.from_records(_records(("x", "y", "model_a", 3), ("x", "y", "model_b", 1))))
    x, y = table.row("x"), table.row("y")
    assert x.rating - y.rating == pytest.approx(SCALE * math.log(3.0), abs=1e-6)
    assert (x.rating + y.rating) / 2 == pytest.approx(CENTER, abs=1e-9)
    assert [row.name for row in table.rows] == ["x", "y"]
    assert (x.battles, x.wins, x.losses, x.ties) == (4, 3, 1, 0)
    assert (y.battles, y.wins, y.losses, y.ties) == (4, 1, 3, 0)
    assert table.prior == 0.0 and table.notes == []


def test_options_object_and_keywords_fit_alike() -> None:
    battles = Battles.from_records(_records(("x", "y", "model_a", 3), ("x", "y", "model_b", 1), ("y", "z", "tie", 2)))
    options = FitOptions(ci="bootstrap", bootstrap_rounds=20, seed=4)
    assert bradley_terry(battles, options) == bradley_terry(battles, ci="bootstrap", bootstrap_rounds=20, seed=4)
    assert bradley_terry(battles, options, ci=None) == bradley_terry(battles, ci=None)
    with pytest.raises(TypeError):
        bradley_terry(battles, no_such_option=1)


def test_sandwich_interval_of_two_models_matches_the_formula() -> None:
    """p = 3/4: H = 4 p(1-p) = 0.75 and G = 3 (1/4)^2 + 1 (3/4)^2 = 0.75 on the difference
    direction; with arena-rank's ridge eps = 1e-5 * 4 verdicts each rating's variance is
    G / (2H + eps)^2 in log-odds units."""
    table = bradley_terry(Battles.from_records(_records(("x", "y", "model_a", 3), ("y", "x", "model_a", 1))))
    half_width = Z95 * SCALE * math.sqrt(0.75) / (2 * 0.75 + 4e-5)
    for row in table.rows:
        assert row.upper - row.rating == pytest.approx(half_width, rel=1e-9)
        assert row.rating - row.lower == pytest.approx(half_width, rel=1e-9)
    assert half_width == pytest.approx(196.6, abs=0.1)


def test_a_tie_is_half_a_win_for_each_side() -> None:
    with_ties = bradley_terry(Battles.from_records(_records(("x", "y", "model_a", 1), ("x", "y", "tie", 1), ("y", "x", "tie (bothbad)", 1))))
    as_wins = bradley_terry(Battles.from_records(_records(("x", "y", "model_a", 2), ("x", "y", "model_b", 1))))
    # 2 points of 3 for x either way: 2:1 odds.
    assert with_ties.row("x").rating - with_ties.row("y").rating == pytest.approx(SCALE * math.log(2.0), abs=1e-6)
    assert with_ties.row("x").rating == pytest.approx(as_wins.row("x").rating, abs=1e-6)
    assert (with_ties.row("x").wins, with_ties.row("x").ties, with_ties.row("y").losses) == (1, 2, 1)


def test_wikipedia_worked_example() -> None:
    """The Bradley-Terry article's example (also arena-rank's own test): strengths with
    geometric mean 1 are A 0.640, B 1.043, C 0.660, D 2.270."""
    records = _records(
        ("A", "B", "model_a", 2), ("B", "A", "model_a", 3), ("A", "D", "model_a", 1), ("D", "A", "model_a", 4),
        ("B", "C", "model_a", 5), ("C", "B", "model_a", 3), ("C", "D", "model_a", 1), ("D", "C", "model_a", 3),
    )  # fmt: skip
    table = bradley_terry(Battles.from_records(records), scale=1.0, center=0.0)
    strengths = {row.name: math.exp(row.rating) for row in table.rows}
    assert strengths == pytest.approx({"A": 0.640, "B": 1.043, "C": 0.660, "D": 2.270}, rel=2e-3)


def test_win_probability_is_the_bradley_terry_curve() -> None:
    assert win_probability(1200.0, 1200.0) == 0.5
    assert win_probability(1000.0 + SCALE * math.log(3.0), 1000.0) == pytest.approx(0.75)
    assert win_probability(1400.0, 1000.0, scale=400.0 / math.log(10.0)) == pytest.approx(10.0 / 11.0)
    both = win_probability(np.array([1100.0, 900.0]), 1000.0)
    assert both[0] + both[1] == pytest.approx(1.0) and both[0] > 0.5


def test_online_elo_steps_by_hand_and_depends_on_order() -> None:
    battles = Battles.from_records([("x", "y", "model_a"), ("y", "x", "tie")])
    elo = online_elo(battles)
    # Step 1: equal ratings, x wins: x 1002, y 998. Step 2: a tie against an expected 1/(1+10^(4/400)).
    expected_y = 1.0 / (1.0 + 10.0 ** ((1002.0 - 998.0) / 400.0))
    assert elo["y"] == pytest.approx(998.0 + 4.0 * (0.5 - expected_y))
    assert elo["x"] + elo["y"] == pytest.approx(2000.0)
    reordered = online_elo(Battles.from_records([("y", "x", "tie"), ("x", "y", "model_a")]))
    assert reordered["x"] != pytest.approx(elo["x"], abs=1e-9)
    assert set(online_elo(Battles.from_arrays(["p", "q", "idle"], [0], [1], [1.0]))) == {"p", "q"}


# --- properties ----------------------------------------------------------------------------

battle_lists = st.lists(
    st.tuples(st.integers(0, 3), st.integers(1, 3), st.sampled_from([0.0, 0.5, 1.0])), min_size=1, max_size=30
)


@settings(max_examples=60, deadline=None)
@given(battle_lists)
def test_ratings_ignore_which_side_is_called_a_and_centre_on_1000(raw: list[tuple[int, int, float]]) -> None:
    a = np.array([first for first, _, _ in raw])
    b = (a + np.array([step for _, step, _ in raw])) % 4
    outcome = np.array([o for _, _, o in raw])
    names = ["w", "x", "y", "z"]
    table = bradley_terry(Battles.from_arrays(names, a, b, outcome))
    flipped = bradley_terry(Battles.from_arrays(names, b, a, 1.0 - outcome))
    assert flipped.prior == table.prior
    for row in table.rows:
        assert flipped.row(row.name).rating == pytest.approx(row.rating, abs=1e-5)
        assert flipped.row(row.name).upper == pytest.approx(row.upper, abs=1e-5)
        # A contestant without a finite estimate has an interval open on one end.
        assert row.lower is not None or row.no_estimate is not None
        assert row.no_estimate != "below" or row.lower is None
        assert row.no_estimate != "above" or row.upper is None
        assert (row.lower or -math.inf) <= row.rating <= (row.upper or math.inf)
    assert np.mean([row.rating for row in table.rows if row.no_estimate is None]) == pytest.approx(CENTER, abs=1e-6)
    assert sum(row.battles for row in table.rows) == 2 * len(raw)


def test_relabelling_models_only_relabels_ratings() -> None:
    battles, _ = synthetic_battles(8, 3000, seed=5)
    order = np.random.default_rng(0).permutation(8)
    renamed = Battles.from_arrays([battles.names[k] for k in order], np.argsort(order)[battles.a], np.argsort(order)[battles.b], battles.outcome)
    first, second = bradley_terry(battles), bradley_terry(renamed)
    for row in first.rows:
        assert second.row(row.name).rating == pytest.approx(row.rating, abs=1e-6)
        assert second.row(row.name).lower == pytest.approx(row.lower, abs=1e-6)


# --- recovering known strengths ------------------------------------------------------------


def test_known_strengths_are_recovered() -> None:
    battles, truth = synthetic_battles(20, 20_000, seed=1)
    table = bradley_terry(battles)
    estimate = [table.row(name).rating for name in battles.names]
    assert stats.spearmanr(truth, estimate).statistic > 0.95
    assert [row.rating for row in table.rows] == sorted((row.rating for row in table.rows), reverse=True)


def test_sandwich_intervals_cover_the_truth_in_most_cases() -> None:
    covered = total = 0
    for seed in range(4):
        battles, truth = synthetic_battles(15, 4000, seed=seed, tie_rate=0.0)
        table = bradley_terry(battles)
        true_rating = CENTER + SCALE * (truth - truth.mean())
        for k, name in enumerate(battles.names):
            row = table.row(name)
            covered += row.lower <= true_rating[k] <= row.upper
            total += 1
    assert covered / total >= 0.85  # nominal 95 %


def test_bootstrap_is_seeded_and_close_to_the_sandwich() -> None:
    battles, _ = synthetic_battles(6, 3000, seed=3)
    first = bradley_terry(battles, ci="bootstrap", bootstrap_rounds=100, seed=7)
    again = bradley_terry(battles, ci="bootstrap", bootstrap_rounds=100, seed=7)
    other = bradley_terry(battles, ci="bootstrap", bootstrap_rounds=100, seed=8)
    sandwich = bradley_terry(battles)
    assert first == again
    assert [row.lower for row in first.rows] != [row.lower for row in other.rows]
    assert first.ci == "bootstrap" and sandwich.ci == "sandwich"
    for row in first.rows:
        reference = sandwich.row(row.name)
        assert row.rating == reference.rating  # the point estimate is the full-data fit
        assert row.upper - row.lower == pytest.approx(reference.upper - reference.lower, rel=0.3)


def test_no_intervals_on_request() -> None:
    battles, _ = synthetic_battles(4, 500, seed=0)
    table = bradley_terry(battles, ci=None)
    assert all(row.lower is None and row.upper is None for row in table.rows)
    with pytest.raises(ValueError, match="intervals"):
        separability(table)


def test_side_term_recovers_an_injected_proposition_advantage() -> None:
    rng = np.random.default_rng(11)
    models, count, advantage = 10, 20_000, 0.4
    truth = rng.normal(0.0, 0.6, models)
    a = rng.integers(0, models, count)
    b = (a + rng.integers(1, models, count)) % models
    a_prop = rng.random(count) < 0.5
    logit = truth[a] - truth[b] + np.where(a_prop, advantage, -advantage)
    outcome = (rng.random(count) < 1.0 / (1.0 + np.exp(-logit))).astype(float)
    battles = Battles.from_arrays([f"m{k}" for k in range(models)], a, b, outcome, a_is_proposition=a_prop)

    table = bradley_terry(battles, side=True)
    side = table.side_advantage
    assert side is not None and side.name == "proposition"
    assert side.lower <= SCALE * advantage <= side.upper
    assert side.rating == pytest.approx(SCALE * advantage, abs=15.0)
    assert side.win_probability == pytest.approx(1.0 / (1.0 + math.exp(-side.coefficient)))
    assert bradley_terry(battles).side_advantage is None
    with pytest.raises(ValueError, match="a_is_proposition"):
        bradley_terry(Battles.from_arrays(["p", "q"], [0], [1], [1.0]), side=True)


def test_side_counts_are_split_in_the_aggregate() -> None:
    battles = Battles.from_arrays(["p", "q", "r"], [0, 1, 0, 0, 2], [1, 0, 1, 2, 0], [1.0, 1.0, 0.5, 0.0, 1.0], a_is_proposition=[True, True, False, True, True])
    pairs = aggregate(battles)
    rows = {(int(i), int(j), int(s)): (int(wi), int(t), int(wj)) for i, j, s, wi, t, wj in zip(pairs.i, pairs.j, pairs.side, pairs.wins_i, pairs.ties, pairs.wins_j, strict=True)}
    # p-q: p proposition (p won), q proposition (q won), q proposition (tie); p-r: p proposition (r won), r proposition (r won).
    assert rows == {(0, 1, 1): (1, 0, 0), (0, 1, -1): (0, 1, 1), (0, 2, 1): (0, 0, 1), (0, 2, -1): (0, 0, 1)}
    assert int(pairs.battles.sum()) == len(battles)
    assert len(aggregate(Battles.from_arrays(["p", "q", "r"], battles.a, battles.b, battles.outcome))) == 2


def test_aggregation_makes_cost_follow_pairs_not_verdicts() -> None:
    battles, _ = synthetic_battles(10, 50_000, seed=2)
    pairs = aggregate(battles)
    assert len(pairs) == 45  # every unordered pair once
    assert int(pairs.battles.sum()) == 50_000
    # The fit on folded counts equals the fit on the same verdicts listed one by one.
    small, _ = synthetic_battles(5, 300, seed=4)
    table = bradley_terry(small)
    doubled = Battles.from_arrays(small.names, np.r_[small.a, small.a], np.r_[small.b, small.b], np.r_[small.outcome, small.outcome])
    for row in bradley_terry(doubled).rows:
        assert row.rating == pytest.approx(table.row(row.name).rating, abs=1e-6)
        assert row.upper - row.rating == pytest.approx((table.row(row.name).upper - table.row(row.name).rating) / math.sqrt(2), rel=1e-3)


def _length_biased(seed: int, *, verbose_model: int = 0) -> tuple[Battles, np.ndarray]:
    """Equal-ish true strengths; model 0 writes long answers and the judge likes length."""
    rng = np.random.default_rng(seed)
    models, count = 8, 12_000
    truth = rng.normal(0.0, 0.3, models)
    a = rng.integers(0, models, count)
    b = (a + rng.integers(1, models, count)) % models
    verbosity = np.where(np.arange(models) == verbose_model, 1.0, 0.0)
    length_a = np.exp(rng.normal(6.0 + verbosity[a], 0.3))
    length_b = np.exp(rng.normal(6.0 + verbosity[b], 0.3))
    feature = relative_difference(length_a, length_b)
    logit = truth[a] - truth[b] + 2.5 * feature
    outcome = (rng.random(count) < 1.0 / (1.0 + np.exp(-logit))).astype(float)
    battles = Battles.from_arrays([f"m{k}" for k in range(models)], a, b, outcome, style=feature, style_names=["length"])
    return battles, CENTER + SCALE * (truth - truth.mean())


def test_style_control_lowers_a_rating_inflated_by_length() -> None:
    battles, truth = _length_biased(21)
    lmarena = bradley_terry(battles, style=True)
    plain = bradley_terry(battles, style=True, style_reg=0.0, style_reweight=False)
    verbose_lmarena, verbose_plain = lmarena.row("m0"), plain.row("m0")
    # Length inflates the raw rating far beyond the truth.
    assert verbose_plain.raw_rating is not None and verbose_plain.raw_rating > truth[0] + 100
    assert verbose_plain.raw_rating == verbose_lmarena.raw_rating == bradley_terry(battles).row("m0").rating
    # LMArena's penalised style control pulls it down a little, the unpenalised covariate all the way.
    assert verbose_lmarena.rating < verbose_lmarena.raw_rating - 5
    assert verbose_plain.lower <= truth[0] <= verbose_plain.upper
    assert not verbose_plain.raw_lower <= truth[0] <= verbose_plain.raw_upper
    coefficient = plain.style_coefficients[0]
    assert coefficient.name == "length" and coefficient.lower > 0
    assert 0 < lmarena.style_coefficients[0].coefficient < coefficient.coefficient


def test_style_control_with_bootstrap_and_side() -> None:
    battles, _ = _length_biased(3)
    sided = Battles.from_arrays(battles.names, battles.a, battles.b, battles.outcome, a_is_proposition=np.arange(len(battles)) % 2 == 0, style=battles.style)
    table = bradley_terry(sided, style=True, side=True, ci="bootstrap", bootstrap_rounds=20, seed=1)
    assert table.side_advantage is not None and table.side_advantage.lower < 0 < table.side_advantage.upper
    assert table.style_coefficients is not None and len(table.style_coefficients) == 1
    assert all(row.raw_lower is not None and row.raw_lower <= row.raw_rating <= row.raw_upper for row in table.rows)


# --- awkward data --------------------------------------------------------------------------


def test_a_model_without_battles_is_left_out_and_named() -> None:
    battles = Battles.from_arrays(["p", "q", "idle"], [0, 1, 0], [1, 0, 1], [1.0, 1.0, 0.0])
    table = bradley_terry(battles)
    assert [row.name for row in table.rows] == ["p", "q"] or [row.name for row in table.rows] == ["q", "p"]
    assert any("idle" in note for note in table.notes)
    assert bradley_terry(battles.subset(np.array([False, False, False]))).rows == []


def test_unbeaten_model_is_set_apart_unless_a_prior_is_asked_for() -> None:
    battles = Battles.from_records(_records(("x", "y", "model_a", 3), ("y", "z", "tie", 2)))
    table = bradley_terry(battles)
    assert table.prior == 0.0 and any("never lost or tied: x" in note for note in table.notes)
    top = table.rows[0]
    assert top.name == "x" and top.no_estimate == "above" and top.upper is None
    assert top.lower is not None and top.rating >= max(table.row("y").rating, top.lower)
    assert table.row("y").rating == pytest.approx(table.row("z").rating)
    forced = bradley_terry(battles, prior=FALLBACK_PRIOR)
    assert forced.prior == FALLBACK_PRIOR and all(row.no_estimate is None for row in forced.rows)
    assert all(math.isfinite(row.lower) and math.isfinite(row.upper) for row in forced.rows)
    assert forced.rows[0].name == "x" and forced.rows[0].rating - forced.rows[-1].rating < 1000


def test_a_board_in_pieces_still_falls_back_to_the_prior() -> None:
    """Nobody is winless or unbeaten, but the two pairs never met: no estimate links them."""
    battles = Battles.from_records(_records(("p", "q", "model_a", 2), ("q", "p", "model_a", 1), ("r", "s", "model_a", 1), ("s", "r", "model_a", 1)))
    table = bradley_terry(battles)
    assert table.prior == FALLBACK_PRIOR and all(row.no_estimate is None for row in table.rows)
    assert any("ran off" in note for note in bradley_terry(battles, prior=0.0).notes)


def test_proposition_winning_every_debate_is_regularised_not_infinite() -> None:
    """Every model beats and loses to every other, so the ratings alone have an estimate, but
    the proposition won all six debates: the side term would run off to infinity."""
    records = [("A", "B", "model_a"), ("B", "A", "model_a"), ("A", "C", "model_a"), ("C", "A", "model_a"), ("B", "C", "model_a"), ("C", "B", "model_a")]
    battles = Battles.from_records(records, a_is_proposition=[True] * 6)
    table = bradley_terry(battles, side=True)
    assert table.prior == FALLBACK_PRIOR and any("one side winning" in note for note in table.notes)
    assert table.side_advantage is not None and 0 < table.side_advantage.lower < table.side_advantage.rating < 500
    assert bradley_terry(battles).prior == 0.0  # without the side term the estimate exists
    assert any("ran off" in note for note in bradley_terry(battles, side=True, prior=0.0).notes)


def test_filtering_rates_one_slice() -> None:
    battles = Battles.from_records(
        _records(("x", "y", "model_a", 3), ("y", "x", "model_a", 1), ("x", "z", "model_b", 2), ("z", "x", "model_b", 2)),
        labels={"category": ["law"] * 4 + ["tech"] * 4},
    )
    law = battles.subset(np.array(battles.labels["category"]) == "law")
    table = bradley_terry(law)
    assert {row.name for row in table.rows} == {"x", "y"}
    assert table.row("x").rating - table.row("y").rating == pytest.approx(SCALE * math.log(3.0), abs=1e-6)
    assert law.labels["category"] == ["law"] * 4


def test_battles_reject_impossible_input() -> None:
    with pytest.raises(ValueError, match="plays itself"):
        Battles.from_arrays(["p", "q"], [0], [0], [1.0])
    with pytest.raises(ValueError, match="outcome"):
        Battles.from_arrays(["p", "q"], [0], [1], [0.7])
    with pytest.raises(ValueError, match="winner 'draw'"):
        Battles.from_records([("p", "q", "draw")])
    with pytest.raises(ValueError, match="style=True"):
        bradley_terry(Battles.from_arrays(["p", "q"], [0], [1], [1.0]), style=True)


def test_rating_rows_serialise_for_the_cli() -> None:
    # The table is plain dataclasses the CLI dumps with json: a numpy scalar left in a field
    # would print as a float64 here or fail json.dumps outright.
    battles, _ = synthetic_battles(3, 300, seed=0)
    table = asdict(bradley_terry(battles))
    rows = json.loads(json.dumps(table))["rows"]
    assert {"name", "rating", "lower", "upper", "battles", "rank_lower"} <= set(rows[0])
    assert sum(row["battles"] for row in rows) == 600
    scalars = [v for row in table["rows"] for v in row.values()] + [v for k, v in table.items() if k not in ("rows", "notes")]
    assert {type(v) for v in scalars} <= {str, int, float, type(None)}


# --- separability and side balance ---------------------------------------------------------


def _table(*bounds: tuple[float, float]) -> RatingTable:
    rows = [RatingRow(name=f"m{k}", rating=(low + high) / 2, lower=low, upper=high, battles=1, wins=0, losses=0, ties=1) for k, (low, high) in enumerate(bounds)]
    return RatingTable(rows=rows, ci="sandwich", confidence=0.95, scale=SCALE, center=CENTER, battles=1, prior=0.0)


def test_separability_edge_cases() -> None:
    assert separability(_table()) == 0.0
    assert separability(_table((0, 1))) == 0.0
    assert separability(_table((0, 1), (2, 3), (4, 5))) == 1.0
    assert separability(_table((0, 10), (2, 3), (4, 5))) == pytest.approx(1 / 3)
    assert separability(_table((0, 2), (2, 3))) == 0.0  # touching intervals overlap
    battles, _ = synthetic_battles(10, 20_000, seed=0)
    assert separability(bradley_terry(battles)) > separability(bradley_terry(battles.subset(np.arange(300))))


def test_side_balance_flags_a_lopsided_motion_only() -> None:
    records = [("lopsided", "proposition")] * 40 + [("lopsided", "opposition")] * 10
    records += [("balanced", "proposition")] * 24 + [("balanced", "opposition")] * 24 + [("balanced", "tie")] * 2
    records += [("drawn", "tie")] * 3
    result = {row.motion: row for row in side_balance(records)}
    assert result["lopsided"].lopsided and not result["balanced"].lopsided and not result["drawn"].lopsided
    assert result["lopsided"].chi2 == pytest.approx((40 - 25) ** 2 / 25 * 2)
    assert result["lopsided"].proposition_rate == pytest.approx(0.8)
    assert result["balanced"].proposition_rate == pytest.approx(0.5) and result["balanced"].ties == 2
    assert result["drawn"].p_value == 1.0
    assert side_balance(records)[0].motion == "lopsided"
    with pytest.raises(ValueError, match="winner side"):
        side_balance([("m", "prop")])


# --- reading battle logs -------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "battles.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_reader_reads_ties_extra_columns_and_labels(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "\ufeffid,model_a,model_b,winner,category,judge\n"
        '1,alpha,beta,model_a,law,"x, y"\n'
        "2, beta ,alpha,tie (bothbad),tech,z\n"
        "\n"
        "3,gamma,alpha,tie,law,z\n"
        "4,gamma,beta,model_b,law,z\n",
    )
    battles = read_battles_csv(path)
    assert battles.names == ["alpha", "beta", "gamma"]
    assert battles.outcome.tolist() == [1.0, 0.5, 0.5, 0.0]
    assert battles.labels == {"judge": ["x, y", "z", "z", "z"], "category": ["law", "tech", "law", "law"]}
    assert bradley_terry(battles).row("alpha").battles == 3


def test_csv_reader_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "model_a,model_b,winner\n"
        "alpha,beta,model_a\n"
        "alpha,beta,draw\n"
        ",beta,tie\n"
        '"multi\nline",alpha,model_b\n'
        "gamma,gamma,model_a\n"
        "alpha\n",
    )
    with pytest.raises(ConfigError) as caught:
        read_battles_csv(path)
    problems = caught.value.messages
    assert problems[0] == f"{path}:3: winner: 'draw' is not one of model_a, model_b, tie, tie (bothbad), both_bad"
    assert problems[1] == f"{path}:4: model_a: empty"
    assert problems[2] == f"{path}:7: model_b: model 'gamma' plays itself (model_a and model_b are the same)"
    assert problems[3] == f"{path}:8: 1 fields, the header has 3"
    assert len(problems) == 4


def test_csv_reader_names_a_missing_column_and_caps_the_list(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        read_battles_csv(_write(tmp_path, "model_a,model_b,result\na,b,model_a\n"))
    assert caught.value.messages == [f"{tmp_path / 'battles.csv'}:1: missing column 'winner' (the header has: model_a, model_b, result)"]
    with pytest.raises(ConfigError) as caught:
        read_battles_csv(_write(tmp_path, "model_a,model_b,winner\n" + "a,b,x\n" * 80))
    assert len(caught.value.problems) == 51 and caught.value.messages[-1].endswith("and 30 more problems")
    with pytest.raises(ConfigError, match="no such file"):
        read_battles_csv(tmp_path / "absent.csv")
    with pytest.raises(ConfigError, match="no battles"):
        read_battles_csv(_write(tmp_path, "model_a,model_b,winner\n"))
    with pytest.raises(ConfigError, match=":1: empty file"):
        read_battles_csv(_write(tmp_path, ""))


# --- agreement with LMArena's arena-rank ---------------------------------------------------


def _arena_python() -> str:
    python = os.environ.get("ARENA_RANK_PYTHON")
    if not python:
        pytest.skip("ARENA_RANK_PYTHON is not set (a python with arena-rank installed, e.g. /tmp/arena-venv/bin/python)")
    try:
        done = subprocess.run([python, "-c", "import arena_rank"], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"ARENA_RANK_PYTHON={python} cannot run: {error}")
    if done.returncode != 0:
        pytest.skip(f"ARENA_RANK_PYTHON={python} cannot import arena_rank")
    return python


def test_agrees_with_arena_rank_within_half_a_point() -> None:
    python = _arena_python()
    battles, _ = synthetic_battles(25, 5000, seed=9)
    table = bradley_terry(battles)
    theirs = run_arena_rank(battles, python)
    assert sorted(theirs["names"]) == sorted(row.name for row in table.rows)
    rating_diff, bound_diff = compare({row.name: (row.rating, row.lower, row.upper) for row in table.rows}, theirs)
    assert rating_diff < 0.5 and bound_diff < 0.5


def test_style_control_agrees_with_arena_rank_within_half_a_point() -> None:
    """Uneven pair counts (so the inverse-pair-count weights differ) and features whose mean is
    not zero (so the z-scoring matters), as in real arena data."""
    python = _arena_python()
    rng = np.random.default_rng(17)
    models, count = 10, 6000
    truth = rng.normal(0.0, 0.5, models)
    popularity = 1.0 / np.arange(1, models + 1)
    a = rng.choice(models, count, p=popularity / popularity.sum())
    b = (a + rng.integers(1, models, count)) % models
    features = np.c_[relative_difference(rng.gamma(3.0, 1.0, count) + 1.0, rng.gamma(2.0, 1.0, count)), rng.poisson(2.0, count) - rng.poisson(1.0, count)]
    logit = truth[a] - truth[b] + features @ np.array([1.5, 0.2])
    outcome = np.where(rng.random(count) < 0.1, 0.5, (rng.random(count) < 1.0 / (1.0 + np.exp(-logit))).astype(float))
    battles = Battles.from_arrays([f"m{k}" for k in range(models)], a, b, outcome, style=features, style_names=["length", "lists"])
    table = bradley_terry(battles, style=True)
    theirs = run_arena_rank(battles, python, style=True)
    rating_diff, bound_diff = compare({row.name: (row.rating, row.lower, row.upper) for row in table.rows}, theirs)
    assert rating_diff < 0.5 and bound_diff < 0.5
    assert [c.coefficient for c in table.style_coefficients] == pytest.approx(theirs["coeffs"], abs=1e-4)
