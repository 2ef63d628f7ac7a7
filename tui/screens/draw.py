"""Draw: a round's pairings and why they are what they are."""

from __future__ import annotations

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from tui.screens.base import NAV, TournamentScreen


class DrawScreen(TournamentScreen):
    BINDINGS = [Binding("[", "round(-1)", "Prev round"), Binding("]", "round(1)", "Next round"), *NAV]

    def __init__(self) -> None:
        super().__init__()
        self.rounds: list = []  # type: ignore[type-arg]
        self.index = -1

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading the draw…", id="draw-head")
        yield DataTable(id="draw-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="draw-notes-box"):
            yield Static(id="draw-notes")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in ("proposition", "opposition", "flags", "bracket", "seeds"):
            table.add_column(column, key=column)
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        app = self.tapp
        try:
            row = app.store.find_tournament(app.tournament)
            rounds = app.store.stored_rounds(row.id)
        except Exception as exc:
            app.call_from_thread(self.query_one("#draw-head", Static).update, f"[red]{exc}[/]")
            return
        app.call_from_thread(self._loaded, rounds)

    def _loaded(self, rounds: list) -> None:  # type: ignore[type-arg]
        self.rounds = rounds
        current = self.tapp.state.round
        numbers = [r.number for r in rounds]
        self.index = numbers.index(current) if current in numbers else len(rounds) - 1
        self.show()

    def show(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        if not self.rounds:
            self.query_one("#draw-head", Static).update("no round has been drawn yet")
            return
        r = self.rounds[self.index]
        draw = r.draw
        self.query_one("#draw-head", Static).update(
            f"[b]round {r.number}[/] of {len(self.rounds)} · {r.kind} · {r.status} · method {draw.method or '?'} · seed {draw.seed}"
            + (f" · motion {escape(r.motion)}" if r.motion else "")
        )
        for n, p in enumerate(draw.pairings):
            table.add_row(p.proposition, p.opposition, ", ".join(p.flags) or "—",
                          "—" if p.bracket is None else f"{p.bracket:g}", "—" if p.seeds is None else f"{p.seeds[0]} v {p.seeds[1]}", key=str(n))
        lines = []
        if draw.byes:
            lines.append(f"[b]byes[/]: {', '.join(draw.byes)}")
        if draw.flags:
            lines.append(f"[b]flags[/]: {', '.join(draw.flags)}")
        lines += [f"• {escape(note)}" for note in draw.notes]
        self.query_one("#draw-notes", Static).update("\n".join(lines) or "no notes")

    def action_round(self, step: int) -> None:
        if self.rounds:
            self.index = max(0, min(len(self.rounds) - 1, self.index + step))
            self.show()
