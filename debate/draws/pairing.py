"""Draws: which contestants meet in each round, and on which side. Pure functions, no I/O.

This module is the one place to import draws from. It holds the draws that do not depend on
results (round robin, `schedule`) and motion assignment, and re-exports the generators of
`debate.draws`: Swiss (`swiss_draw`), knockout (`start_knockout`, `knockout_round`,
`advance_knockout`) and arena (`arena_batch`, `ArenaBudget`).

Motions: `motion_for_round` (one motion for the whole round) and `motions_per_debate` (one
per debate) work one round at a time, from a history of which pairing debated which motion on
which sides, which `record_motions` extends. Both follow one rule: a side-swapped rematch
(flag "sides-swapped") debates the motion of its first leg, so that a motion favouring one
side favours each contestant once; every other pairing gets a motion it has not debated while
one is left.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence

from debate.draws.arena import (
    ArenaBudget,
    RatingEstimate,
    arena_batch,
    arena_weights,
    interval_overlap,
    pair_weight,
    win_probability,
)
from debate.draws.knockout import (
    KnockoutState,
    SideHistory,
    advance_knockout,
    bracket_order,
    break_seeds,
    knockout_round,
    start_knockout,
)
from debate.draws.model import Draw, DrawError, Pairing, Side
from debate.draws.swiss import (
    ODD_POLICIES,
    OddPolicy,
    Record,
    allocate_sides,
    rank_records,
    swiss_draw,
)

__all__ = [
    "ODD_POLICIES",
    "ArenaBudget",
    "Draw",
    "DrawError",
    "KnockoutState",
    "MotionHistory",
    "OddPolicy",
    "Pairing",
    "RatingEstimate",
    "Record",
    "Side",
    "SideHistory",
    "advance_knockout",
    "allocate_sides",
    "arena_batch",
    "arena_weights",
    "bracket_order",
    "break_seeds",
    "interval_overlap",
    "knockout_round",
    "motion_for_round",
    "motions_per_debate",
    "pair_weight",
    "rank_records",
    "record_motions",
    "round_robin",
    "schedule",
    "start_knockout",
    "swiss_draw",
    "win_probability",
]

MotionHistory = Mapping[tuple[str, str], set[str]]
"""Which motions each pairing, keyed (proposition, opposition), has already debated."""

SIDES_SWAPPED = "sides-swapped"
"""The flag of a round-robin pairing that replays an earlier one with the sides the other way."""


def round_robin(names: list[str], *, both_sides: bool = True) -> list[Draw]:
    """Every pair meets once per cycle (the circle method); with `both_sides`, a second cycle
    repeats each pairing with sides swapped. An odd field gives one contestant a bye each round.
    Within the first cycle each contestant's proposition and opposition counts stay within one.
    """
    if len(names) < 2:
        raise ValueError("a round robin needs at least two contestants")
    field: list[str | None] = list(names) + ([None] if len(names) % 2 else [])
    n = len(field)
    balance = {name: 0 for name in names}  # proposition minus opposition so far
    last_side: dict[str, int] = {}  # +1 proposition, -1 opposition in the latest debate
    first_cycle: list[Draw] = []
    for r in range(n - 1):
        pairings, byes = [], []
        for i in range(n // 2):
            a, b = field[i], field[n - 1 - i]
            if a is None or b is None:
                byes.append(a or b)
                continue
            prop, opp = _sides(a, b, balance, last_side, (r + i) % 2 == 0)
            balance[prop], balance[opp] = balance[prop] + 1, balance[opp] - 1
            last_side[prop], last_side[opp] = 1, -1
            pairings.append(Pairing(proposition=prop, opposition=opp, flags=("round-robin",)))
        first_cycle.append(
            Draw(round=r + 1, pairings=tuple(pairings), byes=tuple(x for x in byes if x), notes=(f"circle method, rotation {r}",))
        )
        field = [field[0], field[-1], *field[1:-1]]
    if not both_sides:
        return first_cycle
    second_cycle = [
        Draw(
            round=len(first_cycle) + d.round,
            pairings=tuple(
                Pairing(proposition=p.opposition, opposition=p.proposition, flags=("round-robin", SIDES_SWAPPED))
                for p in d.pairings
            ),
            byes=d.byes,
            notes=(f"round {d.round} with sides swapped",),
        )
        for d in first_cycle
    ]
    return first_cycle + second_cycle


def _sides(a: str, b: str, balance: dict[str, int], last_side: dict[str, int], a_first: bool) -> tuple[str, str]:
    """Proposition goes to whoever has opened less; then to whoever was opposition last time;
    then alternately by seat, so sides stay balanced through the cycle."""
    if balance[a] != balance[b]:
        return (a, b) if balance[a] < balance[b] else (b, a)
    if last_side.get(a, 0) != last_side.get(b, 0):
        return (a, b) if last_side.get(a, 0) < last_side.get(b, 0) else (b, a)
    return (a, b) if a_first else (b, a)


def schedule(names: list[str], *, method: str, both_sides: bool, rounds: int | None) -> list[Draw]:
    """The draws for a tournament whose draw does not depend on results."""
    if method != "round-robin":
        raise ValueError(f"unknown pairing method {method!r}")
    draws = round_robin(names, both_sides=both_sides)
    if rounds is None:
        return draws
    # More rounds than one schedule holds: repeat it, renumbering as we go.
    out = [draws[i % len(draws)].model_copy(update={"round": i + 1}) for i in range(rounds)]
    return out


def _motion_order(motion_keys: Sequence[str], seed: int) -> list[str]:
    if not motion_keys:
        raise ValueError("no motions to assign")
    order = sorted(set(motion_keys))
    random.Random(seed).shuffle(order)
    return order


def _debated(history: MotionHistory, pairing: Pairing) -> set[str]:
    """The motions the two contestants have debated against each other, on either side."""
    return history.get((pairing.proposition, pairing.opposition), set()) | history.get((pairing.opposition, pairing.proposition), set())


def _first_leg(history: MotionHistory, pairing: Pairing) -> set[str]:
    """For a side-swapped rematch, the motions its first leg debated that it has not yet
    debated with these sides: the motion it should debate (empty for any other pairing)."""
    if SIDES_SWAPPED not in pairing.flags:
        return set()
    return history.get((pairing.opposition, pairing.proposition), set()) - history.get((pairing.proposition, pairing.opposition), set())


def motion_for_round(
    draw: Draw, history: MotionHistory, motion_keys: Sequence[str], seed: int, round_number: int | None = None
) -> str:
    """One motion for every debate of `draw`: the motion of the first legs of the round's
    side-swapped rematches (the one most of them want); else preferably one that no pairing of
    the round has debated; among those, the motion debated least so far (by distinct
    pairings, to spread the set); then the first in a seeded shuffle of the motions rotated by
    the round (`round_number`, default `draw.round`). When every motion has been debated by
    some pairing of the round, the one that repeats for the fewest pairings is chosen."""
    order = _motion_order(motion_keys, seed)
    start = ((draw.round if round_number is None else round_number) - 1) % len(order)
    rotated = order[start:] + order[:start]
    # Each distinct pairing once, with how many debates of the round it is: what the choice
    # depends on, in memory that does not grow with the round's size.
    counts = Counter((p.proposition, p.opposition, SIDES_SWAPPED in p.flags) for p in draw.pairings)
    legs: list[tuple[set[str], set[str], int]] = []
    for (proposition, opposition, swapped), n in counts.items():
        pairing = Pairing(proposition=proposition, opposition=opposition, flags=(SIDES_SWAPPED,) if swapped else ())
        legs.append((_first_leg(history, pairing), _debated(history, pairing), n))
    uses = Counter(m for used in history.values() for m in used)

    def key(item: tuple[int, str]) -> tuple[int, int, int, int]:
        index, motion = item
        missed = sum(n for wanted, _, n in legs if wanted and motion not in wanted)
        repeats = sum(n for wanted, done, n in legs if not wanted and motion in done)
        return (missed, repeats, uses[motion], index)

    return min(enumerate(rotated), key=key)[1]


def motions_per_debate(draw: Draw, history: MotionHistory, motion_keys: Sequence[str], seed: int) -> list[str]:
    """A motion for each pairing of `draw`, in order: a side-swapped rematch gets its first
    leg's motion; any other pairing one it has not debated while any is left; among those the
    least used so far (counting this round's earlier choices); then the first in a seeded
    shuffle rotated by the round."""
    order = _motion_order(motion_keys, seed)
    start = (draw.round - 1) % len(order)
    rotated = order[start:] + order[:start]
    uses = Counter(m for used in history.values() for m in used)
    chosen: list[str] = []
    for pairing in draw.pairings:
        wanted, done = _first_leg(history, pairing), _debated(history, pairing)
        pick = min(enumerate(rotated), key=lambda item: (bool(wanted) and item[1] not in wanted, item[1] in done, uses[item[1]], item[0]))[1]
        uses[pick] += 1
        chosen.append(pick)
    return chosen


def record_motions(history: MotionHistory, draw: Draw, motions: str | Sequence[str]) -> dict[tuple[str, str], set[str]]:
    """A new history with the round's motions added: one motion for the whole round, or one
    per pairing in draw order. The given history is not changed."""
    per_debate = [motions] * len(draw.pairings) if isinstance(motions, str) else list(motions)
    if len(per_debate) != len(draw.pairings):
        raise ValueError(f"{len(per_debate)} motions for {len(draw.pairings)} debates")
    out = {pair: set(used) for pair, used in history.items()}
    for pairing, motion in zip(draw.pairings, per_debate, strict=True):
        out.setdefault((pairing.proposition, pairing.opposition), set()).add(motion)
    return out
