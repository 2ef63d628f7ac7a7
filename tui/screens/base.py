"""Bindings every tournament screen shares, and the typed way a screen reaches its app."""

from __future__ import annotations

from typing import cast

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Select, SelectionList, Switch, TextArea

from tui.context import TournamentApp

NAV = [
    Binding("escape", "back", "Back"),
    # Declared here too, early, so that a narrow footer (80 columns) still shows it.
    Binding("q", "app.quit_key", "Quit"),
    Binding("b", "goto('board')", "Board"),
    Binding("s", "goto('standings')", "Standings"),
    Binding("d", "goto('draw')", "Draw"),
    Binding("h", "goto('score')", "Score"),
    Binding("e", "goto('export')", "Export"),
]


# Widgets that take typed keys or choices: a letter pressed there belongs to the form, not to
# navigation that would leave it (and drop what was filled in).
FORM_CONTROLS = (Input, TextArea, Select, SelectionList, RadioSet, RadioButton, Checkbox, Switch)


def in_form(app: App[object]) -> bool:
    """True when the focused widget is (inside) a form control."""
    focused = app.focused
    return focused is not None and any(isinstance(node, FORM_CONTROLS) for node in focused.ancestors_with_self)


def is_served(app: App[object]) -> bool:
    """True when the app runs for a browser (textual-serve), not in the terminal of its machine.

    Textual knows from its web driver; `served` is the app's own flag for the same thing. A
    served session belongs to whoever opened the page, so it must not touch the server's disk.
    """
    return bool(getattr(app, "served", False) or app.is_web)


class AppScreen(Screen[None]):
    """A screen of this app: `tapp` is the app as a tournament app (state, store, navigation),
    `self.app` stays Textual's side of it."""

    @property
    def tapp(self) -> TournamentApp:
        return cast(TournamentApp, self.app)


class TournamentScreen(AppScreen):
    """A screen over the app's current tournament, with the shared navigation keys."""

    BINDINGS = NAV

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "goto" and in_form(self.app):
            return False
        return True

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_goto(self, name: str) -> None:
        self.tapp.goto(name)
