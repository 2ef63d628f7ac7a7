"""Ratings math: Bradley-Terry with confidence intervals, online Elo, side balance.

Pure functions, no I/O (reading a battle log lives in `judges.battles`). Everything works on a
`Battles` table of integer-coded verdicts; `aggregate` folds it into one row per
(pair, side, outcome) so the maximum-likelihood fit and the sandwich intervals cost grows with
the number of distinct pairs, not with the number of verdicts.

The method is LMArena's, as published in the PyPI package `arena-rank` (0.1.1), and the numbers
agree with it (see `bradley_terry`):

* Model: P(a beats b) = sigmoid(theta_a - theta_b), theta in natural-log units. A tie counts as
  half a win for each side (outcome 0.5 in the log-likelihood o*d - softplus(d)); "tie" and
  "tie (bothbad)" (and "both_bad") are both ties.
* Scale: rating = center + scale * theta with scale = 400 / ln 10 (so 400 rating points are a
  factor 10 in odds) and center = 1000.
* Identifiability: no anchor model. arena-rank starts L-BFGS at theta = 0 and every gradient of
  the likelihood sums to zero over the models, so its ratings keep mean 0 exactly: the mean
  rating of the rated models is `center`. We fit with an explicit sum-to-zero term and re-centre,
  which lands on the same point.
* Sandwich intervals: cov = H^-1 G H^-1 with H = sum over verdicts of p(1-p) x x^T plus
  1e-5 * (number of verdicts) on the diagonal (arena-rank's `hessian_reg`, scaled as it scales
  it), G = sum over verdicts of (o - p)^2 x x^T, x = e_a - e_b (plus feature columns); interval
  = estimate +- z_{1-alpha/2} * sqrt(diag cov), z from the normal distribution.
* Bootstrap intervals: the verdicts are resampled with replacement (multinomial over the
  aggregated rows, as arena-rank does), refitted, and the bounds are the alpha/2 and 1-alpha/2
  quantiles (linear interpolation); the point rating stays the full-data fit.
* Style control: arena-rank's ContextualBradleyTerry: per-verdict features (for example the
  relative length difference a-minus-b, see `relative_difference`) z-scored over the verdicts,
  logit = theta_a - theta_b + features . beta, loss = -mean(w * loglik) + reg/2 * |beta|^2 with
  reg = 1 and inverse-pair-count weights w = 1/max(pair count, 50) normalised to mean 1. Its
  sandwich keeps arena-rank's exact formulas (the reg term left out of H, a -reg^2 beta beta^T
  correction in G) so the intervals match too. Note that reg = 1 on a *mean* loss does not fade
  with more verdicts: it shrinks the coefficients hard (a length effect of 0.70 log-odds per sd
  came out as 0.04 on 6,000 synthetic verdicts), so most of a length bias stays in the ratings.
  Pass `style_reg=0, style_reweight=False` for the plain unpenalised covariate model.

Fitting: scipy.optimize.minimize(method="Newton-CG") with exact gradients and Hessian(-vector)
products assembled from the aggregated rows; a fit is converged to ~1e-9 log-odds, so the
remaining difference from arena-rank (its L-BFGS stops at ftol 1e-9) is a few 1e-4 points.

Additions beyond arena-rank (off by default): a proposition-side term (one more covariate,
+1 when model_a spoke for the proposition, -1 when model_b did; unpenalised), and a Gaussian
prior on theta and the coefficients used only when the maximum-likelihood estimate does not
exist (see `prior`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict
from scipy import linalg, optimize, sparse, special, stats
from scipy.sparse import csgraph

SCALE = 400.0 / math.log(10.0)
"""Rating points per natural-log unit of odds (LMArena's 400 points per factor 10)."""
CENTER = 1000.0
HESSIAN_REG = 1e-5
"""arena-rank's ridge on the sandwich Hessian, per verdict."""
FALLBACK_PRIOR = 1.0
"""Precision of the N(0, 1/prior) prior on theta (and on the side/style coefficients) used
when the maximum-likelihood estimate does not exist."""
STYLE_MIN_PAIR_COUNT = 50
DIVERGED_SPREAD = 30.0
"""A fitted theta spread wider than this (natural-log units, about 5,200 rating points) is a
maximum-likelihood estimate running off to infinity, not a rating."""

WINNER_OUTCOMES: Mapping[str, float] = {
    "model_a": 1.0,
    "model_b": 0.0,
    "tie": 0.5,
    "tie (bothbad)": 0.5,
    "both_bad": 0.5,
}
"""Accepted `winner` values and the score model_a gets for each."""

CI = Literal["sandwich", "bootstrap"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


# --------------------------------------------------------------------------------------------
# Battles and their aggregated form


@dataclass(frozen=True, eq=False)
class Battles:
    """Pairwise verdicts, integer-coded.

    `a[k]`, `b[k]` index `names`; `outcome[k]` is model_a's score: 1.0 a won, 0.0 b won,
    0.5 tie. `a_is_proposition[k]` says model_a spoke for the proposition (for the side term).
    `style[k]` holds k feature columns for style control, each an a-minus-b difference (for
    length use `relative_difference(len_a, len_b)`); `style_names` names the columns.
    `labels` carries optional per-verdict strings (motion, category, language) for callers
    that filter; the maths never reads them. Order matters only to `online_elo`.
    """

    names: list[str]
    a: IntArray
    b: IntArray
    outcome: FloatArray
    a_is_proposition: NDArray[np.bool_] | None = None
    style: FloatArray | None = None
    style_names: list[str] | None = None
    labels: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        a = np.asarray(self.a, dtype=np.int64).reshape(-1)
        b = np.asarray(self.b, dtype=np.int64).reshape(-1)
        outcome = np.asarray(self.outcome, dtype=np.float64).reshape(-1)
        n, size = len(self.names), len(a)
        if len(set(self.names)) != n:
            raise ValueError("Battles.names has duplicates")
        if len(b) != size or len(outcome) != size:
            raise ValueError(f"a, b and outcome differ in length ({size}, {len(b)}, {len(outcome)})")
        if size and (a.min() < 0 or b.min() < 0 or a.max() >= n or b.max() >= n):
            raise ValueError(f"model index outside 0..{n - 1}")
        if np.any(a == b):
            first = int(np.flatnonzero(a == b)[0])
            raise ValueError(f"battle {first}: model {self.names[a[first]]!r} plays itself")
        if not np.all((outcome == 0.0) | (outcome == 0.5) | (outcome == 1.0)):
            raise ValueError("outcome values must be 1.0 (a won), 0.0 (b won) or 0.5 (tie)")
        object.__setattr__(self, "names", list(self.names))
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "outcome", outcome)
        if self.a_is_proposition is not None:
            side = np.asarray(self.a_is_proposition, dtype=bool).reshape(-1)
            if len(side) != size:
                raise ValueError(f"a_is_proposition has {len(side)} values for {size} battles")
            object.__setattr__(self, "a_is_proposition", side)
        if self.style is not None:
            style = np.asarray(self.style, dtype=np.float64)
            if style.ndim == 1:
                style = style[:, None]
            if style.ndim != 2 or style.shape[0] != size:
                raise ValueError(f"style must have one row per battle ({size}), got shape {style.shape}")
            if not np.all(np.isfinite(style)):
                raise ValueError("style features must be finite")
            object.__setattr__(self, "style", style)
            names = self.style_names or (["length"] if style.shape[1] == 1 else [f"style_{k}" for k in range(style.shape[1])])
            if len(names) != style.shape[1]:
                raise ValueError(f"{len(names)} style_names for {style.shape[1]} style columns")
            object.__setattr__(self, "style_names", list(names))
        for key, values in self.labels.items():
            if len(values) != size:
                raise ValueError(f"label {key!r} has {len(values)} values for {size} battles")

    def __len__(self) -> int:
        return len(self.a)

    @classmethod
    def from_arrays(
        cls,
        names: Sequence[str],
        a: ArrayLike,
        b: ArrayLike,
        outcome: ArrayLike,
        *,
        a_is_proposition: ArrayLike | None = None,
        style: ArrayLike | None = None,
        style_names: Sequence[str] | None = None,
        labels: Mapping[str, Sequence[str]] | None = None,
    ) -> Battles:
        return cls(
            names=list(names),
            a=np.asarray(a),
            b=np.asarray(b),
            outcome=np.asarray(outcome),
            a_is_proposition=None if a_is_proposition is None else np.asarray(a_is_proposition),
            style=None if style is None else np.asarray(style),
            style_names=None if style_names is None else list(style_names),
            labels={k: list(v) for k, v in (labels or {}).items()},
        )

    @classmethod
    def from_records(
        cls,
        records: Iterable[tuple[str, str, str]],
        *,
        a_is_proposition: ArrayLike | None = None,
        style: ArrayLike | None = None,
        style_names: Sequence[str] | None = None,
        labels: Mapping[str, Sequence[str]] | None = None,
    ) -> Battles:
        """From (model_a, model_b, winner) triples, winner one of `WINNER_OUTCOMES`.

        Names are sorted (as arena-rank sorts them); side, style and labels, when given, are
        aligned with the records.
        """
        model_a: list[str] = []
        model_b: list[str] = []
        outcome: list[float] = []
        for number, (first, second, winner) in enumerate(records):
            if winner not in WINNER_OUTCOMES:
                raise ValueError(f"record {number}: winner {winner!r} is not one of {', '.join(WINNER_OUTCOMES)}")
            model_a.append(first)
            model_b.append(second)
            outcome.append(WINNER_OUTCOMES[winner])
        names = sorted(set(model_a) | set(model_b))
        index = {name: k for k, name in enumerate(names)}
        return cls.from_arrays(
            names,
            np.fromiter((index[m] for m in model_a), dtype=np.int64, count=len(model_a)),
            np.fromiter((index[m] for m in model_b), dtype=np.int64, count=len(model_b)),
            np.asarray(outcome, dtype=np.float64),
            a_is_proposition=a_is_proposition,
            style=style,
            style_names=style_names,
            labels=labels,
        )

    def subset(self, selection: ArrayLike) -> Battles:
        """The battles picked by a boolean mask or an index array; `names` is kept whole (models
        left without battles are simply not rated)."""
        pick = np.asarray(selection)
        if pick.dtype == bool and len(pick) != len(self):
            raise ValueError(f"mask has {len(pick)} values for {len(self)} battles")
        return Battles(
            names=self.names,
            a=self.a[pick],
            b=self.b[pick],
            outcome=self.outcome[pick],
            a_is_proposition=None if self.a_is_proposition is None else self.a_is_proposition[pick],
            style=None if self.style is None else self.style[pick],
            style_names=self.style_names,
            labels={k: np.asarray(v, dtype=object)[pick].tolist() for k, v in self.labels.items()},
        )


@dataclass(frozen=True, eq=False)
class PairCounts:
    """Battles folded by unordered pair (i < j) and, when sides are known, by who was proposition.

    `side[r]` is +1 when i spoke for the proposition, -1 when j did, 0 when sides are unknown.
    """

    names: list[str]
    i: IntArray
    j: IntArray
    side: NDArray[np.int8]
    wins_i: IntArray
    wins_j: IntArray
    ties: IntArray

    def __len__(self) -> int:
        return len(self.i)

    @property
    def battles(self) -> IntArray:
        return self.wins_i + self.wins_j + self.ties


def _canonical(battles: Battles) -> tuple[IntArray, IntArray, NDArray[np.bool_], FloatArray]:
    """Orient every battle as i < j: returns i, j, swapped, and i's score."""
    swap = battles.a > battles.b
    i = np.minimum(battles.a, battles.b)
    j = np.maximum(battles.a, battles.b)
    score = np.where(swap, 1.0 - battles.outcome, battles.outcome)
    return i, j, swap, score


def _group(n: int, i: IntArray, j: IntArray, side_code: IntArray, n_sides: int, score: FloatArray) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Count (i, j, side, outcome) cells: returns i, j, side_code and an (R, 3) count matrix with
    columns [i won, tie, j won]. One bincount pass when the cell space is small, a sort otherwise."""
    outcome_code = 2 - np.rint(score * 2.0).astype(np.int64)  # 0 = i won, 1 = tie, 2 = j won
    pair_key = (i * n + j) * n_sides + side_code
    cells = n * n * n_sides * 3
    key = pair_key * 3 + outcome_code
    if cells <= max(4 * len(key), 1 << 22):
        counts = np.bincount(key, minlength=cells).reshape(-1, 3)
        keys = np.flatnonzero(counts.sum(axis=1))
        counts = counts[keys]
    else:
        unique, inverse = np.unique(pair_key, return_inverse=True)
        counts = np.zeros((len(unique), 3), dtype=np.int64)
        np.add.at(counts, (inverse, outcome_code), 1)
        keys = unique
    side_of = keys % n_sides
    pair = keys // n_sides
    return pair // n, pair % n, side_of, counts.astype(np.int64)


def aggregate(battles: Battles) -> PairCounts:
    """Fold battles into one row per unordered pair (and per proposition side when known)."""
    sided = battles.a_is_proposition is not None
    gi, gj, gs, counts = _plain_cells(battles, sided)
    side = np.where(gs == 0, 1, -1).astype(np.int8) if sided else np.zeros(len(gi), dtype=np.int8)
    return PairCounts(names=battles.names, i=gi, j=gj, side=side, wins_i=counts[:, 0], ties=counts[:, 1], wins_j=counts[:, 2])


def relative_difference(value_a: ArrayLike, value_b: ArrayLike) -> FloatArray:
    """(a - b) / (a + b), 0 where both are 0: LMArena's style feature (e.g. answer lengths)."""
    va = np.asarray(value_a, dtype=np.float64)
    vb = np.asarray(value_b, dtype=np.float64)
    total = va + vb
    return np.divide(va - vb, total, out=np.zeros_like(total), where=total != 0)


# --------------------------------------------------------------------------------------------
# Results


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


# --------------------------------------------------------------------------------------------
# The fit


@dataclass(eq=False)
class _Design:
    """Rows of the likelihood: compact model indices i < j, covariates x (R, m), counts (R, 3)
    as [i won, tie, j won], per-verdict weights w, and the covariates' L2 penalty (summed units)."""

    n: int
    i: IntArray
    j: IntArray
    x: FloatArray
    counts: FloatArray
    w: FloatArray
    pen: FloatArray
    style_cols: int  # the first style_cols covariates are arena-rank style features
    style_reg: float
    pair: IntArray = field(init=False)  # i * n + j, for assembling the rating block

    def __post_init__(self) -> None:
        self.pair = self.i * self.n + self.j


@dataclass(eq=False)
class _Fit:
    params: FloatArray
    prior: float
    cov: FloatArray | None = None
    samples: FloatArray | None = None  # bootstrap draws of params, (B, n + m)


def _logits(d: _Design, params: FloatArray) -> FloatArray:
    theta = params[: d.n]
    logit = theta[d.i] - theta[d.j]
    if d.x.shape[1]:
        logit = logit + np.einsum("rk,k->r", d.x, params[d.n :])
    return logit


def _assemble(d: _Design, vals: FloatArray) -> FloatArray:
    """sum_r vals_r x_r x_r^T with x_r = (e_i - e_j, covariates): the (n + m)^2 matrix."""
    n, m = d.n, d.x.shape[1]
    out = np.zeros((n + m, n + m))
    adj = np.bincount(d.pair, weights=vals, minlength=n * n).reshape(n, n)
    adj = adj + adj.T
    block = -adj
    block[np.diag_indices(n)] += adj.sum(axis=1)
    out[:n, :n] = block
    if m:
        vx = vals[:, None] * d.x
        for k in range(m):
            cross = np.bincount(d.i, weights=vx[:, k], minlength=n) - np.bincount(d.j, weights=vx[:, k], minlength=n)
            out[:n, n + k] = cross
            out[n + k, :n] = cross
        out[n:, n:] = np.einsum("rk,rl->kl", d.x, vx)
    return out


def _optimise(d: _Design, counts: FloatArray, prior: float, start: FloatArray) -> tuple[FloatArray, bool]:
    """Minimise the (weighted) negative log-likelihood with scipy's Newton-CG.

    The objective is divided by (total weight / models) so the Hessian's eigenvalues are of
    order one whatever the number of verdicts (Newton-CG's curvature test is absolute). The
    inner CG needs only Hessian-vector products, no factorisation. When prior == 0 a sum-to-zero
    term fixes the free constant without moving the likelihood's optimum.
    Returns the parameters (theta re-centred to mean 0) and whether the fit stayed finite.
    """
    n = d.n
    score = d.w * (counts[:, 0] + 0.5 * counts[:, 1])
    total = d.w * counts.sum(axis=1)
    weight = max(float(total.sum()), 1e-300)
    unit = weight / n
    gauge = 0.0 if prior > 0 else 0.25 * weight / (n * n)
    pen = d.pen

    def fun(params: FloatArray) -> tuple[float, FloatArray]:
        theta, beta = params[:n], params[n:]
        logit = _logits(d, params)
        # Sums of products and einsum rather than `@` on long vectors: BLAS would start threads
        # for them, which gains nothing here and costs a lot on a busy machine.
        value = float(np.sum(total * np.logaddexp(0.0, logit) - score * logit))
        value += 0.5 * prior * float(np.sum(params * params)) + 0.5 * float(np.sum(pen * beta * beta)) + 0.5 * gauge * theta.sum() ** 2
        resid = score - total * special.expit(logit)
        grad = np.empty_like(params)
        grad[:n] = np.bincount(d.j, weights=resid, minlength=n) - np.bincount(d.i, weights=resid, minlength=n)
        grad[:n] += prior * theta + gauge * theta.sum()
        if len(beta):
            grad[n:] = (pen + prior) * beta - np.einsum("rk,r->k", d.x, resid)
        return value / unit, grad / unit

    def hess(params: FloatArray) -> FloatArray:
        p = special.expit(_logits(d, params))
        h = _assemble(d, total * p * (1.0 - p))
        h[np.diag_indices(len(params))] += prior
        h[:n, :n] += gauge
        h[n:, n:] += np.diag(pen)
        return h / unit

    curvature: dict[str, FloatArray] = {}

    def hessp(params: FloatArray, vector: FloatArray) -> FloatArray:
        """Hessian times vector straight from the rows (no dense matrix, no BLAS threads)."""
        if "at" not in curvature or not np.array_equal(curvature["at"], params):
            p = special.expit(_logits(d, params))
            curvature["at"], curvature["h"] = params.copy(), total * p * (1.0 - p)
        t = curvature["h"] * _logits(d, vector)
        out = np.empty_like(vector)
        theta = vector[:n]
        out[:n] = np.bincount(d.i, weights=t, minlength=n) - np.bincount(d.j, weights=t, minlength=n) + prior * theta + gauge * theta.sum()
        if len(out) > n:
            out[n:] = np.einsum("rk,r->k", d.x, t) + (pen + prior) * vector[n:]
        return out / unit

    # Few rows (aggregated pairs): products straight from the rows. Many rows (style control,
    # one per verdict): one dense Hessian per Newton step is cheaper than a pass per CG step.
    rows_per_entry = len(d.i) / float((n + len(pen)) ** 2)
    second = {"hessp": hessp} if rows_per_entry < 4.0 else {"hess": hess}

    def running_off(intermediate_result: optimize.OptimizeResult) -> None:
        if not _finite_fit(intermediate_result.x, n):
            raise StopIteration

    result = optimize.minimize(
        fun, start, jac=True, method="Newton-CG", callback=running_off, options={"xtol": 1e-11, "maxiter": 200}, **second
    )
    params = np.array(result.x, dtype=np.float64)
    params[:n] -= params[:n].mean()
    return params, _finite_fit(params, n)


def _finite_fit(params: FloatArray, n: int) -> bool:
    """False when the estimate is running off to infinity (ratings or a covariate)."""
    if not np.all(np.isfinite(params)):
        return False
    return bool(np.ptp(params[:n]) < DIVERGED_SPREAD and np.all(np.abs(params[n:]) < DIVERGED_SPREAD))


def _strongly_connected(d: _Design, counts: FloatArray) -> bool:
    """The plain MLE exists iff every model can be reached from every other along "scored
    against" edges (a tie is an edge both ways)."""
    forward = counts[:, 0] + counts[:, 1] > 0  # i scored against j
    backward = counts[:, 2] + counts[:, 1] > 0
    src = np.concatenate([d.i[forward], d.j[backward]])
    dst = np.concatenate([d.j[forward], d.i[backward]])
    graph = sparse.coo_matrix((np.ones(len(src)), (src, dst)), shape=(d.n, d.n)).tocsr()
    components, _ = csgraph.connected_components(graph, directed=True, connection="strong")
    return components == 1


def _separable(d: _Design, counts: FloatArray) -> bool:
    """True when some direction v improves every verdict's fit at once (x_r . v >= 0 where only
    i scored, <= 0 where only j scored, = 0 where both did, not all zero): then the likelihood
    keeps rising along v and no maximum-likelihood estimate exists. A small linear programme
    (scipy HiGHS); coefficients with an L2 penalty cannot run off and are held at 0."""
    used = counts.sum(axis=1) > 0
    i_scored = (counts[:, 0] + counts[:, 1] > 0) & used
    j_scored = (counts[:, 2] + counts[:, 1] > 0) & used
    rows = len(d.i)
    m = d.x.shape[1]
    design = sparse.hstack(
        [
            sparse.coo_matrix((np.r_[np.ones(rows), -np.ones(rows)], (np.r_[np.arange(rows), np.arange(rows)], np.r_[d.i, d.j])), shape=(rows, d.n)),
            sparse.csr_matrix(d.x),
        ]
    ).tocsr()
    only_i, only_j, both = i_scored & ~j_scored, j_scored & ~i_scored, i_scored & j_scored
    if not only_i.any() and not only_j.any():
        return False
    upper = sparse.vstack([-design[only_i], design[only_j]])
    gain = np.asarray(design[only_i].sum(axis=0) - design[only_j].sum(axis=0)).ravel()
    bounds = [(-1.0, 1.0)] * d.n + [(0.0, 0.0) if pen > 0 else (-1.0, 1.0) for pen in d.pen]
    result = optimize.linprog(
        -gain,
        A_ub=upper,
        b_ub=np.zeros(upper.shape[0]),
        A_eq=design[both] if both.any() else None,
        b_eq=np.zeros(int(both.sum())) if both.any() else None,
        bounds=bounds,
        method="highs",
    )
    return bool(result.status == 0 and -result.fun > 1e-7 * max(1, m))


LP_MAX_ROWS = 50_000
"""Above this many rows (style control, one row per verdict) the separation programme is
skipped; the fit's own run-off check still catches an estimate heading to infinity."""
SUSPICIOUS_LOGIT = 7.0
"""A fitted row this far from even odds (about 1,200 rating points) is either real or a
covariate running off; only then is the separation programme run."""


def _ran_off(d: _Design, counts: FloatArray, params: FloatArray, finite: bool) -> bool:
    """True when the unpenalised fit at `params` is not a maximum-likelihood estimate."""
    if not finite or not _strongly_connected(d, counts):
        return True
    if d.x.shape[1] == 0:
        return False  # without covariates strong connectivity is the whole condition
    used = counts.sum(axis=1) > 0
    if np.max(np.abs(_logits(d, params)[used]), initial=0.0) <= SUSPICIOUS_LOGIT or len(d.i) > LP_MAX_ROWS:
        return False
    return _separable(d, counts)


def _fit(d: _Design, counts: FloatArray, prior: float | None, start: FloatArray | None = None) -> tuple[FloatArray, float, bool]:
    """Fit; with prior=None use plain maximum likelihood when it exists, else FALLBACK_PRIOR.
    Returns the parameters, the prior used and whether a finite estimate was found."""
    x0 = np.zeros(d.n + d.x.shape[1]) if start is None else start
    if prior is not None:
        params, ok = _optimise(d, counts, prior, x0)
        return params, prior, ok if prior > 0 else not _ran_off(d, counts, params, ok)
    if _strongly_connected(d, counts):
        params, ok = _optimise(d, counts, 0.0, x0)
        if not _ran_off(d, counts, params, ok):
            return params, 0.0, True
    params, ok = _optimise(d, counts, FALLBACK_PRIOR, np.zeros_like(x0))
    return params, FALLBACK_PRIOR, ok


def _sandwich(d: _Design, params: FloatArray, prior: float, hessian_reg: float) -> FloatArray:
    """arena-rank's robust covariance H^-1 G H^-1 (summed over verdicts).

    H: weighted p(1-p) x x^T plus the ridge `hessian_reg` * verdicts (and the prior, if one was
    needed); G: squared weighted residuals (o - p)^2 w^2 x x^T. For style control, as in
    arena-rank's ContextualBradleyTerry, H leaves out the coefficients' L2 term and G takes off
    reg^2 beta beta^T (summed units), so the intervals match that package's.
    """
    n = d.n
    counts = d.counts
    p = special.expit(_logits(d, params))
    verdicts = float(counts.sum())
    h_vals = d.w * counts.sum(axis=1) * p * (1.0 - p)
    g_vals = d.w**2 * (counts[:, 0] * (1.0 - p) ** 2 + counts[:, 1] * (0.5 - p) ** 2 + counts[:, 2] * p**2)
    hessian = _assemble(d, h_vals)
    hessian[np.diag_indices(n + d.x.shape[1])] += hessian_reg * verdicts + prior
    grad_cov = _assemble(d, g_vals)
    if d.style_cols and d.style_reg:
        beta = params[n : n + d.style_cols]
        grad_cov[n : n + d.style_cols, n : n + d.style_cols] -= d.style_reg**2 * np.outer(beta, beta)
    try:  # one Cholesky factorisation serves both solves; the ridge keeps H positive definite
        factor = linalg.cho_factor(hessian)
        cov = linalg.cho_solve(factor, linalg.cho_solve(factor, grad_cov).T)
    except linalg.LinAlgError:
        inverse = np.linalg.pinv(hessian, hermitian=True)
        cov = inverse @ grad_cov @ inverse
    return 0.5 * (cov + cov.T)


def _bootstrap(d: _Design, params: FloatArray, prior: float, rounds: int, seed: int) -> tuple[FloatArray, int]:
    """Resample the verdicts (multinomial over the aggregated cells) and refit each round."""
    rng = np.random.default_rng(seed)
    cells = d.counts.reshape(-1)
    total = int(round(cells.sum()))
    pvals = cells / cells.sum()
    samples = np.empty((rounds, len(params)))
    regularised = 0
    for r in range(rounds):
        counts = rng.multinomial(total, pvals).reshape(-1, 3).astype(np.float64)
        use_prior: float | None = prior if prior > 0 else None
        draw, used, _ = _fit(d, counts, use_prior, start=params)
        regularised += int(used > 0 and prior == 0)
        samples[r] = draw
    return samples, regularised


def _plain_cells(battles: Battles, side: bool) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """(i, j, side code, counts) over all names; side code 0: i was proposition, 1: j was."""
    i, j, swap, score = _canonical(battles)
    if side:
        assert battles.a_is_proposition is not None
        return _group(len(battles.names), i, j, np.where(battles.a_is_proposition ^ swap, 0, 1).astype(np.int64), 2, score)
    return _group(len(battles.names), i, j, np.zeros(len(i), dtype=np.int64), 1, score)


def _plain_design(cells: tuple[IntArray, IntArray, IntArray, IntArray], keep: IntArray, n: int, side: bool) -> _Design:
    gi, gj, gs, counts = cells
    x = np.where(gs == 0, 1.0, -1.0)[:, None] if side else np.zeros((len(gi), 0))
    return _Design(
        n=n, i=keep[gi], j=keep[gj], x=x, counts=counts.astype(np.float64), w=np.ones(len(gi)), pen=np.zeros(x.shape[1]), style_cols=0, style_reg=0.0
    )


def _style_design(battles: Battles, keep: IntArray, n: int, side: bool, reg: float, reweight: bool) -> _Design:
    """One row per verdict, as arena-rank's ContextualPairDataset (features z-scored in the
    given a/b orientation, then flipped with the pair)."""
    assert battles.style is not None
    size = len(battles)
    features = battles.style
    std = features.std(axis=0)
    features = (features - features.mean(axis=0)) / np.where(std == 0, 1.0, std)
    i, j, swap, score = _canonical(battles)
    i, j = keep[i], keep[j]
    sign = np.where(swap, -1.0, 1.0)[:, None]
    columns = [features * sign]
    if side:
        assert battles.a_is_proposition is not None
        columns.append(np.where(battles.a_is_proposition ^ swap, 1.0, -1.0)[:, None])
    x = np.hstack(columns)
    counts = np.zeros((size, 3))
    counts[np.arange(size), (2 - np.rint(score * 2.0)).astype(np.int64)] = 1.0
    if reweight:
        pair = i * n + j
        _, inverse, per_pair = np.unique(pair, return_inverse=True, return_counts=True)
        w = 1.0 / np.maximum(per_pair[inverse], STYLE_MIN_PAIR_COUNT).astype(np.float64)
        w /= w.mean()
    else:
        w = np.ones(size)
    k = features.shape[1]
    pen = np.concatenate([np.full(k, reg * size), np.zeros(x.shape[1] - k)])
    return _Design(n=n, i=i, j=j, x=x, counts=counts, w=w, pen=pen, style_cols=k, style_reg=reg)


def _run(d: _Design, ci: CI | None, prior: float | None, rounds: int, seed: int, hessian_reg: float) -> tuple[_Fit, list[str]]:
    params, used, ok = _fit(d, d.counts, prior)
    fit = _Fit(params=params, prior=used)
    notes: list[str] = []
    if not ok:
        notes.append(f"the fit ran off (no maximum-likelihood estimate with prior {used:g}): ratings are where the optimiser stopped")
    if ci == "sandwich":
        fit.cov = _sandwich(d, params, used, hessian_reg)
    elif ci == "bootstrap":
        fit.samples, regularised = _bootstrap(d, params, used, rounds, seed)
        if regularised:
            notes.append(f"{regularised} of {rounds} bootstrap rounds had no maximum-likelihood estimate and used the prior {FALLBACK_PRIOR}")
    return fit, notes


def _bounds(fit: _Fit, confidence: float) -> tuple[FloatArray, FloatArray] | None:
    if fit.cov is not None:
        z = stats.norm.ppf(0.5 + confidence / 2.0)
        width = z * np.sqrt(np.maximum(np.diag(fit.cov), 0.0))
        return fit.params - width, fit.params + width
    if fit.samples is not None:
        alpha = 1.0 - confidence
        return np.quantile(fit.samples, alpha / 2.0, axis=0), np.quantile(fit.samples, 1.0 - alpha / 2.0, axis=0)
    return None


def bradley_terry(
    battles: Battles,
    *,
    ci: CI | None = "sandwich",
    confidence: float = 0.95,
    bootstrap_rounds: int = 200,
    seed: int = 0,
    side: bool = False,
    style: bool = False,
    style_reg: float = 1.0,
    style_reweight: bool = True,
    prior: float | None = None,
    scale: float = SCALE,
    center: float = CENTER,
    hessian_reg: float = HESSIAN_REG,
) -> RatingTable:
    """Bradley-Terry maximum-likelihood ratings with confidence intervals.

    The fit runs on aggregated pair counts (cost grows with distinct pairs); style control runs
    per verdict, vectorised, as arena-rank does. Conventions (module docstring): ties are half a
    win each; rating = center + scale * theta; no anchor model, the mean rating of the rated
    models is `center` (what arena-rank's zero-start L-BFGS gives); sandwich intervals
    H^-1 G H^-1 with arena-rank's Hessian ridge `hessian_reg` * verdicts; bootstrap intervals
    are quantiles over `bootstrap_rounds` seeded resamples.

    Models listed in `battles.names` but without battles are left out of the table (their
    rating is undefined) and named in `notes`.

    `side=True` fits a proposition-side term with the ratings (needs `a_is_proposition`),
    reported as `side_advantage`. `style=True` fits the style covariates in `battles.style`
    the way LMArena's style control does (`style_reg`, `style_reweight` default to arena-rank's
    reg=1 and inverse-pair-count weights); rows then carry the style-controlled `rating` and the
    plain `raw_rating`, and `style_coefficients` holds the covariates (rating points per
    standard deviation of the feature).

    `prior`: None (default) fits plain maximum likelihood whenever the estimate exists; when it
    does not (an unbeaten or winless model, a comparison graph in pieces, a fit that runs off),
    it adds a N(0, 1/FALLBACK_PRIOR) prior on theta (and on the side and style coefficients) in
    log-odds units and says so in `prior` and `notes`. A number forces that prior precision
    (0.0: never regularise).
    """
    if ci not in (None, "sandwich", "bootstrap"):
        raise ValueError(f"ci must be 'sandwich', 'bootstrap' or None, not {ci!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")
    if side and battles.a_is_proposition is None:
        raise ValueError("side=True needs battles with a_is_proposition")
    if style and battles.style is None:
        raise ValueError("style=True needs battles with style features")
    if ci == "bootstrap" and bootstrap_rounds < 2:
        raise ValueError("bootstrap needs at least 2 rounds")

    names = battles.names
    total = len(names)
    cells = _plain_cells(battles, side)
    gi, gj, _, counts = cells
    played = np.bincount(gi, weights=counts.sum(axis=1), minlength=total) + np.bincount(gj, weights=counts.sum(axis=1), minlength=total)
    wins = np.bincount(gi, weights=counts[:, 0], minlength=total) + np.bincount(gj, weights=counts[:, 2], minlength=total)
    losses = np.bincount(gi, weights=counts[:, 2], minlength=total) + np.bincount(gj, weights=counts[:, 0], minlength=total)
    ties = np.bincount(gi, weights=counts[:, 1], minlength=total) + np.bincount(gj, weights=counts[:, 1], minlength=total)

    rated = np.flatnonzero(played > 0)
    notes: list[str] = []
    unrated = [names[k] for k in np.flatnonzero(played == 0)]
    if unrated:
        notes.append("not rated, no battles: " + ", ".join(unrated))
    common = {"ci": ci, "confidence": confidence, "scale": scale, "center": center, "battles": len(battles)}
    if len(rated) == 0:
        return RatingTable(rows=[], prior=0.0, notes=notes, **common)
    n = len(rated)
    keep = np.full(total, -1, dtype=np.int64)
    keep[rated] = np.arange(n)

    plain = _plain_design(cells, keep, n, side)
    raw, raw_notes = _run(plain, ci, prior, bootstrap_rounds, seed, hessian_reg)
    notes += raw_notes
    main, design = raw, plain
    if style:
        design = _style_design(battles, keep, n, side, style_reg, style_reweight)
        style_prior = raw.prior if prior is None and raw.prior > 0 else prior
        main, style_notes = _run(design, ci, style_prior, bootstrap_rounds, seed, hessian_reg)
        notes += style_notes
    if main.prior > 0:
        notes.append(
            "no maximum-likelihood estimate (a model unbeaten, winless or cut off from the rest, or one side winning"
            f" every debate): ratings use a N(0, 1/{main.prior:g}) prior on log-odds"
        )

    def to_points(values: FloatArray) -> FloatArray:
        return center + scale * values

    bounds = _bounds(main, confidence)
    raw_bounds = _bounds(raw, confidence) if style else None
    rows = []
    for k, model in enumerate(rated):
        row = RatingRow(
            name=names[model],
            rating=float(to_points(main.params[k])),
            lower=None if bounds is None else float(to_points(bounds[0][k])),
            upper=None if bounds is None else float(to_points(bounds[1][k])),
            battles=int(played[model]),
            wins=int(round(wins[model])),
            losses=int(round(losses[model])),
            ties=int(round(ties[model])),
            raw_rating=float(to_points(raw.params[k])) if style else None,
            raw_lower=None if raw_bounds is None else float(to_points(raw_bounds[0][k])),
            raw_upper=None if raw_bounds is None else float(to_points(raw_bounds[1][k])),
        )
        rows.append(row)
    rows.sort(key=lambda row: (-row.rating, row.name))

    def estimate(column: int) -> tuple[float, float | None, float | None]:
        value = float(main.params[n + column])
        if bounds is None:
            return value, None, None
        return value, float(bounds[0][n + column]), float(bounds[1][n + column])

    side_advantage = None
    if side:
        column = design.x.shape[1] - 1
        value, low, high = estimate(column)
        side_advantage = SideAdvantage(
            name="proposition",
            coefficient=value,
            rating=scale * value,
            lower=None if low is None else scale * low,
            upper=None if high is None else scale * high,
            win_probability=float(special.expit(value)),
        )
    coefficients = None
    if style:
        assert battles.style_names is not None
        coefficients = []
        for column, label in enumerate(battles.style_names):
            value, low, high = estimate(column)
            coefficients.append(
                Estimate(
                    name=label,
                    coefficient=value,
                    rating=scale * value,
                    lower=None if low is None else scale * low,
                    upper=None if high is None else scale * high,
                )
            )
    return RatingTable(rows=rows, prior=main.prior, side_advantage=side_advantage, style_coefficients=coefficients, notes=notes, **common)


# --------------------------------------------------------------------------------------------
# Elo, win probability, separability, side balance


def online_elo(battles: Battles, k: float = 4.0, base: float = 1000.0, scale: float = 400.0) -> dict[str, float]:
    """LMArena's online Elo (order-dependent, for the live view): every model starts at `base`,
    expected score 1 / (1 + 10^((r_b - r_a) / scale)), a tie scores 0.5. Returns the models that
    played, in `battles.names` order."""
    ratings = dict.fromkeys(range(len(battles.names)), base)
    for a, b, outcome in zip(battles.a.tolist(), battles.b.tolist(), battles.outcome.tolist(), strict=True):
        ra, rb = ratings[a], ratings[b]
        expected_a = 1.0 / (1.0 + 10.0 ** ((rb - ra) / scale))
        ratings[a] = ra + k * (outcome - expected_a)
        ratings[b] = rb + k * ((1.0 - outcome) - (1.0 - expected_a))
    played = set(battles.a.tolist()) | set(battles.b.tolist())
    return {battles.names[m]: ratings[m] for m in range(len(battles.names)) if m in played}


def win_probability(rating_a: ArrayLike, rating_b: ArrayLike, scale: float = SCALE) -> FloatArray | float:
    """P(a beats b) under Bradley-Terry on this rating scale (ties counted as half)."""
    value = special.expit((np.asarray(rating_a, dtype=np.float64) - np.asarray(rating_b, dtype=np.float64)) / scale)
    return float(value) if np.ndim(value) == 0 else value


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


class MotionBalance(BaseModel):
    """Proposition's record on one motion; ties count half to each side. `lopsided` when the
    chi-square test against 50/50 rejects at the chosen level (few debates: read with care)."""

    model_config = ConfigDict(frozen=True)

    motion: str
    debates: int
    proposition_wins: int
    opposition_wins: int
    ties: int
    proposition_rate: float
    chi2: float
    p_value: float
    lopsided: bool


SIDES = ("proposition", "opposition", "tie")


def side_balance(records: Iterable[tuple[str, str]], *, alpha: float = 0.05) -> list[MotionBalance]:
    """Per motion: proposition win rate and a chi-square goodness-of-fit test against 50/50.

    `records` are (motion, winner side) with side in proposition / opposition / tie. Rows come
    most lopsided first (smallest p-value), then by motion.
    """
    tallies: dict[str, list[int]] = {}
    for motion, winner in records:
        if winner not in SIDES:
            raise ValueError(f"motion {motion!r}: winner side {winner!r} is not one of {', '.join(SIDES)}")
        tallies.setdefault(motion, [0, 0, 0])[SIDES.index(winner)] += 1
    result = []
    for motion, (prop, opp, tie) in tallies.items():
        debates = prop + opp + tie
        observed = [prop + tie / 2.0, opp + tie / 2.0]
        chi2, p_value = stats.chisquare(observed)
        chi2, p_value = float(chi2), float(p_value)
        if not math.isfinite(p_value):  # every debate tied: perfectly balanced
            chi2, p_value = 0.0, 1.0
        result.append(
            MotionBalance(
                motion=motion,
                debates=debates,
                proposition_wins=prop,
                opposition_wins=opp,
                ties=tie,
                proposition_rate=observed[0] / debates,
                chi2=chi2,
                p_value=p_value,
                lopsided=p_value < alpha,
            )
        )
    result.sort(key=lambda row: (row.p_value, row.motion))
    return result
