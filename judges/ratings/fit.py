"""The maximum-likelihood fit, and the fallback prior when no estimate exists.

Newton's method on numpy alone (exact gradient and dense Hessian assembled from the design's
rows, a backtracking line search while far from the optimum); a fit is converged to ~1e-10
log-odds. scipy is imported only for the rare separation check (`_separable`), so rating a
board does not pay for loading it.
"""

from __future__ import annotations

import numpy as np

from judges.ratings.battles import FloatArray, IntArray
from judges.ratings.design import Design, assemble, logits
from judges.ratings.scale import logistic

FALLBACK_PRIOR = 1.0
"""Precision of the N(0, 1/prior) prior on theta (and on the side/style coefficients) used
when the maximum-likelihood estimate does not exist."""
DIVERGED_SPREAD = 30.0
"""A fitted theta spread wider than this (natural-log units, about 5,200 rating points) is a
maximum-likelihood estimate running off to infinity, not a rating."""
LP_MAX_ROWS = 50_000
"""Above this many rows (style control, one row per verdict) the separation programme is
skipped; the fit's own run-off check still catches an estimate heading to infinity."""
SUSPICIOUS_LOGIT = 7.0
"""A fitted row this far from even odds (about 1,200 rating points) is either real or a
covariate running off; only then is the separation programme run."""
MAX_STEPS = 200
"""Newton steps at most; a fit running off to infinity gains about one log-odds unit a step,
so it passes DIVERGED_SPREAD long before this."""
STEP_TOL = 1e-10
"""A full Newton step moving no parameter by more than this (log-odds) ends the fit."""
QUADRATIC = 1e-8
"""Below this Newton decrement (about twice the distance to the minimum), relative to the
objective's value, full steps are taken without a line search: Newton's method converges
quadratically there, and a sum over a million rows has a rounding error not far below it."""
MIN_SHRINK = 1e-10
"""The line search gives up halving the step below this fraction of it."""
SINGULAR = 1e-13
"""A Cholesky pivot this small next to the largest marks the Hessian singular to rounding."""


def fit(d: Design, counts: FloatArray, prior: float | None, start: FloatArray | None = None) -> tuple[FloatArray, float, bool]:
    """Fit; with prior=None use plain maximum likelihood when it exists, else FALLBACK_PRIOR.
    Returns the parameters, the prior used and whether a finite estimate was found."""
    x0 = np.zeros(d.n + d.x.shape[1]) if start is None else start
    if prior is not None:
        params, ok = optimise(d, counts, prior, x0)
        return params, prior, ok if prior > 0 else not _ran_off(d, counts, params, ok)
    if _strongly_connected(d, counts):
        params, ok = optimise(d, counts, 0.0, x0)
        if not _ran_off(d, counts, params, ok):
            return params, 0.0, True
    params, ok = optimise(d, counts, FALLBACK_PRIOR, np.zeros_like(x0))
    return params, FALLBACK_PRIOR, ok


class _Objective:
    """The (weighted) negative log-likelihood with its gradient and Hessian.

    Divided by (total weight / models) so the Hessian's eigenvalues are of order one whatever
    the number of verdicts (the stopping rules are absolute). When prior == 0 a sum-to-zero
    ("gauge") term fixes the free constant without moving the optimum.
    """

    def __init__(self, d: Design, counts: FloatArray, prior: float) -> None:
        self.d, self.prior, self.pen = d, prior, d.pen
        self.score = d.w * (counts[:, 0] + 0.5 * counts[:, 1])
        self.total = d.w * counts.sum(axis=1)
        weight = max(float(self.total.sum()), 1e-300)
        self.unit = weight / d.n
        self.gauge = 0.0 if prior > 0 else 0.25 * weight / (d.n * d.n)

    def value_and_grad(self, params: FloatArray) -> tuple[float, FloatArray]:
        d, n, prior, pen, gauge = self.d, self.d.n, self.prior, self.pen, self.gauge
        theta, beta = params[:n], params[n:]
        logit = logits(d, params)
        # Sums of products and einsum rather than `@` on long vectors: BLAS would start threads
        # for them, which gains nothing here and costs a lot on a busy machine.
        value = float(np.sum(self.total * np.logaddexp(0.0, logit) - self.score * logit))
        value += 0.5 * prior * float(np.sum(params * params)) + 0.5 * float(np.sum(pen * beta * beta)) + 0.5 * gauge * theta.sum() ** 2
        resid = self.score - self.total * logistic(logit)
        grad = np.empty_like(params)
        grad[:n] = np.bincount(d.j, weights=resid, minlength=n) - np.bincount(d.i, weights=resid, minlength=n)
        grad[:n] += prior * theta + gauge * theta.sum()
        if len(beta):
            grad[n:] = (pen + prior) * beta - np.einsum("rk,r->k", d.x, resid)
        return value / self.unit, grad / self.unit

    def hess(self, params: FloatArray) -> FloatArray:
        n = self.d.n
        p = logistic(logits(self.d, params))
        h = assemble(self.d, self.total * p * (1.0 - p))
        h[np.diag_indices(len(params))] += self.prior
        h[:n, :n] += self.gauge
        h[n:, n:] += np.diag(self.pen)
        return h / self.unit


def optimise(d: Design, counts: FloatArray, prior: float, start: FloatArray) -> tuple[FloatArray, bool]:
    """Minimise the objective by Newton's method with a backtracking line search. Returns the
    parameters (theta re-centred to mean 0) and whether the fit stayed finite.

    The objective is convex, so each step solves H s = -g with the dense (n + m)^2 Hessian, as
    the sandwich intervals factorise it anyway; near the optimum full steps converge
    quadratically, and the fit stops when a step moves no parameter by more than STEP_TOL.
    """
    n = d.n
    objective = _Objective(d, counts, prior)
    params = np.array(start, dtype=np.float64)
    value, grad = objective.value_and_grad(params)
    for _ in range(MAX_STEPS):
        step = _newton_step(objective.hess(params), grad)
        decrement = -float(np.sum(grad * step))  # Newton decrement squared: about 2 * (value - minimum)
        if not decrement > 0.0:  # at the optimum to rounding (or the step is NaN)
            break
        shrink = 1.0
        trial = params + step
        trial_value, trial_grad = objective.value_and_grad(trial)
        # Far from the optimum a full step can overshoot; near it the values differ by less
        # than their rounding, so the quadratic model is trusted instead.
        while decrement > QUADRATIC * (1.0 + abs(value)) and not trial_value <= value - 0.25 * shrink * decrement and shrink > MIN_SHRINK:
            shrink *= 0.5
            trial = params + shrink * step
            trial_value, trial_grad = objective.value_and_grad(trial)
        params, value, grad = trial, trial_value, trial_grad
        if not _finite_fit(params, n) or float(np.max(np.abs(shrink * step))) < STEP_TOL:
            break
    params[:n] -= params[:n].mean()
    return params, _finite_fit(params, n)


def _newton_step(hessian: FloatArray, grad: FloatArray) -> FloatArray:
    """Solve hessian @ step = -grad. A Hessian that is singular to rounding (a board in pieces
    fitted with no prior) gets the pseudo-inverse, which leaves the pieces' offsets alone
    instead of sending them off along the flat direction."""
    try:
        pivots = np.diag(np.linalg.cholesky(hessian)) ** 2
    except np.linalg.LinAlgError:
        pivots = np.zeros(1)
    if pivots.min() <= SINGULAR * pivots.max():
        return -(np.linalg.pinv(hessian, hermitian=True) @ grad)
    return np.linalg.solve(hessian, -grad)


def _finite_fit(params: FloatArray, n: int) -> bool:
    """False when the estimate is running off to infinity (ratings or a covariate)."""
    if not np.all(np.isfinite(params)):
        return False
    return bool(np.ptp(params[:n]) < DIVERGED_SPREAD and np.all(np.abs(params[n:]) < DIVERGED_SPREAD))


def _strongly_connected(d: Design, counts: FloatArray) -> bool:
    """The plain MLE exists iff every model can be reached from every other along "scored
    against" edges (a tie is an edge both ways)."""
    forward = counts[:, 0] + counts[:, 1] > 0  # i scored against j
    backward = counts[:, 2] + counts[:, 1] > 0
    src = np.concatenate([d.i[forward], d.j[backward]])
    dst = np.concatenate([d.j[forward], d.i[backward]])
    # Style designs have a row per verdict: fold them to distinct edges first.
    key = src * d.n + dst
    if d.n * d.n <= max(4 * len(key), 1 << 22):
        edges = np.flatnonzero(np.bincount(key, minlength=d.n * d.n))
    else:
        edges = np.unique(key)
    src, dst = edges // d.n, edges % d.n
    return _reaches_all(src, dst, d.n) and _reaches_all(dst, src, d.n)


def _reaches_all(src: IntArray, dst: IntArray, n: int) -> bool:
    """Whether every model is reached from model 0 along the edges src -> dst (one sweep over
    the edges per step of distance)."""
    reached = np.zeros(n, dtype=bool)
    reached[0] = True
    count = 1
    while True:
        reached[dst[reached[src]]] = True
        now = int(np.count_nonzero(reached))
        if now == count:
            return now == n
        count = now


def _separable(d: Design, counts: FloatArray) -> bool:
    """True when some direction v improves every verdict's fit at once (x_r . v >= 0 where only
    i scored, <= 0 where only j scored, = 0 where both did, not all zero): then the likelihood
    keeps rising along v and no maximum-likelihood estimate exists. A small linear programme
    (scipy HiGHS); coefficients with an L2 penalty cannot run off and are held at 0."""
    from scipy import optimize, sparse  # only for a covariate fit heading off: rare, and scipy is slow to load

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


def _ran_off(d: Design, counts: FloatArray, params: FloatArray, finite: bool) -> bool:
    """True when the unpenalised fit at `params` is not a maximum-likelihood estimate."""
    if not finite or not _strongly_connected(d, counts):
        return True
    if d.x.shape[1] == 0:
        return False  # without covariates strong connectivity is the whole condition
    used = counts.sum(axis=1) > 0
    if np.max(np.abs(logits(d, params)[used]), initial=0.0) <= SUSPICIOUS_LOGIT or len(d.i) > LP_MAX_ROWS:
        return False
    return _separable(d, counts)
