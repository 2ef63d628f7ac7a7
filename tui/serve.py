"""Share the read-only spectator app in a browser through textual-serve.

textual-serve runs `serve_command` once per browser session, under its web driver. Each session
is a spectator (`read_only`), and the app knows it is in a browser (`App.is_web`), so its Export
screen sends files to the browser instead of writing them on this machine.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import Any

LOOPBACK = "127.0.0.1"


DATABASE_ENV = "DEBATE_SERVE_DATABASE"


def serve_command(tournament: str | None = None) -> str:
    """The command textual-serve runs for each browser session: the read-only spectator.

    The database comes from the environment, not the command line: a PostgreSQL URL may
    carry a password, and every session's arguments are visible to anyone running `ps`.
    """
    code = f"import os; from tui.app import spectate; spectate(os.environ[{DATABASE_ENV!r}], {tournament!r})"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def serve(
    database: str, host: str = LOOPBACK, port: int = 8000, tournament: str | None = None, public: str | None = None
) -> None:
    """Serve the spectator on http://host:port (localhost unless told otherwise); blocks.

    `public` is the URL browsers reach the server at when that is not the address they typed
    (behind a TLS proxy, say).
    """
    os.environ[DATABASE_ENV] = database  # inherited by every session textual-serve starts
    make_server(serve_command(tournament), host, port, public).serve()


def make_server(command: str, host: str, port: int, public: str | None = None) -> Any:
    from textual_serve.server import Server

    class PageFollowsBrowser(Server):
        """Names the websocket by the address the browser asked for.

        textual-serve writes http://HOST:PORT into the page, and a browser elsewhere cannot
        open ws://0.0.0.0:8000. The Host header is what that browser did reach.
        """

        async def handle_index(self, request: Any) -> Any:
            if not public:
                # Safe between requests: nothing awaits between this and the page's rendering.
                self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

    return PageFollowsBrowser(command, host=host, port=port, title="debate spectator", public_url=public.rstrip("/") if public else None)
