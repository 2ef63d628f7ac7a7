"""The scorecard's counts: records, categories, criterion means, win rates and heatmaps.

Pure functions of the stored facts (`debate.store.scorecard`); the rules of what counts
where are in `debate.reports.scorecard`'s docstring.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from debate.reports.scorecard.model import (
    CategoryHeatmap,
    CategoryRecord,
    ContestantCard,
    CriterionHeatmap,
    CriterionMean,
    Record,
    RubricInfo,
    WinRateCell,
    WinRateMatrix,
)
from debate.store import scorecard as q

Z95 = 1.959963984540054


def num(value: float | None) -> float | None:
    """A finite float, or None (NaN and infinities are not numbers a reader can use)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def cell(value: Any) -> float | int | str | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return num(value)
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


def is_rated(d: q.DebateFacts) -> bool:
    return d.status == "judged" and not d.excluded and d.winner in ("proposition", "opposition", "tie")


def _valid(b: q.BallotFacts) -> bool:
    return not b.abstained and b.verdict is not None


def final_ballots(ballots: Sequence[q.BallotFacts]) -> list[q.BallotFacts]:
    """Each rater's final ballot per debate (the store's one rule, `BallotFacts.final`), kept
    only when valid, in the order the raters first ballotted on each debate."""
    first: dict[tuple[int, str], int] = {}
    for b in ballots:  # ordered by debate, then id
        first.setdefault((b.debate_id, b.judge), b.id)
    return sorted((b for b in ballots if b.final and _valid(b)), key=lambda b: (b.debate_id, first[(b.debate_id, b.judge)]))


def records(debates: Iterable[q.DebateFacts]) -> dict[str, Record]:
    out: dict[str, Record] = {}
    for d in debates:
        if d.status != "judged" or d.winner not in ("proposition", "opposition", "tie"):
            continue
        prop, opp = out.setdefault(d.proposition, Record()), out.setdefault(d.opposition, Record())
        if d.winner == "tie":
            prop.ties += 1
            opp.ties += 1
        elif d.winner == "proposition":
            prop.wins += 1
            opp.losses += 1
        else:
            opp.wins += 1
            prop.losses += 1
    return out


def _outcome(d: q.DebateFacts, name: str) -> str:
    """'win', 'loss' or 'tie' for `name` in a rated debate."""
    if d.winner == "tie":
        return "tie"
    side = "proposition" if d.proposition == name else "opposition"
    return "win" if d.winner == side else "loss"


def category_records(rated: Sequence[q.DebateFacts]) -> dict[str, dict[str, CategoryRecord]]:
    tallies: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for d in rated:
        for name in (d.proposition, d.opposition):
            tally = tallies[name].setdefault(d.category, [0, 0, 0])
            tally[("win", "loss", "tie").index(_outcome(d, name))] += 1
    return {
        name: {cat: CategoryRecord(debates=sum(t), wins=t[0], losses=t[1], ties=t[2], win_rate=(t[0] + t[2] / 2) / sum(t)) for cat, t in cats.items()}
        for name, cats in tallies.items()
    }


def extremes(categories: Mapping[str, CategoryRecord]) -> tuple[str | None, str | None]:
    """(strongest, weakest) category by win rate among those with a debate; ties go to the
    name that sorts first. With two or more categories the weakest is never the strongest
    (all level: the first name is the strongest, the second the weakest); with one, it is both."""
    played = [(cat, rec.win_rate) for cat, rec in categories.items() if rec.debates >= 1 and rec.win_rate is not None]
    if not played:
        return None, None
    strongest = min(played, key=lambda item: (-item[1], item[0]))[0]
    others = [item for item in played if item[0] != strongest] or played
    weakest = min(others, key=lambda item: (item[1], item[0]))[0]
    return strongest, weakest


def side_scores(rated: Sequence[q.DebateFacts], final: Sequence[q.BallotFacts], criteria: Sequence[str]) -> tuple[dict[tuple[str, str], list[float]], dict[tuple[str, str], list[float]]]:
    """(contestant, criterion) -> every score the contestant's side got, model judges and
    humans apart, over valid final ballots of rated debates."""
    debates = {d.id: d for d in rated}
    model: dict[tuple[str, str], list[float]] = defaultdict(list)
    human: dict[tuple[str, str], list[float]] = defaultdict(list)
    for b in final:
        d = debates.get(b.debate_id)
        if d is None:
            continue
        target = human if b.kind == "human" else model
        for cid in criteria:
            sides = b.scores.get(cid)
            if not sides:
                continue
            for side, name in (("proposition", d.proposition), ("opposition", d.opposition)):
                value = sides.get(side)
                if value is not None:
                    target[(name, cid)].append(float(value))
    return model, human


def mean_interval(values: Sequence[float]) -> CriterionMean:
    n = len(values)
    if n == 0:
        return CriterionMean(mean=None, sd=None, lower=None, upper=None, n=0)
    mean = math.fsum(values) / n
    if n < 2:
        return CriterionMean(mean=mean, sd=None, lower=None, upper=None, n=1)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = Z95 * sd / math.sqrt(n)
    return CriterionMean(mean=mean, sd=sd, lower=mean - half, upper=mean + half, n=n)


def win_rates(order: Sequence[str], rated: Sequence[q.DebateFacts], ratings: Mapping[str, float] | None = None) -> WinRateMatrix:
    """Observed records between each pair, and (given `ratings`) the chance the ratings predict."""
    ratings = ratings or {}
    index = {name: k for k, name in enumerate(order)}
    size = len(order)
    tally = [[[0, 0, 0] for _ in range(size)] for _ in range(size)]  # [wins, losses, ties] of row vs column
    for d in rated:
        p, o = index.get(d.proposition), index.get(d.opposition)
        if p is None or o is None or p == o:
            continue
        result = _outcome(d, d.proposition)
        if result == "tie":
            tally[p][o][2] += 1
            tally[o][p][2] += 1
        elif result == "win":
            tally[p][o][0] += 1
            tally[o][p][1] += 1
        else:
            tally[p][o][1] += 1
            tally[o][p][0] += 1
    cells: list[list[WinRateCell | None]] = []
    for i in range(size):
        row: list[WinRateCell | None] = []
        for j in range(size):
            if i == j:
                row.append(None)
                continue
            w, lost, t = tally[i][j]
            n = w + lost + t
            a, b = ratings.get(order[i]), ratings.get(order[j])
            predicted = 1 / (1 + 10 ** ((b - a) / 400)) if a is not None and b is not None else None
            row.append(WinRateCell(debates=n, wins=w, losses=lost, ties=t, rate=(w + t / 2) / n if n else None, predicted=predicted))
        cells.append(row)
    return WinRateMatrix(contestants=list(order), cells=cells)


def criterion_heatmap(order: Sequence[str], cards: Sequence[ContestantCard], rubric: RubricInfo) -> CriterionHeatmap:
    by_name = {c.name: c for c in cards}
    means, normalised, counts = [], [], []
    for name in order:
        card = by_name[name]
        row_means, row_norm, row_n = [], [], []
        for criterion in rubric.criteria:
            stat = card.criterion_means.get(criterion.id)
            mean = stat.mean if stat is not None else None
            row_means.append(mean)
            span = criterion.scale_max - criterion.scale_min
            row_norm.append(None if mean is None or span <= 0 else min(1.0, max(0.0, (mean - criterion.scale_min) / span)))
            row_n.append(stat.n if stat is not None else 0)
        means.append(row_means)
        normalised.append(row_norm)
        counts.append(row_n)
    return CriterionHeatmap(contestants=list(order), criteria=[c.id for c in rubric.criteria], means=means, normalised=normalised, n=counts)


def category_heatmap(order: Sequence[str], categories: Mapping[str, Mapping[str, CategoryRecord]]) -> CategoryHeatmap:
    names = sorted({cat for cats in categories.values() for cat in cats})
    rates, debates = [], []
    for name in order:
        cats = categories.get(name, {})
        rates.append([cats[c].win_rate if c in cats else None for c in names])
        debates.append([cats[c].debates if c in cats else 0 for c in names])
    return CategoryHeatmap(contestants=list(order), categories=names, rates=rates, debates=debates)
