"""The maximum-likelihood fit, and the fallback prior when no estimate exists.

scipy.optimize.minimize(method="Newton-CG") with exact gradients and Hessian(-vector) products
assembled from the design's rows; a fit is converged to ~1e-9 log-odds.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, sparse, special
from scipy.sparse import csgraph

from judges.ratings.battles import FloatArray
from judges.ratings.design import Design, assemble, logits

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
    """The (weighted) negative log-likelihood with its gradient, Hessian and Hessian-vector
    product.

    Divided by (total weight / models) so the Hessian's eigenvalues are of order one whatever
    the number of verdicts (Newton-CG's curvature test is absolute). When prior == 0 a
    sum-to-zero ("gauge") term fixes the free constant without moving the optimum.
    """

    def __init__(self, d: Design, counts: FloatArray, prior: float) -> None:
        self.d, self.prior, self.pen = d, prior, d.pen
        self.score = d.w * (counts[:, 0] + 0.5 * counts[:, 1])
        self.total = d.w * counts.sum(axis=1)
        weight = max(float(self.total.sum()), 1e-300)
        self.unit = weight / d.n
        self.gauge = 0.0 if prior > 0 else 0.25 * weight / (d.n * d.n)
        self._curvature: dict[str, FloatArray] = {}

    def value_and_grad(self, params: FloatArray) -> tuple[float, FloatArray]:
        d, n, prior, pen, gauge = self.d, self.d.n, self.prior, self.pen, self.gauge
        theta, beta = params[:n], params[n:]
        logit = logits(d, params)
        # Sums of products and einsum rather than `@` on long vectors: BLAS would start threads
        # for them, which gains nothing here and costs a lot on a busy machine.
        value = float(np.sum(self.total * np.logaddexp(0.0, logit) - self.score * logit))
        value += 0.5 * prior * float(np.sum(params * params)) + 0.5 * float(np.sum(pen * beta * beta)) + 0.5 * gauge * theta.sum() ** 2
        resid = self.score - self.total * special.expit(logit)
        grad = np.empty_like(params)
        grad[:n] = np.bincount(d.j, weights=resid, minlength=n) - np.bincount(d.i, weights=resid, minlength=n)
        grad[:n] += prior * theta + gauge * theta.sum()
        if len(beta):
            grad[n:] = (pen + prior) * beta - np.einsum("rk,r->k", d.x, resid)
        return value / self.unit, grad / self.unit

    def hess(self, params: FloatArray) -> FloatArray:
        n = self.d.n
        p = special.expit(logits(self.d, params))
        h = assemble(self.d, self.total * p * (1.0 - p))
        h[np.diag_indices(len(params))] += self.prior
        h[:n, :n] += self.gauge
        h[n:, n:] += np.diag(self.pen)
        return h / self.unit

    def hessp(self, params: FloatArray, vector: FloatArray) -> FloatArray:
        """Hessian times vector straight from the rows (no dense matrix, no BLAS threads)."""
        d, n, curvature = self.d, self.d.n, self._curvature
        if "at" not in curvature or not np.array_equal(curvature["at"], params):
            p = special.expit(logits(d, params))
            curvature["at"], curvature["h"] = params.copy(), self.total * p * (1.0 - p)
        t = curvature["h"] * logits(d, vector)
        out = np.empty_like(vector)
        theta = vector[:n]
        out[:n] = np.bincount(d.i, weights=t, minlength=n) - np.bincount(d.j, weights=t, minlength=n) + self.prior * theta + self.gauge * theta.sum()
        if len(out) > n:
            out[n:] = np.einsum("rk,r->k", d.x, t) + (self.pen + self.prior) * vector[n:]
        return out / self.unit


def optimise(d: Design, counts: FloatArray, prior: float, start: FloatArray) -> tuple[FloatArray, bool]:
    """Minimise the objective with scipy's Newton-CG (the inner CG needs only Hessian-vector
    products, no factorisation). Returns the parameters (theta re-centred to mean 0) and
    whether the fit stayed finite."""
    n = d.n
    objective = _Objective(d, counts, prior)
    # Few rows (aggregated pairs): products straight from the rows. Many rows (style control,
    # one per verdict): one dense Hessian per Newton step is cheaper than a pass per CG step.
    rows_per_entry = len(d.i) / float((n + len(d.pen)) ** 2)
    second = {"hessp": objective.hessp} if rows_per_entry < 4.0 else {"hess": objective.hess}

    def running_off(intermediate_result: optimize.OptimizeResult) -> None:
        if not _finite_fit(intermediate_result.x, n):
            raise StopIteration

    result = optimize.minimize(
        objective.value_and_grad, start, jac=True, method="Newton-CG", callback=running_off, options={"xtol": 1e-11, "maxiter": 200}, **second
    )
    params = np.array(result.x, dtype=np.float64)
    params[:n] -= params[:n].mean()
    return params, _finite_fit(params, n)


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
    graph = sparse.coo_matrix((np.ones(len(src)), (src, dst)), shape=(d.n, d.n)).tocsr()
    components, _ = csgraph.connected_components(graph, directed=True, connection="strong")
    return components == 1


def _separable(d: Design, counts: FloatArray) -> bool:
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
