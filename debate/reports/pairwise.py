"""Contestant against contestant, outside the scorecard: each pair's observed record, the win
probability the ratings predict and how many rated debates the two had (the scorecard's
`win_rates`, for a face that shows only this)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Sequence

from debate.reports.scorecard.model import WinRateMatrix
from debate.reports.scorecard.tallies import is_rated, win_rates
from debate.store import scorecard as q
from debate.verdicts import tournament_ratings

if TYPE_CHECKING:
    from debate.store import Store


def pairwise_report(store: Store, name: str | None = None, order: Sequence[str] | None = None) -> WinRateMatrix:
    """The pairs of the named tournament (None: the latest), rows and columns in `order`
    (default: the rated best first, then the others as they were entered)."""
    facts = q.tournament_facts(store, name)
    table = tournament_ratings(store, facts.id)
    ratings = table.ratings() if table is not None else {}
    if order is None:
        order = [*ratings, *(p.name for p in q.contestants(store, facts.id) if p.name not in ratings)]
    rated = [d for d in q.debates(store, facts.id) if is_rated(d)]
    return win_rates(order, rated, ratings)
