"""Agreement between raters: Krippendorff's alpha, Cohen's kappa, and outlier scorers. Pure.

Human and model ballots are stored side by side; this module reports how far they agree:

- `krippendorff_alpha` over all raters (judges and human scorers), per criterion, with
  missing ratings allowed (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability");
- `cohen_kappa` of each judge model against the humans on winners;
- `outlier_scorers`: a scorer whose agreement with the panel is improbably low for the
  panel's usual agreement rate (one-sided binomial test) is flagged;
- `winner_agreement`: the share of shared debates on which two raters named the same
  winner, the figure people read without a statistics course (lechmazur/debate publishes it);
- `presented_side_bias`: how far a judge leans toward the side it was shown as "Debater A",
  from its ballots in both presentation orders.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np

from judges.ballot import Ballot, signed_margin, verdict_side
from judges.rubric import Rubric

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Unit = TypeVar("Unit", bound=Hashable)


def krippendorff_alpha(matrix: Any, level: Level = "interval") -> float:
    """Krippendorff's alpha of a reliability matrix: rows are units, columns are raters.

    Values are numbers (category codes for nominal data); NaN or None marks a missing
    rating. Units with fewer than two ratings are not pairable and are left out. Returns
    NaN when alpha is undefined: fewer than two pairable values, or no variation at all.
    """
    data = np.array(matrix, dtype=float)
    if data.ndim != 2:
        raise ValueError("the reliability matrix must be two-dimensional (units x raters)")
    present = ~np.isnan(data)
    values = np.unique(data[present])
    if values.size == 0:
        return math.nan
    # counts[u, v]: how many raters gave value v to unit u
    counts = np.stack([((data == v) & present).sum(axis=1) for v in values], axis=1).astype(float)
    m = counts.sum(axis=1)
    pairable = m >= 2
    counts, m = counts[pairable], m[pairable]
    if counts.shape[0] == 0:
        return math.nan
    # Coincidence matrix: o[c, k] = sum over units of n_uc * (n_uk - [c == k]) / (m_u - 1)
    per_unit = counts[:, :, None] * counts[:, None, :] - counts[:, :, None] * np.eye(values.size)[None]
    o = (per_unit / (m - 1)[:, None, None]).sum(axis=0)
    n_v = o.sum(axis=0)
    n = n_v.sum()
    if n < 2:
        return math.nan
    delta = _delta(values, n_v, level)
    observed = (o * delta).sum()
    expected = (np.outer(n_v, n_v) * delta).sum() / (n - 1)
    if expected == 0:
        return math.nan
    return float(1 - observed / expected)


def _delta(values: np.ndarray, n_v: np.ndarray, level: Level) -> np.ndarray:
    """Squared difference function delta^2(c, k) for every pair of values."""
    c, k = values[:, None], values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        total = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total == 0, 0.0, ((c - k) / np.where(total == 0, 1, total)) ** 2)
    if level == "ordinal":
        # (sum of n_g for g from c to k, minus half of n_c and n_k) squared; values are sorted.
        cumulative = np.concatenate([[0.0], np.cumsum(n_v)])
        i, j = np.meshgrid(np.arange(values.size), np.arange(values.size), indexing="ij")
        low, high = np.minimum(i, j), np.maximum(i, j)
        between = cumulative[high + 1] - cumulative[low]
        return (between - (n_v[low] + n_v[high]) / 2) ** 2
    raise ValueError(f"unknown level of measurement {level!r}; use nominal, ordinal, interval or ratio")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two raters' labels for the same items (None/NaN pairs are skipped).

    NaN when undefined: no items, or both raters always gave one and the same label.
    """
    if len(a) != len(b):
        raise ValueError(f"the raters labelled different numbers of items ({len(a)} and {len(b)})")
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if not _missing(x) and not _missing(y)]
    if not pairs:
        return math.nan
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    count_a, count_b = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(count_a[label] * count_b[label] for label in count_a) / (n * n)
    if expected == 1:
        return math.nan
    return (observed - expected) / (1 - expected)


def outlier_scorers(agreements: Mapping[str, tuple[int, int]], baseline_rate: float, alpha: float = 0.01) -> list[str]:
    """Scorers who agree with the panel significantly less often than `baseline_rate`.

    `agreements` maps a scorer to (verdicts agreeing with the panel, verdicts given). Each
    scorer is tested alone with a one-sided exact binomial test (H1: its rate is below the
    baseline); those with p < `alpha` are returned, most significant first. No correction
    for the number of scorers is made: lower `alpha` for large pools.
    """
    if not 0 <= baseline_rate <= 1:
        raise ValueError(f"baseline_rate must be between 0 and 1, not {baseline_rate}")
    from scipy.stats import binomtest  # here, not at the top: scipy.stats takes about a second to load

    flagged = []
    for scorer, (agree, total) in agreements.items():
        if total <= 0:
            continue
        if not 0 <= agree <= total:
            raise ValueError(f"{scorer}: {agree} agreements out of {total} verdicts")
        p = binomtest(agree, total, baseline_rate, alternative="less").pvalue
        if p < alpha:
            flagged.append((p, scorer))
    return [scorer for _, scorer in sorted(flagged)]


# --- from ballots -------------------------------------------------------------------------------

RaterBallots = Mapping[str, Mapping[Hashable, Ballot]]  # rater -> debate -> ballot


def criterion_alpha(ballots: RaterBallots, rubric: Rubric, level: Level = "ordinal") -> dict[str, float]:
    """Krippendorff's alpha per criterion over all raters; a unit is one side of one debate."""
    raters = list(ballots)
    debates = list(dict.fromkeys(d for by_debate in ballots.values() for d in by_debate))
    result = {}
    for cid in rubric.ids:
        rows = []
        for debate in debates:
            for side in ("proposition", "opposition"):
                row = []
                for rater in raters:
                    ballot = ballots[rater].get(debate)
                    scores = ballot.scores.get(cid) if ballot is not None else None
                    row.append(getattr(scores, side) if scores is not None else math.nan)
                rows.append(row)
        result[cid] = krippendorff_alpha(rows, level) if rows else math.nan
    return result


def verdict_alpha(ballots: RaterBallots, level: Level = "ordinal") -> float:
    """Krippendorff's alpha of the five-level verdicts (as signed margins) over all raters."""
    raters = list(ballots)
    debates = list(dict.fromkeys(d for by_debate in ballots.values() for d in by_debate))
    rows = [
        [signed_margin(ballots[r][d].verdict) if d in ballots[r] else math.nan for r in raters]
        for d in debates
    ]
    return krippendorff_alpha(rows, level) if rows else math.nan


def consensus_winners(ballots: RaterBallots) -> dict[Hashable, str]:
    """Per debate, the verdict side most raters gave ("tie" when the sides are level)."""
    sides: dict[Hashable, Counter[str]] = {}
    for by_debate in ballots.values():
        for debate, ballot in by_debate.items():
            sides.setdefault(debate, Counter())[verdict_side(ballot.verdict)] += 1
    out = {}
    for debate, count in sides.items():
        top = max(count.values())
        leaders = [s for s, c in count.items() if c == top]
        out[debate] = leaders[0] if len(leaders) == 1 else "tie"
    return out


def winner_kappas(judge_ballots: RaterBallots, human_ballots: RaterBallots) -> dict[str, float]:
    """Cohen's kappa of each judge's winners against the humans' consensus winner per debate."""
    humans = consensus_winners(human_ballots)
    result = {}
    for judge, by_debate in judge_ballots.items():
        shared = [d for d in by_debate if d in humans]
        result[judge] = cohen_kappa([verdict_side(by_debate[d].verdict) for d in shared], [humans[d] for d in shared])
    return result


def agreement_counts(scorer_ballots: RaterBallots, panel_winners: Mapping[Hashable, str | None]) -> dict[str, tuple[int, int]]:
    """(verdicts agreeing with the panel's winner, verdicts given) per scorer."""
    counts = {}
    for scorer, by_debate in scorer_ballots.items():
        judged = [(d, b) for d, b in by_debate.items() if panel_winners.get(d) is not None]
        counts[scorer] = (sum(verdict_side(b.verdict) == panel_winners[d] for d, b in judged), len(judged))
    return counts


def pooled_rate(agreements: Iterable[tuple[int, int]]) -> float:
    """The overall agreement rate of a pool of scorers (a baseline for `outlier_scorers`)."""
    agree = total = 0
    for a, t in agreements:
        agree, total = agree + a, total + t
    return agree / total if total else math.nan


def winner_agreement(winners: Mapping[str, Mapping[Unit, str]]) -> dict[tuple[str, str], tuple[float, int]]:
    """For every pair of raters (both (a, b) and (b, a)): the share of the debates both judged
    on which they named the same winner ("tie" is a winner like the sides), and how many
    debates they shared. The share is NaN when they shared none."""
    out: dict[tuple[str, str], tuple[float, int]] = {}
    for a, b in itertools.combinations(winners, 2):
        shared = winners[a].keys() & winners[b].keys()
        same = sum(winners[a][d] == winners[b][d] for d in shared)
        out[(a, b)] = out[(b, a)] = (same / len(shared) if shared else math.nan, len(shared))
    return out


@dataclass(frozen=True, slots=True)
class PresentedSideBias:
    """One judge's lean toward the side it read as "Debater A" (NaN where undefined)."""

    ballots: int  # presentations with a verdict
    toward_a: float  # mean signed margin toward Debater A, -2..2 (0: no lean)
    decisive: int  # presentations that named a winner
    favours_a: float  # share of the decisive ones that Debater A won (0.5: no lean)
    pairs: int  # debates the judge graded in both orders
    inconsistent: float  # share of those pairs whose two orders named different winners


# judge, the unit graded in two orders (a debate, or a debate and stage), the side shown as
# Debater A ("proposition" | "opposition"), the signed margin (+ for the proposition, -2..2).
OrderVerdict = tuple[str, Hashable, str, int]


def presented_side_bias(ballots: Iterable[OrderVerdict]) -> dict[str, PresentedSideBias]:
    """Per judge, from its presentation ballots: how much it favours Debater A and how often its
    two orders of one unit disagree on the winner (position inconsistency). A judge that reads
    the debate, not the labels, sits near 0 / 0.5 / 0."""
    toward: dict[str, list[int]] = defaultdict(list)
    winners: dict[str, dict[Hashable, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for judge, unit, label_a, margin in ballots:
        if label_a not in ("proposition", "opposition"):
            raise ValueError(f"{judge}: Debater A must be the proposition or the opposition, not {label_a!r}")
        toward[judge].append(margin if label_a == "proposition" else -margin)
        winners[judge][unit][label_a] = (margin > 0) - (margin < 0)
    out = {}
    for judge, margins in toward.items():
        decisive = [m for m in margins if m]
        pairs = [both for both in winners[judge].values() if len(both) == 2]
        out[judge] = PresentedSideBias(
            ballots=len(margins), toward_a=sum(margins) / len(margins),
            decisive=len(decisive), favours_a=sum(m > 0 for m in decisive) / len(decisive) if decisive else math.nan,
            pairs=len(pairs), inconsistent=sum(both["proposition"] != both["opposition"] for both in pairs) / len(pairs) if pairs else math.nan,
        )
    return out
