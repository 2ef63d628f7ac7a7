"""Export: the scorecard as json, csv, md or html, written through judges.export."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer, Header, Input, Label, RadioButton, RadioSet, Static

from tui.screens.base import NAV, TournamentScreen

FORMATS = ("html", "md", "csv", "json")


class ExportScreen(TournamentScreen):
    BINDINGS = [Binding("ctrl+w", "write", "Write file"), *NAV]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("[b]Export the scorecard[/]: choose a format and a path, then ctrl+w (or the button)")
        yield RadioSet(*[RadioButton(f, value=(f == "html"), name=f) for f in FORMATS], id="export-format")
        yield Input(id="export-path")
        yield Button("Write", id="export-write", variant="primary")
        yield Static(id="export-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).value = self.default_path("html")

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
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        self.write(pressed.name if pressed else "html", self.query_one("#export-path", Input).value)

    @work(thread=True, exclusive=True)
    def write(self, fmt: str, path: str) -> None:
        app = self.tapp
        result = self.query_one("#export-result", Static)
        try:
            from judges.export import write
            from judges.scorecard import build_scorecard

            card = build_scorecard(app.store, app.tournament, base_dir=app.base_dir)
            out = write(card, fmt, path)  # type: ignore[arg-type]
        except Exception as exc:
            app.call_from_thread(result.update, f"[red]{escape(type(exc).__name__)}: {escape(str(exc))}[/]")
            return
        app.call_from_thread(result.update, f"[green]wrote {escape(str(out))}[/]")
