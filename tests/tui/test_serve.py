"""`debate serve` end to end: a browser's session over textual-serve's websocket, read-only.

The server runs as a real subprocess. The client does what the page's JavaScript does (read
the websocket address from the page, connect, send the terminal size, send keystrokes as
["stdin", ...]) and reads the terminal output the app paints, so these tests see what a person
in a browser sees, and check afterwards that nothing they pressed changed the database or
left a file on the server.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.helpers import DEBATE, finished_tournament

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma", "delta")]
SIZE = {"width": 160, "height": 48}
# Escape sequences (CSI, OSC, charset and keypad switches) are paint, not text.
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


@pytest.fixture(scope="module")
def finished_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished_tournament(tmp_path_factory.mktemp("serve"), CONTESTANTS)


def db_digest(db: Path) -> str:
    """Every row of every table, hashed: any write a session made would change it."""
    digest = hashlib.sha256()
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        for line in conn.iterdump():
            digest.update(line.encode())
    return digest.hexdigest()


# --- the server ---------------------------------------------------------------------------


@dataclass
class Served:
    port: int
    folder: Path  # the server's working directory: a session that wrote a file would leave it here
    log: Path
    before: str  # the database's digest before any session started
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(served: Served, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            pytest.fail(f"debate serve exited with {served.process.returncode}:\n{served.log.read_text()}")
        try:
            with closing(socket.create_connection(("127.0.0.1", served.port), timeout=0.5)):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"debate serve did not listen within {timeout}s:\n{served.log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and every session app it started (they share its process group)."""
    with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):  # already gone, or slow: killed below
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)


@pytest.fixture(scope="module")
def served(finished_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("server-cwd")
    log = folder.parent / f"{folder.name}.log"
    before = db_digest(finished_db)
    port = free_port()
    with log.open("wb") as sink:
        # No --host: the default is what is under test. A new session makes the server and its
        # session apps one process group, so `stop` can end them all.
        process = subprocess.Popen(
            [*DEBATE, "serve", "--db", str(finished_db), "--port", str(port)],
            cwd=folder, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, start_new_session=True,
        )
    server = Served(port=port, folder=folder, log=log, before=before, process=process)
    try:
        wait_until_up(server)
        yield server
    finally:
        stop(process)


# --- a browser tab, as the page's JavaScript drives it --------------------------------------


class Tab:
    """One session: the terminal's output as plain text, and the server's JSON messages."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.text = ""
        self.messages: list[list[Any]] = []
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    async def send(self, *envelope: Any) -> None:
        await self.ws.send_str(json.dumps(list(envelope)))

    async def press(self, keys: str) -> int:
        """Type `keys`; returns the mark after which their effect shows."""
        mark = len(self.text)
        await self.send("stdin", keys)
        return mark

    async def expect(self, *needles: str, since: int = 0, timeout: float = 15.0) -> None:
        """Read output until every needle is on screen (painted after `since`)."""
        deadline = time.monotonic() + timeout
        while not all(n in self.text[since:] for n in needles):
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {[n for n in needles if n not in self.text[since:]]} in: {self.text[since:][-3000:]}"
            await self.read(left)

    async def message(self, kind: str, timeout: float = 15.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while not any(m[0] == kind for m in self.messages):
            left = deadline - time.monotonic()
            assert left > 0, f"no {kind!r} message; got {self.messages}"
            await self.read(left)
        return next(m for m in self.messages if m[0] == kind)

    async def read(self, timeout: float) -> None:
        try:
            msg = await self.ws.receive(timeout=timeout)
        except TimeoutError:
            return  # the caller's deadline has passed: it reports what was missing
        if msg.type == aiohttp.WSMsgType.BINARY:
            painted = ANSI.sub(" ", self.decoder.decode(msg.data))
            self.text += re.sub(r"\s+", " ", painted)
        elif msg.type == aiohttp.WSMsgType.TEXT:
            self.messages.append(json.loads(msg.data))
        else:
            raise AssertionError(f"the session closed: {msg.type} {msg.data!r}")


async def websocket_address(http: aiohttp.ClientSession, served: Served) -> str:
    async with http.get(served.url + "/") as page:
        assert page.status == 200
        html = await page.text()
    found = re.search(r'data-session-websocket-url="([^"]+)"', html)
    assert found, "the page names no websocket"
    async with http.get(re.search(r'src="([^"]+textual\.js)"', html)[1]) as script:  # type: ignore[index]
        assert script.status == 200  # the terminal the page runs is served too
    return found[1]


# --- the tests ------------------------------------------------------------------------------


def test_a_browser_session_shows_the_board_and_cannot_change_anything(served: Served, finished_db: Path) -> None:
    asyncio.run(asyncio.wait_for(browse_and_try_to_change(served), timeout=45))
    assert db_digest(finished_db) == served.before
    assert list(served.folder.iterdir()) == [], "a session wrote a file on the server"


async def browse_and_try_to_change(served: Served) -> None:
    async with aiohttp.ClientSession() as http:
        address = await websocket_address(http, served)
        assert address == f"ws://127.0.0.1:{served.port}/ws"
        async with http.ws_connect(f"{address}?width={SIZE['width']}&height={SIZE['height']}") as ws:
            tab = Tab(ws)
            await tab.send("resize", SIZE)  # what the page sends once the socket opens,
            await tab.send("focus")  # and when the person clicks into the terminal
            await tab.send("ping", "1")
            assert (await tab.message("pong"))[1] == "1"
            # The board of the finished tournament: its name, its state, a debate row.
            await tab.expect("read-only spectator", "fixed", "finished", "12/12 judged", "alpha", "judged")

            await tab.expect("spectator cannot score", since=await tab.press("h"))

            # Export downloads to the browser; it offers no path on the server to write to.
            await tab.expect("nothing is written on its disk", "Download", since=await tab.press("e"))
            await tab.expect("nothing was written on the server", since=await tab.press("\x17"))  # ctrl+w
            key = (await tab.message("deliver_file_start"))[1]
            async with http.get(f"{served.url}/download/{key}") as download:
                assert download.status == 200
                assert "fixed" in await download.text()

            # Back past the board to the home screen: setting up a tournament is refused too.
            await tab.expect("Prev round", since=await tab.press("\x1b"))
            await tab.expect("New tournament", since=await tab.press("\x1b"))
            await tab.expect("cannot set up", since=await tab.press("n"))


def test_serve_binds_localhost_unless_told_otherwise(served: Served) -> None:
    assert f"serving the spectator on http://127.0.0.1:{served.port} (read-only)" in served.log.read_text()
    listening = listening_addresses(served.port)
    assert listening == {"127.0.0.1"}, listening


def listening_addresses(port: int) -> set[str]:
    """The addresses a socket on `port` listens on, from the kernel's own table (Linux)."""
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        pytest.skip("needs /proc/net/tcp (Linux) to see bound addresses")
    found: set[str] = set()
    for table in tables:
        for line in table.read_text().splitlines()[1:] if table.exists() else []:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]) if len(address) == 8 else address)
    return found


def test_the_page_names_the_websocket_by_the_address_the_browser_used(served: Served) -> None:
    """Bound to 0.0.0.0, textual-serve alone would send ws://0.0.0.0 to browsers on other machines."""

    async def page_for(host: str) -> str:
        async with aiohttp.ClientSession() as http, http.get(served.url + "/", headers={"Host": host}) as page:
            return await page.text()

    html = asyncio.run(page_for("debates.example.org:8123"))
    assert 'data-session-websocket-url="ws://debates.example.org:8123/ws"' in html


def test_each_session_runs_the_read_only_spectator() -> None:
    import shlex

    from tui.serve import serve_command

    argv = shlex.split(serve_command("fixed"))
    assert argv[1] == "-c" and "spectate(os.environ['DEBATE_SERVE_DATABASE'], 'fixed')" in argv[2]
    assert "postgresql" not in " ".join(argv) and ".db" not in " ".join(argv)  # no URL, so no password, in `ps`


# --- the Export screen, served and not (driven in-process) --------------------------------


def export_in(app: Any, folder: Path) -> str:
    """Open Export, press ctrl+w, and return what the screen says."""

    async def run() -> str:
        from textual.widgets import Static

        from tui.screens.board import BoardScreen
        from tui.screens.export import ExportScreen

        async with app.run_test(size=(160, 48)) as pilot:
            for _ in range(150):  # the board opens once the store has loaded
                if isinstance(app.screen, BoardScreen):
                    break
                await pilot.pause(0.1)
            await pilot.press("e")
            await pilot.pause(0.2)
            assert isinstance(app.screen, ExportScreen)
            app.screen.query_one("#export-path").value = str(folder / "card.html")
            await pilot.press("ctrl+w")
            result = app.screen.query_one("#export-result", Static)
            for _ in range(100):
                if str(result.render()).strip():
                    break
                await pilot.pause(0.1)
            return str(result.render())

    return asyncio.run(run())


def test_export_in_a_served_session_writes_no_file(finished_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.app import DebateApp

    monkeypatch.chdir(tmp_path)
    app = DebateApp(str(finished_db), tournament="fixed", read_only=True)
    app.served = True  # type: ignore[attr-defined]  # what a textual-serve session is (there via App.is_web)
    said = export_in(app, tmp_path)
    assert "writes no files" in said
    assert list(tmp_path.iterdir()) == []


def test_export_in_the_terminal_still_writes_the_file(finished_db: Path, tmp_path: Path) -> None:
    from tui.app import DebateApp

    said = export_in(DebateApp(str(finished_db), tournament="fixed", read_only=True), tmp_path)
    assert "wrote" in said
    assert "fixed" in (tmp_path / "card.html").read_text()


def test_a_given_public_url_is_what_the_page_names() -> None:
    from tui.serve import make_server

    server = make_server("true", "0.0.0.0", 8000, public="https://debates.example.org/")
    assert server.public_url == "https://debates.example.org"
