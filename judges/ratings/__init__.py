"""Ratings math: Bradley-Terry with confidence intervals, online Elo, side balance.

Pure functions, no I/O except reading and writing a battle log (`battles_csv`). Everything works on a
`Battles` table of integer-coded verdicts; `aggregate` folds it into one row per
(pair, side, outcome) so the maximum-likelihood fit and the sandwich intervals cost grows with
the number of distinct pairs, not with the number of verdicts.

The method is LMArena's, as published in the PyPI package `arena-rank` (0.1.1), and the numbers
agree with it:

* Model: P(a beats b) = sigmoid(theta_a - theta_b), theta in natural-log units. A tie counts as
  half a win for each side (outcome 0.5 in the log-likelihood o*d - softplus(d)); "tie" and
  "tie (bothbad)" (and "both_bad") are both ties.
* Scale: rating = center + scale * theta with scale = 400 / ln 10 (so 400 rating points are a
  factor 10 in odds) and center = 1000 (`scale`).
* Identifiability: no anchor model; the mean rating of the rated models is `center`
  (`bradley_terry`).
* Intervals: arena-rank's sandwich covariance or a seeded bootstrap (`intervals`).
* Rank intervals: each contestant's range of ranks over the bootstrap refits, or over seeded
  draws from the sandwich fit's normal approximation (`ranks`; `RatingRow.rank_lower/upper`).
* Style control: arena-rank's ContextualBradleyTerry (`style`).

Fitting (`fit`): Newton's method on numpy with the exact gradient and Hessian (no scipy, so a
command that rates starts fast); the remaining difference from arena-rank (its L-BFGS stops at
ftol 1e-9) is a few 1e-4 points.

Additions beyond arena-rank (off by default): a proposition-side term (one more covariate,
+1 when model_a spoke for the proposition, -1 when model_b did; unpenalised); contestants
without a finite estimate (never won or tied, never lost or tied) set apart so they move no
other rating (`no_estimate`), and a Gaussian prior on theta and the coefficients used only when
the others still have no maximum-likelihood estimate (see `FitOptions.prior`); intervals
clustered by debate when the battles name their debates (`Battles.cluster`).

The package's names load lazily: `from judges.ratings import win_probability` (as the draws do)
does not import scipy or the fitting code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from debate.core.lazy import lazy_names

if TYPE_CHECKING:
    from judges.ratings.balance import DEBATE_OUTCOMES, MotionBalance, side_balance
    from judges.ratings.battles import WINNER_OUTCOMES, Battles, FloatArray, IntArray, PairCounts, aggregate, relative_difference
    from judges.ratings.battles_csv import read_battles_csv, write_battles_csv
    from judges.ratings.pipeline import FitOptions, bradley_terry
    from judges.ratings.elo import online_elo
    from judges.ratings.fit import DIVERGED_SPREAD, FALLBACK_PRIOR
    from judges.ratings.intervals import HESSIAN_REG
    from judges.ratings.ranks import NORMAL_DRAWS, normal_draws, rank_intervals, ranks_per_draw
    from judges.ratings.scale import CENTER, SCALE, win_probability
    from judges.ratings.style import STYLE_MIN_PAIR_COUNT
    from judges.ratings.table import CI, Estimate, NoEstimate, RatingRow, RatingTable, SideAdvantage, separability

_HOME = {
    "balance": ["DEBATE_OUTCOMES", "MotionBalance", "side_balance"],
    "battles": ["WINNER_OUTCOMES", "Battles", "FloatArray", "IntArray", "PairCounts", "aggregate", "relative_difference"],
    "battles_csv": ["read_battles_csv", "write_battles_csv"],
    "pipeline": ["FitOptions", "bradley_terry"],
    "elo": ["online_elo"],
    "fit": ["DIVERGED_SPREAD", "FALLBACK_PRIOR"],
    "intervals": ["HESSIAN_REG"],
    "ranks": ["NORMAL_DRAWS", "normal_draws", "rank_intervals", "ranks_per_draw"],
    "scale": ["CENTER", "SCALE", "win_probability"],
    "style": ["STYLE_MIN_PAIR_COUNT"],
    "table": ["CI", "Estimate", "NoEstimate", "RatingRow", "RatingTable", "SideAdvantage", "separability"],
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}
__all__ = sorted(_MODULE_OF)
__getattr__ = lazy_names(__name__, _MODULE_OF)
