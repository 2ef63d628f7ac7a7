"""The live board: every debate of the current round, what is being said, and what it costs."""

from __future__ import annotations

import time

from rich.markup import escape
from textual import on
from textual.timer import Timer
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static

from tui.app import StateChanged
from tui.screens.base import NAV, TournamentScreen
from tui.state import FAILED, JUDGED, DebateState

COLUMNS = ("#", "proposition", "opposition", "status", "speech", "tok/s", "tokens", "cost", "retries", "error")
TAIL = 110
# DataTable re-renders every cell whenever any cell changes (its cell cache is keyed on a
# table-wide update count), so the streaming text lives in one plain panel updated every batch,
# and the table's counters are refreshed a few times a second.
TABLE_REFRESH_S = 0.3
STATUS_STYLE = {"running": "[b cyan]running[/]", "judging": "[b yellow]judging[/]", "judged": "[green]judged[/]", "failed": "[b red]failed[/]", "waiting": "[dim]waiting[/]"}


def tail(text: str, size: int = TAIL) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else "…" + flat[-(size - 1):]


class BoardScreen(TournamentScreen):
    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("enter", "watch", "Watch", priority=True),
        Binding("[", "round(-1)", "Prev round"),
        Binding("]", "round(1)", "Next round"),
        *NAV,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown_round: int | None = None  # None: follow the current round
        self.rendered_tails: dict[int, str] = {}
        self._cells: dict[int, tuple[str, ...]] = {}
        self._table_dirty: set[int] = set()
        self._table_at = 0.0
        self._table_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="board-progress-text")
        yield ProgressBar(id="board-progress", show_eta=False)
        yield DataTable(id="board-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="board-live")
        yield Static(id="board-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        widths = {"speech": 18, "status": 20, "error": 40, "tok/s": 5, "cost": 8}
        for column in COLUMNS:
            table.add_column(column, key=column, width=widths.get(column))
        self.rebuild()

    def on_screen_resume(self) -> None:
        self.rebuild()

    @property
    def round_number(self) -> int | None:
        return self.shown_round if self.shown_round is not None else self.tapp.state.round

    def debates(self) -> list[DebateState]:
        return sorted(self.tapp.state.round_debates(self.round_number), key=lambda d: d.id)

    def row(self, d: DebateState) -> tuple[str, ...]:
        blind = self.tapp.state.blind
        speech = d.current
        where = f"{speech.index + 1} {speech.side[:4]} {speech.role}" if speech is not None else ""
        rate = speech.tokens_per_s if speech is not None and d.status not in (JUDGED, FAILED) else None
        cost = f"${d.cost:.4f}" if d.cost else "—"
        error = escape(self.tapp.state.masked(d.error or d.last_retry or "", [d])[:40])
        status = STATUS_STYLE.get(d.status, d.status)
        if d.status == JUDGED and d.winner:
            status += f" [dim]({d.winner})[/]"
        return (
            str(d.id), d.name("proposition", blind), d.name("opposition", blind), status, where,
            f"{rate:.0f}" if rate else "—", str(d.tokens or "—"), cost, str(d.retries or ""), error,
        )

    def rebuild(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self._cells = {}
        for d in self.debates():
            self._cells[d.id] = self.row(d)
            table.add_row(*self._cells[d.id], key=str(d.id))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._table_at = time.monotonic()
        self.update_live()
        self.update_progress()

    def update_live(self) -> None:
        """The words being spoken right now, one line per speaking debate."""
        lines = []
        tails: dict[int, str] = {}
        for d in self.debates():
            speech = d.current
            if speech is None or d.status in (JUDGED, FAILED) or not speech.text:
                continue
            tails[d.id] = tail(speech.text)
            lines.append(f"[b]{d.id:>3}[/] [dim]{speech.side[:4]} {speech.role[:10]:<10}[/] {escape(tails[d.id])}")
        self.query_one("#board-live", Static).update("\n".join(lines) or "[dim]nobody is speaking[/]")
        self.rendered_tails = tails

    def update_progress(self) -> None:
        state = self.tapp.state
        in_round = self.debates()
        judged = sum(1 for d in in_round if d.status == JUDGED)
        failed = sum(1 for d in in_round if d.status == FAILED)
        total = state.debates_total or 0
        rounds = f"/{state.rounds}" if state.rounds else ""
        shown = self.round_number
        status = "finished" if state.finished else (state.status or "waiting for the engine")
        lines = [
            f"[b]{state.tournament or 'tournament'}[/]  {status}"
            + (f"  ·  round {shown}{rounds}" if shown is not None else "")
            + (f"  ·  motion {state.round_motion}" if state.round_motion and shown == state.round else ""),
            f"this round: {judged}/{len(in_round)} judged" + (f", {failed} failed" if failed else "")
            + f"   tournament: {state.debates_done}/{total or '?'} judged" + (f", {state.debates_failed} failed" if state.debates_failed else ""),
        ]
        if self.tapp.engine_error:
            lines.append(f"[b red]{self.tapp.engine_error}[/]")
        self.query_one("#board-progress-text", Static).update("\n".join(lines))
        bar = self.query_one(ProgressBar)
        bar.update(total=total or None, progress=state.debates_done + state.debates_failed)
        self.update_detail()

    def update_detail(self) -> None:
        table = self.query_one(DataTable)
        text = ""
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            d = self.tapp.state.debates.get(int(key or 0))
            if d is not None:
                masked = self.tapp.state.masked
                text = f"debate {d.id} · motion {escape(d.motion)} · {len(d.speeches)} speeches · {len(d.ballots)} ballots"
                if d.error:
                    text += f"\n[red]error: {escape(masked(d.error, [d]))}[/]"
                elif d.last_retry:
                    text += f"\n[yellow]last retry: {escape(masked(d.last_retry, [d]))}[/]"
        self.query_one("#board-detail", Static).update(text)

    @on(StateChanged)
    def state_changed(self, message: StateChanged) -> None:
        table = self.query_one(DataTable)
        shown = {d.id for d in self.debates()}
        known = {int(k.value) for k in table.rows if k.value is not None}
        if message.structural or shown != known:
            self.rebuild()
            return
        self._table_dirty |= message.debates & shown
        self.update_live()
        if time.monotonic() - self._table_at >= TABLE_REFRESH_S:
            self.flush_table()
        elif self._table_timer is None:
            self._table_timer = self.set_timer(TABLE_REFRESH_S, self.flush_table)
        self.update_progress()

    def flush_table(self) -> None:
        """Bring the table's cells up to date (status, counters) for debates that changed."""
        self._table_timer = None
        self._table_at = time.monotonic()
        table = self.query_one(DataTable)
        state = self.tapp.state
        dirty, self._table_dirty = self._table_dirty, set()
        for debate_id in dirty:
            if debate_id not in state.debates or str(debate_id) not in table.rows:
                continue
            values = self.row(state.debates[debate_id])
            before = self._cells.get(debate_id, ())
            for n, (column, value) in enumerate(zip(COLUMNS, values, strict=True)):
                if n >= len(before) or before[n] != value:
                    table.update_cell(str(debate_id), column, value)
            self._cells[debate_id] = values
        self.update_progress()

    @on(DataTable.RowHighlighted)
    def highlighted(self) -> None:
        self.update_detail()

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_watch()

    def action_watch(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        from tui.screens.spectator import SpectatorScreen

        self.app.push_screen(SpectatorScreen(int(key or 0)))

    def action_round(self, step: int) -> None:
        numbers = sorted({d.round for d in self.tapp.state.debates.values()})
        if not numbers:
            return
        current = self.round_number if self.round_number in numbers else numbers[-1]
        index = max(0, min(len(numbers) - 1, numbers.index(current) + step))
        self.shown_round = None if numbers[index] == self.tapp.state.round else numbers[index]
        self.rebuild()
