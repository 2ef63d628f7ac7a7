"""Starting the terminal UI: `debate tui`, `spectate` and `serve` (the app lives in `tui/`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from debate import api
from debate.cli.common import DbOption, TournamentOption, app, err, out


@app.command()
def tui(
    db: DbOption = None,
    tournament: TournamentOption = None,
    config: Annotated[Path | None, typer.Option("--config", help="run this tournament config from the app")] = None,
) -> None:
    """The terminal UI: set up and run tournaments, watch debates stream, score blind, standings, export.

    With --db it opens straight onto that database's newest tournament; without, on the home screen.
    """
    from tui.app import run_app

    if config is not None:
        cfg = api.load_config(config)  # a bad config is reported here, before the app starts
        db = db or cfg.database
    # An explicit --db opens straight onto its newest tournament (Home is one escape away).
    run_app(db or "debate.db", tournament=tournament, config_path=config, open_latest=db is not None)


@app.command()
def spectate(
    database: Annotated[str | None, typer.Argument(metavar="DB", help="the database another process is writing (default debate.db)")] = None,
    tournament: TournamentOption = None,
) -> None:
    """Watch a tournament another process is running, read-only, from its database."""
    from tui.app import spectate as watch

    _check_readable(database)  # a missing database is a clear error, not an empty app
    watch(database or "debate.db", tournament=tournament)


@app.command()
def serve(
    db: DbOption = None,
    tournament: TournamentOption = None,
    host: Annotated[str, typer.Option(help="address to bind (localhost unless you say otherwise)")] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    public_url: Annotated[str | None, typer.Option(help="the URL browsers reach this server at, when it is not http://HOST:PORT")] = None,
) -> None:
    """Share the read-only spectator app in a browser (textual-serve)."""
    from tui.serve import LOOPBACK
    from tui.serve import serve as share

    _check_readable(db)
    out.print(f"serving the spectator on {public_url or f'http://{host}:{port}'} (read-only); Ctrl-C stops")
    if host not in (LOOPBACK, "localhost", "::1"):
        err.print(f"bound to {host}: anyone who can reach it can watch this tournament (not change it)")
    share(db or "debate.db", host=host, port=port, tournament=tournament, public=public_url)


def _check_readable(db: str | None) -> None:
    """Open the database the way a spectator will (read-only), so problems show before the app."""
    api.open_store(db, read_only=True).close()
