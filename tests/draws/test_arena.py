"""Arena mode: sampling weights, reproducible batches, and a budget that is spent, never exceeded."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from debate.draws.pairing import (
    ArenaBudget,
    DrawError,
    RatingEstimate,
    arena_batch,
    arena_weights,
    interval_overlap,
    pair_weight,
    win_probability,
)


def _est(name: str, rating: float, width: float = 20.0, debates: int = 10) -> RatingEstimate:
    return RatingEstimate(name=name, rating=rating, lower=rating - width / 2, upper=rating + width / 2, debates=debates)


def _field(n: int, seed: int) -> list[RatingEstimate]:
    rng = random.Random(seed)
    return [_est(f"m{i}", rng.uniform(1000, 2000), rng.uniform(0, 300), rng.randrange(0, 50)) for i in range(n)]


# ---------------------------------------------------------------------------------------------
# Weights


def test_win_probability_and_overlap() -> None:
    a, b = _est("a", 1500), _est("b", 1900)
    assert win_probability(a, a) == 0.5
    assert win_probability(b, a) == pytest.approx(1 / (1 + 10 ** (-1)))
    assert win_probability(a, b) + win_probability(b, a) == pytest.approx(1)
    assert interval_overlap(_est("x", 100, 20), _est("y", 110, 20)) == pytest.approx(0.5)
    assert interval_overlap(_est("x", 100, 20), _est("y", 200, 20)) == 0
    assert interval_overlap(_est("x", 100, 10), _est("y", 100, 100)) == 1
    assert interval_overlap(RatingEstimate(name="new"), _est("y", 100)) == 1


def test_weights_favour_uncertain_order_and_few_debates() -> None:
    base = _est("base", 1500)
    close, far = _est("close", 1520), _est("far", 2100)
    assert pair_weight(base, close) > 5 * pair_weight(base, far)
    # Same ratings, but wide intervals that overlap make the order uncertain again.
    far_but_unsure = _est("unsure", 2100, width=1400)
    wide_base = _est("base", 1500, width=1400)
    assert pair_weight(wide_base, far_but_unsure) > 3 * pair_weight(base, far)
    # Fewer debates, more weight: 1 / sqrt(1 + debates) per contestant.
    fresh = _est("fresh", 1520, debates=0)
    veteran = _est("vet", 1520, debates=99)
    assert pair_weight(base, fresh) / pair_weight(base, veteran) == pytest.approx(10.0)
    assert pair_weight(base, close) == pair_weight(close, base)


@given(n=st.integers(2, 12), seed=st.integers(0, 1000))
@settings(max_examples=30, deadline=None)
def test_weights_are_a_distribution_over_all_pairs(n: int, seed: int) -> None:
    weights = arena_weights(_field(n, seed))
    assert len(weights) == n * (n - 1) // 2
    assert sum(weights.values()) == pytest.approx(1)
    assert all(w > 0 for w in weights.values())


def test_sampling_follows_the_weights() -> None:
    field = [_est("a", 1500), _est("b", 1510), _est("c", 2500)]
    weights = arena_weights(field)
    counts = Counter(
        frozenset((p.proposition, p.opposition)) for s in range(2000) for p in arena_batch(field, batch_size=1, seed=s)
    )
    for pair, w in weights.items():
        assert abs(counts[pair] / 2000 - w) < 0.04, (pair, counts[pair], w)
    assert counts[frozenset(("a", "b"))] > 1600


# ---------------------------------------------------------------------------------------------
# Batches


@given(n=st.integers(2, 10), size=st.integers(0, 60), seed=st.integers(0, 1000), cap=st.sampled_from([None, 1, 2, 3]))
@settings(max_examples=60, deadline=None)
def test_batches_are_reproducible_valid_and_spread(n: int, size: int, seed: int, cap: int | None) -> None:
    field = _field(n, seed)
    batch = arena_batch(field, batch_size=size, seed=seed, batch_number=3, max_per_contestant=cap)
    assert batch == arena_batch(list(reversed(field)), batch_size=size, seed=seed, batch_number=3, max_per_contestant=cap)
    names = {e.name for e in field}
    assert all(p.proposition in names and p.opposition in names and p.proposition != p.opposition for p in batch)
    assert all(p.flags == ("arena", "sides-by-coin") for p in batch)
    pairs = Counter(frozenset((p.proposition, p.opposition)) for p in batch)
    load = Counter(x for p in batch for x in (p.proposition, p.opposition))
    total_pairs = n * (n - 1) // 2
    if cap is None:
        assert len(batch) == size
        # No pair repeats until every pair has been drawn once, and so on.
        assert max(pairs.values(), default=0) - min((pairs[frozenset(p)] for p in itertools.combinations(names, 2)), default=0) <= 1
    else:
        assert len(batch) <= size and max(load.values(), default=0) <= cap
        # The cap is the only reason a batch comes up short: no pair fits any more.
        if len(batch) < size:
            free = [x for x in names if load[x] < cap]
            assert len(free) < 2 or (len(batch) >= total_pairs and all(pairs[frozenset(p)] >= 1 for p in itertools.combinations(free, 2)))


def test_batch_numbers_and_seeds_change_the_sample() -> None:
    field = _field(8, 1)
    samples = {tuple(arena_batch(field, batch_size=4, seed=1, batch_number=b)) for b in range(10)}
    assert len(samples) > 5
    assert arena_batch(field, batch_size=4, seed=1, batch_number=2) == arena_batch(field, batch_size=4, seed=1, batch_number=2)


def test_batch_errors() -> None:
    with pytest.raises(DrawError):
        arena_batch([_est("a", 1)], batch_size=1, seed=0)
    with pytest.raises(DrawError):
        arena_batch([_est("a", 1), _est("a", 2)], batch_size=1, seed=0)
    with pytest.raises(DrawError):
        arena_batch(_field(3, 0), batch_size=-1, seed=0)
    with pytest.raises(DrawError):
        arena_batch(_field(3, 0), batch_size=1, seed=0, max_per_contestant=0)
    with pytest.raises(ValueError):
        RatingEstimate(name="x", lower=2, upper=1)


def test_estimates_from_rating_rows_with_or_without_intervals() -> None:
    from types import SimpleNamespace

    row = SimpleNamespace(name="a", rating=1510.0, lower=None, upper=1600.0, battles=7)
    estimate = RatingEstimate.from_row(row)
    assert (estimate.lower, estimate.upper, estimate.debates) == (-math.inf, 1600.0, 7)
    assert RatingEstimate.from_row(SimpleNamespace(name="b", rating=1.0, lower=0.5, upper=2.0, debates=3)).debates == 3


# ---------------------------------------------------------------------------------------------
# Budget


@given(
    max_debates=st.one_of(st.none(), st.integers(0, 80)),
    max_tokens=st.one_of(st.none(), st.integers(0, 100_000)),
    max_cost=st.one_of(st.none(), st.floats(0, 20)),
    tokens_each=st.integers(200, 5000),
    cost_each=st.floats(0.05, 2),
    batch=st.integers(1, 12),
    concurrency=st.integers(1, 12),
    prior=st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_budget_is_spent_and_never_exceeded(
    max_debates: int | None,
    max_tokens: int | None,
    max_cost: float | None,
    tokens_each: int,
    cost_each: float,
    batch: int,
    concurrency: int,
    prior: bool,
) -> None:
    assume(max_debates is not None or max_tokens is not None or max_cost is not None)
    budget = ArenaBudget(
        max_debates=max_debates,
        max_tokens=max_tokens,
        max_cost=max_cost,
        tokens_per_debate=tokens_each if prior else None,
        cost_per_debate=cost_each if prior else None,
    )
    finished, tokens, cost, in_flight = 0, 0, 0.0, 0
    for _ in range(2_000):
        allowed = budget.allows(min(batch, concurrency - in_flight), finished, tokens, cost, in_flight=in_flight)
        assert 0 <= allowed <= batch
        in_flight += allowed
        # Debates finish one at a time; new ones start as soon as the budget allows.
        if in_flight == 0:
            break
        in_flight -= 1
        finished += 1
        tokens += tokens_each
        cost += cost_each
        assert max_debates is None or finished + in_flight <= max_debates
        assert max_tokens is None or tokens <= max_tokens or finished == 1 and not prior
        assert max_cost is None or cost <= max_cost + 1e-9 or finished == 1 and not prior
    else:
        raise AssertionError("the arena never stopped")
    # Spent: one more debate would break a limit.
    assert budget.exhausted(finished, tokens, cost)
    assert (
        (max_debates is not None and finished == max_debates)
        or (max_tokens is not None and tokens + tokens_each > max_tokens)
        or (max_cost is not None and cost + cost_each > max_cost - 1e-9)
        or (finished == 0 and not prior)
    )


@given(
    budget_tokens=st.integers(10_000, 500_000),
    low=st.integers(100, 2000),
    spread=st.floats(1.0, 3.0),
    seed=st.integers(0, 1000),
)
@settings(max_examples=60, deadline=None)
def test_headroom_covers_debates_that_vary(budget_tokens: int, low: int, spread: float, seed: int) -> None:
    rng = random.Random(seed)
    high = int(low * spread)
    budget = ArenaBudget(max_tokens=budget_tokens, headroom=high / low)
    finished, tokens = 0, 0
    while (allowed := budget.allows(4, finished, tokens)) > 0:
        for _ in range(allowed):
            tokens += rng.randint(low, high)
            finished += 1
            assert tokens <= budget_tokens
    assert finished >= 1


def test_allows_in_simple_cases() -> None:
    budget = ArenaBudget(max_debates=10, max_tokens=1000, max_cost=5.0)
    assert budget.allows(4, 0, 0, 0.0) == 1  # nothing to estimate from yet: one debate to measure
    assert budget.allows(4, 0, 0, 0.0, in_flight=1) == 0
    assert budget.allows(4, 2, 200, 1.0) == 4
    assert budget.allows(20, 2, 200, 1.0) == 8  # tokens: (1000 - 200) / 100
    assert budget.allows(20, 2, 200, 3.0) == 1  # cost: (5 - 3) / 1.5
    assert budget.allows(20, 2, 200, 1.0, in_flight=3) == 5
    assert budget.allows(20, 9, 300, 1.0) == 1  # debates
    assert budget.allows(20, 10, 300, 1.0) == 0
    assert ArenaBudget(max_cost=1.0).allows(5, 3, 900, 0.0) == 5  # free debates never run out of money
    assert ArenaBudget(max_tokens=1000, tokens_per_debate=300).allows(5, 0) == 3
    assert ArenaBudget().allows(7, 1000) == 7
    assert ArenaBudget(max_cost=0.3).allows(9, 3, 0, 0.3) == 0
    assert ArenaBudget(max_cost=1.0).allows(9, 3, 0, 0.3) == 7  # 0.1 each, exactly to the limit
    assert ArenaBudget(max_cost=1.0).allows(9, 2, 0, 0.4) == 3  # 0.6 / 0.2 is 2.9999... in floating point


def test_target_width() -> None:
    narrow = [_est("a", 1500, width=30), _est("b", 1600, width=40)]
    wide = [*narrow, _est("c", 1700, width=41)]
    assert ArenaBudget(target_width=40).target_reached(narrow)
    assert not ArenaBudget(target_width=40).target_reached(wide)
    assert not ArenaBudget().target_reached(narrow)
    assert not ArenaBudget(target_width=40).target_reached([RatingEstimate(name="new"), _est("b", 1)])
    with pytest.raises(ValueError):
        ArenaBudget(target_width=0)
    with pytest.raises(ValueError):
        ArenaBudget(max_debates=-1)
    assert math.isinf(RatingEstimate(name="x").width)
