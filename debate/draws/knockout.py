"""Knockout (elimination) rounds after the break.

The top K of the preliminary standings break. They are placed in a bracket of P slots, P
the smallest power of two >= K, in the standard seeding order: seed 1 meets seed P, and the
bracket is arranged so that the winner of 1 v 8 meets the winner of 4 v 5, seeds 1 and 2 can
only meet in the final, seeds 1-4 only in the semi-finals, and so on (`bracket_order`).

K need not be a power of two: the P - K missing seeds are byes, so the top P - K seeds go
straight to the second elimination round. (K = 6: seeds 1 and 2 have byes, 3 v 6 and 4 v 5
play.) K must be at least 2 and at most the field.

Use: `state = start_knockout(ranked_names, k)`, then per round `draw = knockout_round(state,
...)`, run it, `state = advance_knockout(state, winners)`, until `state.champion` is set.

Sides (`sides="history"`, the default) follow the better seed's history: it proposes if it
has had fewer propositions than oppositions, opposes if more; on a tie it takes the side it
did not have last time; with no history, a coin seeded with (seed, round, both names)
decides. `sides="coin"` always uses the coin. Flags: "knockout" and one of
"sides-by-count", "sides-by-last-side", "sides-by-coin".
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from debate.draws.model import Draw, DrawError, Pairing, Side, summary_flags

KnockoutSides = Literal["history", "coin"]
KNOCKOUT_SIDES: tuple[str, ...] = ("history", "coin")


class SideHistory(BaseModel):
    """A contestant's sides so far (a Swiss `Record` has the same three fields)."""

    model_config = ConfigDict(frozen=True)

    proposition_count: int = 0
    opposition_count: int = 0
    last_side: Side | None = None


class HasSides(Protocol):
    """Anything that carries a contestant's side history, such as a Swiss `Record`."""

    @property
    def name(self) -> str: ...
    @property
    def proposition_count(self) -> int: ...
    @property
    def opposition_count(self) -> int: ...
    @property
    def last_side(self) -> Side | None: ...


def bracket_order(size: int) -> tuple[int, ...]:
    """Seed numbers in slot order for a bracket of `size` (a power of two): slots (0, 1),
    (2, 3), ... meet in the first round and neighbouring pairs' winners meet next.
    `bracket_order(8) == (1, 8, 4, 5, 2, 7, 3, 6)`."""
    if size < 1 or size & (size - 1):
        raise DrawError(f"a bracket has a power-of-two number of slots, not {size}")
    order = [1]
    while len(order) < size:
        total = 2 * len(order) + 1
        order = [s for seed in order for s in (seed, total - seed)]
    return tuple(order)


def bracket_size(k: int) -> int:
    """Slots in the bracket of a break of `k`: the smallest power of two >= k."""
    return 1 << max(0, k - 1).bit_length()


def break_seeds(ranked_names: Sequence[str], k: int) -> tuple[str, ...]:
    """The contestants who break, seed 1 first: the top `k` of the ranked standings."""
    if len(set(ranked_names)) != len(ranked_names):
        raise DrawError("the ranked names repeat a contestant")
    if k < 2:
        raise DrawError(f"a knockout break needs at least 2 contestants, not {k}")
    if k > len(ranked_names):
        raise DrawError(f"a break of {k} needs at least {k} contestants; the field has {len(ranked_names)}")
    return tuple(ranked_names[:k])


class KnockoutState(BaseModel):
    """Where a knockout stands: the seeds, and who is still in, in bracket order.

    `slots` has a power-of-two length; None marks a missing seed (a bye) and appears only
    before the first elimination round. `stage` counts the rounds already played.
    """

    model_config = ConfigDict(frozen=True)

    seeds: tuple[str, ...]
    slots: tuple[str | None, ...]
    stage: int = 0

    @property
    def champion(self) -> str | None:
        return self.slots[0] if len(self.slots) == 1 else None

    @property
    def finished(self) -> bool:
        return len(self.slots) == 1

    def seed_of(self, name: str) -> int:
        return self.seeds.index(name) + 1

    def stage_name(self) -> str:
        """"final", "semi-finals", "quarter-finals" or "round of N"."""
        return {2: "final", 4: "semi-finals", 8: "quarter-finals"}.get(len(self.slots), f"round of {len(self.slots)}")


def start_knockout(ranked_names: Sequence[str], k: int) -> KnockoutState:
    """The bracket of the top `k`, ready for its first elimination round."""
    seeds = break_seeds(ranked_names, k)
    size = bracket_size(k)
    slots = tuple(seeds[s - 1] if s <= k else None for s in bracket_order(size))
    return KnockoutState(seeds=seeds, slots=slots)


def seeds_as_drawn(first_round: Draw, k: int) -> tuple[str, ...] | None:
    """The break's seeds, seed 1 first, read back from the first elimination round's draw:
    its pairings carry both seeds, and its byes (in bracket order) are the top seeds whose
    opponents are missing. None when the draw does not account for all `k` seeds (one stored
    before pairings carried seeds), and the seeds must come from the standings again."""
    size = bracket_size(k)
    seeds: dict[int, str] = {}
    for p in first_round.pairings:
        if p.seeds is None:
            return None
        seeds[p.seeds[0]], seeds[p.seeds[1]] = p.proposition, p.opposition
    order = bracket_order(size)
    bye_seeds = [min(order[i], order[i + 1]) for i in range(0, size, 2) if max(order[i], order[i + 1]) > k]
    if len(bye_seeds) != len(first_round.byes):
        return None
    seeds |= dict(zip(bye_seeds, first_round.byes))
    if sorted(seeds) != list(range(1, k + 1)) or len(set(seeds.values())) != k:
        return None
    return tuple(seeds[s] for s in range(1, k + 1))


def knockout_round(
    state: KnockoutState,
    *,
    round_number: int,
    seed: int,
    history: Mapping[str, SideHistory] | Iterable[HasSides] = (),
    sides: KnockoutSides = "history",
) -> Draw:
    """The draw of the next elimination round: slot 0 v slot 1, slot 2 v slot 3, ... in
    bracket order (pairings are listed in that order too); an empty slot gives its neighbour
    a bye. `history` maps names to side histories, or is an iterable of objects with `name`,
    `proposition_count`, `opposition_count` and `last_side` (such as Swiss `Record`s)."""
    if state.finished:
        raise DrawError(f"the knockout is over: {state.champion} won it")
    if sides not in KNOCKOUT_SIDES:
        raise DrawError(f"unknown knockout side rule {sides!r}; choose one of: {', '.join(KNOCKOUT_SIDES)}")
    sides_of = _histories(history)
    pairings: list[Pairing] = []
    byes: list[str] = []
    matches = len(state.slots) // 2
    notes = [f"knockout {state.stage_name()}, round {round_number}, seed {seed}: {matches} {'match' if matches == 1 else 'matches'}"]
    for i in range(0, len(state.slots), 2):
        a, b = state.slots[i], state.slots[i + 1]
        if a is None or b is None:
            through = a or b
            assert through is not None  # bracket_order never pairs two missing seeds
            byes.append(through)
            notes.append(f"seed {state.seed_of(through)} {through} advances on a bye")
            continue
        better, worse = sorted((a, b), key=state.seed_of)
        coin = random.Random(f"knockout:{seed}:{round_number}:{better}:{worse}").random()
        better_side, reason = _better_seed_side(sides_of.get(better), coin, sides)
        prop, opp = (better, worse) if better_side == "proposition" else (worse, better)
        pairings.append(
            Pairing(
                proposition=prop,
                opposition=opp,
                flags=("knockout", reason),
                seeds=(state.seed_of(prop), state.seed_of(opp)),
            )
        )
        notes.append(
            f"seed {state.seed_of(better)} {better} v seed {state.seed_of(worse)} {worse}: "
            f"{better} takes {better_side} ({reason.removeprefix('sides-by-').replace('-', ' ')})"
        )
    return Draw(
        round=round_number,
        pairings=tuple(pairings),
        byes=tuple(byes),
        notes=tuple(notes),
        method="knockout",
        seed=seed,
        flags=summary_flags(pairings, byes),
    )


def advance_knockout(state: KnockoutState, winners: Iterable[str]) -> KnockoutState:
    """The state after a round: each slot pair is replaced by its winner, in bracket order, so
    the winner of slots 0-1 meets the winner of slots 2-3. A bye holder advances by itself;
    every debate needs exactly one of its two contestants in `winners`."""
    if state.finished:
        raise DrawError(f"the knockout is over: {state.champion} won it")
    won = set(winners)
    alive = {name for name in state.slots if name is not None}
    if strangers := won - alive:
        raise DrawError(f"not in this knockout round: {', '.join(sorted(strangers))}")
    nxt: list[str] = []
    for i in range(0, len(state.slots), 2):
        a, b = state.slots[i], state.slots[i + 1]
        if a is None or b is None:
            through = a or b
            assert through is not None
            nxt.append(through)
            continue
        if (a in won) == (b in won):
            raise DrawError(f"{a} v {b} needs exactly one winner")
        nxt.append(a if a in won else b)
    return KnockoutState(seeds=state.seeds, slots=tuple(nxt), stage=state.stage + 1)


def _histories(history: Mapping[str, SideHistory] | Iterable[HasSides]) -> dict[str, SideHistory]:
    if isinstance(history, Mapping):
        return dict(history)
    return {
        item.name: SideHistory(
            proposition_count=item.proposition_count,
            opposition_count=item.opposition_count,
            last_side=item.last_side,
        )
        for item in history
    }


def _better_seed_side(history: SideHistory | None, coin: float, rule: KnockoutSides) -> tuple[Side, str]:
    if rule == "history" and history is not None:
        if history.proposition_count != history.opposition_count:
            side: Side = "proposition" if history.proposition_count < history.opposition_count else "opposition"
            return side, "sides-by-count"
        if history.last_side is not None:
            return ("opposition" if history.last_side == "proposition" else "proposition"), "sides-by-last-side"
    return ("proposition" if coin < 0.5 else "opposition"), "sides-by-coin"
