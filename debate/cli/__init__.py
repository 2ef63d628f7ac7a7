"""The `debate` command line. A thin face over `debate.api`: it parses, asks the API, renders.

One module per command group; each registers its commands on the shared `app` when imported
below, in the order `debate --help` lists them. `debate.api` loads the store, the engine and
litellm only when a command first asks for them, so `debate --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from debate.cli.common import app, err
from debate.core.errors import UserError, sole_error

# Imported for their commands; the order is the order of `debate --help`.
from debate.cli import run, worker, standings, score, ratings, judges, rejudge, tournaments, models, export, tui, motions, bench, db  # noqa: F401

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: user mistakes become a message and exit code 2, never a traceback."""
    # The ratings' dense solves are small: OpenBLAS threads only add hand-off cost, and on a
    # busy machine they make timings erratic. Set before numpy is imported; override freely.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
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
