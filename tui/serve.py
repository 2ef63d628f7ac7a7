"""Share the read-only spectator app in a browser through textual-serve."""

from __future__ import annotations

import shlex
import sys


def serve_command(database: str, tournament: str | None = None) -> str:
    """The command textual-serve runs for each browser session: the read-only spectator."""
    code = f"from tui.app import spectate; spectate({database!r}, {tournament!r})"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def serve(database: str, host: str = "127.0.0.1", port: int = 8000, tournament: str | None = None) -> None:
    """Serve the spectator on http://host:port (localhost unless told otherwise); blocks."""
    from textual_serve.server import Server

    Server(serve_command(database, tournament), host=host, port=port, title="debate spectator").serve()
