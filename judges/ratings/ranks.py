"""Rank intervals: the range of places each contestant could hold, from draws of the ratings.

Each draw of the fitted ratings (a bootstrap refit, or a draw from the sandwich fit's normal
approximation N(params, cov)) ranks the contestants: rank 1 is the best, and contestants tied
in a draw share the better rank (1 + how many are strictly above). A contestant's rank
interval is the alpha/2 and 1 - alpha/2 quantiles of its ranks over the draws (the inverted
CDF, so both ends are ranks that occurred). Unlike comparing confidence intervals pairwise,
this accounts for the ratings moving together: in a draw where one contestant is high, another
cannot also take first place.
"""

from __future__ import annotations

import numpy as np

from judges.ratings.battles import FloatArray, IntArray

NORMAL_DRAWS = 1000
"""Draws from the sandwich fit's normal approximation: 25 in each 2.5% tail of a 95% interval,
at a cost of a few milliseconds for tens of contestants."""


def normal_draws(params: FloatArray, cov: FloatArray, draws: int, seed: int) -> FloatArray:
    """`draws` samples of N(params, cov), seeded, for ranking. The ratings' covariance is
    singular along the all-equal direction (they are fixed only up to a common shift), so that
    direction gets the average variance added: moving every rating by the same amount moves no
    rank. A Cholesky factor is the square root; should rounding leave it indefinite, the
    eigen-decomposition (negative values cut to 0) is."""
    n = len(params)
    shifted = cov + np.full((n, n), max(float(np.trace(cov)) / n, 1e-12) / n)
    try:
        root = np.linalg.cholesky(shifted)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(shifted)
        root = vectors * np.sqrt(np.maximum(values, 0.0))
    return params + np.random.default_rng(seed).standard_normal((draws, n)) @ root.T


def ranks_per_draw(draws: FloatArray) -> IntArray:
    """(D, n) ratings -> (D, n) ranks: 1 + how many are strictly better in the same draw."""
    d, n = draws.shape
    order = np.argsort(-draws, axis=1, kind="stable")
    ordered = np.take_along_axis(draws, order, axis=1)
    # Down each sorted row, a tie keeps the place where its run of equal values began.
    starts = np.ones((d, n), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    place = np.maximum.accumulate(np.where(starts, np.arange(n), 0), axis=1) + 1
    ranks = np.empty((d, n), dtype=np.int64)
    np.put_along_axis(ranks, order, place, axis=1)
    return ranks


def rank_intervals(draws: FloatArray, confidence: float, above: int = 0) -> list[tuple[int, int]]:
    """Each contestant's (best, worst) rank at `confidence` over the draws (D, n), shifted down
    by `above`, the contestants placed above all of them."""
    if draws.shape[1] == 0:
        return []
    alpha = 1.0 - confidence
    ranks = ranks_per_draw(draws)
    best = np.quantile(ranks, alpha / 2.0, axis=0, method="inverted_cdf")
    worst = np.quantile(ranks, 1.0 - alpha / 2.0, axis=0, method="inverted_cdf")
    return [(int(b) + above, int(w) + above) for b, w in zip(best, worst, strict=True)]
