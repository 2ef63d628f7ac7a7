"""The rows of the Bradley-Terry likelihood and the two products every step needs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from judges.ratings.battles import Battles, Cells, FloatArray, IntArray


@dataclass(frozen=True, eq=False)
class Members:
    """Where each battle landed in the design (its row and outcome column) and its debate
    (0..clusters-1): what intervals clustered by debate need, since one row mixes many debates."""

    row: IntArray
    code: IntArray
    cluster: IntArray
    clusters: int

    @classmethod
    def of(cls, battles: Battles, row: IntArray, code: IntArray) -> Members | None:
        """None when the battles carry no debate ids (each battle then stands alone)."""
        if battles.cluster is None:
            return None
        ids, cluster = np.unique(battles.cluster, return_inverse=True)
        return cls(row=row, code=code, cluster=cluster.astype(np.int64), clusters=len(ids))


@dataclass(eq=False)
class Design:
    """Rows of the likelihood: compact model indices i < j, covariates x (R, m), counts (R, 3)
    as [i won, tie, j won], per-verdict weights w, the covariates' L2 penalty (summed units),
    and, when the battles name their debates, which battles each row holds (`members`)."""

    n: int
    i: IntArray
    j: IntArray
    x: FloatArray
    counts: FloatArray
    w: FloatArray
    pen: FloatArray
    style_cols: int  # the first style_cols covariates are arena-rank style features
    style_reg: float
    members: Members | None = None
    pair: IntArray = field(init=False)  # i * n + j, for assembling the rating block

    def __post_init__(self) -> None:
        self.pair = self.i * self.n + self.j


def plain_design(cells: Cells, keep: IntArray, n: int, side: bool, members: Members | None = None) -> Design:
    """The aggregated rows (one per pair and side), with the side as the only covariate."""
    gi, gj, gs, counts = cells
    x = np.where(gs == 0, 1.0, -1.0)[:, None] if side else np.zeros((len(gi), 0))
    return Design(
        n=n,
        i=keep[gi],
        j=keep[gj],
        x=x,
        counts=counts.astype(np.float64),
        w=np.ones(len(gi)),
        pen=np.zeros(x.shape[1]),
        style_cols=0,
        style_reg=0.0,
        members=members,
    )


def logits(d: Design, params: FloatArray) -> FloatArray:
    theta = params[: d.n]
    logit = theta[d.i] - theta[d.j]
    if d.x.shape[1]:
        logit = logit + np.einsum("rk,k->r", d.x, params[d.n :])
    return logit


def assemble(d: Design, vals: FloatArray) -> FloatArray:
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
