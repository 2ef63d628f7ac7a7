"""Two rankings side by side: two panels of one set of transcripts, or two tournaments.

Rank correlation (Kendall's tau and Spearman's rho over the contestants both ranked), the
share of debates (matched by round, sides and motion) to which both gave the same winner,
and who moved. A re-judged tournament (`debate rejudge`) is compared with its original.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from debate.reports.standings import standings_report

if TYPE_CHECKING:
    from debate.store import Store


class Moved(BaseModel):
    name: str
    rank_first: int | None
    rank_second: int | None
    rating_first: float | None
    rating_second: float | None
    # "above"/"below": no finite rating in that ranking (unbeaten or winless), `rating_*` None
    no_estimate_first: str | None = None
    no_estimate_second: str | None = None
    wins_first: float | None
    wins_second: float | None

    @property
    def change(self) -> int | None:
        """Places gained in the second ranking (+ is up)."""
        if self.rank_first is None or self.rank_second is None:
            return None
        return self.rank_first - self.rank_second


class SplitDebate(BaseModel):
    round: int
    proposition: str
    opposition: str
    motion: str
    winner_first: str | None
    winner_second: str | None


class Comparison(BaseModel):
    """`model_dump(mode="json")` is what `debate compare --format json` prints."""

    first: str
    second: str
    judges_first: list[str]
    judges_second: list[str]
    contestants: int  # ranked in both
    kendall_tau: float | None
    spearman_rho: float | None
    debates: int  # judged in both
    winner_agreement: float | None
    rows: list[Moved]
    split: list[SplitDebate]  # debates the two gave different winners


def compare_tournaments(store: Store, first: str, second: str) -> Comparison:
    a, b = standings_report(store, first), standings_report(store, second)
    ranks_a, ranks_b = {r.name: r for r in a.rows}, {r.name: r for r in b.rows}
    names = [r.name for r in a.rows] + [n for n in ranks_b if n not in ranks_a]
    rows = [
        Moved(
            name=n,
            rank_first=ranks_a[n].rank if n in ranks_a else None, rank_second=ranks_b[n].rank if n in ranks_b else None,
            rating_first=ranks_a[n].rating if n in ranks_a else None, rating_second=ranks_b[n].rating if n in ranks_b else None,
            no_estimate_first=ranks_a[n].no_estimate if n in ranks_a else None, no_estimate_second=ranks_b[n].no_estimate if n in ranks_b else None,
            wins_first=ranks_a[n].wins if n in ranks_a else None, wins_second=ranks_b[n].wins if n in ranks_b else None,
        )
        for n in names
    ]
    both = [n for n in names if n in ranks_a and n in ranks_b]
    tau, rho = _correlations([ranks_a[n].rank for n in both], [ranks_b[n].rank for n in both])
    winners_a, winners_b = _winners(store, first), _winners(store, second)
    shared = sorted(set(winners_a) & set(winners_b))
    split = [
        SplitDebate(round=k[0], proposition=k[1], opposition=k[2], motion=k[3], winner_first=winners_a[k], winner_second=winners_b[k])
        for k in shared
        if winners_a[k] != winners_b[k]
    ]
    return Comparison(
        first=a.tournament, second=b.tournament, judges_first=_judges(store, first), judges_second=_judges(store, second),
        contestants=len(both), kendall_tau=tau, spearman_rho=rho, debates=len(shared),
        winner_agreement=(len(shared) - len(split)) / len(shared) if shared else None, rows=rows, split=split,
    )


def _winners(store: Store, name: str) -> dict[tuple[int, str, str, str], str | None]:
    row = store.find_tournament(name)
    assert row.id is not None
    return {(d.round, d.proposition, d.opposition, d.motion): d.winner for d in store.debates(row.id) if d.status == "judged"}


def _judges(store: Store, name: str) -> list[str]:
    row = store.find_tournament(name)
    info = next(t for t in store.list_tournaments() if t.id == row.id)
    return [f"{j['name']} ({j['model']})" for j in info.config.get("judges", [])]


def _correlations(first: list[int], second: list[int]) -> tuple[float | None, float | None]:
    """Kendall's tau-b and Spearman's rho; None with fewer than three contestants or no variation."""
    if len(first) < 3 or len(set(first)) < 2 or len(set(second)) < 2:
        return None, None
    from scipy.stats import kendalltau, spearmanr

    tau = kendalltau(first, second).statistic
    rho = spearmanr(first, second).statistic
    return float(tau), float(rho)
