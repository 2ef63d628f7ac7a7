"""The standings view of a stored tournament: the draws' standings table over the
preliminary rounds, with ratings, the side advantage, what each contestant cost and the
caveats that say when the ranking cannot be trusted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from debate.config import TournamentConfig
from debate.draws.standings import StandingRow
from debate.reports.bracket import BracketReport, bracket_report
from debate.reports.caveats import Caveat, tournament_caveats
from debate.rounds import PRELIMINARY, tallied_standings
from judges.ratings import SideAdvantage

if TYPE_CHECKING:
    from debate.store import Store


class StandingsReport(BaseModel):
    """`model_dump(mode="json")` is the document `debate standings --format json` prints."""

    tournament: str
    status: str
    pairing: str
    tie_breaks: tuple[str, ...]
    rows: list[StandingRow]
    side_advantage: SideAdvantage | None
    usage: dict[str, Any]  # calls, prompt_tokens, completion_tokens, cost_usd
    # contestant -> speeches, prompt_tokens, completion_tokens, cost_usd, mean_latency_s
    per_contestant_usage: dict[str, dict[str, Any]]
    # What makes this ranking untrustworthy, most serious first; shown above the table.
    caveats: list[Caveat] = []
    # What the table leaves out (voided debates) or decided without a verdict (forfeits), in
    # plain sentences; shown under it.
    notes: list[str] = []
    # The knockout after the break (None without one): the table ranks the preliminary rounds only.
    bracket: BracketReport | None = None
    # Each rated contestant's range of rating ranks (best, worst), and how it was found.
    rank_ranges: dict[str, tuple[int, int]] = {}
    rank_method: str | None = None


def stored_config(store: Store, tournament_id: int) -> TournamentConfig:
    row = next(t for t in store.list_tournaments() if t.id == tournament_id)
    return TournamentConfig.model_validate(row.config)


def standings_report(store: Store, name: str | None) -> StandingsReport:
    """Live standings over the preliminary rounds (every judged debate in an arena, which has
    no rounds to rank by), with ratings and what each contestant cost."""
    from debate.draws.arena import RatingEstimate
    from debate.verdicts import tournament_ratings

    row = store.find_tournament(name)
    assert row.id is not None
    config = TournamentConfig.model_validate(json.loads(row.config_json))
    ratings = tournament_ratings(store, row.id)
    estimates = [] if ratings is None else [
        RatingEstimate(name=r.name, rating=r.rating, lower=r.lower, upper=r.upper, debates=r.battles) for r in ratings.rows
    ]
    counted = store.round_headers(row.id)
    if config.pairing != "arena":
        counted = [r for r in counted if r.kind == PRELIMINARY]
    rows = tallied_standings(config, counted, store.result_tallies(row.id, [r.number for r in counted]), estimates)
    apart = {} if ratings is None else {r.name: r.no_estimate for r in ratings.rows if r.no_estimate is not None}
    # A contestant set apart has a placement, not a rating: its number would only be the centre.
    rows = [r.model_copy(update={"rating": None, "no_estimate": apart[r.name]}) if r.name in apart else r for r in rows]
    return StandingsReport(
        tournament=row.name, status=row.status, pairing=config.pairing, tie_breaks=config.tie_breaks, rows=rows,
        side_advantage=ratings.side_advantage if ratings is not None else None,
        usage=store.call_counts(row.id), per_contestant_usage=store.usage_by_contestant(row.id),
        caveats=tournament_caveats(store, row.id, ratings), notes=voided_notes(rows) + forfeit_notes(rows),
        bracket=bracket_report(store, row.name),
        rank_ranges={} if ratings is None else {r.name: (r.rank_lower, r.rank_upper) for r in ratings.rows if r.rank_lower is not None and r.rank_upper is not None},
        rank_method=None if ratings is None else ratings.rank_method,
    )


def voided_notes(rows: Sequence[StandingRow]) -> list[str]:
    """A sentence on the voided debates, with each contestant's count, when there are any."""
    voided = [(r.name, r.voided) for r in rows if r.voided]
    if not voided:
        return []
    total = sum(count for _, count in voided) // 2  # each voided debate has two contestants
    each = ", ".join(f"{name} {count}" for name, count in voided)
    return [
        f"{total} voided debate{'' if total == 1 else 's'} (excluded from ratings, e.g. a speaker named its model) "
        f"count nowhere in W-L-T, points, ballots or scores: {each}."
    ]


def forfeit_notes(rows: Sequence[StandingRow]) -> list[str]:
    """A sentence on the forfeits, with each forfeiting contestant's count, when there are any."""
    forfeited = [(r.name, r.forfeits) for r in rows if r.forfeits]
    if not forfeited:
        return []
    each = ", ".join(f"{name} {count}" for name, count in forfeited)
    return [
        f"forfeits (a contestant unavailable: its calls failed for good): {each}. Each counts as a win for the "
        "opponent and a loss for the one that forfeited; no ballots or scores, and not in the ratings."
    ]
