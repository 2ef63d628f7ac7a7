"""Stored verdicts as battles, and the ratings fitted on them (`judges.ratings` does the math).

A battle per judged debate (the panel's winner), or per criterion (which side scored higher
on it in each final ballot), or per human ballot. Debates left out of ratings (an identity
leak, by default) are not battles.

It sits in the engine layer because the orchestrator needs the ratings mid-run (the arena
draws from them); the reports and the API read it from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from judges.ratings import Battles, RatingTable, bradley_terry, relative_difference

from debate.config import TournamentConfig
from debate.draws.arena import RatingEstimate
from debate.store import Store

Source = Literal["panel", "humans"]
_WINNER = {"proposition": "model_a", "opposition": "model_b", "tie": "tie"}


def tournament_battles(store: Store, tournament_id: int, *, source: Source = "panel", exclude_scorers: Iterable[str] = ()) -> Battles | None:
    """One battle per judged debate (or per human ballot), proposition as model_a, with the
    motion's category and language as labels and the length difference as a style feature."""
    rows = [r for r in store.battle_rows(tournament_id) if not r["excluded"]]
    if source == "humans":
        by_id = {r["debate_id"]: r for r in rows}
        skip = set(exclude_scorers)
        rows = [
            {**by_id[debate_id], "winner": ballot.winner}
            for debate_id, ballot in store.final_ballots(tournament_id, kind="human")
            if debate_id in by_id and ballot.winner is not None and ballot.judge not in skip
        ]
    rows = [r for r in rows if r["winner"] in _WINNER]
    if not rows:
        return None
    return Battles.from_records(
        [(r["proposition"], r["opposition"], _WINNER[r["winner"]]) for r in rows],
        a_is_proposition=[True] * len(rows),
        style=[[float(v)] for v in relative_difference([r["prop_words"] for r in rows], [r["opp_words"] for r in rows])],
        style_names=["length"],
        labels={"category": [r["category"] for r in rows], "language": [r["language"] for r in rows], "motion": [r["motion"] for r in rows]},
    )


def criterion_battles(store: Store, tournament_id: int) -> dict[str, Battles]:
    """Per rubric criterion: one battle per final model ballot, won by the side it scored higher."""
    rows = {r["debate_id"]: r for r in store.battle_rows(tournament_id) if not r["excluded"]}
    records: dict[str, list[tuple[str, str, str]]] = {}
    for debate_id, ballot in store.final_ballots(tournament_id):
        row = rows.get(debate_id)
        if row is None or ballot.abstained:
            continue
        for criterion, scores in ballot.scores.items():
            prop, opp = scores["proposition"], scores["opposition"]
            winner = "model_a" if prop > opp else "model_b" if opp > prop else "tie"
            records.setdefault(criterion, []).append((row["proposition"], row["opposition"], winner))
    return {criterion: Battles.from_records(recs, a_is_proposition=[True] * len(recs)) for criterion, recs in records.items()}


def tournament_ratings(store: Store, tournament_id: int, *, side: bool = True, ci: str = "sandwich", seed: int = 0) -> RatingTable | None:
    """Bradley-Terry ratings of the panel's verdicts; None before any battle."""
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
