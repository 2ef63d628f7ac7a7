"""The workers sharing a tournament, one line each: running now, settled, per minute, failed,
and the last error, in as little height as the board can spare."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from rich.table import Table
from rich.text import Text
from textual.widget import Widget

NUMBERS_WIDTH = 36  # the four counters with their padding
ERROR_WIDTH = 24  # what the last error keeps at least, before a long worker name is shortened


def short_worker(name: str, width: int) -> str:
    """`host:pid` in at most `width` cells, the host cut short first: the pid is what tells two
    workers on one machine apart."""
    if len(name) <= width:
        return name
    host, colon, pid = name.rpartition(":")
    if not colon or len(pid) + 2 >= width:
        return name[: width - 1] + "…"
    return host[: width - len(pid) - 2] + "…:" + pid


class WorkerLine(NamedTuple):
    worker: str
    running: int
    settled: int
    per_minute: float | None  # None: nothing settled yet
    failed: int
    last_error: str  # shown as given: the board masks it first in a blind tournament


class WorkerPanel(Widget):
    DEFAULT_CSS = Path(__file__).with_name("worker_panel.tcss").read_text(encoding="utf-8")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "workers"
        self.lines: tuple[WorkerLine, ...] = ()

    def show(self, lines: Sequence[WorkerLine]) -> None:
        """These workers; laid out again only when a value changed (a spectator polls twice a second)."""
        lines = tuple(lines)
        if lines == self.lines:
            return
        self.lines = lines
        running = sum(line.running for line in lines)
        rates = [line.per_minute for line in lines if line.per_minute is not None]
        self.border_title = f"workers {len(lines)} · running {running}" + (f" · {sum(rates):.1f}/min" if rates else "")
        self.refresh(layout=True)

    def render(self) -> Table:
        # Built at the width the panel has now: a wide board shows whole worker names.
        longest = max((len(line.worker) for line in self.lines), default=6)
        width = max(12, min(longest, self.content_size.width - NUMBERS_WIDTH - ERROR_WIDTH))
        table = Table(box=None, padding=(0, 1), expand=True, show_edge=False, header_style="bold")
        table.add_column("worker", no_wrap=True, min_width=min(width, longest))
        for label in ("running", "settled", "/min", "failed"):
            table.add_column(label, justify="right", no_wrap=True)
        table.add_column("last error", ratio=1, no_wrap=True, overflow="ellipsis")
        for worker, running, settled, rate, failed, error in self.lines:
            table.add_row(
                short_worker(worker, width), Text(str(running), style="bold cyan" if running else "dim"), str(settled),
                f"{rate:.1f}" if rate is not None else "—", Text(str(failed), style="bold red" if failed else "dim"),
                Text(" ".join(error.split()), style="red"),
            )
        return table
