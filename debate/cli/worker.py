"""`debate worker`: claim and run debates of tournaments coordinated in a shared database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from debate import api
from debate.cli.common import app, err, out, stop_on_sigterm


@app.command()
def worker(
    db: Annotated[str, typer.Option("--db", help="the shared database: a PostgreSQL URL such as postgresql+psycopg://user@host/db")],
    tournament: Annotated[str | None, typer.Option("--tournament", "-t", help="serve only this tournament (default: every tournament a coordinator shares)")] = None,
    models: Annotated[list[str] | None, typer.Option(
        "--models", help="a model this worker can call, as an fnmatch pattern (repeat the option; default: every model). "
                         "It takes the debates whose two contestants' models match, and judges them only if every judge's model matches; "
                         "a worker matching only the judges judges the debates whose speeches other workers have given",
    )] = None,
    slots: Annotated[int, typer.Option("--slots", min=1, help="debates run at once")] = 4,
    lease: Annotated[float, typer.Option("--lease", min=1.0, help="seconds a claimed debate is held between heartbeats; a killed worker's debates are taken over after this")] = 30.0,
    base_dir: Annotated[Path | None, typer.Option("--base-dir", help="where the config's relative rubric and motion files are found (default: the current folder)")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print nothing but errors")] = False,
) -> None:
    """Run debates for a coordinator, here or on another machine.

    A coordinator (`debate run CONFIG --db URL --workers N`; N = 0 starts no local workers) draws the rounds and shares the tournament; each worker claims runnable debates of the current round from the database (SELECT ... FOR UPDATE SKIP LOCKED), holds a lease on each that it renews every few seconds, runs them through its own gateway (its own keys, local models or api_base) and stores the results. A worker killed mid-debate loses its lease; another worker takes the debate over and resumes it from its stored speeches. If the coordinator dies, the first worker to notice takes over its claim and coordinates the tournament to its end. Stop a worker with Ctrl-C or SIGTERM: it releases its debates (and any coordination) for others.
    """
    from functools import partial

    import anyio

    from debate.core import events as ev

    def listener(event: ev.Event) -> None:
        if quiet:
            return
        if isinstance(event, ev.DebateDone):
            out.print(f"debate {event.debate_id}: {event.proposition} v {event.opposition}: {event.winner}", markup=False)
        elif isinstance(event, ev.DebateForfeited):
            out.print(f"debate {event.debate_id}: forfeit ({event.reason})", markup=False)
        elif isinstance(event, ev.DebateFailed):
            err.print(f"debate {event.debate_id} failed: {event.error}", markup=False)
        elif isinstance(event, ev.Notice):
            err.print(event.message, markup=False)

    stop_on_sigterm()
    try:
        done = anyio.run(partial(api.run_worker, db, tournament=tournament, models=models, slots=slots, lease_s=lease, base_dir=base_dir or Path.cwd(), listener=listener))
    except KeyboardInterrupt:
        if not quiet:
            err.print("worker stopped: its debates are released for other workers")
        raise SystemExit(0) from None
    if not quiet:
        out.print(f"{done} debates settled")
