"""Home: the tournaments in the store; open one, write a new config, or open a config file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from debate.core.errors import StoreMissing, UserError
from tui.markup import escape
from tui.screens.base import AppScreen
from tui.widgets.fitted_table import fill
from tui.widgets.header import Header

if TYPE_CHECKING:
    from debate.api.reading import TournamentInfo


HEADS = [(column, column) for column in ("name", "status", "debates", "judged", "failed", "created")]


class HomeScreen(AppScreen):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open", priority=True),
        Binding("n", "setup", "New tournament"),
        Binding("o", "open_config", "Open config"),
        Binding("r", "reload", "Reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("[b]Tournaments[/] in this store — enter opens one · n sets up a new tournament · o opens a config file", id="home-title")
        yield DataTable(id="home-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        fill(self.query_one(DataTable), HEADS, [])
        self.action_reload()

    @work(thread=True, exclusive=True)
    def action_reload(self) -> None:
        from debate.api import tournaments

        try:
            rows = tournaments(self.tapp.store)
        except StoreMissing:  # a fresh folder: not an error, the first step
            self.app.call_from_thread(self.query_one("#home-title", Static).update, self._first_steps())
            return
        except UserError as exc:  # StoreError: a file that is not one of our databases
            self.app.call_from_thread(self.query_one("#home-title", Static).update, f"[red]{escape(str(exc))}[/]")
            return
        self.app.call_from_thread(self._show, rows)

    def _first_steps(self) -> str:
        where = escape(self.tapp.database)
        if self.tapp.read_only:
            return f"[b]No tournaments yet[/] — nothing is stored at {where}; this view shows them once a run starts there"
        return (
            f"[b]No tournaments yet[/] — {where} will be created by the first run.\n"
            "Press [b]n[/] to set up a new tournament, [b]o[/] to open a config file, or run [b]debate demo[/] in a shell."
        )

    def _show(self, rows: Sequence[TournamentInfo]) -> None:
        cells = [
            (t.name, [escape(t.name), t.status, str(t.debates), str(t.judged), str(t.failed), t.created_at.strftime("%Y-%m-%d %H:%M")])
            for t in reversed(rows)
        ]
        fill(self.query_one(DataTable), HEADS, cells)

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            name = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.tapp.open_tournament(name)

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_open()

    def action_setup(self) -> None:
        if not self._refused():
            self.tapp.set_up()

    def action_open_config(self) -> None:
        if not self._refused():
            self.tapp.choose_config()

    def _refused(self) -> bool:
        if self.tapp.read_only:
            self.notify("a spectator cannot set up or start tournaments", severity="warning")
            return True
        return False
