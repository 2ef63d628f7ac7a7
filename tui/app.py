"""The Textual app: one engine or store feed, a screen per task.

Engine events arrive on the engine's own thread; the listener only appends them to a deque.
A timer drains the deque every `refresh_interval` seconds, folds the batch into `LiveState`
and posts one `StateChanged` message to the screen on top, so fifty debates streaming at once
cost one repaint per tick, not one per token.
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from debate import events as ev
from tui.state import LiveState, load_snapshot


class StateChanged(Message):
    """The live state changed: `debates` were touched; `structural` if rows came or went."""

    def __init__(self, debates: set[int], structural: bool) -> None:
        super().__init__()
        self.debates = debates
        self.structural = structural


class DebateApp(App[None]):
    TITLE = "debate"
    BINDINGS = [
        Binding("?", "help", "Help"),
        Binding("f1", "help", "Help", show=False),  # reachable while a text field has the keys
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        database: str,
        tournament: str | None = None,
        config_path: str | Path | None = None,
        read_only: bool = False,
        *,
        poll_interval: float = 0.5,
        refresh_interval: float = 0.04,
        start_engine: bool = True,
        open_latest: bool = False,
    ) -> None:
        super().__init__()
        self.database = database
        self.tournament = tournament
        self.config_path = Path(config_path) if config_path else None
        self.read_only = read_only
        self.poll_interval = poll_interval
        self.refresh_interval = refresh_interval
        self.start_engine = start_engine
        self.open_latest = open_latest
        self.state = LiveState()
        self.pending: deque[ev.Event] = deque()
        self.ratings: dict[str, float] = {}
        self.engine_error: str | None = None
        self._store: Any = None
        self._engine_cancel: Any = None
        self.engine_running = False
        self.runs_here = False  # this app's engine feeds the state (the store is not re-read)
        self.render_observers: list[Any] = []  # callables run after each repaint that carried events (bench)
        if read_only:
            self.sub_title = "read-only spectator"

    # --- the store ----------------------------------------------------------------------

    @property
    def store(self) -> Any:
        """The store; read-only for a spectator, where any write raises ReadOnlyStoreError."""
        if self._store is None:
            from debate.store import Store

            self._store = Store(self.database, create=False, read_only=self.read_only)
        return self._store

    @property
    def base_dir(self) -> Path:
        return self.config_path.parent if self.config_path else Path.cwd()

    # --- lifecycle ----------------------------------------------------------------------

    def on_mount(self) -> None:
        from tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        self.set_interval(self.refresh_interval, self.drain)
        if self.config_path is not None and not self.read_only and self.start_engine:
            self.start_config(self.config_path)
        elif self.tournament is not None or self.read_only or self.open_latest:
            self.open_tournament(self.tournament)

    def start_config(self, path: Path, database: str | None = None) -> None:
        """Run the tournament of the config at `path` here (on `database` if given) and show its board."""
        from debate.config import load_config
        from debate.errors import ConfigError

        if self._refuse_start():
            return
        try:
            config = load_config(path)
        except ConfigError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        if database and database != self.database:
            self._switch_store(database)
        self.config_path = path
        self._start(config)

    def resume(self) -> None:
        """Run the open tournament on from where it stopped, with the config stored with it."""
        from debate.config import validate_config
        from debate.errors import ConfigError

        if self._refuse_start():
            return
        if self.state.finished or not self.state.config:
            self.notify("this tournament is finished: nothing to resume", severity="warning")
            return
        try:
            config = validate_config(dict(self.state.config), source=f"the config stored with '{self.state.tournament}'")
        except ConfigError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self._start(config)

    def _refuse_start(self) -> bool:
        if self.read_only:
            self.notify("a spectator cannot run tournaments", severity="warning")
            return True
        if self.engine_running:
            self.notify("a tournament is already running in this app; wait for it or quit first", severity="error")
            return True
        return False

    def _start(self, config: Any) -> None:
        self.runs_here = True
        self.tournament = config.name
        self.state = LiveState()
        self.state.tournament, self.state.blind, self.state.config = config.name, config.blind, config.public_dict()
        self.engine_running = True
        self.engine_error = None
        self.open_board()
        self.run_engine(config)

    def _switch_store(self, database: str) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        self.database = database

    def on_unmount(self) -> None:
        self.stop_engine()
        if self._store is not None:
            self._store.close()

    def open_tournament(self, name: str | None) -> None:
        """Load `name` (None: the latest) from the store and show its board."""
        self.tournament = name
        self.load_from_store(first=True)
        if self.read_only:
            self.set_interval(self.poll_interval, self.load_from_store)

    def _on_home(self) -> bool:
        from tui.screens.home import HomeScreen

        return isinstance(self.screen, HomeScreen)

    def open_board(self) -> None:
        from tui.screens.board import BoardScreen

        if not isinstance(self.screen, BoardScreen):
            self.push_screen(BoardScreen())

    # --- feeding the state ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="store-poll")
    def load_from_store(self, first: bool = False) -> None:
        try:
            snapshot = load_snapshot(self.store, self.tournament, self.state if not first else None)
        except Exception as exc:  # the store is missing or the tournament not there yet
            if first and (self.tournament is not None or self.read_only):  # asked for: say why not
                self.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
            return
        self.call_from_thread(self._replace_state, snapshot, first)
        self.refresh_ratings_now(snapshot.tournament_id)

    def _replace_state(self, snapshot: LiveState, first: bool) -> None:
        if self.runs_here and not first:
            return
        self.state = snapshot
        if self.tournament is None:
            self.tournament = snapshot.tournament
        if first and self._on_home():
            # Only from the home screen: someone who already moved on is not pulled away.
            self.open_board()
        self._announce(set(snapshot.debates), True)

    def refresh_ratings_now(self, tournament_id: int | None) -> None:
        """Ratings so far (for win probabilities); called on worker threads only."""
        if tournament_id is None:
            return
        try:
            from debate.ratings_view import tournament_ratings

            table = tournament_ratings(self.store, tournament_id)
        except Exception:
            return
        if table is not None:
            ratings = {r.name: r.rating for r in table.rows}
            self.call_from_thread(setattr, self, "ratings", ratings)

    @work(thread=True, exclusive=True, group="ratings")
    def refresh_ratings(self) -> None:
        tid = self.state.tournament_id
        if tid is None:
            try:
                tid = self.store.find_tournament(self.tournament).id
            except Exception:
                return
        self.refresh_ratings_now(tid)

    def post_event(self, event: ev.Event) -> None:
        """The engine listener: thread-safe, never blocks."""
        self.pending.append(event)

    def drain(self) -> None:
        """Fold every pending event into the state and tell the screen on top, once."""
        if not self.pending:
            return
        touched: set[int] = set()
        structural = False
        judged = False
        while self.pending:
            event = self.pending.popleft()
            debate_id = self.state.apply(event)
            if debate_id is not None:
                touched.add(debate_id)
            if not isinstance(event, (ev.TextDelta, ev.SpeechStarted, ev.SpeechDone)):
                structural = structural or isinstance(event, (ev.RoundStarted, ev.DebateStarted, ev.TournamentStarted))
            if isinstance(event, (ev.DebateDone, ev.TournamentStarted)):
                judged = True
            if isinstance(event, ev.Notice):
                self.notify(event.message, timeout=6)
        if judged and self.runs_here:
            self.refresh_ratings()
        self._announce(touched, structural)

    def _announce(self, touched: set[int], structural: bool) -> None:
        self.screen.post_message(StateChanged(touched, structural))
        if self.render_observers:
            stamp = time.perf_counter()
            self.call_after_refresh(self._rendered, stamp)

    def _rendered(self, stamp: float) -> None:
        for observer in list(self.render_observers):
            observer(stamp)

    # --- running a tournament ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def run_engine(self, config: Any) -> None:
        import anyio
        import anyio.lowlevel

        from debate.engine import run_tournament
        from debate.errors import UserError

        async def main() -> None:
            with anyio.CancelScope() as scope:
                self._engine_cancel = (scope, anyio.lowlevel.current_token())
                await run_tournament(config, self.database, self.base_dir, self.post_event)

        try:
            anyio.run(main)
        except Exception as exc:  # a user error (bad motion set, store, busy) or a bug: show it, keep the UI
            self.engine_error = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        finally:
            self._engine_cancel = None
            self.engine_running = False
        if self.engine_error:  # after the flag: the board then offers to resume
            self.post_event(ev.Notice(message=f"the tournament stopped: {self.engine_error}"))
            # A run refused at its start (busy, a motion file) fed no events: show what the store holds.
            self.runs_here = False
            try:
                self.call_from_thread(self.load_from_store, True)
            except RuntimeError:
                pass  # the app is closing: nothing left to show

    def stop_engine(self) -> None:
        handle = self._engine_cancel
        if handle is None:
            return
        scope, token = handle
        try:
            import anyio.from_thread

            anyio.from_thread.run_sync(scope.cancel, token=token)
        except RuntimeError:
            pass  # the engine's event loop has already finished: nothing left to cancel

    # --- actions ---------------------------------------------------------------------------

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())


def run_app(database: str, tournament: str | None = None, config_path: str | Path | None = None, read_only: bool = False,
            open_latest: bool = False) -> None:
    """Open the TUI on `database`; with `config_path` (and not read-only) run that tournament;
    with `open_latest`, show the newest tournament's board over the home screen."""
    DebateApp(database, tournament=tournament, config_path=config_path, read_only=read_only, open_latest=open_latest).run()


def spectate(database: str, tournament: str | None = None) -> None:
    """Watch a tournament another process is running, read-only, refreshed from the store."""
    DebateApp(database, tournament=tournament, read_only=True).run()
