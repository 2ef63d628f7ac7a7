"""Read-side views of a stored tournament, shared by the CLI and the TUI."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from debate.config import TournamentConfig
from debate.rounds import PRELIMINARY, standings
from debate.store import Store


class StandingsReport(BaseModel):
    tournament: str
    status: str
    pairing: str
    tie_breaks: tuple[str, ...]
    rows: list[dict[str, Any]]
    side_advantage: dict[str, Any] | None
    usage: dict[str, Any]
    per_contestant_usage: dict[str, dict[str, Any]]


def stored_config(store: Store, tournament_id: int) -> TournamentConfig:
    row = next(t for t in store.list_tournaments() if t.id == tournament_id)
    return TournamentConfig.model_validate(row.config)


def standings_report(store: Store, name: str | None) -> StandingsReport:
    """Live standings over the preliminary rounds, with ratings and what each contestant cost."""
    from debate.ratings_view import tournament_ratings

    row = store.find_tournament(name)
    assert row.id is not None
    config = TournamentConfig.model_validate(json.loads(row.config_json))
    prelims = [r for r in store.stored_rounds(row.id) if r.kind == PRELIMINARY]
    ratings = tournament_ratings(store, row.id)
    estimates = []
    if ratings is not None:
        from debate.draws.arena import RatingEstimate

        estimates = [RatingEstimate(name=r.name, rating=r.rating, lower=r.lower, upper=r.upper, debates=r.battles) for r in ratings.rows]
    results = store.debate_results(row.id)
    if config.pairing == "arena":
        # An arena has no rounds to rank by; every judged debate counts.
        prelims = store.stored_rounds(row.id)
    table = standings(config, prelims, results, estimates)
    side = ratings.side_advantage.model_dump() if ratings is not None and ratings.side_advantage is not None else None
    return StandingsReport(
        tournament=row.name, status=row.status, pairing=config.pairing, tie_breaks=config.tie_breaks,
        rows=[r.model_dump() for r in table], side_advantage=side,
        usage=store.call_counts(row.id), per_contestant_usage=store.usage_by_contestant(row.id),
    )
