"""Stored verdicts as battles, and the ratings fitted on them (`judges.ratings` does the math).

A battle per judged debate (the panel's winner), or per final ballot (each judge's or human
scorer's winner), or per criterion (which side scored higher on it in each final ballot).
Debates left out of ratings (an identity leak, by default) are not battles. Every battle
carries its debate's id (`Battles.cluster`): the ballots of one debate are not independent,
and the intervals count them together.

It sits in the engine layer because the orchestrator needs the ratings mid-run (the arena
draws from them); the reports and the API read it from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from judges.ratings import Battles, RatingTable, bradley_terry, relative_difference

from debate.config import TournamentConfig
from debate.draws.arena import RatingEstimate

if TYPE_CHECKING:
    from debate.store import Store

Source = Literal["panel", "humans"]
_WINNER = {"proposition": "model_a", "opposition": "model_b", "tie": "tie"}


def tournament_battles(
    store: Store, tournament_id: int, *, source: Source = "panel", exclude_scorers: Iterable[str] = (), per_ballot: bool = False
) -> Battles | None:
    """One battle per judged debate (or, with `per_ballot` or from human scorers, per final
    ballot, labelled with its judge), proposition as model_a, with the motion's category and
    language as labels, the length difference as a style feature and the debate as cluster."""
    rows = [r for r in store.battle_rows(tournament_id) if not r["excluded"]]
    if source == "humans" or per_ballot:
        by_id = {r["debate_id"]: r for r in rows}
        skip = set(exclude_scorers)
        rows = [
            {**by_id[debate_id], "winner": ballot.winner, "judge": ballot.judge}
            for debate_id, ballot in store.final_ballots(tournament_id, kind="human" if source == "humans" else "model")
            if debate_id in by_id and ballot.winner is not None and ballot.judge not in skip
        ]
    rows = [r for r in rows if r["winner"] in _WINNER]
    if not rows:
        return None
    labels = {key: [r[key] for r in rows] for key in ("judge", "category", "language", "motion") if all(key in r for r in rows)}
    return Battles.from_records(
        [(r["proposition"], r["opposition"], _WINNER[r["winner"]]) for r in rows],
        a_is_proposition=[True] * len(rows),
        style=[[float(v)] for v in relative_difference([r["prop_words"] for r in rows], [r["opp_words"] for r in rows])],
        style_names=["length"],
        labels=labels,
        cluster=[r["debate_id"] for r in rows],
    )


def criterion_battles(store: Store, tournament_id: int) -> dict[str, Battles]:
    """Per rubric criterion: one battle per final model ballot, won by the side it scored higher."""
    rows = {r["debate_id"]: r for r in store.battle_rows(tournament_id) if not r["excluded"]}
    records: dict[str, list[dict[str, Any]]] = {}
    for debate_id, ballot in store.final_ballots(tournament_id):
        row = rows.get(debate_id)
        if row is None or ballot.abstained:
            continue
        for criterion, scores in ballot.scores.items():
            prop, opp = scores["proposition"], scores["opposition"]
            winner = "model_a" if prop > opp else "model_b" if opp > prop else "tie"
            records.setdefault(criterion, []).append({"record": (row["proposition"], row["opposition"], winner), "judge": ballot.judge, "debate": debate_id})
    return {criterion: _criterion_board(criterion, recs) for criterion, recs in records.items()}


def _criterion_board(criterion: str, records: list[dict[str, Any]]) -> Battles:
    return Battles.from_records(
        [r["record"] for r in records],
        a_is_proposition=[True] * len(records),
        labels={"judge": [r["judge"] for r in records], "criterion": [criterion] * len(records)},
        cluster=[r["debate"] for r in records],
    )


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
