"""Home: the tournaments in the store; open one, write a new config, or open a config file."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static


class HomeScreen(Screen[None]):
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
        table = self.query_one(DataTable)
        for column in ("name", "status", "debates", "judged", "failed", "created"):
            table.add_column(column, key=column)
        self.action_reload()

    @work(thread=True, exclusive=True)
    def action_reload(self) -> None:
        try:
            rows = self.app.store.list_tournaments()  # type: ignore[attr-defined]
        except Exception as exc:
            self.app.call_from_thread(self.query_one("#home-title", Static).update, f"[red]{exc}[/]")
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list) -> None:  # type: ignore[type-arg]
        table = self.query_one(DataTable)
        table.clear()
        for t in reversed(rows):
            table.add_row(t.name, t.status, str(t.debates), str(t.judged), str(t.failed), t.created_at.strftime("%Y-%m-%d %H:%M"), key=t.name)

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            name = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.open_tournament(name)  # type: ignore[attr-defined]

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_open()

    def action_setup(self) -> None:
        from tui.screens.setup import SetupScreen

        if self._refused():
            return
        self.app.push_screen(SetupScreen(database=self.app.database))  # type: ignore[attr-defined]

    def action_open_config(self) -> None:
        from tui.screens.open_config import OpenConfigScreen
        from tui.screens.setup import SetupScreen

        def opened(path: Path | None) -> None:
            if path is not None:
                self.app.push_screen(SetupScreen(path, database=self.app.database))  # type: ignore[attr-defined]

        if not self._refused():
            self.app.push_screen(OpenConfigScreen(Path.cwd()), opened)

    def _refused(self) -> bool:
        if self.app.read_only:  # type: ignore[attr-defined]
            self.notify("a spectator cannot set up or start tournaments", severity="warning")
            return True
        return False
