"""Rating over rounds: after each completed round, the Bradley-Terry ratings fitted on the rated
debates of that round and the ones before it, read from the stored debates.

Each round is fitted as the tournament's ratings are (`debate.verdicts.tournament_ratings`: one
battle per rated debate, a proposition-side term, intervals clustered by debate), with the
sandwich intervals, which cost one matrix solve a round. Every fit centres the field's mean
rating on 1000, so a line that falls can mean the others rose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from judges.ratings import FitOptions, NoEstimate, bradley_terry

from debate.verdicts import tournament_battles

if TYPE_CHECKING:
    from debate.store import Store

# The round's status once every debate of it has been run and judged.
_DONE = "done"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoundRating(_Model):
    name: str
    rating: float
    lower: float | None
    upper: float | None
    rank_lower: int | None = None
    rank_upper: int | None = None
    battles: int
    no_estimate: NoEstimate | None = Field(default=None, description="set apart without a finite estimate: 'above' or 'below' everyone, `rating` only a placement")


class RatingRound(_Model):
    round: int
    debates: int = Field(description="rated debates in this round and the ones before it")
    ratings: list[RoundRating] = Field(description="best first; empty while no debate is rated")


class RatingHistory(_Model):
    """`rounds`: one entry per completed round, in order."""

    method: str = Field(description="how each round's ratings and intervals were fitted")
    rounds: list[RatingRound] = []

    def contestants(self) -> list[str]:
        """Everyone rated in some round, in the order of the last round's ratings."""
        seen: dict[str, None] = {}
        for entry in reversed(self.rounds):
            seen.update(dict.fromkeys(r.name for r in entry.ratings))
        return list(seen)


def rating_history(store: Store, tournament_id: int, *, seed: int = 0) -> RatingHistory:
    """The ratings after each completed round, from the rated debates up to that round."""
    options = FitOptions(ci="sandwich", side=True, seed=seed)
    method = f"Bradley-Terry with a proposition-side term, refitted after each completed round on the rated debates so far; {options.confidence:.0%} sandwich intervals clustered by debate"
    done = sorted(r.number for r in store.stored_rounds(tournament_id) if r.status == _DONE)
    if not done:
        return RatingHistory(method=method)
    battles = tournament_battles(store, tournament_id)
    round_of = {d.id: d.round for d in store.debates(tournament_id)}
    # tournament_battles names each battle's debate (its cluster).
    played = np.zeros(0, dtype=np.int64) if battles is None or battles.cluster is None else np.array([round_of[int(c)] for c in battles.cluster], dtype=np.int64)
    rounds = []
    for number in done:
        upto = played <= number
        if battles is None or not upto.any():
            rounds.append(RatingRound(round=number, debates=0, ratings=[]))
            continue
        table = bradley_terry(battles.subset(upto), options)
        ratings = [
            RoundRating(name=r.name, rating=r.rating, lower=r.lower, upper=r.upper, rank_lower=r.rank_lower, rank_upper=r.rank_upper, battles=r.battles, no_estimate=r.no_estimate)
            for r in table.rows
        ]
        rounds.append(RatingRound(round=number, debates=int(upto.sum()), ratings=ratings))
    return RatingHistory(method=method, rounds=rounds)
