"""What round comes next: a pure function of the config and of what the store holds.

The orchestrator asks `next_round` after every finished round. Because the answer depends
only on stored draws and results, a resumed tournament asks the same question and gets the
same answer: stored rounds are never redrawn, and new ones follow from the seed.

What it is given stays small however many debates were played: rounds without their pairings,
and results summed per pairing and outcome (`ResultTally`). Only Swiss and knockout rounds,
whose rounds are small, also read the earlier draws whole and the elimination results.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from debate.config import TournamentConfig
from debate.draws.arena import ArenaBudget, RatingEstimate, arena_batch
from debate.draws.knockout import KnockoutState, SideHistory, advance_knockout, bracket_size, knockout_round, seeds_as_drawn, start_knockout
from debate.draws.model import Draw
from debate.draws.swiss import swiss_draw
from debate.draws.pairing import MotionHistory, motion_for_round, motions_per_debate, round_robin
from debate.draws.standings import DebateResult, ResultTally, StandingRow, compute_standings, records_for_swiss
from debate.store.models import RoundHeader, StoredRound

PRELIMINARY, ELIMINATION, ARENA = "preliminary", "elimination", "arena"


class PlannedRound(BaseModel):
    model_config = ConfigDict(frozen=True)

    draw: Draw
    kind: str
    motion_keys: tuple[str, ...]
    """Each pairing's motion, or one motion for all of them (a key per debate of a round of
    100,000 would be 0.8 MB held for nothing)."""


class Spent(BaseModel):
    """What an arena has used so far (finished debates only)."""

    debates: int = 0
    tokens: int = 0
    cost: float = 0.0


def needs_draws(config: TournamentConfig) -> bool:
    """Whether `next_round` reads the earlier draws whole and the results (Swiss pairing or a
    break); round-robin and arena tournaments need only the round headers."""
    return config.pairing == "swiss" or config.break_ is not None


def next_round(
    config: TournamentConfig,
    rounds: Sequence[RoundHeader],
    tallies: Sequence[ResultTally],
    motion_keys: Sequence[str],
    history: MotionHistory,
    *,
    played: Sequence[StoredRound] = (),
    eliminations: Mapping[int, list[DebateResult]] | None = None,
    estimates: Sequence[RatingEstimate] = (),
    spent: Spent = Spent(),
    unavailable: Collection[str] = (),
) -> PlannedRound | None:
    """The next round to draw, or None when the tournament is complete. Where `needs_draws`:
    `tallies` are the preliminary rounds' results, `played` every stored round with its draw,
    `eliminations` the elimination rounds' results; otherwise they are not read. An arena
    draws no debate for the `unavailable` contestants (every one would be a forfeit) and ends
    when fewer than two are left."""
    names = [c.name for c in config.contestants]
    number = (rounds[-1].number if rounds else 0) + 1
    prelims = [r for r in rounds if r.kind == PRELIMINARY]
    if config.pairing == "arena":
        return _arena(config, rounds, number, motion_keys, history, estimates, spent, unavailable)
    draw: Draw | None = None
    if config.pairing == "round-robin":
        schedule = round_robin(names, both_sides=config.sides == "both")
        wanted = config.rounds or len(schedule)
        if len(prelims) < wanted:
            template = schedule[len(prelims) % len(schedule)]
            draw = template.model_copy(update={"round": number, "method": "round-robin", "seed": config.seed})
    elif config.pairing == "swiss" and len(prelims) < (config.rounds or 0):
        table = tallied_standings(config, prelims, tallies)
        records = records_for_swiss(table, [r.draw for r in played if r.kind == PRELIMINARY])
        draw = swiss_draw(records, round_number=number, seed=config.seed, odd=config.odd)
    if draw is not None:
        return _with_motions(config, draw, PRELIMINARY, motion_keys, history)
    if config.break_ is None:
        return None
    ranked = [row.name for row in tallied_standings(config, prelims, tallies)]
    state = knockout_state(config, ranked, played, eliminations or {})
    if state.finished:
        return None
    sides = _side_history(played)
    draw = knockout_round(state, round_number=number, seed=config.seed, history=sides, sides=config.break_.sides)
    return _with_motions(config, draw, ELIMINATION, motion_keys, history)


def expected_size(config: TournamentConfig) -> tuple[int | None, int | None]:
    """(rounds, debates) the tournament will have when complete, where that is known now."""
    n = len(config.contestants)
    if config.pairing == "arena":
        return None, config.arena.max_debates if config.arena else None
    if config.pairing == "round-robin":
        schedule = round_robin([c.name for c in config.contestants], both_sides=config.sides == "both")
        rounds = config.rounds or len(schedule)
        debates = sum(len(schedule[i % len(schedule)].pairings) for i in range(rounds))
    else:
        rounds = config.rounds or 0
        debates = rounds * (n // 2)
    if config.break_ is not None:
        rounds += bracket_size(config.break_.size).bit_length() - 1
        debates += config.break_.size - 1
    return rounds, debates


def standings(config: TournamentConfig, rounds: Sequence[StoredRound], results_by_round: Mapping[int, list[DebateResult]], ratings: Sequence[RatingEstimate] = ()) -> list[StandingRow]:
    """Standings over the given (preliminary) rounds, from their debates' results."""
    results = [res for r in rounds for res in results_by_round.get(r.number, [])]
    return _standings(config, (r.draw.byes for r in rounds), results, ratings)


def tallied_standings(config: TournamentConfig, rounds: Sequence[RoundHeader], tallies: Sequence[ResultTally], ratings: Sequence[RatingEstimate] = ()) -> list[StandingRow]:
    """Standings over the given (preliminary) rounds, from their results summed per pairing
    and outcome (`Store.result_tallies` of the same rounds): the same table as `standings`."""
    return _standings(config, (r.byes for r in rounds), tallies, ratings)


def _standings(config: TournamentConfig, byes_by_round: Iterable[Sequence[str]], results: Sequence[DebateResult | ResultTally], ratings: Sequence[RatingEstimate]) -> list[StandingRow]:
    byes: dict[str, int] = {}
    for sat_out in byes_by_round:
        for name in sat_out:
            byes[name] = byes.get(name, 0) + 1
    return compute_standings(
        [c.name for c in config.contestants], results, byes,
        tie_breaks=config.tie_breaks, bye_policy=config.bye_policy, ratings=ratings or None,
    )


def knockout_state(
    config: TournamentConfig, ranked: Sequence[str], stored: Sequence[StoredRound], results_by_round: Mapping[int, list[DebateResult]],
    *, through: int | None = None,
) -> KnockoutState:
    """The bracket, replayed from its seeds and the elimination results of rounds up to
    `through` (None: all of them; 0: none, the bracket as it broke). The seeds are those its
    first elimination round was drawn with, when there is one: the preliminary standings can
    change after the break (a human ballot, a re-judged debate), and a bracket seeded again
    from them would not be the one played. `ranked` (the preliminary standings, best first)
    seeds a bracket not drawn yet."""
    assert config.break_ is not None
    eliminations = [r for r in stored if r.kind == ELIMINATION]
    drawn = seeds_as_drawn(eliminations[0].draw, config.break_.size) if eliminations else None
    state = start_knockout(drawn or ranked, config.break_.size)
    for r in eliminations:
        if through is not None and r.number > through:
            break
        results = {(res.proposition, res.opposition): res for res in results_by_round.get(r.number, [])}
        winners = []
        for pairing in r.draw.pairings:
            result = results.get((pairing.proposition, pairing.opposition))
            if result is None:
                return state  # this round is not finished yet
            winners.append(elimination_winner(result, state))
        state = advance_knockout(state, winners)
    return state


def elimination_winner(result: DebateResult, state: KnockoutState) -> str:
    """Someone must go through: the panel's winner; on a tie the higher rubric total; then the
    better seed."""
    if result.winner == "proposition":
        return result.proposition
    if result.winner == "opposition":
        return result.opposition
    if result.score_prop != result.score_opp:
        return result.proposition if result.score_prop > result.score_opp else result.opposition
    return min((result.proposition, result.opposition), key=state.seed_of)


def _arena(
    config: TournamentConfig, stored: Sequence[RoundHeader], number: int, motion_keys: Sequence[str], history: MotionHistory,
    estimates: Sequence[RatingEstimate], spent: Spent, unavailable: Collection[str],
) -> PlannedRound | None:
    assert config.arena is not None
    settings = config.arena
    if not estimates:
        estimates = [RatingEstimate(name=c.name) for c in config.contestants]
    # An unavailable contestant's interval never narrows again: it must not hold the arena open either.
    estimates = [e for e in estimates if e.name not in unavailable]
    if len(estimates) < 2:
        return None
    budget = ArenaBudget(max_debates=settings.max_debates, max_tokens=settings.max_tokens, max_cost=settings.max_cost, target_width=settings.target_width, headroom=settings.headroom)
    if settings.target_width is not None and estimates and budget.target_reached(estimates):
        return None
    allowed = budget.allows(settings.batch, spent.debates, spent.tokens, spent.cost)
    if allowed <= 0:
        return None
    pairings = arena_batch(estimates, batch_size=allowed, seed=config.seed, batch_number=len(stored))
    if not pairings:
        return None
    draw = Draw(round=number, pairings=tuple(pairings), method="arena", seed=config.seed, notes=(f"arena batch {len(stored) + 1}: {len(pairings)} debates, weighted toward uncertain pairs and contestants with few debates",))
    return _with_motions(config, draw, ARENA, motion_keys, history)


def _with_motions(config: TournamentConfig, draw: Draw, kind: str, motion_keys: Sequence[str], history: MotionHistory) -> PlannedRound:
    if config.motion_assignment == "per-debate":
        keys = tuple(motions_per_debate(draw, history, motion_keys, config.seed))
    else:
        keys = (motion_for_round(draw, history, motion_keys, config.seed, draw.round),)
    return PlannedRound(draw=draw, kind=kind, motion_keys=keys)


def _side_history(stored: Sequence[StoredRound]) -> dict[str, SideHistory]:
    counts: dict[str, list[int]] = {}
    last: dict[str, str] = {}
    for r in stored:
        for p in r.draw.pairings:
            counts.setdefault(p.proposition, [0, 0])[0] += 1
            counts.setdefault(p.opposition, [0, 0])[1] += 1
            last[p.proposition], last[p.opposition] = "proposition", "opposition"
    return {name: SideHistory(proposition_count=c[0], opposition_count=c[1], last_side=last.get(name)) for name, c in counts.items()}  # type: ignore[arg-type]
