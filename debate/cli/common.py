"""What every command shares: the app, the consoles, the common options and JSON output.

Only light imports here: every `debate` invocation, `--help` included, loads this module.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    help="Model-vs-model debate tournaments: draws, streamed debates, judges, standings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _commands() -> None:
    # A callback keeps `debate` a group of commands when only one command's module is loaded
    # (typer makes a lone command the whole program).
    pass


class _LazyConsole:
    """A rich Console made on first use: a command that prints JSON or CSV, or nothing on a
    stream, never imports rich (a tenth of `debate ratings --battles`'s start)."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr

    @cached_property
    def _console(self) -> Console:
        from rich.console import Console

        stream = sys.stderr if self._stderr else sys.stdout
        # Piped output gets room for wide tables instead of rich's 80-column default.
        return Console(stderr=self._stderr, highlight=False, width=None if stream.isatty() else 160)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console, name)


out = cast("Console", _LazyConsole(stderr=False))
err = cast("Console", _LazyConsole(stderr=True))


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


DbOption = Annotated[str | None, typer.Option("--db", help="SQLite file or SQLAlchemy URL (default: the config's, else debate.db)")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table for people, json for scripts")]
TournamentOption = Annotated[str | None, typer.Option("--tournament", "-t", help="tournament name (default: the latest)")]


def stop_on_sigterm() -> None:
    """Make a polite kill (SIGTERM: a service manager, `timeout`, a coordinator stopping its
    workers) stop a command as Ctrl-C does: through the event loop's own SIGINT handling, which
    cancels the run and lets it store what it has. A process started in the background by a
    script ignores SIGINT, and the loop then installs no handler: it gets Python's default one
    back first (so there Ctrl-C in the terminal stops it too, as it stops the script)."""
    import signal

    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: signal.raise_signal(signal.SIGINT))


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")


def bound(value: float | None) -> str:
    """One end of a rating interval; `?` where the fit could not bound it."""
    return "?" if value is None else f"{value:.0f}"
