"""The knockout after the break as people follow it: each elimination round's matches with
seeds and who went through (and how), and the champion.

The preliminary standings rank the break; they say nothing about the knockout. A contestant
that topped them and lost its semi-final is not the winner of the tournament, so the bracket
and its champion are shown beside them everywhere the standings are.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from debate.config import TournamentConfig
from debate.draws.knockout import KnockoutState
from debate.draws.standings import DebateResult
from debate.rounds import ELIMINATION, elimination_winner, knockout_state, standings

if TYPE_CHECKING:
    from debate.store import Store

DecidedBy = Literal["panel", "rubric total", "better seed", "forfeit"]


class BracketMatch(BaseModel):
    debate_id: int | None
    proposition: str
    opposition: str
    proposition_seed: int
    opposition_seed: int
    winner: str | None  # who went through; None while the debate is not judged
    decided_by: DecidedBy | None  # the panel's verdict, or the tie-break that settled a tie


class BracketRound(BaseModel):
    round: int
    stage: str  # "final", "semi-finals", "quarter-finals", "round of N"
    matches: list[BracketMatch]
    byes: list[str]  # seeds that went straight through to the next round


class BracketReport(BaseModel):
    seeds: list[str]  # the break, best seed first, as its first round was drawn
    # The preliminary standings rank the top K otherwise now (a human ballot, a re-judged
    # debate since the break): the bracket played stands, seeded as it was.
    standings_moved: bool = False
    rounds: list[BracketRound]
    champion: str | None
    runner_up: str | None

    def headline(self) -> str:
        """One line for the top of the standings."""
        if self.champion is None:
            played = sum(1 for r in self.rounds for m in r.matches if m.winner is not None)
            return f"Knockout in progress ({played} elimination debates decided): no champion yet."
        return f"Champion: {self.champion} (seed {self.seeds.index(self.champion) + 1}), beating {self.runner_up} in the final."


def bracket_report(store: Store, name: str | None) -> BracketReport | None:
    """The tournament's knockout, or None when its config has no break."""
    row = store.find_tournament(name)
    assert row.id is not None
    config = TournamentConfig.model_validate(json.loads(row.config_json))
    if config.break_ is None:
        return None
    stored = store.stored_rounds(row.id)
    results = store.debate_results(row.id)
    debate_ids = {(d.round, d.proposition, d.opposition): d.id for d in store.debates(row.id)}
    ranked = [row.name for row in standings(config, [r for r in stored if r.kind != ELIMINATION], results)]
    state = knockout_state(config, ranked, stored, results, through=0)
    rounds = []
    for stored_round in (r for r in stored if r.kind == ELIMINATION):
        by_pair = {(res.proposition, res.opposition): res for res in results.get(stored_round.number, [])}
        matches = [
            _match(state, p.proposition, p.opposition, by_pair.get((p.proposition, p.opposition)), debate_ids.get((stored_round.number, p.proposition, p.opposition)))
            for p in stored_round.draw.pairings
        ]
        rounds.append(BracketRound(round=stored_round.number, stage=state.stage_name(), matches=matches, byes=list(stored_round.draw.byes)))
        if any(m.winner is None for m in matches):
            break
        state = knockout_state(config, ranked, stored, results, through=stored_round.number)
    final = rounds[-1].matches[0] if rounds and state.champion is not None and rounds[-1].matches else None
    runner_up = None if final is None else (final.opposition if final.winner == final.proposition else final.proposition)
    return BracketReport(seeds=list(state.seeds), standings_moved=ranked[: len(state.seeds)] != list(state.seeds), rounds=rounds, champion=state.champion, runner_up=runner_up)


def _match(state: KnockoutState, proposition: str, opposition: str, result: DebateResult | None, debate_id: int | None) -> BracketMatch:
    winner, decided_by = None, None
    if result is not None and (result.winner is not None or result.forfeited is not None):
        winner = elimination_winner(result, state)
        decided_by = _decided_by(result)
    return BracketMatch(
        debate_id=debate_id, proposition=proposition, opposition=opposition,
        proposition_seed=state.seed_of(proposition), opposition_seed=state.seed_of(opposition), winner=winner, decided_by=decided_by,
    )


def _decided_by(result: DebateResult) -> DecidedBy:
    if result.forfeited is not None:
        return "forfeit"
    if result.winner in ("proposition", "opposition"):
        return "panel"
    return "rubric total" if result.score_prop != result.score_opp else "better seed"
