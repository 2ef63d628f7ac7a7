"""The rating scale and the win probability it implies.

No scipy here, so the draws can use the same curve without loading the fitting code.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

SCALE = 400.0 / math.log(10.0)
"""Rating points per natural-log unit of odds (LMArena's 400 points per factor 10)."""
CENTER = 1000.0


def win_probability(rating_a: ArrayLike, rating_b: ArrayLike, scale: float = SCALE) -> NDArray[np.float64] | float:
    """P(a beats b) under Bradley-Terry on this rating scale (ties counted as half)."""
    if isinstance(rating_a, float | int) and isinstance(rating_b, float | int):
        return _logistic((rating_a - rating_b) / scale)  # the draws call this once per pair: no array overhead
    logit = (np.asarray(rating_a, dtype=np.float64) - np.asarray(rating_b, dtype=np.float64)) / scale
    favourite = 1.0 / (1.0 + np.exp(-np.abs(logit)))
    value = np.where(logit >= 0, favourite, 1.0 - favourite)
    return float(value) if np.ndim(value) == 0 else value


def logistic(logit: NDArray[np.float64]) -> NDArray[np.float64]:
    """1 / (1 + exp(-logit)) elementwise (scipy's expit): accurate in both tails, never overflows."""
    small = np.exp(-np.abs(logit))
    return np.where(logit >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def _logistic(logit: float) -> float:
    # The favourite's chance, and the other's as its complement: exp never overflows, even
    # odds give exactly 0.5, and P(a beats b) + P(b beats a) is exactly 1 (1 - p is exact for
    # p >= 1/2), so anything built on p * (1 - p) is the same for (a, b) and (b, a).
    favourite = 1.0 / (1.0 + math.exp(-abs(logit)))
    return favourite if logit >= 0 else 1.0 - favourite
