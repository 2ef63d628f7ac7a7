"""What a fit returns: a table of ratings with intervals, and the fitted covariates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

CI = Literal["sandwich", "bootstrap"]


# Frozen dataclasses, not pydantic models: the pipeline builds them from floats it has already
# checked, and `debate ratings --battles` starts about 0.1 s sooner without importing pydantic's
# BaseModel. A pydantic model that holds one (the scorecard, the standings) still validates it.
@dataclass(frozen=True, kw_only=True)
class Estimate:
    """A fitted covariate: `coefficient` in log-odds, `rating` the same in rating points."""

    name: str
    coefficient: float
    rating: float
    lower: float | None
    upper: float | None


@dataclass(frozen=True, kw_only=True)
class SideAdvantage(Estimate):
    """Proposition's edge over opposition; `win_probability` is proposition's chance of winning
    between two equally rated debaters."""

    win_probability: float


NoEstimate = Literal["below", "above"]


@dataclass(frozen=True, kw_only=True)
class RatingRow:
    """One contestant's rating. `no_estimate` marks a contestant without a finite estimate (it
    never scored a win or tie: "below" everyone; it never conceded one: "above"): the others are
    fitted without it, `rating` is then only a placement (its 95% bound given the others, capped
    at the lowest (highest) fitted rating so it sorts below (above) them all), and the interval
    is open on one end (`lower` None for "below", `upper` None for "above").

    `rank_lower`..`rank_upper`: the best and worst rank (1 = first) the contestant holds at the
    table's confidence over draws of the ratings (see `judges.ratings.ranks` and the table's
    `rank_method`); None without intervals. A contestant set apart above (below) everyone takes
    the first (last) places, shared with any others set apart the same way."""

    name: str
    rating: float
    lower: float | None
    upper: float | None
    battles: int
    wins: int
    losses: int
    ties: int
    raw_rating: float | None = None
    raw_lower: float | None = None
    raw_upper: float | None = None
    no_estimate: NoEstimate | None = None
    rank_lower: int | None = None
    rank_upper: int | None = None


@dataclass(frozen=True, kw_only=True)
class RatingTable:
    """Ratings sorted best first. `rows` holds only models with at least one battle.

    With style control `rating`/`lower`/`upper` are style-controlled and `raw_*` are the plain
    Bradley-Terry figures. `prior` is the precision of the Gaussian prior that was needed
    (0.0: plain maximum likelihood). `interval_method` names how the intervals were found, e.g.
    "95% CI, bootstrap over debates (n=200, 12 debates)", and `rank_method` how the rows' rank
    intervals were. `notes` says what was excluded or regularised.
    """

    rows: list[RatingRow]
    ci: CI | None
    confidence: float
    scale: float
    center: float
    battles: int
    prior: float
    interval_method: str | None = None
    rank_method: str | None = None
    side_advantage: SideAdvantage | None = None
    style_coefficients: list[Estimate] | None = None
    notes: list[str] = field(default_factory=list)

    def row(self, name: str) -> RatingRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def ratings(self) -> dict[str, float]:
        return {row.name: row.rating for row in self.rows}


def separability(table: RatingTable) -> float:
    """The share of contestant pairs whose confidence intervals do not overlap (intervals that
    only touch overlap). 0.0 with fewer than two rows; a table without intervals is an error.
    A missing bound (a contestant without a finite estimate) is an open end."""
    rows = table.rows
    if len(rows) < 2:
        return 0.0
    if table.ci is None:
        raise ValueError("separability needs a table with confidence intervals")
    lower = np.array([-np.inf if row.lower is None else row.lower for row in rows], dtype=np.float64)
    upper = np.array([np.inf if row.upper is None else row.upper for row in rows], dtype=np.float64)
    apart = (upper[:, None] < lower[None, :]) | (upper[None, :] < lower[:, None])
    pairs = len(rows) * (len(rows) - 1) / 2
    return float(np.triu(apart, k=1).sum() / pairs)
