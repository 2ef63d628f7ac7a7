"""The two sides of a debate: the one definition every layer uses."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    """A side; a `StrEnum`, so it equals, hashes and formats as its plain name ("proposition")."""

    PROPOSITION = "proposition"
    OPPOSITION = "opposition"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def other(self) -> Side:
        return Side.OPPOSITION if self is Side.PROPOSITION else Side.PROPOSITION


SIDES: tuple[Side, Side] = (Side.PROPOSITION, Side.OPPOSITION)
