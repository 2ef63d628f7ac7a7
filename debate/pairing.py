"""Draws: which contestants meet in each round, and on which side. Pure functions, no I/O."""

from __future__ import annotations

import random

from pydantic import BaseModel, ConfigDict


class Pairing(BaseModel):
    """One debate of a draw, with the reasons it looks the way it does."""

    model_config = ConfigDict(frozen=True)

    proposition: str
    opposition: str
    flags: tuple[str, ...] = ()


class Draw(BaseModel):
    model_config = ConfigDict(frozen=True)

    round: int
    pairings: tuple[Pairing, ...]
    byes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


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
                Pairing(proposition=p.opposition, opposition=p.proposition, flags=("round-robin", "sides-swapped"))
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


def assign_motions(draws: list[Draw], motion_keys: list[str], seed: int) -> list[str]:
    """One motion per round, cycling through a seeded shuffle of the motions, skipping any
    motion that a pairing of the round has already debated while another motion is free."""
    if not motion_keys:
        raise ValueError("no motions to assign")
    order = sorted(motion_keys)
    random.Random(seed).shuffle(order)
    seen: dict[frozenset[str], set[str]] = {}
    chosen: list[str] = []
    cursor = 0
    for draw in draws:
        pairs = [frozenset((p.proposition, p.opposition)) for p in draw.pairings]
        pick = order[cursor % len(order)]
        for step in range(len(order)):
            candidate = order[(cursor + step) % len(order)]
            if not any(candidate in seen.get(pair, set()) for pair in pairs):
                pick, cursor = candidate, cursor + step
                break
        cursor += 1
        chosen.append(pick)
        for pair in pairs:
            seen.setdefault(pair, set()).add(pick)
    return chosen
