"""Bradley-Terry ratings with confidence intervals: prepare -> fit -> intervals -> table.

Conventions (LMArena's, as published in `arena-rank` 0.1.1; the numbers agree with it):
ties are half a win each; rating = center + scale * theta; no anchor model, the mean rating of
the rated models is `center` (what arena-rank's zero-start L-BFGS gives, since every gradient
of its likelihood sums to zero over the models; we fit with a sum-to-zero term and re-centre).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import special

from judges.ratings.battles import Battles, Cells, FloatArray, IntArray, plain_cells
from judges.ratings.design import plain_design
from judges.ratings.intervals import HESSIAN_REG, Fitted, fit_with_intervals
from judges.ratings.scale import CENTER, SCALE
from judges.ratings.style import style_design
from judges.ratings.table import CI, Estimate, RatingRow, RatingTable, SideAdvantage


@dataclass(frozen=True)
class FitOptions:
    """How `bradley_terry` fits.

    `ci`: "sandwich" (arena-rank's H^-1 G H^-1 with the Hessian ridge `hessian_reg` * verdicts),
    "bootstrap" (quantiles over `bootstrap_rounds` resamples seeded by `seed`) or None.
    `side`: also fit a proposition-side term (needs `a_is_proposition`), reported as
    `side_advantage`. `style`: fit the style covariates in `battles.style` the way LMArena's
    style control does (`style_reg`, `style_reweight` default to arena-rank's reg=1 and
    inverse-pair-count weights); rows then carry the style-controlled `rating` and the plain
    `raw_rating`, and `style_coefficients` holds the covariates (rating points per standard
    deviation of the feature).
    `prior`: None fits plain maximum likelihood whenever the estimate exists; when it does not
    (an unbeaten or winless model, a comparison graph in pieces, a fit that runs off), it adds a
    N(0, 1/FALLBACK_PRIOR) prior on theta (and on the side and style coefficients) in log-odds
    units and says so in `prior` and `notes`. A number forces that prior precision (0.0: never
    regularise).
    """

    ci: CI | None = "sandwich"
    confidence: float = 0.95
    bootstrap_rounds: int = 200
    seed: int = 0
    side: bool = False
    style: bool = False
    style_reg: float = 1.0
    style_reweight: bool = True
    prior: float | None = None
    scale: float = SCALE
    center: float = CENTER
    hessian_reg: float = HESSIAN_REG

    def __post_init__(self) -> None:
        if self.ci not in (None, "sandwich", "bootstrap"):
            raise ValueError(f"ci must be 'sandwich', 'bootstrap' or None, not {self.ci!r}")
        if not 0.0 < self.confidence < 1.0:
            raise ValueError("confidence must be between 0 and 1")
        if self.ci == "bootstrap" and self.bootstrap_rounds < 2:
            raise ValueError("bootstrap needs at least 2 rounds")

    def to_points(self, values: FloatArray) -> FloatArray:
        return self.center + self.scale * values


# `Any`: the keyword overrides are FitOptions' fields, checked by dataclasses.replace.
def bradley_terry(battles: Battles, options: FitOptions | None = None, **changes: Any) -> RatingTable:
    """Bradley-Terry maximum-likelihood ratings with confidence intervals (see `FitOptions`;
    its fields may also be passed as keywords, e.g. `bradley_terry(b, ci=None, side=True)`).

    The fit runs on aggregated pair counts (cost grows with distinct pairs); style control runs
    per verdict, vectorised, as arena-rank does. Models listed in `battles.names` but without
    battles are left out of the table (their rating is undefined) and named in `notes`.
    """
    opts = replace(options or FitOptions(), **changes)
    if opts.side and battles.a_is_proposition is None:
        raise ValueError("side=True needs battles with a_is_proposition")
    if opts.style and battles.style is None:
        raise ValueError("style=True needs battles with style features")
    prepared = _Prepared.of(battles, opts.side)
    if len(prepared.rated) == 0:
        return _empty_table(battles, opts, prepared.notes)
    raw, main, notes = _fit(battles, prepared, opts)
    return _table(battles, opts, prepared, raw, main, prepared.notes + notes)


@dataclass(eq=False)
class _Prepared:
    """The aggregated cells, each model's record, and the compact index of the rated models."""

    cells: Cells
    played: FloatArray
    wins: FloatArray
    losses: FloatArray
    ties: FloatArray
    rated: IntArray  # indices into names of the models with battles
    keep: IntArray  # names index -> compact index among the rated (-1: not rated)
    notes: list[str]

    @classmethod
    def of(cls, battles: Battles, side: bool) -> _Prepared:
        total = len(battles.names)
        cells = plain_cells(battles, side)
        gi, gj, _, counts = cells

        def tally(column_i: int | None, column_j: int | None) -> FloatArray:
            weight_i = counts.sum(axis=1) if column_i is None else counts[:, column_i]
            weight_j = counts.sum(axis=1) if column_j is None else counts[:, column_j]
            return np.bincount(gi, weights=weight_i, minlength=total) + np.bincount(gj, weights=weight_j, minlength=total)

        played = tally(None, None)
        rated = np.flatnonzero(played > 0)
        keep = np.full(total, -1, dtype=np.int64)
        keep[rated] = np.arange(len(rated))
        unrated = [battles.names[k] for k in np.flatnonzero(played == 0)]
        notes = ["not rated, no battles: " + ", ".join(unrated)] if unrated else []
        return cls(cells, played, tally(0, 2), tally(2, 0), tally(1, 1), rated, keep, notes)


def _fit(battles: Battles, prepared: _Prepared, opts: FitOptions) -> tuple[Fitted, Fitted, list[str]]:
    """The plain fit and, with style control, the style-controlled one (else the plain one
    again), with notes for the reader."""
    n = len(prepared.rated)
    plain = plain_design(prepared.cells, prepared.keep, n, opts.side)
    raw, notes = fit_with_intervals(plain, opts.ci, opts.prior, opts.bootstrap_rounds, opts.seed, opts.hessian_reg)
    main = raw
    if opts.style:
        design = style_design(battles, prepared.keep, n, opts.side, opts.style_reg, opts.style_reweight)
        style_prior = raw.prior if opts.prior is None and raw.prior > 0 else opts.prior
        main, style_notes = fit_with_intervals(design, opts.ci, style_prior, opts.bootstrap_rounds, opts.seed, opts.hessian_reg)
        notes += style_notes
    if main.prior > 0:
        notes.append(
            "no maximum-likelihood estimate (a model unbeaten, winless or cut off from the rest, or one side winning"
            f" every debate): ratings use a N(0, 1/{main.prior:g}) prior on log-odds"
        )
    return raw, main, notes


def _empty_table(battles: Battles, opts: FitOptions, notes: list[str]) -> RatingTable:
    return RatingTable(rows=[], prior=0.0, notes=notes, **_table_header(battles, opts))


def _table_header(battles: Battles, opts: FitOptions) -> dict[str, Any]:
    return {"ci": opts.ci, "confidence": opts.confidence, "scale": opts.scale, "center": opts.center, "battles": len(battles)}


def _table(battles: Battles, opts: FitOptions, prepared: _Prepared, raw: Fitted, main: Fitted, notes: list[str]) -> RatingTable:
    bounds = main.bounds(opts.confidence)
    rows = _rows(battles, opts, prepared, raw, main, bounds)
    # The design's covariates: the style columns first, the side term last.
    style_names = list(battles.style_names or []) if opts.style else []
    estimates = _covariates(main, bounds, len(prepared.rated), opts.scale, style_names + (["proposition"] if opts.side else []))
    side_advantage = None
    if opts.side:
        side = estimates[-1]
        side_advantage = SideAdvantage(**side.model_dump(), win_probability=float(special.expit(side.coefficient)))
    coefficients = estimates[: len(style_names)] if opts.style else None
    return RatingTable(
        rows=rows, prior=main.prior, side_advantage=side_advantage, style_coefficients=coefficients, notes=notes, **_table_header(battles, opts)
    )


def _rows(
    battles: Battles, opts: FitOptions, prepared: _Prepared, raw: Fitted, main: Fitted, bounds: tuple[FloatArray, FloatArray] | None
) -> list[RatingRow]:
    """One row per rated model, best first; with style control also the plain (raw) figures."""
    points = opts.to_points
    raw_bounds = raw.bounds(opts.confidence) if opts.style else None
    rows = []
    for k, model in enumerate(prepared.rated):
        row = RatingRow(
            name=battles.names[model],
            rating=float(points(main.params[k])),
            lower=None if bounds is None else float(points(bounds[0][k])),
            upper=None if bounds is None else float(points(bounds[1][k])),
            battles=int(prepared.played[model]),
            wins=int(round(prepared.wins[model])),
            losses=int(round(prepared.losses[model])),
            ties=int(round(prepared.ties[model])),
            raw_rating=float(points(raw.params[k])) if opts.style else None,
            raw_lower=None if raw_bounds is None else float(points(raw_bounds[0][k])),
            raw_upper=None if raw_bounds is None else float(points(raw_bounds[1][k])),
        )
        rows.append(row)
    rows.sort(key=lambda row: (-row.rating, row.name))
    return rows


def _covariates(main: Fitted, bounds: tuple[FloatArray, FloatArray] | None, n: int, scale: float, names: list[str]) -> list[Estimate]:
    """The fitted covariates, `names` in design order, in log-odds and rating points."""
    out = []
    for column, name in enumerate(names):
        value = float(main.params[n + column])
        low, high = (None, None) if bounds is None else (float(bounds[0][n + column]), float(bounds[1][n + column]))
        out.append(
            Estimate(
                name=name,
                coefficient=value,
                rating=scale * value,
                lower=None if low is None else scale * low,
                upper=None if high is None else scale * high,
            )
        )
    return out
