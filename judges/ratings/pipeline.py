"""Bradley-Terry ratings with confidence intervals: prepare -> fit -> intervals -> table.

Conventions (LMArena's, as published in `arena-rank` 0.1.1; the numbers agree with it):
ties are half a win each; rating = center + scale * theta; no anchor model, the mean rating of
the rated models is `center` (what arena-rank's zero-start L-BFGS gives, since every gradient
of its likelihood sums to zero over the models; we fit with a sum-to-zero term and re-centre).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from judges.ratings.battles import Battles, Cells, FloatArray, IntArray, cell_of, plain_cells
from judges.ratings.design import Members, plain_design
from judges.ratings.intervals import HESSIAN_REG, Fitted, fit_with_intervals
from judges.ratings.no_estimate import SetApart, bound, note, placement, set_apart
from judges.ratings.ranks import NORMAL_DRAWS, normal_draws, rank_intervals
from judges.ratings.scale import CENTER, SCALE, logistic
from judges.ratings.style import style_design
from judges.ratings.table import CI, Estimate, NoEstimate, RatingRow, RatingTable, SideAdvantage


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
    `floor` (default on): no interval is narrower than half the model-based one, so a handful
    of debates or a run of ties, which the fit reproduces exactly, cannot give a zero-width
    interval; `floor=False` gives arena-rank's own sandwich and bootstrap bounds.
    `prior`: None fits plain maximum likelihood. A contestant that never won or tied (never
    lost or tied) has no finite estimate: it is set apart, the others are fitted without it and
    it is listed below (above) everyone (`RatingRow.no_estimate`), so it moves no other rating.
    When the others still have no estimate (a comparison graph in pieces, one side winning every
    debate, a fit that runs off), a N(0, 1/FALLBACK_PRIOR) prior on theta (and on the side and
    style coefficients) in log-odds units is added and named in `prior` and `notes`. A positive
    number fits everyone together under that prior precision; 0.0 sets contestants apart as
    None does but never adds a prior.
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
    floor: bool = True

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
    records = _Prepared.of(battles, opts.side)
    if len(records.rated) == 0:
        return _empty_table(battles, opts, records.notes)
    apart = SetApart({}) if opts.prior else set_apart(records.cells, len(battles.names))
    fitted, core = battles, records
    if apart.way:
        fitted = battles.subset(~np.isin(battles.a, apart.models) & ~np.isin(battles.b, apart.models))
        core = _Prepared.of(fitted, opts.side)
    raw, main, notes = _fit(fitted, core, opts)
    if apart.way:
        notes.insert(0, note(battles.names, apart))
    return _table(_Fits(battles, opts, records, core, apart, raw, main), records.notes + notes)


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
    members = None if battles.cluster is None else Members.of(battles, *cell_of(battles, opts.side, prepared.cells))
    plain = plain_design(prepared.cells, prepared.keep, n, opts.side, members)
    raw, notes = fit_with_intervals(plain, opts.ci, opts.prior, opts.bootstrap_rounds, opts.seed, opts.hessian_reg, opts.floor)
    main = raw
    if opts.style:
        design = style_design(battles, prepared.keep, n, opts.side, opts.style_reg, opts.style_reweight)
        style_prior = raw.prior if opts.prior is None and raw.prior > 0 else opts.prior
        main, style_notes = fit_with_intervals(
            design, opts.ci, style_prior, opts.bootstrap_rounds, opts.seed, opts.hessian_reg, opts.floor
        )
        notes += style_notes
    if main.prior > 0:
        notes.append(
            "no maximum-likelihood estimate (a model unbeaten, winless or cut off from the rest, or one side winning"
            f" every debate): ratings use a N(0, {SCALE / main.prior ** 0.5:.0f} points) prior (each rating drawn toward {CENTER:.0f})"
        )
    return raw, main, notes


def _empty_table(battles: Battles, opts: FitOptions, notes: list[str]) -> RatingTable:
    return RatingTable(rows=[], prior=0.0, notes=notes, **_table_header(battles, opts))


def _table_header(battles: Battles, opts: FitOptions) -> dict[str, Any]:
    return {
        "ci": opts.ci,
        "confidence": opts.confidence,
        "scale": opts.scale,
        "center": opts.center,
        "battles": len(battles),
        "interval_method": _interval_method(opts, battles),
        "rank_method": _rank_method(opts),
    }


def _interval_method(opts: FitOptions, battles: Battles) -> str | None:
    """What the intervals resampled or summed over, for the reader of the table."""
    if opts.ci is None:
        return None
    debates = battles.debates
    level = f"{opts.confidence:.0%} CI"
    floor = ", at least half the model-based width" if opts.floor else ""
    if opts.ci == "bootstrap":
        over = "battles" if debates is None else "debates"
        extra = "" if debates is None else f", {debates} debates"
        return f"{level}, bootstrap over {over} (n={opts.bootstrap_rounds}{extra}){floor}"
    if debates is None:
        return f"{level}, sandwich over battles (each taken as independent){floor}"
    return f"{level}, sandwich clustered by debate ({debates} debates){floor}"


def _rank_method(opts: FitOptions) -> str | None:
    """How the rank intervals were found, for the reader of the table."""
    if opts.ci is None:
        return None
    source = (
        f"the {opts.bootstrap_rounds} bootstrap refits"
        if opts.ci == "bootstrap"
        else f"{NORMAL_DRAWS} draws from the sandwich fit's normal approximation (seed {opts.seed})"
    )
    return (
        f"the middle {opts.confidence:.0%} of each contestant's ranks in {source}; rank 1 is the best, tied draws share the better rank,"
        " and a contestant without a finite estimate takes the places above (or below) all the others"
    )


@dataclass(frozen=True, eq=False)
class _Fits:
    """Everything a table is made from: `records` count all battles, `core` indexes the fitted
    contestants (everyone but those set `apart`)."""

    battles: Battles
    opts: FitOptions
    records: _Prepared
    core: _Prepared
    apart: SetApart
    raw: Fitted
    main: Fitted


def _table(fits: _Fits, notes: list[str]) -> RatingTable:
    battles, opts, main = fits.battles, fits.opts, fits.main
    bounds = main.bounds(opts.confidence)
    rows = _rows(fits, bounds, _fitted_ranks(fits)) + _apart_rows(fits)
    group = {"above": 0, None: 1, "below": 2}
    rows.sort(key=lambda row: (group[row.no_estimate], -row.rating, row.name))
    # The design's covariates: the style columns first, the side term last.
    style_names = list(battles.style_names or []) if opts.style else []
    estimates = _covariates(main, bounds, len(fits.core.rated), opts.scale, style_names + (["proposition"] if opts.side else []))
    side_advantage = None
    if opts.side:
        side = estimates[-1]
        side_advantage = SideAdvantage(**asdict(side), win_probability=float(logistic(np.float64(side.coefficient))))
    coefficients = estimates[: len(style_names)] if opts.style else None
    return RatingTable(
        rows=rows, prior=main.prior, side_advantage=side_advantage, style_coefficients=coefficients, notes=notes, **_table_header(battles, opts)
    )


def _record(fits: _Fits, model: int) -> dict[str, Any]:
    records = fits.records
    wins, losses, ties = (int(round(tally[model])) for tally in (records.wins, records.losses, records.ties))
    return {"name": fits.battles.names[model], "battles": int(records.played[model]), "wins": wins, "losses": losses, "ties": ties}


def _fitted_ranks(fits: _Fits) -> list[tuple[int, int]] | None:
    """The rank interval of each fitted contestant (core order), below those set apart above
    everyone; None without intervals."""
    opts, main, n = fits.opts, fits.main, len(fits.core.rated)
    above = sum(1 for way in fits.apart.way.values() if way == "above")
    if main.cov is not None:
        return rank_intervals(normal_draws(main.params[:n], main.cov[:n, :n], NORMAL_DRAWS, opts.seed), opts.confidence, above)
    if main.samples is None:
        return None
    ranks = rank_intervals(main.samples[:, :n], opts.confidence, above)
    if main.least is None:
        return ranks
    # The floor widened the bootstrap bounds where the refits barely moved: widen the ranks alike.
    floored = rank_intervals(normal_draws(main.params[:n], main.least[:n, :n], NORMAL_DRAWS, opts.seed), opts.confidence, above)
    return [(min(b, fb), max(w, fw)) for (b, w), (fb, fw) in zip(ranks, floored, strict=True)]


def _rows(fits: _Fits, bounds: tuple[FloatArray, FloatArray] | None, ranks: list[tuple[int, int]] | None) -> list[RatingRow]:
    """One row per fitted model; with style control also the plain (raw) figures."""
    opts, raw, main = fits.opts, fits.raw, fits.main
    points = opts.to_points
    raw_bounds = raw.bounds(opts.confidence) if opts.style else None
    rows = []
    for k, model in enumerate(fits.core.rated):
        row = RatingRow(
            rating=float(points(main.params[k])),
            lower=None if bounds is None else float(points(bounds[0][k])),
            upper=None if bounds is None else float(points(bounds[1][k])),
            raw_rating=float(points(raw.params[k])) if opts.style else None,
            raw_lower=None if raw_bounds is None else float(points(raw_bounds[0][k])),
            raw_upper=None if raw_bounds is None else float(points(raw_bounds[1][k])),
            rank_lower=None if ranks is None else ranks[k][0],
            rank_upper=None if ranks is None else ranks[k][1],
            **_record(fits, int(model)),
        )
        rows.append(row)
    return rows


def _apart_rows(fits: _Fits) -> list[RatingRow]:
    """The contestants without a finite estimate, each placed by its bound given the others.
    Those above everyone share the first places among themselves (nothing orders them), those
    below the last ones."""
    opts, n = fits.opts, len(fits.core.rated)
    ways = list(fits.apart.way.values())
    above, total = ways.count("above"), n + len(ways)
    ranks: dict[NoEstimate, tuple[int, int]] = {"above": (1, above), "below": (above + n + 1, total)}
    rows = []
    for model, way in fits.apart.way.items():
        ends = [_bound(fits, fitted, model, way) for fitted in (fits.main, fits.raw)]
        places = [placement(way, end, fitted.params[:n]) for end, fitted in zip(ends, (fits.main, fits.raw))]
        shown = [None if end is None or opts.ci is None else float(opts.to_points(end)) for end in ends]
        row = RatingRow(
            rating=float(opts.to_points(places[0])),
            lower=shown[0] if way == "above" else None,
            upper=shown[0] if way == "below" else None,
            raw_rating=float(opts.to_points(places[1])) if opts.style else None,
            raw_lower=shown[1] if opts.style and way == "above" else None,
            raw_upper=shown[1] if opts.style and way == "below" else None,
            no_estimate=way,
            rank_lower=None if opts.ci is None else ranks[way][0],
            rank_upper=None if opts.ci is None else ranks[way][1],
            **_record(fits, model),
        )
        rows.append(row)
    return rows


def _bound(fits: _Fits, fitted: Fitted, model: int, way: NoEstimate) -> float | None:
    n = len(fits.core.rated)
    theta = np.full(len(fits.battles.names), np.nan)
    theta[fits.core.rated] = fitted.params[:n]
    side = float(fitted.params[-1]) if fits.opts.side else 0.0
    return bound(model, way, fits.records.cells, theta, side, fits.opts.confidence)


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
