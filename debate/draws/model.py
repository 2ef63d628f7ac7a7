"""The value types every draw shares: a pairing, a draw, and the draw's user error.

Kept apart from `debate.draws.pairing` so that the draw generators (`swiss`, `knockout`, `arena`)
and `debate.draws.pairing`, which re-exports them, import in one direction only.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from debate.core.errors import UserError
from debate.core.sides import Side


class DrawError(UserError, ValueError):
    """A draw (or standings table) cannot be made from these inputs, and the user can fix it:
    an unknown option, a break larger than the field, a name used twice.

    It is a `UserError` (the CLI prints the message and exits 2) and a `ValueError` (so a
    pydantic validator that calls a draw function turns it into a config error). Anything
    else raised by the draw code is a bug.
    """


class Pairing(BaseModel):
    """One debate of a draw, with the reasons it looks the way it does.

    `flags` explain the pairing in short, stable words (see each generator for its
    vocabulary, e.g. "pull-up", "rematch-avoided", "sides-by-coin"); `bracket` is the win count
    of the Swiss bracket the debate was drawn in; `seeds` are the knockout seeds of the
    proposition and the opposition.
    """

    model_config = ConfigDict(frozen=True)

    proposition: str
    opposition: str
    flags: tuple[str, ...] = ()
    bracket: float | None = None
    seeds: tuple[int, int] | None = None


class Draw(BaseModel):
    """The debates of one round, who sits out, and human-readable notes on why.

    `method` names the generator ("swiss", "knockout", ...; None for round-robin draws made
    before the field existed), `seed` the seed it was drawn with, and `flags` summarises the
    flags of all pairings plus "bye" when someone sits out.
    """

    model_config = ConfigDict(frozen=True)

    round: int
    pairings: tuple[Pairing, ...]
    byes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    method: str | None = None
    seed: int | None = None
    flags: tuple[str, ...] = ()


def summary_flags(pairings: tuple[Pairing, ...] | list[Pairing], byes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The draw-level flags: every pairing flag once, plus "bye" if anyone sits out."""
    flags = {flag for pairing in pairings for flag in pairing.flags}
    if byes:
        flags.add("bye")
    return tuple(sorted(flags))


def fmt_number(value: float) -> str:
    """1.0 -> "1", 1.5 -> "1.5": win counts in notes."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
