"""Asked before quitting while a tournament runs in this app: quitting stops the run."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmQuitScreen(ModalScreen[bool]):
    CSS_PATH = "confirm_quit.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Stop and quit"),
        Binding("n,escape", "answer(False)", "Keep running"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box"):
            yield Static(
                "[b]A tournament is running in this app.[/]\n\n"
                "Quitting stops it: everything finished so far is kept, the debates in progress are "
                "marked stopped, and running it again resumes them.",
                id="quit-text",
            )
            with Horizontal(id="quit-buttons"):
                yield Button("Stop and quit (y)", id="quit-yes", variant="error")
                yield Button("Keep running (n)", id="quit-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#quit-no", Button).focus()  # the safe answer is the default

    def action_answer(self, stop: bool) -> None:
        self.dismiss(stop)

    @on(Button.Pressed, "#quit-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#quit-no")
    def _no(self) -> None:
        self.dismiss(False)
