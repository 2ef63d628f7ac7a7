"""Export: the scorecard as json, csv, md or html, written through the engine API.

In a session served to a browser the file goes to the browser as a download instead: the
person at the page does not own the server's disk, so they get no path to write to.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import (
    Button,
    Footer,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from debate.core.errors import UserError
from tui.markup import escape
from tui.screens.base import NAV, TournamentScreen, is_served
from tui.widgets.header import Header

if TYPE_CHECKING:
    from debate.api import Scorecard

Format = Literal["html", "md", "csv", "json"]
FORMATS: tuple[Format, ...] = ("html", "md", "csv", "json")


class ExportScreen(TournamentScreen):
    CSS_PATH = "export.tcss"
    # One key, two meanings: check_action keeps the one that fits (a served session downloads).
    BINDINGS = [Binding("ctrl+w", "write", "Write file"), Binding("ctrl+w", "download", "Download"), *NAV]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("[b]Export the scorecard[/]: choose a format and a path, then ctrl+w (or the button)", id="export-intro")
        yield RadioSet(*[RadioButton(f, value=(f == "html"), name=f) for f in FORMATS], id="export-format")
        yield Input(id="export-path")
        yield Button("Write", id="export-write", variant="primary")
        yield Static(id="export-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).value = self.default_path("html")
        if is_served(self.app):
            self.query_one("#export-path", Input).display = False
            self.query_one("#export-write", Button).label = "Download"
            self.query_one("#export-intro", Label).update(
                "[b]Export the scorecard[/]: choose a format, then ctrl+w (or the button) to download it.\n"
                "This view is shared from another machine: nothing is written on its disk."
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("write", "download"):
            return (action == "download") == is_served(self.app)
        return True

    def default_path(self, fmt: str) -> str:
        return str(Path.cwd() / f"{self.tapp.tournament or 'tournament'}-scorecard.{fmt}")

    @on(RadioSet.Changed)
    def format_changed(self, event: RadioSet.Changed) -> None:
        path = self.query_one("#export-path", Input)
        fmt = event.pressed.name or "html"
        if Path(path.value).suffix.lstrip(".") in FORMATS:
            path.value = str(Path(path.value).with_suffix("." + fmt))

    @on(Button.Pressed, "#export-write")
    @on(Input.Submitted, "#export-path")
    def pressed(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        if is_served(self.app):  # the button and the path field come here too
            self.action_download()
        else:
            self.write(self.chosen_format(), self.query_one("#export-path", Input).value)

    def action_download(self) -> None:
        self.download(self.chosen_format())

    def chosen_format(self) -> Format:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        # The buttons are named after FORMATS.
        return cast(Format, pressed.name) if pressed and pressed.name in FORMATS else "html"

    @work(thread=True, exclusive=True)
    def write(self, fmt: Format, path: str) -> None:
        from debate.api import write_scorecard

        try:
            out = write_scorecard(self.scorecard(), fmt, path)
        except (UserError, OSError) as exc:  # no such tournament or store; a path that cannot be written
            self.show_error(exc)
            return
        self.show(f"[green]wrote {escape(str(out))}[/]")

    @work(thread=True, exclusive=True)
    def download(self, fmt: Format) -> None:
        """Send the scorecard to the browser; never a file on this machine."""
        from debate.api import render_scorecard

        try:
            text = render_scorecard(self.scorecard(), fmt)
        except UserError as exc:  # no such tournament or store
            self.show_error(exc)
            return
        name = Path(self.default_path(fmt)).name
        app = self.app
        # Outside a browser, Textual would save a delivery in ~/Downloads: that is a file on
        # the server too, so a served app that is not web-driven only says what to do instead.
        if not app.is_web:
            self.show("[yellow]this shared view writes no files; run `debate export` on the server instead[/]")
            return
        app.call_from_thread(app.deliver_text, io.StringIO(text), save_filename=name)
        self.show(f"[green]sent {escape(name)} to your browser as a download; nothing was written on the server[/]")

    def scorecard(self) -> Scorecard:
        from debate.api import scorecard

        app = self.tapp
        return scorecard(app.store, app.tournament, base_dir=app.base_dir)

    def show(self, markup: str) -> None:
        self.app.call_from_thread(lambda: self.query_one("#export-result", Static).update(markup))

    def show_error(self, exc: Exception) -> None:
        self.show(f"[red]{escape(type(exc).__name__)}: {escape(str(exc))}[/]")
