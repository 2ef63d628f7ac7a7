"""Confidence intervals: arena-rank's sandwich covariance, or a seeded bootstrap.

* Sandwich: cov = H^-1 G H^-1 with H = sum over verdicts of p(1-p) x x^T plus 1e-5 * (number
  of verdicts) on the diagonal (arena-rank's `hessian_reg`, scaled as it scales it), G = sum
  over verdicts of (o - p)^2 x x^T, x = e_a - e_b (plus feature columns); interval =
  estimate +- z_{1-alpha/2} * sqrt(diag cov), z from the normal distribution.
* Bootstrap: the verdicts are resampled with replacement (multinomial over the aggregated rows,
  as arena-rank does), refitted, and the bounds are the alpha/2 and 1-alpha/2 quantiles
  (linear interpolation); the point rating stays the full-data fit.

Floor (`floor=True`, the product's default): no interval is narrower than half the
model-based one. The sandwich's G measures the spread of the observed outcomes; on a handful of
debates, or when every debate was a tie, the fitted probabilities reproduce the outcomes
exactly, G is zero and so would be every interval ("1000 (1000-1000)" after one tied debate).
The model-based covariance is H^-1 F H^-1, F the variance a win-or-loss verdict has under the
fitted model (w^2 p(1-p) x x^T per verdict); the floored covariance is the sandwich plus the
positive part of (model-based / 4 - sandwich), so it is at least a quarter of the model-based
covariance in every direction. On real samples the sandwich's variance is near the model's
(ties make it smaller, but by at most half when half the verdicts are ties), the difference is
negative and nothing changes: the floor only acts on a degenerate sandwich. Bootstrap bounds
(and rank ranges) are widened to those of the floored sandwich, for the same degenerate cases.
arena-rank has no floor: with `floor=False` the numbers are its own.

When the battles name their debates (`Battles.cluster`), the battles of one debate are not
independent (a panel's ballots, a ballot's criteria), so both methods work by debate: the
sandwich's G sums the score vectors of each debate before squaring them (cluster-robust, "CR0"),
and the bootstrap resamples whole debates. Counting k ballots of a debate as k battles then no
longer narrows the intervals by sqrt(k).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from judges.ratings.battles import FloatArray, IntArray
from judges.ratings.design import Design, assemble, logits
from judges.ratings.fit import FALLBACK_PRIOR, fit
from judges.ratings.scale import logistic
from judges.ratings.table import CI

HESSIAN_REG = 1e-5
"""arena-rank's ridge on the sandwich Hessian, per verdict."""
FLOOR_SHARE = 0.25
"""With the floor, the covariance is at least this share of the model-based one (intervals at
least half as wide)."""
PAIRS_PER_PASS = 1 << 22
"""Products of score entries summed per pass when the clustered G is assembled (bounds memory)."""


@dataclass(eq=False)
class Fitted:
    """A fit with its uncertainty: a covariance (sandwich) or bootstrap draws, or neither."""

    params: FloatArray
    prior: float
    cov: FloatArray | None = None
    samples: FloatArray | None = None  # bootstrap draws of params, (B, n + m)
    least: FloatArray | None = None  # the floored sandwich covariance bootstrap bounds may not be inside

    def bounds(self, confidence: float) -> tuple[FloatArray, FloatArray] | None:
        z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
        if self.cov is not None:
            width = z * np.sqrt(np.maximum(np.diag(self.cov), 0.0))
            return self.params - width, self.params + width
        if self.samples is not None:
            alpha = 1.0 - confidence
            lower = np.quantile(self.samples, alpha / 2.0, axis=0)
            upper = np.quantile(self.samples, 1.0 - alpha / 2.0, axis=0)
            if self.least is not None:
                width = z * np.sqrt(np.maximum(np.diag(self.least), 0.0))
                lower, upper = np.minimum(lower, self.params - width), np.maximum(upper, self.params + width)
            return lower, upper
        return None


def fit_with_intervals(
    d: Design, ci: CI | None, prior: float | None, rounds: int, seed: int, hessian_reg: float, floor: bool = False
) -> tuple[Fitted, list[str]]:
    """Fit `d` and add the intervals `ci` asks for (never narrower than the model-based ones
    with `floor`); returns the fit and notes for the reader."""
    params, used, ok = fit(d, d.counts, prior)
    fitted = Fitted(params=params, prior=used)
    notes: list[str] = []
    if not ok:
        notes.append(f"the fit ran off (no maximum-likelihood estimate with prior {used:g}): ratings are where the optimiser stopped")
    if ci == "sandwich":
        fitted.cov = sandwich(d, params, used, hessian_reg, floor)
    elif ci == "bootstrap":
        fitted.samples, regularised = bootstrap(d, params, used, rounds, seed)
        fitted.least = sandwich(d, params, used, hessian_reg, floor=True) if floor else None
        if regularised:
            notes.append(f"{regularised} of {rounds} bootstrap rounds had no maximum-likelihood estimate and used the prior {FALLBACK_PRIOR}")
    return fitted, notes


def sandwich(d: Design, params: FloatArray, prior: float, hessian_reg: float, floor: bool = False) -> FloatArray:
    """arena-rank's robust covariance H^-1 G H^-1 (summed over verdicts); with `floor`, at least
    FLOOR_SHARE of the model-based covariance (see the module's notes).

    H: weighted p(1-p) x x^T plus the ridge `hessian_reg` * verdicts (and the prior, if one was
    needed); G: squared weighted residuals (o - p)^2 w^2 x x^T. For style control, as in
    arena-rank's ContextualBradleyTerry, H leaves out the coefficients' L2 term and G takes off
    reg^2 beta beta^T (summed units), so the intervals match that package's.
    """
    n = d.n
    counts = d.counts
    p = logistic(logits(d, params))
    verdicts = float(counts.sum())
    h_vals = d.w * counts.sum(axis=1) * p * (1.0 - p)
    g_vals = d.w**2 * (counts[:, 0] * (1.0 - p) ** 2 + counts[:, 1] * (0.5 - p) ** 2 + counts[:, 2] * p**2)
    hessian = assemble(d, h_vals)
    hessian[np.diag_indices(n + d.x.shape[1])] += hessian_reg * verdicts + prior
    grad_cov = assemble(d, g_vals) if d.members is None else _clustered_scores(d, p)
    if d.style_cols and d.style_reg:
        beta = params[n : n + d.style_cols]
        grad_cov[n : n + d.style_cols, n : n + d.style_cols] -= d.style_reg**2 * np.outer(beta, beta)
    fisher = assemble(d, d.w**2 * counts.sum(axis=1) * p * (1.0 - p)) if floor else None
    _drop_constant_direction(hessian, [grad_cov] if fisher is None else [grad_cov, fisher], n)
    try:  # H^-1 from its Cholesky factor L (H^-1 = L^-T L^-1); the ridge keeps H positive definite
        inverse_factor = np.linalg.inv(np.linalg.cholesky(hessian))
        inverse = inverse_factor.T @ inverse_factor
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(hessian, hermitian=True)
    cov = _symmetric(inverse @ grad_cov @ inverse)
    if fisher is None:
        return cov
    values, vectors = np.linalg.eigh(FLOOR_SHARE * _symmetric(inverse @ fisher @ inverse) - cov)
    return cov + (vectors * np.maximum(values, 0.0)) @ vectors.T


def _symmetric(matrix: FloatArray) -> FloatArray:
    return 0.5 * (matrix + matrix.T)


def _drop_constant_direction(hessian: FloatArray, outer: list[FloatArray], n: int) -> None:
    """Make H^-1 G H^-1 blind to adding a constant to every rating, in place.

    Every score vector sums to zero over the ratings (x = e_a - e_b), so G has nothing along
    that direction u and the result does not depend on H's curvature along it, which is the
    ridge alone: a rounding error of G along u would be amplified by 1 / ridge^2 (one part in
    1e9 on a small board). G (and the model-based F, alike) is projected off u and H gets an
    ordinary curvature along u, which leaves the exact covariance as it is."""
    u = np.zeros(len(hessian))
    u[:n] = 1.0 / np.sqrt(n)
    off = np.eye(len(u)) - np.outer(u, u)
    for matrix in outer:
        matrix[:] = off @ matrix @ off
    hessian += np.outer(u, u) * float(np.mean(np.diag(hessian)[:n]))


def bootstrap(d: Design, params: FloatArray, prior: float, rounds: int, seed: int) -> tuple[FloatArray, int]:
    """Resample the verdicts (multinomial over the aggregated cells), or whole debates when the
    design knows them, and refit each round. Returns the draws and how many rounds needed the fallback prior."""
    rng = np.random.default_rng(seed)
    resample = _debates_resampler(d, rng) if d.members is not None else _verdicts_resampler(d, rng)
    samples = np.empty((rounds, len(params)))
    regularised = 0
    for r in range(rounds):
        counts = resample()
        use_prior: float | None = prior if prior > 0 else None
        draw, used, _ = fit(d, counts, use_prior, start=params)
        regularised += int(used > 0 and prior == 0)
        samples[r] = draw
    return samples, regularised


def _verdicts_resampler(d: Design, rng: np.random.Generator) -> Callable[[], FloatArray]:
    cells = d.counts.reshape(-1)
    total = int(round(cells.sum()))
    pvals = cells / cells.sum()
    return lambda: rng.multinomial(total, pvals).reshape(-1, 3).astype(np.float64)


def _debates_resampler(d: Design, rng: np.random.Generator) -> Callable[[], FloatArray]:
    """Draw the debates with replacement; a debate drawn m times adds each of its battles m times."""
    members = d.members
    assert members is not None
    cell = members.row * 3 + members.code
    uniform = np.full(members.clusters, 1.0 / members.clusters)

    def draw() -> FloatArray:
        times = rng.multinomial(members.clusters, uniform)
        return np.bincount(cell, weights=times[members.cluster], minlength=d.counts.size).reshape(-1, 3)

    return draw


def _clustered_scores(d: Design, p: FloatArray) -> FloatArray:
    """G = sum over debates of s_c s_c^T, s_c the debate's summed score vector w (o - p) x.

    s_c has an entry only in the columns of the debate's contestants and the covariates, so G
    is summed from the products of entries within each debate, never from a dense
    debates x columns matrix."""
    members = d.members
    assert members is not None
    row, n, m = members.row, d.n, d.x.shape[1]
    width = n + m
    resid = d.w[row] * (1.0 - 0.5 * members.code - p[row])  # code 0/1/2: i's score 1, 0.5, 0
    columns = [d.i[row], d.j[row]] + [np.full(len(row), n + k) for k in range(m)]
    values = [resid, -resid] + [resid * d.x[row, k] for k in range(m)]
    # One entry per (debate, column): summing duplicates is what adds a debate's battles together.
    key, where = np.unique(np.tile(members.cluster, 2 + m) * width + np.concatenate(columns), return_inverse=True)
    entry = np.bincount(where.reshape(-1), weights=np.concatenate(values))
    debate, column = key // width, key % width  # sorted by debate, then column
    sizes = np.bincount(debate, minlength=members.clusters)
    first = np.cumsum(sizes) - sizes
    partners = sizes[debate]  # each entry pairs with every entry of its debate
    grad_cov = np.zeros(width * width)
    for lo, hi in _passes(partners):
        left = np.repeat(np.arange(lo, hi), partners[lo:hi])
        starts = np.cumsum(partners[lo:hi]) - partners[lo:hi]
        right = first[debate[left]] + np.arange(len(left)) - np.repeat(starts, partners[lo:hi])
        grad_cov += np.bincount(column[left] * width + column[right], weights=entry[left] * entry[right], minlength=width * width)
    return grad_cov.reshape(width, width)


def _passes(partners: IntArray) -> Iterator[tuple[int, int]]:
    """Consecutive entry ranges with about PAIRS_PER_PASS products each."""
    ends = np.cumsum(partners)
    lo = 0
    while lo < len(partners):
        hi = max(int(np.searchsorted(ends, ends[lo] - partners[lo] + PAIRS_PER_PASS, side="right")), lo + 1)
        yield lo, hi
        lo = hi
