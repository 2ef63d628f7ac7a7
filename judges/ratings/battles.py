"""Battles: pairwise verdicts, integer-coded, and their aggregated form (one row per pair,
side and outcome), which is what makes the fit's cost grow with pairs, not verdicts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Cells = tuple[IntArray, IntArray, IntArray, IntArray]
"""(i, j, side code, counts): see `group`."""

WINNER_OUTCOMES: Mapping[str, float] = {
    "model_a": 1.0,
    "model_b": 0.0,
    "tie": 0.5,
    "tie (bothbad)": 0.5,
    "both_bad": 0.5,
}
"""Accepted `winner` values and the score model_a gets for each."""


@dataclass(frozen=True, eq=False)
class Battles:
    """Pairwise verdicts, integer-coded.

    `a[k]`, `b[k]` index `names`; `outcome[k]` is model_a's score: 1.0 a won, 0.0 b won,
    0.5 tie. `a_is_proposition[k]` says model_a spoke for the proposition (for the side term).
    `style[k]` holds k feature columns for style control, each an a-minus-b difference (for
    length use `relative_difference(len_a, len_b)`); `style_names` names the columns.
    `cluster[k]` names the debate battle k came from (any integers): the battles of one debate
    (a panel's ballots, a ballot's criteria) are not independent, so the intervals resample or
    sum them together. `labels` carries optional per-verdict strings (motion, category, language) for callers
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
    cluster: IntArray | None = None

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
        if self.cluster is not None:
            cluster = np.asarray(self.cluster, dtype=np.int64).reshape(-1)
            if len(cluster) != size:
                raise ValueError(f"cluster has {len(cluster)} values for {size} battles")
            object.__setattr__(self, "cluster", cluster)
        if self.style is not None:
            self._check_style(size)
        for key, values in self.labels.items():
            if len(values) != size:
                raise ValueError(f"label {key!r} has {len(values)} values for {size} battles")

    def _check_style(self, size: int) -> None:
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

    def __len__(self) -> int:
        return len(self.a)

    @property
    def debates(self) -> int | None:
        """How many debates the battles came from; None when they do not say."""
        if self.cluster is None:
            return None
        ordered = np.sort(self.cluster)  # a sort: numpy's hashed unique is slower on large arrays
        return int(np.count_nonzero(np.diff(ordered))) + 1 if len(ordered) else 0

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
        cluster: ArrayLike | None = None,
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
            cluster=None if cluster is None else np.asarray(cluster),
        )

    @classmethod
    def from_names(
        cls,
        model_a: Sequence[str],
        model_b: Sequence[str],
        outcome: Sequence[float],
        *,
        a_is_proposition: ArrayLike | None = None,
        style: ArrayLike | None = None,
        style_names: Sequence[str] | None = None,
        labels: Mapping[str, Sequence[str]] | None = None,
        cluster: ArrayLike | None = None,
    ) -> Battles:
        """From parallel lists of model names and model_a's scores; names are sorted (as
        arena-rank sorts them)."""
        names = sorted(set(model_a) | set(model_b))
        index = {name: k for k, name in enumerate(names)}
        return cls.from_arrays(
            names,
            np.fromiter(map(index.__getitem__, model_a), dtype=np.int64, count=len(model_a)),
            np.fromiter(map(index.__getitem__, model_b), dtype=np.int64, count=len(model_b)),
            np.asarray(outcome, dtype=np.float64),
            a_is_proposition=a_is_proposition,
            style=style,
            style_names=style_names,
            labels=labels,
            cluster=cluster,
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
        cluster: ArrayLike | None = None,
    ) -> Battles:
        """From (model_a, model_b, winner) triples, winner one of `WINNER_OUTCOMES`.

        Names are sorted (as arena-rank sorts them); side, style, labels and cluster, when
        given, are aligned with the records.
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
        return cls.from_names(
            model_a, model_b, outcome, a_is_proposition=a_is_proposition, style=style, style_names=style_names, labels=labels, cluster=cluster
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
            cluster=None if self.cluster is None else self.cluster[pick],
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


def canonical(battles: Battles) -> tuple[IntArray, IntArray, NDArray[np.bool_], FloatArray]:
    """Orient every battle as i < j: returns i, j, swapped, and i's score."""
    swap = battles.a > battles.b
    i = np.minimum(battles.a, battles.b)
    j = np.maximum(battles.a, battles.b)
    score = np.where(swap, 1.0 - battles.outcome, battles.outcome)
    return i, j, swap, score


def outcome_code(score: FloatArray) -> IntArray:
    """0 = i won, 1 = tie, 2 = j won: the column of a count matrix."""
    return (2 - np.rint(score * 2.0)).astype(np.int64)


def group(n: int, i: IntArray, j: IntArray, side_code: IntArray, n_sides: int, score: FloatArray) -> Cells:
    """Count (i, j, side, outcome) cells: returns i, j, side_code and an (R, 3) count matrix with
    columns [i won, tie, j won]. One bincount pass when the cell space is small, a sort otherwise."""
    code = outcome_code(score)
    pair_key = (i * n + j) * n_sides + side_code
    cells = n * n * n_sides * 3
    key = pair_key * 3 + code
    if cells <= max(4 * len(key), 1 << 22):
        counts = np.bincount(key, minlength=cells).reshape(-1, 3)
        keys = np.flatnonzero(counts.sum(axis=1))
        counts = counts[keys]
    else:
        unique, inverse = np.unique(pair_key, return_inverse=True)
        counts = np.zeros((len(unique), 3), dtype=np.int64)
        np.add.at(counts, (inverse, code), 1)
        keys = unique
    side_of = keys % n_sides
    pair = keys // n_sides
    return pair // n, pair % n, side_of, counts.astype(np.int64)


def plain_cells(battles: Battles, side: bool) -> Cells:
    """(i, j, side code, counts) over all names; side code 0: i was proposition, 1: j was."""
    i, j, side_code, n_sides, score = _cell_keys(battles, side)
    return group(len(battles.names), i, j, side_code, n_sides, score)


def cell_of(battles: Battles, side: bool, cells: Cells) -> tuple[IntArray, IntArray]:
    """Each battle's row in `plain_cells(battles, side)` and its outcome column there."""
    i, j, side_code, n_sides, score = _cell_keys(battles, side)
    n = len(battles.names)
    gi, gj, gs, _ = cells
    # `group` returns its rows in ascending key order, so a binary search finds each battle's.
    row = np.searchsorted((gi * n + gj) * n_sides + gs, (i * n + j) * n_sides + side_code)
    return row.astype(np.int64), outcome_code(score)


def _cell_keys(battles: Battles, side: bool) -> tuple[IntArray, IntArray, IntArray, int, FloatArray]:
    i, j, swap, score = canonical(battles)
    if side:
        assert battles.a_is_proposition is not None
        return i, j, np.where(battles.a_is_proposition ^ swap, 0, 1).astype(np.int64), 2, score
    return i, j, np.zeros(len(i), dtype=np.int64), 1, score


def aggregate(battles: Battles) -> PairCounts:
    """Fold battles into one row per unordered pair (and per proposition side when known)."""
    sided = battles.a_is_proposition is not None
    gi, gj, gs, counts = plain_cells(battles, sided)
    side = np.where(gs == 0, 1, -1).astype(np.int8) if sided else np.zeros(len(gi), dtype=np.int8)
    return PairCounts(names=battles.names, i=gi, j=gj, side=side, wins_i=counts[:, 0], ties=counts[:, 1], wins_j=counts[:, 2])


def relative_difference(value_a: ArrayLike, value_b: ArrayLike) -> FloatArray:
    """(a - b) / (a + b), 0 where both are 0: LMArena's style feature (e.g. answer lengths)."""
    va = np.asarray(value_a, dtype=np.float64)
    vb = np.asarray(value_b, dtype=np.float64)
    total = va + vb
    return np.divide(va - vb, total, out=np.zeros_like(total), where=total != 0)
