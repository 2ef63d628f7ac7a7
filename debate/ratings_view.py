"""Ratings of a stored tournament: its judged debates as battles, fitted by `judges.ratings`.

Debates left out of ratings (an identity leak, by default) are not battles.
"""

from __future__ import annotations

from judges.ratings import Battles, RatingTable, bradley_terry

from debate.config import TournamentConfig
from debate.draws.arena import RatingEstimate
from debate.store import Store


def tournament_battles(store: Store, tournament_id: int) -> Battles | None:
    """One battle per judged debate, proposition as model_a; None before the first verdict."""
    records = []
    for results in store.debate_results(tournament_id, include_excluded=False).values():
        for r in results:
            if r.winner is None:
                continue
            winner = {"proposition": "model_a", "opposition": "model_b"}.get(r.winner, "tie")
            records.append((r.proposition, r.opposition, winner))
    if not records:
        return None
    return Battles.from_records(records, a_is_proposition=[True] * len(records))


def tournament_ratings(store: Store, tournament_id: int, *, side: bool = True, ci: str = "sandwich", seed: int = 0) -> RatingTable | None:
    battles = tournament_battles(store, tournament_id)
    if battles is None:
        return None
    return bradley_terry(battles, ci=ci, side=side, seed=seed)  # type: ignore[arg-type]


def current_estimates(store: Store, tournament_id: int, config: TournamentConfig) -> list[RatingEstimate]:
    """What the arena samples from: each contestant's rating and interval so far."""
    table = tournament_ratings(store, tournament_id, side=False, seed=config.seed)
    by_name = {row.name: row for row in table.rows} if table else {}
    estimates = []
    for contestant in config.contestants:
        row = by_name.get(contestant.name)
        if row is None:
            estimates.append(RatingEstimate(name=contestant.name))
        else:
            estimates.append(RatingEstimate(name=row.name, rating=row.rating, lower=row.lower, upper=row.upper, debates=row.battles))
    return estimates
