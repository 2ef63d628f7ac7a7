"""Arena mode: open-ended sampling of pairs until a budget or a target precision is reached.

Each batch samples pairs with probability proportional to `pair_weight`:

    weight(i, j) = (exploration + uncertainty(i, j)) / sqrt((1 + debates_i) * (1 + debates_j))

    uncertainty(i, j) = max(4 p (1 - p), overlap(i, j))
    p = 1 / (1 + 10 ** (-(rating_i - rating_j) / scale))        (win probability of i)
    overlap(i, j) = length of the intersection of the two rating intervals divided by the
                    shorter interval's length (1 when either interval is unbounded or they
                    share a point of zero width)

so pairs whose order is still uncertain (close ratings, overlapping intervals) and
contestants with few debates are drawn more often; `exploration` keeps every pair possible.
`scale=400` is the Elo scale; for ratings on the natural-log (Bradley-Terry logit) scale use
`scale=math.log(10)`.

Within a batch pairs are drawn without replacement (Efraimidis-Spirakis keys from a seeded
generator); only when a batch asks for more debates than there are pairs does a pair repeat.
Sides are a seeded coin per debate (flags "arena", "sides-by-coin").

`ArenaBudget` says how many more debates may start (`allows`) and whether the intervals are
narrow enough to stop (`target_reached`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from debate.draws.model import DrawError, Pairing


class RatingEstimate(BaseModel):
    """A contestant's current rating, its interval (lower <= rating <= upper is not required,
    but lower <= upper is) and how many debates it has had. A missing bound (None) means
    unbounded: a contestant with no interval yet counts as entirely uncertain."""

    model_config = ConfigDict(frozen=True)

    name: str
    rating: float = 0.0
    lower: float = -math.inf
    upper: float = math.inf
    debates: int = Field(default=0, ge=0)

    @field_validator("lower", mode="before")
    @classmethod
    def _no_lower(cls, value: object) -> object:
        return -math.inf if value is None else value

    @field_validator("upper", mode="before")
    @classmethod
    def _no_upper(cls, value: object) -> object:
        return math.inf if value is None else value

    @classmethod
    def from_row(cls, row: Any) -> RatingEstimate:
        """From any object with `name`, `rating`, `lower`, `upper` and `battles` or `debates`
        (such as a row of a ratings table)."""
        debates = getattr(row, "debates", None)
        if debates is None:
            debates = getattr(row, "battles", 0)
        return cls(
            name=row.name,
            rating=row.rating,
            lower=getattr(row, "lower", None),
            upper=getattr(row, "upper", None),
            debates=debates,
        )

    @model_validator(mode="after")
    def _ordered(self) -> RatingEstimate:
        if self.lower > self.upper:
            raise ValueError(f"{self.name}: interval lower bound {self.lower} is above its upper bound {self.upper}")
        return self

    @property
    def width(self) -> float:
        return self.upper - self.lower


def win_probability(a: RatingEstimate, b: RatingEstimate, *, scale: float = 400.0) -> float:
    """The chance that `a` beats `b` on the logistic (Elo/Bradley-Terry) curve; `scale` is the
    rating points per factor 10 in odds."""
    # Imported here: `judges.ratings` loads numpy, and the store imports this module's types
    # for commands (show, tournaments) that never draw or rate.
    from judges.ratings import win_probability as bradley_terry_win_probability

    return float(bradley_terry_win_probability(a.rating, b.rating, scale / math.log(10.0)))


def interval_overlap(a: RatingEstimate, b: RatingEstimate) -> float:
    """Shared length of the two intervals over the shorter one's length, in [0, 1]."""
    low, high = max(a.lower, b.lower), min(a.upper, b.upper)
    if high < low:
        return 0.0
    shorter = min(a.width, b.width)
    if math.isinf(shorter) or shorter == 0:
        return 1.0
    if math.isinf(high - low):
        return 1.0
    return min(1.0, (high - low) / shorter)


def pair_weight(a: RatingEstimate, b: RatingEstimate, *, scale: float = 400.0, exploration: float = 0.05) -> float:
    """The unnormalised sampling weight of a debate between `a` and `b` (see the module)."""
    p = win_probability(a, b, scale=scale)
    uncertainty = max(4.0 * p * (1.0 - p), interval_overlap(a, b))
    return (exploration + uncertainty) / math.sqrt((1 + a.debates) * (1 + b.debates))


def arena_weights(
    estimates: Sequence[RatingEstimate], *, scale: float = 400.0, exploration: float = 0.05
) -> dict[frozenset[str], float]:
    """Every pair's sampling probability in one draw (the weights, normalised to sum to 1)."""
    _check_field(estimates)
    raw = {
        frozenset((a.name, b.name)): pair_weight(a, b, scale=scale, exploration=exploration)
        for i, a in enumerate(estimates)
        for b in estimates[i + 1 :]
    }
    total = sum(raw.values())
    return {pair: w / total for pair, w in raw.items()}


def arena_batch(
    estimates: Sequence[RatingEstimate],
    *,
    batch_size: int,
    seed: int,
    batch_number: int = 0,
    scale: float = 400.0,
    exploration: float = 0.05,
    max_per_contestant: int | None = None,
) -> list[Pairing]:
    """The next `batch_size` debates of an arena, reproducible from (seed, batch_number).

    `max_per_contestant` caps how many debates of the batch one contestant may be in (useful
    when debates run concurrently); the batch is shorter when the cap leaves too few pairs.
    """
    _check_field(estimates)
    if batch_size < 0:
        raise DrawError(f"batch_size must be at least 0, not {batch_size}")
    if exploration <= 0 or scale <= 0:
        raise DrawError("exploration and scale must be positive")
    if max_per_contestant is not None and max_per_contestant < 1:
        raise DrawError(f"max_per_contestant must be at least 1, not {max_per_contestant}")
    ordered = sorted(estimates, key=lambda e: e.name)  # input order must not matter
    pairs = [
        (a, b, pair_weight(a, b, scale=scale, exploration=exploration))
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
    ]
    rng = random.Random(f"arena:{seed}:{batch_number}")
    load = {e.name: 0 for e in ordered}
    chosen: list[tuple[RatingEstimate, RatingEstimate]] = []
    while len(chosen) < batch_size:
        # One pass of weighted sampling without replacement: sort by key u ** (1 / w).
        keyed = sorted(pairs, key=lambda p: math.log(1.0 - rng.random()) / p[2], reverse=True)
        before = len(chosen)
        for a, b, _ in keyed:
            if len(chosen) == batch_size:
                break
            if max_per_contestant is not None and max(load[a.name], load[b.name]) >= max_per_contestant:
                continue
            chosen.append((a, b))
            load[a.name] += 1
            load[b.name] += 1
        if len(chosen) == before:
            break  # the cap allows no more
    out = []
    for a, b in chosen:
        prop, opp = (a, b) if rng.random() < 0.5 else (b, a)
        out.append(Pairing(proposition=prop.name, opposition=opp.name, flags=("arena", "sides-by-coin")))
    return out


def _check_field(estimates: Sequence[RatingEstimate]) -> None:
    names = [e.name for e in estimates]
    if len(names) < 2:
        raise DrawError("an arena needs at least two contestants")
    if len(set(names)) != len(names):
        raise DrawError(f"contestant names must be unique; repeated: {', '.join(sorted({n for n in names if names.count(n) > 1}))}")


_UNLIMITED = 1 << 62


class ArenaBudget(BaseModel):
    """When an arena stops. Every limit is optional; None means no limit of that kind.

    `max_debates`, `max_tokens` and `max_cost` are hard caps: `allows` never lets the arena
    start a debate that its estimate says would exceed one. The tokens and cost of a debate
    are estimated as the mean so far times `headroom` (use e.g. 1.2 when debates vary in
    length: with the plain mean, a debate longer than the average can overshoot). Before
    the first debate there is no mean: `tokens_per_debate` / `cost_per_debate` give a prior
    estimate, and without one a single debate is allowed to measure it.
    `target_width` stops the arena once every rating interval is at most that wide.
    """

    model_config = ConfigDict(frozen=True)

    max_debates: int | None = Field(default=None, ge=0)
    max_tokens: int | None = Field(default=None, ge=0)
    max_cost: float | None = Field(default=None, ge=0)
    target_width: float | None = Field(default=None, gt=0)
    headroom: float = Field(default=1.0, ge=1.0)
    tokens_per_debate: float | None = Field(default=None, gt=0)
    cost_per_debate: float | None = Field(default=None, gt=0)

    def allows(
        self,
        next_batch_size: int,
        spent_debates: int,
        spent_tokens: float = 0,
        spent_cost: float = 0.0,
        *,
        in_flight: int = 0,
    ) -> int:
        """How many of the next `next_batch_size` debates may start without going over any
        limit; 0 means the budget is spent.

        `spent_debates` counts finished debates and `spent_tokens` / `spent_cost` what they
        used; `in_flight` counts debates started but not finished, each of which is reserved
        at the estimated tokens and cost of a debate (and counts against `max_debates`).
        """
        allowed = max(0, next_batch_size)
        if self.max_debates is not None:
            allowed = min(allowed, self.max_debates - spent_debates - in_flight)
        for limit, spent, prior in (
            (self.max_tokens, float(spent_tokens), self.tokens_per_debate),
            (self.max_cost, float(spent_cost), self.cost_per_debate),
        ):
            if limit is not None:
                allowed = min(allowed, self._fits(float(limit), spent, spent_debates, in_flight, prior))
        return max(0, allowed)

    def _fits(self, limit: float, spent: float, finished: int, in_flight: int, prior: float | None) -> int:
        """How many more debates fit under one limit at the estimated use per debate."""
        if finished > 0:
            each = spent / finished * self.headroom
            if each == 0:
                return _UNLIMITED  # debates cost nothing of this (e.g. local models cost no money)
        elif prior is not None:
            each = prior * self.headroom
        else:
            # Nothing to estimate from: one debate, alone, to measure what a debate uses.
            return 1 if in_flight == 0 and spent < limit else 0
        left = limit - spent - in_flight * each
        count = max(0, math.floor(left / each))
        # The division is in floating point: settle on the largest count that fits exactly.
        while count > 0 and spent + (in_flight + count) * each > limit:
            count -= 1
        while spent + (in_flight + count + 1) * each <= limit:
            count += 1
        return count

    def exhausted(self, spent_debates: int, spent_tokens: float = 0, spent_cost: float = 0.0, *, in_flight: int = 0) -> bool:
        """No further debate may start."""
        return self.allows(1, spent_debates, spent_tokens, spent_cost, in_flight=in_flight) == 0

    def target_reached(self, estimates: Sequence[RatingEstimate]) -> bool:
        """True when `target_width` is set and every interval is at most that wide."""
        if self.target_width is None or not estimates:
            return False
        return all(e.width <= self.target_width for e in estimates)
