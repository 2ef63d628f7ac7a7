"""What a fit returns: a table of ratings with intervals, and the fitted covariates."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

CI = Literal["sandwich", "bootstrap"]


class Estimate(BaseModel):
    """A fitted covariate: `coefficient` in log-odds, `rating` the same in rating points."""

    model_config = ConfigDict(frozen=True)

    name: str
    coefficient: float
    rating: float
    lower: float | None
    upper: float | None


class SideAdvantage(Estimate):
    """Proposition's edge over opposition; `win_probability` is proposition's chance of winning
    between two equally rated debaters."""

    win_probability: float


class RatingRow(BaseModel):
    model_config = ConfigDict(frozen=True)

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


class RatingTable(BaseModel):
    """Ratings sorted best first. `rows` holds only models with at least one battle.

    With style control `rating`/`lower`/`upper` are style-controlled and `raw_*` are the plain
    Bradley-Terry figures. `prior` is the precision of the Gaussian prior that was needed
    (0.0: plain maximum likelihood). `notes` says what was excluded or regularised.
    """

    model_config = ConfigDict(frozen=True)

    rows: list[RatingRow]
    ci: CI | None
    confidence: float
    scale: float
    center: float
    battles: int
    prior: float
    side_advantage: SideAdvantage | None = None
    style_coefficients: list[Estimate] | None = None
    notes: list[str] = []

    def row(self, name: str) -> RatingRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def ratings(self) -> dict[str, float]:
        return {row.name: row.rating for row in self.rows}


def separability(table: RatingTable) -> float:
    """The share of contestant pairs whose confidence intervals do not overlap (intervals that
    only touch overlap). 0.0 with fewer than two rows; a table without intervals is an error."""
    rows = table.rows
    if len(rows) < 2:
        return 0.0
    if any(row.lower is None or row.upper is None for row in rows):
        raise ValueError("separability needs a table with confidence intervals")
    lower = np.array([row.lower for row in rows], dtype=np.float64)
    upper = np.array([row.upper for row in rows], dtype=np.float64)
    apart = (upper[:, None] < lower[None, :]) | (upper[None, :] < lower[:, None])
    pairs = len(rows) * (len(rows) - 1) / 2
    return float(np.triu(apart, k=1).sum() / pairs)
