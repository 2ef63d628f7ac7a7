"""Draw: a round's pairings and why they are what they are.

In a blind tournament a pairing's contestants stay hidden until its debate is judged, in the
table and in the notes, as on the board and the spectator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from debate.core.errors import UserError
from tui.markup import escape
from tui.messages import StateChanged
from tui.screens.base import NAV, TournamentScreen
from tui.state import WAITING, DebateState
from tui.widgets.header import Header

if TYPE_CHECKING:
    from debate.api.reading import DebateSummary, StoredRound

HIDDEN = "[dim]hidden until judged[/]"
Key = tuple[int, str, str]  # round, proposition, opposition: how a pairing finds its debate


class DrawScreen(TournamentScreen):
    CSS_PATH = "draw.tcss"
    BINDINGS = [Binding("[", "round(-1)", "Prev round"), Binding("]", "round(1)", "Next round"), *NAV]

    def __init__(self) -> None:
        super().__init__()
        self.rounds: list[StoredRound] = []
        self.index = -1
        self.stored: dict[Key, DebateState] = {}  # the store's debates, as of the last load
        self.followed = True  # show the current round until the user picks another
        self._hidden: tuple[bool, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading the draw…", id="draw-head")
        yield DataTable(id="draw-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="draw-notes-box"):
            yield Static(id="draw-notes")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Fixed widths: columns that widen as rows arrive left the header laid out at the old
        # widths (seen on a clean install), misaligned with the rows under it.
        for column, width in (("#", 5), ("proposition", 20), ("opposition", 20), ("flags", 32), ("bracket", 8), ("seeds", 9)):
            table.add_column(column, key=column, width=width)
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        from debate.api import debates, rounds

        app = self.tapp
        try:
            stored = rounds(app.store, app.tournament)
            summaries = debates(app.store, app.tournament)  # after the rounds: a round's debates are saved with it
        except UserError as exc:  # StoreError: no store, or no such tournament
            self.app.call_from_thread(self.query_one("#draw-head", Static).update, f"[red]{escape(str(exc))}[/]")
            return
        self.app.call_from_thread(self._loaded, stored, summaries)

    def _loaded(self, rounds: list[StoredRound], summaries: list[DebateSummary]) -> None:
        shown = self.rounds[self.index].number if self.rounds and not self.followed else self.tapp.state.round
        self.rounds = rounds
        self.stored = {(d.round, d.proposition, d.opposition): DebateState(d.id, d.round, d.proposition, d.opposition, d.motion, d.status, d.winner) for d in summaries}
        numbers = [r.number for r in rounds]
        self.index = numbers.index(shown) if shown in numbers else len(rounds) - 1
        self.show()

    def debates_of(self, r: StoredRound) -> list[DebateState]:
        """Each pairing's debate, live state first (fresher), else as stored; a pairing with
        neither counts as not judged."""
        live = {(d.round, d.proposition, d.opposition): d for d in self.tapp.state.round_debates(r.number)}
        out = []
        for p in r.draw.pairings:
            key = (r.number, p.proposition, p.opposition)
            out.append(live.get(key) or self.stored.get(key) or DebateState(0, r.number, p.proposition, p.opposition, "", WAITING))
        return out

    @on(StateChanged)
    def state_changed(self, message: StateChanged) -> None:
        """A new round reloads the draw; a verdict in the shown round unmasks its pairing."""
        if message.structural and self.tapp.state.round not in {r.number for r in self.rounds}:
            self.load()
        elif self.rounds and self._hidden != self.hidden_flags(self.debates_of(self.rounds[self.index])):
            self.show()

    def hidden_flags(self, debates: list[DebateState]) -> tuple[bool, ...]:
        return tuple(d.hidden(self.tapp.state.blind) for d in debates)

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
        debates = self.debates_of(r)
        self._hidden = self.hidden_flags(debates)
        state = self.tapp.state
        for n, (p, d) in enumerate(zip(draw.pairings, debates, strict=True)):
            hidden = d.hidden(state.blind)
            table.add_row(str(d.id or "—"), HIDDEN if hidden else escape(p.proposition), HIDDEN if hidden else escape(p.opposition),
                          ", ".join(p.flags) or "—", "—" if p.bracket is None else f"{p.bracket:g}",
                          "—" if p.seeds is None else f"{p.seeds[0]} v {p.seeds[1]}", key=str(n))
        lines = []
        if draw.byes:
            lines.append(f"[b]byes[/]: {escape(', '.join(draw.byes))}")
        if draw.flags:
            lines.append(f"[b]flags[/]: {', '.join(draw.flags)}")
        lines += [f"• {escape(state.masked(note, debates, tag=True))}" for note in draw.notes]
        if any(self._hidden):
            lines.append("[dim]blind tournament: contestants stay hidden until their debate is judged (#n is the debate)[/]")
        self.query_one("#draw-notes", Static).update("\n".join(lines) or "no notes")

    def action_round(self, step: int) -> None:
        if self.rounds:
            self.index = max(0, min(len(self.rounds) - 1, self.index + step))
            self.followed = self.rounds[self.index].number == self.tapp.state.round
            self.show()
