"""Contestants without a finite estimate: found, set apart, and bounded given the others.

A contestant that never scored (no win, no tie) against those still rated has its maximum
likelihood at minus infinity, one that never conceded at plus infinity. Fitting everyone under
a prior instead would shrink every rating and can reorder the middle of the table, so these
contestants are set apart (repeatedly: setting one apart can leave another winless), the others
are fitted without them, and each is reported "below" or "above" everyone with the end of its
95% interval given the others' fitted ratings (a one-parameter profile likelihood).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from judges.ratings.battles import Cells, FloatArray, IntArray
from judges.ratings.table import NoEstimate


BISECT_TOL = 1e-10
"""Width in log-odds to which a bound is bisected."""


@dataclass(frozen=True)
class SetApart:
    """The contestants set apart (names index -> which way), in the order they were found."""

    way: dict[int, NoEstimate]

    @property
    def models(self) -> IntArray:
        return np.fromiter(self.way, dtype=np.int64, count=len(self.way))


def set_apart(cells: Cells, names: int) -> SetApart:
    """Who has no finite estimate. Nobody when fewer than two contestants would be left to rate
    (nothing to place the rest against: a prior then decides, see `FitOptions.prior`)."""
    gi, gj, _, counts = cells
    live = np.ones(len(gi), dtype=bool)
    way: dict[int, NoEstimate] = {}
    while True:
        scored = _per_model(gi, gj, counts[:, 0] + counts[:, 1], counts[:, 2] + counts[:, 1], live, names)
        conceded = _per_model(gi, gj, counts[:, 2] + counts[:, 1], counts[:, 0] + counts[:, 1], live, names)
        played = scored + conceded > 0
        below = np.flatnonzero(played & (scored == 0))
        above = np.flatnonzero(played & (conceded == 0))
        if not below.size and not above.size:
            break
        way.update({int(k): "below" for k in below} | {int(k): "above" for k in above})
        gone = np.concatenate([below, above])
        live &= ~np.isin(gi, gone) & ~np.isin(gj, gone)
    rated = np.count_nonzero(np.bincount(np.concatenate([gi, gj]), minlength=names))
    return SetApart({} if rated - len(way) < 2 else way)


def _per_model(gi: IntArray, gj: IntArray, for_i: FloatArray, for_j: FloatArray, live: np.ndarray, names: int) -> FloatArray:
    return np.bincount(gi[live], weights=for_i[live], minlength=names) + np.bincount(gj[live], weights=for_j[live], minlength=names)


def bound(model: int, way: NoEstimate, cells: Cells, theta: FloatArray, side: float, confidence: float) -> float | None:
    """The finite end of `model`'s interval, in log-odds, given the others' fitted `theta`
    (names index; NaN for those not fitted) and the side term `side`; None when it met none of
    them. Where its log-likelihood has fallen by z^2/2 from its supremum (0, at infinity)."""
    gi, gj, gs, counts = cells
    mine = ((gi == model) & np.isfinite(theta[gj])) | ((gj == model) & np.isfinite(theta[gi]))
    if not mine.any():
        return None
    as_i = gi[mine] == model
    other = theta[np.where(as_i, gj[mine], gi[mine])]
    # Its own proposition side raises its odds: side code 0 means i was proposition.
    own_side = np.where((gs[mine] == 0) == as_i, side, -side)
    battles = counts[mine].sum(axis=1)
    sign = 1.0 if way == "below" else -1.0  # below: every battle lost; above: every one won
    drop = 0.5 * NormalDist().inv_cdf(0.5 + confidence / 2.0) ** 2

    def fall(t: float) -> float:
        return float(np.sum(battles * np.logaddexp(0.0, sign * (t - other + own_side)))) - drop

    # fall rises with t for "below" (falls for "above"), from -drop to far above 0 across this
    # bracket around the opponents: bisect to its root.
    low, high = float(other.min()) - 60.0, float(other.max()) + 60.0
    rising = fall(high) > 0.0
    while high - low > BISECT_TOL:
        middle = 0.5 * (low + high)
        if (fall(middle) > 0.0) == rising:
            high = middle
        else:
            low = middle
    return 0.5 * (low + high)


def placement(way: NoEstimate, end: float | None, fitted: FloatArray) -> float:
    """Where to list a set-apart contestant: its bound, but never inside the fitted ratings."""
    extreme = float(fitted.min()) if way == "below" else float(fitted.max())
    if end is None:
        return extreme
    return min(end, extreme) if way == "below" else max(end, extreme)


def note(names: list[str], apart: SetApart) -> str:
    below = [names[k] for k, w in apart.way.items() if w == "below"]
    above = [names[k] for k, w in apart.way.items() if w == "above"]
    parts = ([f"never won or tied: {', '.join(below)} (listed below everyone)"] if below else []) + (
        [f"never lost or tied: {', '.join(above)} (listed above everyone)"] if above else []
    )
    return "no finite estimate for " + "; ".join(parts) + "; the others are rated without them and no prior is used for it"

