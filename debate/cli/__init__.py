"""The `debate` command line. A thin face over `debate.api`: it parses, asks the API, renders.

One module per command group; each registers its commands on the shared `app` when imported.
`debate.api` loads the store, the engine and litellm only when a command first asks for them,
so `debate --help` starts fast; and `main` imports only the module of the command it is
given, because typer builds every registered command on every run.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from debate.cli.common import err
from debate.core.errors import UserError, sole_error

# The command modules, in the order `debate --help` lists their commands.
MODULES = ("run", "worker", "standings", "score", "ratings", "judges", "rejudge", "tournaments", "models", "export", "tui", "motions", "bench", "db")
# Which module registers each top-level command (tests/cli/test_commands.py checks it against
# what the modules register).
COMMAND_MODULES = {
    "run": "run", "demo": "run", "worker": "worker", "standings": "standings", "score": "score",
    "ratings": "ratings", "judges": "judges", "rejudge": "rejudge", "compare": "rejudge",
    "draw": "tournaments", "debates": "tournaments", "show": "tournaments", "tournaments": "tournaments",
    "models": "models", "export": "export", "tui": "tui", "spectate": "tui", "serve": "tui",
    "motions": "motions", "bench": "bench", "db": "db",
}

__all__ = ["app", "main", "load_commands"]


def load_commands(args: Sequence[str] = ()) -> None:
    """Register the commands `args` (the command line after `debate`) can reach: the named
    command's module alone, or every module when the first argument names no command
    (`--help`, nothing, a typo that typer should answer with the full list)."""
    module = COMMAND_MODULES.get(args[0]) if args else None
    for name in (module,) if module else MODULES:
        importlib.import_module(f"debate.cli.{name}")


def __getattr__(name: str) -> Any:
    # `from debate.cli import app` (a test's runner, a script) gets the whole command line.
    if name == "app":
        from debate.cli.common import app

        load_commands()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console entry point: user mistakes become a message and exit code 2, never a traceback."""
    from debate.cli.common import app

    # The ratings' dense solves are small: OpenBLAS threads only add hand-off cost, and on a
    # busy machine they make timings erratic. Set before numpy is imported; override freely.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    load_commands(sys.argv[1:])
    try:
        app()
    except UserError as exc:
        _fail(str(exc), exc.exit_code)
    except BaseExceptionGroup as group:
        if isinstance(error := sole_error(group), UserError):
            _fail(str(error), error.exit_code)
        raise


def _fail(message: str, code: int = 2) -> NoReturn:
    if sys.stderr.isatty():
        err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    else:
        print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)
