"""Swiss (power-paired) draws: each round is paired from the results so far.

The draw is a pipeline of pure steps, each of which can be read and tested alone:

1. `rank_records`: order the field by wins, then ballots, then rubric score total, then
   rating; remaining ties are broken by a coin seeded with (seed, round, name), so the order
   never depends on the order of the input.
2. Odd field: one contestant sits out (see `ODD_POLICIES` for who). Candidates are tried in
   the policy's order and the first whose absence allows a draw with as few side violations
   and rematches as any other choice of bye takes it.
3. `make_brackets`: contestants with equal wins form a bracket, best bracket first.
4. `resolve_odd_brackets`: walking down from the top, an odd bracket pulls up the
   highest-ranked contestant of the next non-empty bracket below ("pull-up").
5. `fold_pairs`: within each resolved bracket the top half meets the bottom half in order
   (1 v m/2+1, 2 v m/2+2, ...), the ideal pairing.
6. Conflicts as costs: one minimum-weight perfect matching over the whole field, whose cost
   per pairing is, in strictly decreasing priority (each level outweighs the sum of all lower
   ones): side imbalance (a pairing that would push someone's proposition and opposition
   counts more than one apart), rematches (times the two have met), bracket distance (how
   many distinct win counts apart the two are) and distance from the ideal fold. The ideal draw
   has the least possible bracket distance (every pull-up crosses one level, and only odd
   brackets are crossed) and is the only draw with no fold distance, so it is kept unless it
   has a conflict; a rematch happens only when no draw without one exists.
7. `allocate_sides`: proposition goes to whoever has had fewer propositions relative to
   oppositions; a tie goes to whoever was opposition last time; then to a seeded coin.
8. Annotate: every pairing carries flags, and the draw carries notes naming the brackets,
   pull-ups, bye, broken-up pairings and side decisions.

Flags: "swiss" on every pairing; "pull-up" (a contestant pulled up by step 4 debates in the
higher bracket); "cross-bracket" (the two come from different resolved brackets because the
in-bracket pairing had a conflict); "rematch-avoided" (the fold was changed because it would
have been a rematch); "side-swap" (the fold was changed because both would have needed the
same side); "rematch-forced" (the two have met before and no draw avoids it); and one of
"sides-by-count", "sides-by-last-side", "sides-by-coin" (how sides were decided). The draw
flags add "bye" when someone sits out.

Side balance is a hard rule, kept at every round: if every contestant's proposition and
opposition counts differ by at most one before the round, they still do after it. (Such a
draw always exists: the balances sum to zero, so the contestants due to propose can always
meet those due to oppose or the balanced ones.) Rematch avoidance ranks below it.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from debate.draws.model import Draw, DrawError, Pairing, Side, fmt_number, summary_flags

OddPolicy = Literal["bye", "pull-up"]
ODD_POLICIES: dict[str, str] = {
    "bye": (
        "the bye rotates: the lowest-ranked contestant among those with the fewest byes so far "
        "sits out, even if that leaves a higher bracket odd (it is then resolved by a pull-up)"
    ),
    "pull-up": (
        "brackets stay whole: the bye goes to the bottom bracket, to its lowest-ranked contestant "
        "among those with the fewest byes; odd brackets above are resolved only by pull-ups"
    ),
}
"""Who sits out when the field is odd. In both, a contestant further down the policy's order
takes the bye instead when that avoids a rematch (or a side imbalance) no other bye avoids."""


class Record(BaseModel):
    """What the Swiss draw knows about one contestant before the round.

    `wins` may be fractional (a tied debate is half a win) and includes whatever credit the
    standings give for byes; `opponents` lists everyone met, once per meeting; `last_side` is
    the side of the most recent debate, None before the first.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    wins: float = 0.0
    ballots: float = 0.0
    score_total: float = 0.0
    rating: float = 0.0
    proposition_count: int = Field(default=0, ge=0)
    opposition_count: int = Field(default=0, ge=0)
    opponents: tuple[str, ...] = ()
    byes: int = Field(default=0, ge=0)
    last_side: Side | None = None

    @property
    def balance(self) -> int:
        """Propositions minus oppositions: +1 means due to oppose, -1 due to propose."""
        return self.proposition_count - self.opposition_count

    def times_met(self, other: str) -> int:
        return self.opponents.count(other)


# ---------------------------------------------------------------------------------------------
# Step 1: ranking


def rank_records(records: Sequence[Record], *, seed: int, round_number: int) -> list[Record]:
    """The field best first: wins, ballots, score total, rating, then a seeded coin."""
    return sorted(
        records,
        key=lambda r: (-r.wins, -r.ballots, -r.score_total, -r.rating, _coin(seed, round_number, "rank", r.name)),
    )


def _coin(seed: int, round_number: int, purpose: str, *parts: str) -> float:
    # A string seed is hashed with SHA-512 by `random`, so this is stable across runs and
    # platforms, and independent of the order in which anything else was drawn.
    return random.Random(f"swiss:{purpose}:{seed}:{round_number}:{':'.join(parts)}").random()


# ---------------------------------------------------------------------------------------------
# Steps 3-5: brackets, pull-ups, the fold


@dataclass
class Bracket:
    """Contestants on `wins` wins, best first; `pulled_up` joined it from a bracket below."""

    wins: float
    members: list[Record]
    pulled_up: list[Record] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.members]


def make_brackets(ranked: Sequence[Record]) -> list[Bracket]:
    """Group a ranked field by wins, best bracket first (the ranking keeps it in order)."""
    brackets: list[Bracket] = []
    for record in ranked:
        if brackets and brackets[-1].wins == record.wins:
            brackets[-1].members.append(record)
        else:
            brackets.append(Bracket(wins=record.wins, members=[record]))
    return brackets


def resolve_odd_brackets(brackets: Sequence[Bracket]) -> list[Bracket]:
    """Make every bracket even: from the top down, an odd bracket pulls up the highest-ranked
    contestant of the next non-empty bracket below. Emptied brackets are dropped. The field
    must be even (after any bye)."""
    work = [Bracket(b.wins, list(b.members), list(b.pulled_up)) for b in brackets]
    for i, bracket in enumerate(work):
        if len(bracket.members) % 2 == 0:
            continue
        below = next((b for b in work[i + 1 :] if b.members), None)
        if below is None:
            raise AssertionError("an odd field reached resolve_odd_brackets")  # a bug, not a user error
        pulled = below.members.pop(0)
        bracket.members.append(pulled)
        bracket.pulled_up.append(pulled)
    return [b for b in work if b.members]


def fold_pairs(bracket: Bracket) -> list[tuple[str, str]]:
    """The ideal pairing of an even bracket: top half against bottom half, in order."""
    half = len(bracket.members) // 2
    return [(bracket.members[i].name, bracket.members[i + half].name) for i in range(half)]


# ---------------------------------------------------------------------------------------------
# Step 7: sides

SideReason = Literal["sides-by-count", "sides-by-last-side", "sides-by-coin"]


def allocate_sides(a: Record, b: Record, *, coin: float) -> tuple[Record, Record, SideReason]:
    """(proposition, opposition, reason): fewer propositions relative to oppositions proposes;
    then whoever opposed last time; then `coin` (a number in [0, 1): below one half, `a`)."""
    if a.balance != b.balance:
        return (a, b, "sides-by-count") if a.balance < b.balance else (b, a, "sides-by-count")
    if a.last_side != b.last_side and None not in (a.last_side, b.last_side):
        return (a, b, "sides-by-last-side") if a.last_side == "opposition" else (b, a, "sides-by-last-side")
    return (a, b, "sides-by-coin") if coin < 0.5 else (b, a, "sides-by-coin")


def _excess(balance: int) -> int:
    return max(0, abs(balance) - 1)


def side_violation(a: Record, b: Record) -> int:
    """How far the better side allocation of a pairing pushes anyone beyond |prop - opp| <= 1."""
    a_proposes = _excess(a.balance + 1) + _excess(b.balance - 1)
    b_proposes = _excess(a.balance - 1) + _excess(b.balance + 1)
    return min(a_proposes, b_proposes)


def _times_met(a: Record, b: Record) -> int:
    return max(a.times_met(b.name), b.times_met(a.name))


# ---------------------------------------------------------------------------------------------
# Step 6: the matching


def min_cost_pairs(
    field_: Sequence[Record], cost: Callable[[Record, Record], tuple[int, ...]]
) -> list[tuple[Record, Record]]:
    """A perfect matching of an even field minimising the summed cost tuples lexicographically.

    The tuples are folded into one integer per edge, each level weighted above the largest
    possible sum of all lower levels, and handed to networkx's blossom matching (exact, integer
    arithmetic). Nodes and edges are added in field order, so the result is deterministic.
    """
    if len(field_) % 2:
        raise AssertionError("min_cost_pairs needs an even field")
    if not field_:
        return []
    if len(field_) == 2:
        return [(field_[0], field_[1])]
    import networkx as nx  # imported here: 0.1 s that commands drawing nothing should not pay

    edges = [(i, j, cost(field_[i], field_[j])) for i, j in itertools.combinations(range(len(field_)), 2)]
    levels = len(edges[0][2])
    pairs = len(field_) // 2
    bases = [pairs * max(c[k] for _, _, c in edges) + 1 for k in range(levels)]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(field_)))
    for i, j, c in edges:
        weight = 0
        for k in range(levels):
            weight = weight * bases[k] + c[k]
        graph.add_edge(i, j, weight=weight)
    matching = nx.min_weight_matching(graph)
    if len(matching) != pairs:
        raise AssertionError("the matching is not perfect")
    ordered = sorted((min(i, j), max(i, j)) for i, j in matching)
    return [(field_[i], field_[j]) for i, j in ordered]


@dataclass
class _Plan:
    """One candidate draw: the field without the bye, its brackets and its matching."""

    bye: Record | None
    brackets: list[Bracket]
    ideal: list[tuple[str, str]]
    pairs: list[tuple[Record, Record]]
    where: dict[str, tuple[int, int]]  # name -> (resolved bracket index, position in it)

    @property
    def conflicts(self) -> tuple[int, int]:
        return (sum(side_violation(a, b) for a, b in self.pairs), sum(_times_met(a, b) for a, b in self.pairs))


def _plan(field_: list[Record], bye: Record | None) -> _Plan:
    own = make_brackets(field_)
    level = {r.name: i for i, b in enumerate(own) for r in b.members}
    brackets = resolve_odd_brackets(own)
    where = {r.name: (bi, pos) for bi, b in enumerate(brackets) for pos, r in enumerate(b.members)}
    sizes = [len(b.members) for b in brackets]

    def cost(a: Record, b: Record) -> tuple[int, int, int, int]:
        # Bracket distance: how many win levels apart the two are. The fold of the resolved
        # brackets already has the least total (each pull-up crosses one level, and only an
        # odd bracket is crossed at all), so this only counts when a conflict breaks the fold.
        distance = abs(level[a.name] - level[b.name])
        (ba, pa), (bb, pb) = where[a.name], where[b.name]
        if ba == bb:
            deviation = abs(abs(pa - pb) - sizes[ba] // 2)
        else:
            # Prefer the bottom of the higher bracket against the top of the lower one.
            (hi_b, hi_p), (_, lo_p) = sorted([(ba, pa), (bb, pb)])
            deviation = (sizes[hi_b] - 1 - hi_p) + lo_p
        return (side_violation(a, b), _times_met(a, b), distance, deviation)

    ideal = [pair for b in brackets for pair in fold_pairs(b)]
    return _Plan(bye=bye, brackets=brackets, ideal=ideal, pairs=min_cost_pairs(field_, cost), where=where)


_PHANTOM = Record(name="\x00bye")


def _least_conflicts(ranked: list[Record]) -> tuple[int, int]:
    """The fewest (side violations, rematches) any choice of bye allows: one matching with a
    phantom contestant whose partner is the one sitting out."""

    def cost(a: Record, b: Record) -> tuple[int, int]:
        if a is _PHANTOM or b is _PHANTOM:
            return (0, 0)
        return (side_violation(a, b), _times_met(a, b))

    pairs = min_cost_pairs([*ranked, _PHANTOM], cost)
    real = [(a, b) for a, b in pairs if a is not _PHANTOM and b is not _PHANTOM]
    return (sum(side_violation(a, b) for a, b in real), sum(_times_met(a, b) for a, b in real))


def bye_candidates(ranked: Sequence[Record], policy: OddPolicy) -> list[Record]:
    """Who should sit out, most deserving first, under an odd-field policy."""
    position = {r.name: i for i, r in enumerate(ranked)}
    if policy == "bye":
        return sorted(ranked, key=lambda r: (r.byes, -position[r.name]))
    if policy == "pull-up":
        bottom = ranked[-1].wins
        return sorted(ranked, key=lambda r: (r.wins != bottom, r.byes, -position[r.name]))
    raise DrawError(f"unknown odd-field policy {policy!r}; choose one of: {', '.join(ODD_POLICIES)}")


# ---------------------------------------------------------------------------------------------
# The whole draw


def swiss_draw(records: Sequence[Record], *, round_number: int, seed: int, odd: OddPolicy = "bye") -> Draw:
    """The Swiss draw for `round_number` from each contestant's record so far.

    Pure and reproducible: the same records (in any order), round and seed give the same draw.
    Raises `DrawError` for fewer than two contestants, a repeated name or an unknown `odd`.
    """
    if odd not in ODD_POLICIES:
        raise DrawError(f"unknown odd-field policy {odd!r}; choose one of: {', '.join(ODD_POLICIES)}")
    names = [r.name for r in records]
    if len(names) < 2:
        raise DrawError("a Swiss draw needs at least two contestants")
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise DrawError(f"contestant names must be unique; repeated: {', '.join(repeated)}")

    ranked = rank_records(records, seed=seed, round_number=round_number)
    notes = [
        (
            f"Swiss round {round_number}, seed {seed}: {len(ranked)} contestants ranked by points, "
            "ballots, score total, rating, then a seeded coin"
        )
    ]
    if len(ranked) % 2 == 0:
        plan = _plan(ranked, None)
    else:
        plan = _choose_bye(ranked, odd)
        notes.append(_bye_note(plan, ranked, odd))
    notes += _bracket_notes(plan)
    pairings, more_notes = _annotate(plan, seed=seed, round_number=round_number)
    notes += more_notes
    byes = (plan.bye.name,) if plan.bye else ()
    return Draw(
        round=round_number,
        pairings=tuple(pairings),
        byes=byes,
        notes=tuple(notes),
        method="swiss",
        seed=seed,
        flags=summary_flags(pairings, byes),
    )


def _choose_bye(ranked: list[Record], odd: OddPolicy) -> _Plan:
    best: tuple[int, int] | None = None
    for candidate in bye_candidates(ranked, odd):
        plan = _plan([r for r in ranked if r is not candidate], candidate)
        if plan.conflicts == (0, 0):
            return plan
        if best is None:
            best = _least_conflicts(ranked)
        if plan.conflicts == best:
            return plan
    raise AssertionError("no choice of bye reached the least conflicts")


def _bye_note(plan: _Plan, ranked: list[Record], odd: OddPolicy) -> str:
    assert plan.bye is not None
    first = bye_candidates(ranked, odd)[0]
    rule = {
        "bye": "the lowest-ranked contestant with the fewest byes",
        "pull-up": "the lowest-ranked contestant of the bottom bracket with the fewest byes",
    }[odd]
    note = f"bye: {plan.bye.name} sits out ({plan.bye.byes} earlier byes); policy {odd!r}: {rule}"
    if plan.bye is not first:
        note += (
            f"; {first.name} was first in line, but every draw with {first.name} sitting out has "
            "more rematches or side imbalance than this one"
        )
    return note


def _bracket_notes(plan: _Plan) -> list[str]:
    notes = []
    for bracket in plan.brackets:
        own = [r.name for r in bracket.members if r not in bracket.pulled_up]
        text = f"bracket on {_points(bracket.wins)}: {', '.join(own) or '(none of its own)'}"
        if bracket.pulled_up:
            pulled = ", ".join(f"{r.name} (from {_points(r.wins)})" for r in bracket.pulled_up)
            text += f"; pulled up: {pulled}"
        notes.append(text)
    return notes


def _annotate(plan: _Plan, *, seed: int, round_number: int) -> tuple[list[Pairing], list[str]]:
    """Sides, flags and notes for the matched pairs, in bracket order."""
    final = {frozenset((a.name, b.name)) for a, b in plan.pairs}
    records = {r.name: r for b in plan.brackets for r in b.members}
    ideal_partner = {x: y for a, b in plan.ideal for x, y in ((a, b), (b, a))}
    pulled = {r.name for b in plan.brackets for r in b.pulled_up}

    # Why each broken-up ideal pairing was broken up.
    broken: dict[frozenset[str], set[str]] = {}
    notes: list[str] = []
    for a, b in plan.ideal:
        if frozenset((a, b)) in final:
            continue
        ra, rb = records[a], records[b]
        reasons = set()
        if _times_met(ra, rb):
            reasons.add("rematch-avoided")
            notes.append(f"{a} v {b} would have been a rematch (met {_times_met(ra, rb)}x before): paired apart")
        if side_violation(ra, rb):
            reasons.add("side-swap")
            side = "opposition" if ra.balance > 0 else "proposition"
            notes.append(f"{a} v {b} would have needed both on {side} to keep sides balanced: paired apart")
        broken[frozenset((a, b))] = reasons

    pairings: list[Pairing] = []
    ordered = sorted(plan.pairs, key=lambda p: min(plan.where[p[0].name], plan.where[p[1].name]))
    for a, b in ordered:
        flags: list[str] = ["swiss"]
        (ba, _), (bb, _) = plan.where[a.name], plan.where[b.name]
        if ba != bb:
            flags.append("cross-bracket")
        elif {a.name, b.name} & pulled:
            flags.append("pull-up")
        if ideal_partner.get(a.name) != b.name:
            flags += sorted(_reasons_for(a.name, b.name, ideal_partner, broken, plan))
        met = _times_met(a, b)
        if met:
            flags.append("rematch-forced")
            notes.append(f"{a.name} v {b.name} is a rematch (met {met}x before): no draw avoids every rematch")
        coin = _coin(seed, round_number, "sides", *sorted((a.name, b.name)))
        prop, opp, reason = allocate_sides(a, b, coin=coin)
        flags.append(reason)
        notes.append(_side_note(prop, opp, reason))
        bracket = plan.brackets[min(ba, bb)].wins
        pairings.append(Pairing(proposition=prop.name, opposition=opp.name, flags=tuple(flags), bracket=bracket))
    return pairings, notes


def _reasons_for(
    a: str, b: str, ideal_partner: dict[str, str], broken: dict[frozenset[str], set[str]], plan: _Plan
) -> set[str]:
    """The flags a pairing that is not in the ideal fold inherits: the reasons its members'
    own ideal pairings were broken up, else those of its brackets, else of the whole draw
    (a change can ripple from one pairing to the next)."""
    own = [frozenset((x, ideal_partner[x])) for x in (a, b) if x in ideal_partner]
    reasons = set().union(*(broken.get(pair, set()) for pair in own))
    if reasons:
        return reasons
    brackets = {plan.where[a][0], plan.where[b][0]}
    nearby = [r for pair, r in broken.items() if any(plan.where[x][0] in brackets for x in pair)]
    reasons = set().union(*nearby)
    return reasons or set().union(*broken.values())


def _points(wins: float) -> str:
    """A bracket's `wins` as the standings name them: points (a tie half, a bye's credit in)."""
    return f"{fmt_number(wins)} point{'' if wins == 1 else 's'}"


def _side_note(prop: Record, opp: Record, reason: SideReason) -> str:
    why = {
        "sides-by-count": "fewer propositions relative to oppositions",
        "sides-by-last-side": "opposition last time",
        "sides-by-coin": "equal side history, seeded coin",
    }[reason]
    return (
        f"sides: {prop.name} (prop {prop.proposition_count}, opp {prop.opposition_count}) proposes against "
        f"{opp.name} (prop {opp.proposition_count}, opp {opp.opposition_count}): {why}"
    )
