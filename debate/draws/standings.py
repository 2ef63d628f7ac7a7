"""Standings: the table that ranks contestants after each round, and feeds the next draw.

Pure: results in, rows out. Per contestant it counts debates, wins, losses and ties (whole
debates: W + L + T = debates), points (a win 1, a tie 1/2, plus the bye credit), voided
debates, judges' ballots won, rubric score total and average, margin (own score minus the
opponent's, summed), opponent strength (the sum of each opponent's points, once per debate, so
meeting someone twice counts them twice), byes, and the rating with its interval when ratings
are given.

A result whose `winner` is None (no verdict yet) is left out entirely. A voided result (e.g.
a speaker identified itself) counts in `voided` only: not in debates, W-L-T, points, ballots,
scores, margin or opponent strength.

A forfeit (a contestant was unavailable: its calls failed for good) is decided without a
verdict, by Tabbycat's convention: the opponent gets the win, the forfeiting side a loss, both
count it as a debate (W-L-T, points, opponent strength) and the forfeiting side's `forfeits`
counts it; it gives no ballots, scores or margin. When both sides forfeited, both lose.

Byes (`bye_policy`), which never change W-L-T:
- "win": each bye adds one point; nothing else (no ballots, scores or margin).
- "average": each bye adds the contestant's own average per judged debate of points, ballots,
  score and margin (nothing if it has not debated yet); averages are unchanged.
- "none": byes add nothing.
Averages (`score_average`) are always per judged debate, byes and forfeits excluded.

Rows are ordered by the tie-break keys in order, each higher-is-better; rows whose keys are
all equal share a rank ("1, 2, 2, 4") and are listed by name.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from debate.draws.arena import RatingEstimate
from debate.draws.model import Draw, DrawError, Side
from debate.draws.swiss import Record

TIE_BREAKS: dict[str, str] = {
    "points": "points: a win 1, a tie 1/2, plus the bye credit",
    "ballots": "judges' ballots won",
    "score_total": "sum of rubric scores",
    "score_average": "mean rubric score per judged debate",
    "margin": "sum of margins (own score minus the opponent's)",
    "opponent_strength": "sum of the opponents' points, once per debate",
    "rating": "rating (unrated contestants last)",
}
"""Every tie-break key `compute_standings` accepts, with what it measures."""

RENAMED_TIE_BREAKS: dict[str, str] = {"wins": "points"}
"""Former names, still read (tournaments stored before the rename name them in their config)."""

DEFAULT_TIE_BREAKS: tuple[str, ...] = ("points", "ballots", "score_total", "opponent_strength", "margin")

ByePolicy = Literal["win", "none", "average"]
BYE_POLICIES: tuple[str, ...] = ("win", "none", "average")


class DebateResult(BaseModel):
    """The outcome of one judged debate. `margin` is the proposition's score minus the
    opposition's; left out, it is `score_prop - score_opp`. A `voided` debate is counted as
    voided and nothing else. `forfeited` names the side that forfeited (or "both"): the
    debate has no verdict, and `winner` is the other side (None when both forfeited)."""

    model_config = ConfigDict(frozen=True)

    proposition: str
    opposition: str
    winner: Literal["proposition", "opposition", "tie"] | None
    ballots_prop: float = Field(default=0.0, ge=0)
    ballots_opp: float = Field(default=0.0, ge=0)
    score_prop: float = 0.0
    score_opp: float = 0.0
    margin: float | None = None
    voided: bool = False
    forfeited: Literal["proposition", "opposition", "both"] | None = None

    @property
    def prop_margin(self) -> float:
        return self.score_prop - self.score_opp if self.margin is None else self.margin


class ResultTally(BaseModel):
    """Debates with the same two contestants on the same sides and the same outcome, counted
    with their sums: what the standings need of them, so a store can hand over a few rows per
    pairing however many debates were played. `margin` is the sum of the proposition's margins."""

    model_config = ConfigDict(frozen=True)

    proposition: str
    opposition: str
    winner: Literal["proposition", "opposition", "tie"] | None
    voided: bool = False
    forfeited: Literal["proposition", "opposition", "both"] | None = None
    debates: int = Field(default=1, ge=1)
    ballots_prop: float = Field(default=0.0, ge=0)
    ballots_opp: float = Field(default=0.0, ge=0)
    score_prop: float = 0.0
    score_opp: float = 0.0
    margin: float = 0.0

    @classmethod
    def of(cls, result: DebateResult) -> ResultTally:
        return cls(
            proposition=result.proposition, opposition=result.opposition, winner=result.winner, voided=result.voided, forfeited=result.forfeited,
            ballots_prop=result.ballots_prop, ballots_opp=result.ballots_opp, score_prop=result.score_prop, score_opp=result.score_opp, margin=result.prop_margin,
        )


class StandingRow(BaseModel):
    """One line of the standings: `debates` counts the decided debates that are not voided,
    and W + L + T = debates; `points` is what the ranking counts."""

    model_config = ConfigDict(frozen=True)

    rank: int
    name: str
    debates: int
    wins: int
    losses: int
    ties: int
    points: float
    voided: int = 0
    forfeits: int = 0  # debates lost because this contestant was unavailable (within `losses`)
    ballots: float
    score_total: float
    score_average: float
    margin: float
    opponent_strength: float
    byes: int
    rating: float | None = None
    rating_lower: float | None = None  # None: unbounded (no finite bound), never an infinity
    rating_upper: float | None = None
    # Set apart without a finite rating (never lost, or never won): ranked above or below every
    # rated contestant, `rating` then None and only the finite bound kept.
    no_estimate: Literal["above", "below"] | None = None


def validate_tie_breaks(tie_breaks: Iterable[str]) -> tuple[str, ...]:
    """The tie-breaks as a tuple (former names read as their new ones), or `DrawError` (a
    `ValueError`) naming the allowed keys."""
    keys = tuple(RENAMED_TIE_BREAKS.get(k, k) for k in tie_breaks)
    allowed = ", ".join(TIE_BREAKS)
    if not keys:
        raise DrawError(f"at least one tie-break is needed; allowed: {allowed}")
    unknown = [k for k in keys if k not in TIE_BREAKS]
    if unknown:
        raise DrawError(f"unknown tie-break {', '.join(map(repr, unknown))}; allowed: {allowed}")
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise DrawError(f"tie-break {', '.join(map(repr, repeated))} is listed more than once")
    return keys


def compute_standings(
    names: Sequence[str],
    results: Iterable[DebateResult | ResultTally],
    byes: Mapping[str, int] | None = None,
    *,
    tie_breaks: Sequence[str] = DEFAULT_TIE_BREAKS,
    bye_policy: ByePolicy = "win",
    ratings: Mapping[str, RatingEstimate] | Iterable[RatingEstimate] | None = None,
) -> list[StandingRow]:
    """The ranked standings of `names` from `results`, one result a debate or tallies of
    several (see the module for every column); the two give the same table.

    Raises `DrawError` (a `ValueError`) for an unknown or repeated tie-break, an unknown bye
    policy, a repeated name, or a result or bye naming someone not in `names`.
    """
    keys = validate_tie_breaks(tie_breaks)
    bye_count = _checked_byes(names, byes, bye_policy)
    tally = _Tally.of(set(names), results)
    averages = {name: tally.scores[name] / tally.judged[name] if tally.judged[name] else 0.0 for name in names}
    tally.credit_byes(bye_count, bye_policy)
    rating_of = _ratings(ratings)
    rows = []
    for name in names:
        estimate = rating_of.get(name)
        rows.append(
            StandingRow(
                rank=0,
                name=name,
                debates=tally.debates[name],
                wins=tally.wins[name],
                losses=tally.losses[name],
                ties=tally.ties[name],
                points=tally.points[name],
                voided=tally.voided[name],
                forfeits=tally.forfeits[name],
                ballots=tally.ballots[name],
                score_total=tally.scores[name],
                score_average=averages[name],
                margin=tally.margins[name],
                opponent_strength=sum(tally.points[o] * times for o, times in tally.opponents[name].items()),
                byes=bye_count.get(name, 0),
                rating=estimate.rating if estimate else None,
                rating_lower=_finite(estimate.lower) if estimate else None,
                rating_upper=_finite(estimate.upper) if estimate else None,
            )
        )
    return _ranked(rows, keys)


def _finite(value: float) -> float | None:
    """An interval's end as the rows carry it: an open end (an infinity) is None, so no JSON
    document ever holds `Infinity`."""
    return value if math.isfinite(value) else None


def _checked_byes(names: Sequence[str], byes: Mapping[str, int] | None, bye_policy: str) -> dict[str, int]:
    if bye_policy not in BYE_POLICIES:
        raise DrawError(f"unknown bye policy {bye_policy!r}; allowed: {', '.join(BYE_POLICIES)}")
    if len(set(names)) != len(names):
        raise DrawError("contestant names must be unique")
    bye_count = dict(byes or {})
    if strangers := set(bye_count) - set(names):
        raise DrawError(f"byes given for unknown contestants: {', '.join(sorted(strangers))}")
    if any(v < 0 for v in bye_count.values()):
        raise DrawError("a bye count cannot be negative")
    return bye_count


@dataclass
class _Tally:
    """Per-contestant sums over the decided debates."""

    debates: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    judged: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # debates minus forfeits
    forfeits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wins: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    losses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ties: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    points: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    voided: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ballots: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    scores: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    margins: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    opponents: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # opponent -> debates against it

    @classmethod
    def of(cls, known: set[str], results: Iterable[DebateResult | ResultTally]) -> _Tally:
        tally = cls()
        for one in results:
            result = ResultTally.of(one) if isinstance(one, DebateResult) else one
            prop, opp = result.proposition, result.opposition
            if strangers := {prop, opp} - known:
                raise DrawError(f"a result names unknown contestants: {', '.join(sorted(strangers))}")
            if prop == opp:
                raise DrawError(f"a result has {prop} on both sides")
            if result.voided:
                tally.voided[prop] += result.debates
                tally.voided[opp] += result.debates
            elif result.forfeited is not None:
                tally.add_forfeit(result)
            elif result.winner is not None:
                tally.add(result)
        return tally

    def add(self, result: ResultTally) -> None:
        prop, opp = result.proposition, result.opposition
        self.judged[prop] += result.debates
        self.judged[opp] += result.debates
        self._decide(result)
        self.ballots[prop] += result.ballots_prop
        self.ballots[opp] += result.ballots_opp
        self.scores[prop] += result.score_prop
        self.scores[opp] += result.score_opp
        self.margins[prop] += result.margin
        self.margins[opp] -= result.margin

    def add_forfeit(self, result: ResultTally) -> None:
        """A win for the side that turned up, a loss for the one that did not: nothing was judged."""
        self._decide(result)
        for name, side in ((result.proposition, "proposition"), (result.opposition, "opposition")):
            if result.forfeited in (side, "both"):
                self.forfeits[name] += result.debates

    def _decide(self, result: ResultTally) -> None:
        prop, opp, n = result.proposition, result.opposition, result.debates
        for me, them, side in ((prop, opp, "proposition"), (opp, prop, "opposition")):
            self.debates[me] += n
            self.opponents[me][them] += n
            if result.winner == "tie":
                self.points[me] += 0.5 * n
                self.ties[me] += n
            elif result.winner == side:
                self.points[me] += n
                self.wins[me] += n
            else:
                self.losses[me] += n

    def credit_byes(self, bye_count: Mapping[str, int], bye_policy: str) -> None:
        """A bye is a point ("win"), nothing ("none"), or the contestant's own average
        ("average"); it is not a debate, so W-L-T stay as they are."""
        for name, given in bye_count.items():
            if not given or bye_policy == "none":
                continue
            if bye_policy == "win":
                self.points[name] += given
            elif self.judged[name]:  # "average"
                share = given / self.judged[name]
                self.points[name] += self.points[name] * share
                self.ballots[name] += self.ballots[name] * share
                self.scores[name] += self.scores[name] * share
                self.margins[name] += self.margins[name] * share


def _ratings(ratings: Mapping[str, RatingEstimate] | Iterable[RatingEstimate] | None) -> dict[str, RatingEstimate]:
    if ratings is None:
        return {}
    if isinstance(ratings, Mapping):
        return dict(ratings)
    return {estimate.name: estimate for estimate in ratings}


def _key(row: StandingRow, keys: tuple[str, ...]) -> tuple[float, ...]:
    values = []
    for key in keys:
        value = row.rating if key == "rating" else getattr(row, key)
        # Rounded so that sums reached in a different order still compare equal.
        values.append(float("-inf") if value is None else round(float(value), 9))
    return tuple(values)


def _ranked(rows: list[StandingRow], keys: tuple[str, ...]) -> list[StandingRow]:
    ordered = sorted(rows, key=lambda r: (tuple(-v for v in _key(r, keys)), r.name))
    out: list[StandingRow] = []
    for position, row in enumerate(ordered, start=1):
        same = out and _key(out[-1], keys) == _key(row, keys)
        out.append(row.model_copy(update={"rank": out[-1].rank if same else position}))
    return out


def records_for_swiss(standings: Sequence[StandingRow], history: Sequence[Draw]) -> list[Record]:
    """The Swiss draw's input for the next round: points (the Swiss `wins`, a tie half),
    ballots, score total and rating from the standings (rating 0 when unrated); side counts,
    last side, opponents and byes from the draws played so far (in round order)."""
    prop: dict[str, int] = defaultdict(int)
    opp: dict[str, int] = defaultdict(int)
    last: dict[str, Side] = {}
    met: dict[str, list[str]] = defaultdict(list)
    sat_out: dict[str, int] = defaultdict(int)
    for draw in sorted(history, key=lambda d: d.round):
        for pairing in draw.pairings:
            prop[pairing.proposition] += 1
            opp[pairing.opposition] += 1
            last[pairing.proposition] = "proposition"
            last[pairing.opposition] = "opposition"
            met[pairing.proposition].append(pairing.opposition)
            met[pairing.opposition].append(pairing.proposition)
        for name in draw.byes:
            sat_out[name] += 1
    return [
        Record(
            name=row.name,
            wins=row.points,
            ballots=row.ballots,
            score_total=row.score_total,
            rating=row.rating if row.rating is not None else 0.0,
            proposition_count=prop[row.name],
            opposition_count=opp[row.name],
            opponents=tuple(met[row.name]),
            byes=sat_out[row.name],
            last_side=last.get(row.name),
        )
        for row in standings
    ]
