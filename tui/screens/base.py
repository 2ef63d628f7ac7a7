"""Bindings every tournament screen shares."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import Screen

NAV = [
    Binding("escape", "back", "Back"),
    Binding("b", "goto('board')", "Board"),
    Binding("s", "goto('standings')", "Standings"),
    Binding("d", "goto('draw')", "Draw"),
    Binding("h", "goto('score')", "Score"),
    Binding("e", "goto('export')", "Export"),
]


def is_served(app: Any) -> bool:
    """True when the app runs for a browser (textual-serve), not in the terminal of its machine.

    Textual knows from its web driver; `served` is the app's own flag for the same thing. A
    served session belongs to whoever opened the page, so it must not touch the server's disk.
    """
    return bool(getattr(app, "served", False) or getattr(app, "is_web", False))


class TournamentScreen(Screen[None]):
    """A screen over the app's current tournament, with the shared navigation keys."""

    BINDINGS = NAV

    @property
    def tapp(self) -> Any:
        return self.app

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_goto(self, name: str) -> None:
        from tui.screens import board, draw, export, scoring, standings

        target: dict[str, Any] = {
            "board": board.BoardScreen, "standings": standings.StandingsScreen, "draw": draw.DrawScreen,
            "score": scoring.ScoringScreen, "export": export.ExportScreen,
        }
        cls = target[name]
        if isinstance(self, cls):
            return
        if name == "score" and self.app.read_only:
            self.notify("a spectator cannot score: score with `debate tui` or `debate score` on the tournament's machine", severity="warning")
            return
        if name == "board":
            for screen in self.app.screen_stack:
                if isinstance(screen, cls):
                    while self.app.screen is not screen:
                        self.app.pop_screen()
                    return
        self.app.push_screen(cls())
