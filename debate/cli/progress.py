"""Progress on the terminal while a tournament runs: a live table, or plain lines when piped."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as Bar
from rich.table import Table

from debate.core import events as ev


@dataclass
class _Running:
    proposition: str
    opposition: str
    round: int
    speech: str = "starting"
    tokens: int = 0
    started: float = field(default_factory=time.monotonic)


class Progress:
    def __init__(self, console: Console, *, live: bool) -> None:
        self.console = console
        self.live_mode = live
        self._running: dict[int, _Running] = {}
        self._bar = Bar(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("judged {task.fields[judged]} · failed {task.fields[failed]} · {task.fields[rate]} tok/s · ${task.fields[cost]:.4f}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=console,
        )
        self._task = self._bar.add_task("debates", total=None, judged=0, failed=0, rate="—", cost=0.0)
        self._live: Live | None = None
        self._retries = 0
        self._tokens = 0
        self._cost = 0.0
        self._since = time.monotonic()

    def listener(self, event: ev.Event) -> None:
        if isinstance(event, ev.TournamentStarted):
            self._bar.update(self._task, total=event.debates_total, completed=event.debates_done, description=event.tournament)
            note = " (resuming)" if event.resumed else ""
            self.console.print(f"tournament {event.tournament}{note}: {event.rounds} rounds, {event.debates_total} debates, {event.debates_done} already judged")
            if self.live_mode:
                self._live = Live(self._render(), console=self.console, refresh_per_second=4, transient=True, get_renderable=self._render)
                self._live.start()
        elif isinstance(event, ev.DebateStarted):
            self._running[event.debate_id] = _Running(event.proposition, event.opposition, event.round)
        elif isinstance(event, ev.SpeechStarted):
            if run := self._running.get(event.debate_id):
                run.speech = f"{event.index + 1}. {event.side} {event.role}"
        elif isinstance(event, ev.TextDelta):
            if run := self._running.get(event.debate_id):
                run.tokens += 1
        elif isinstance(event, ev.SpeechDone):
            self._tokens += event.tokens
            self._cost += event.cost_usd or 0.0
            elapsed = time.monotonic() - self._since
            self._bar.update(self._task, rate=f"{self._tokens / elapsed:.0f}" if elapsed > 0 else "—", cost=self._cost)
        elif isinstance(event, ev.CallRetried):
            self._retries += 1
            self._log(f"retrying {event.model} in {event.delay_s:.1f}s (attempt {event.attempt} failed: {event.error[:120]})")
        elif isinstance(event, ev.DebateDone):
            run = self._running.pop(event.debate_id, None)
            self._bar.advance(self._task)
            self._count("judged")
            winner = event.proposition if event.winner == "proposition" else event.opposition if event.winner == "opposition" else "tie"
            self._log(f"debate {event.debate_id}: {event.proposition} (prop) v {event.opposition} (opp): {winner}" + (" wins" if winner != "tie" else "") + (f" [{time.monotonic() - run.started:.0f}s]" if run else ""))
        elif isinstance(event, ev.DebateForfeited):
            self._running.pop(event.debate_id, None)
            self._bar.advance(self._task)
            winner = {"proposition": event.proposition, "opposition": event.opposition}.get(event.winner or "")
            outcome = f"{winner} wins by forfeit" if winner else "both sides forfeit"
            self._log(f"debate {event.debate_id}: {event.proposition} (prop) v {event.opposition} (opp): {outcome} ({event.reason[:200]})")
        elif isinstance(event, ev.DebateFailed):
            self._running.pop(event.debate_id, None)
            self._bar.advance(self._task)  # done for this run: a rerun retries it
            self._count("failed")
            self._log(f"debate {event.debate_id} failed: {event.error[:200]}")
        elif isinstance(event, ev.Notice):
            self._log(f"note: {event.message}")
        elif isinstance(event, ev.TournamentDone):
            self.stop()

    def _count(self, field: str) -> None:
        task = self._bar.tasks[0]
        self._bar.update(self._task, **{field: task.fields[field] + 1})

    def _log(self, line: str) -> None:
        # Printed lines scroll above the live display, so both stay readable.
        self.console.print(line)

    def _render(self) -> Group:
        table = Table(box=None, pad_edge=False)
        for column in ("debate", "round", "proposition v opposition", "speaking", "tokens", "elapsed"):
            table.add_column(column)
        now = time.monotonic()
        for debate_id, run in list(self._running.items())[:12]:
            table.add_row(str(debate_id), str(run.round), f"{run.proposition} v {run.opposition}", run.speech, str(run.tokens), f"{now - run.started:.0f}s")
        return Group(table, self._bar)

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


class Steps:
    """A bar for counted work that is not a tournament (control ballots, attack trials, kills):
    done of total, elapsed and ETA, drawn only on a terminal; piped output stays line by line."""

    def __init__(self, console: Console, description: str, total: int | None = None) -> None:
        self.console = console
        self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                        console=console, transient=True, disable=not console.is_terminal)
        self._task = self._bar.add_task(description, total=total)

    def __enter__(self) -> Steps:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def update(self, done: int, total: int | None = None, description: str | None = None) -> None:
        self._bar.update(self._task, completed=done, total=total, description=description or self._bar.tasks[0].description)

    def advance(self) -> None:
        self._bar.advance(self._task)
