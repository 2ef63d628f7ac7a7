"""The live board: every debate of the current round, what is being said, and what it costs;
when workers share the tournament, which worker runs each debate and how each worker does."""

from __future__ import annotations

from typing import Any

# The table reads cells as Rich markup, whose own escape is the right one there.
from rich.markup import escape as cell
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, ProgressBar, Static

from debate.core.errors import UserError
from tui.markup import escape
from tui.messages import StateChanged
from tui.screens.base import NAV, TournamentScreen
from tui.state import FAILED, FORFEIT, JUDGED, DebateState, fill_from_plans
from tui.widgets.header import Header
from tui.widgets.live_table import Column, LiveTable
from tui.widgets.worker_panel import WorkerLine, WorkerPanel, short_worker

# key, label, width (None: as wide as the widest cell)
COLUMNS = (
    ("id", "#", None), ("proposition", "proposition", None), ("opposition", "opposition", None),
    ("status", "status", 20), ("speech", "speech", 18), ("tok/s", "tok/s", 5), ("tokens", "tokens", None),
    ("cost", "cost", 8), ("retries", "retries", None), ("error", "error", 40),
)
# After the status, so that it stays in view at 80 columns.
WORKER_WIDTH = 14
WORKER_COLUMN: Column = ("worker", "worker", WORKER_WIDTH)
SHARED_COLUMNS = (*COLUMNS[:4], WORKER_COLUMN, *COLUMNS[4:])
TAIL = 110
STATUS_STYLE = {"running": "[b cyan]running[/]", "judging": "[b yellow]judging[/]", "judged": "[green]judged[/]", "failed": "[b red]failed[/]", "forfeit": "[b magenta]forfeit[/]", "waiting": "[dim]waiting[/]"}


def tail(text: str, size: int = TAIL) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else "…" + flat[-(size - 1):]


class BoardScreen(TournamentScreen):
    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("enter", "watch", "Watch", priority=True),
        Binding("[", "round(-1)", "Prev round"),
        Binding("]", "round(1)", "Next round"),
        Binding("ctrl+r", "resume", "Resume"),
        *NAV,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown_round: int | None = None  # None: follow the current round
        self._resumable = False
        self.rendered_tails: dict[int, str] = {}
        self._shown: dict[str, str] = {}
        self.shared = False  # the worker column and panel are shown (workers share the tournament)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="board-progress-text")
        yield ProgressBar(id="board-progress", show_eta=False)
        yield LiveTable(COLUMNS, id="board-table")
        workers = WorkerPanel(id="board-workers")
        workers.display = False  # until the store shows workers sharing the tournament
        yield workers
        yield Static(id="board-live")
        yield Static(id="board-detail")
        yield Footer()

    def on_mount(self) -> None:
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
        rate = speech.tokens_per_s if speech is not None and d.status not in (JUDGED, FAILED, FORFEIT) else None
        cost = f"${d.cost:.4f}" if d.cost else "—"
        error = cell(self.tapp.state.masked(d.error or d.last_retry or "", [d])[:40])
        status = STATUS_STYLE.get(d.status, d.status)
        if d.status in (JUDGED, FORFEIT) and d.winner:
            status += f" [dim]({d.winner})[/]"
        worker = (cell(short_worker(d.worker, WORKER_WIDTH)) if d.worker else "",) if self.shared else ()
        return (
            str(d.id), cell(d.name("proposition", blind)), cell(d.name("opposition", blind)), status, *worker, cell(where),
            f"{rate:.0f}" if rate else "—", str(d.tokens or "—"), cost, str(d.retries or ""), error,
        )

    @property
    def table(self) -> LiveTable:
        return self.query_one(LiveTable)

    def rebuild(self) -> None:
        """All rows again: another round, new debates, workers come, or back from another screen."""
        if self.shared != self.tapp.state.shared:
            self.shared = self.tapp.state.shared
            self.table.set_columns(SHARED_COLUMNS if self.shared else COLUMNS)
            self.query_one(WorkerPanel).display = self.shared
        self.table.set_rows((str(d.id), self.row(d)) for d in self.debates())
        self.update_live()
        self.update_progress()
        self.update_workers()

    def show(self, selector: str, markup: str) -> None:
        """Update a panel only when its text changed: each update parses, wraps and lays out."""
        if self._shown.get(selector) != markup:
            self._shown[selector] = markup
            self.query_one(selector, Static).update(markup)

    def update_workers(self) -> None:
        if not self.shared:
            return
        state = self.tapp.state
        lines = []
        for w in state.workers:
            # A failed debate's error may name a contestant or its model: masked while blind.
            failed = state.debates.get(w.last_error_debate) if w.last_error_debate is not None else None
            error = state.masked(w.last_error, [failed] if failed else state.debates.values(), tag=failed is None) if w.last_error else ""
            lines.append(WorkerLine(w.worker, w.running, w.settled, w.per_minute, w.failed, error))
        self.query_one(WorkerPanel).show(lines)

    def update_live(self) -> None:
        """The words being spoken right now, one line per speaking debate."""
        lines = []
        tails: dict[int, str] = {}
        for d in self.debates():
            speech = d.current
            if speech is None or d.status in (JUDGED, FAILED, FORFEIT) or not speech.text:
                continue
            tails[d.id] = tail(speech.text)
            lines.append(f"[b]{d.id:>3}[/] [dim]{speech.side[:4]} {speech.role[:10]:<10}[/] {escape(tails[d.id])}")
        self.show("#board-live", "\n".join(lines) or "[dim]nobody is speaking[/]")
        self.rendered_tails = tails

    def update_progress(self) -> None:
        state = self.tapp.state
        in_round = self.debates()
        judged = sum(1 for d in in_round if d.status == JUDGED)
        failed = sum(1 for d in in_round if d.status == FAILED)
        forfeits = sum(1 for d in in_round if d.status == FORFEIT)
        total = state.debates_total or 0
        # Settled debates count forfeits too; a forfeit was not judged, and is said apart.
        forfeited = sum(1 for d in state.debates.values() if d.status == FORFEIT)
        rounds = f"/{state.rounds}" if state.rounds else ""
        shown = self.round_number
        status = "finished" if state.finished else (state.status or "waiting for the engine")
        lines = [
            f"[b]{state.tournament or 'tournament'}[/]  {status}"
            + (f"  ·  round {shown}{rounds}" if shown is not None else "")
            + (f"  ·  motion {motion}" if (motion := state.round_motions.get(shown) if shown is not None else None) else ""),
            f"this round: {judged}/{len(in_round)} judged" + (f", {forfeits} forfeit" if forfeits else "") + (f", {failed} failed" if failed else "")
            + f"   tournament: {state.debates_done - forfeited}/{total or '?'} judged" + (f", {forfeited} forfeit" if forfeited else "")
            + (f", {state.debates_failed} failed" if state.debates_failed else ""),
        ]
        if self.tapp.engine_error:
            lines.append(f"[b red]{self.tapp.engine_error}[/]")
        self.show("#board-progress-text", "\n".join(lines))
        bar = self.query_one(ProgressBar)
        bar.update(total=total or None, progress=state.debates_done + state.debates_failed)
        self.update_detail()

    def update_detail(self) -> None:
        key = self.table.cursor_key
        d = self.tapp.state.debates.get(int(key)) if key is not None else None
        text = ""
        if d is not None:
            masked = self.tapp.state.masked
            text = f"debate {d.id} · motion {escape(d.motion)} · {len(d.speeches)} speeches · {len(d.ballots)} ballots"
            if d.worker:
                text += f" · worker {escape(d.worker)}"
            if d.error:
                text += f"\n[red]error: {escape(masked(d.error, [d]))}[/]"
            elif d.last_retry:
                text += f"\n[yellow]last retry: {escape(masked(d.last_retry, [d]))}[/]"
        self.show("#board-detail", text)

    @on(StateChanged)
    def state_changed(self, message: StateChanged) -> None:
        if self._resumable != (resumable := self.resumable()):
            self._resumable = resumable
            self.refresh_bindings()  # the footer offers Resume only while it can be done
        table = self.table
        shown = {str(d.id): d for d in self.debates()}
        if message.structural or shown.keys() != set(table.keys) or self.shared != self.tapp.state.shared:
            self.rebuild()
            return
        # Only the touched rows repaint, so the counters can follow every batch.
        touched = (shown.get(str(debate_id)) for debate_id in message.debates)
        table.update_rows((str(d.id), self.row(d)) for d in touched if d is not None)
        self.update_live()
        self.update_progress()
        self.update_workers()

    @on(LiveTable.RowHighlighted)
    def highlighted(self) -> None:
        self.update_detail()

    @on(LiveTable.RowSelected)
    def selected(self) -> None:
        self.action_watch()

    def action_watch(self) -> None:
        key = self.table.cursor_key
        if key is not None:
            self.tapp.watch(int(key))

    def resumable(self) -> bool:
        """A stopped tournament this app may run on: not finished, not running here, not a spectator."""
        app = self.tapp
        return bool(app.state.tournament and not app.state.finished and not app.engine_running and not app.read_only)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.resumable()
        return super().check_action(action, parameters)

    def action_resume(self) -> None:
        self.tapp.resume()

    def action_round(self, step: int) -> None:
        numbers = sorted({d.round for d in self.tapp.state.debates.values()})
        if not numbers:
            return
        current = self.round_number if self.round_number in numbers else numbers[-1]
        index = max(0, min(len(numbers) - 1, numbers.index(current) + step))
        self.shown_round = None if numbers[index] == self.tapp.state.round else numbers[index]
        self.rebuild()
        if self.shown_round is not None and not any(d.speeches for d in self.debates()):
            self.load_round(self.shown_round)

    @work(thread=True, exclusive=True, group="board-round")
    def load_round(self, number: int) -> None:
        """An earlier round's transcripts from the store: the live view holds the current one."""
        from debate.api import round_plans

        try:
            plans = round_plans(self.tapp.store, self.tapp.state.tournament or None, number)
        except UserError:  # StoreError: no store behind this board (a run that has not written yet)
            return
        self.app.call_from_thread(self._round_loaded, plans)

    def _round_loaded(self, plans: list[Any]) -> None:
        fill_from_plans(self.tapp.state, plans)
        self.rebuild()
