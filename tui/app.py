"""The Textual app: one engine or store feed, a screen per task.

Engine events arrive on the engine's own thread; the listener only appends them to a deque.
A timer drains the deque every `refresh_interval` seconds, folds the batch into `LiveState`
and posts one `StateChanged` message to the screen on top, so fifty debates streaming at once
cost one repaint per tick, not one per token.

Screens are addressed by name (`SCREENS`, `goto`); only this module imports them, and they
reach it back through `tui.context.TournamentApp`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from debate.core import events as ev
from debate.core.errors import ConfigError, GatewayError, UserError
from tui.messages import StateChanged
from tui.screens.base import in_form
from tui.screens.board import BoardScreen
from tui.screens.confirm_quit import ConfirmQuitScreen
from tui.screens.draw import DrawScreen
from tui.screens.export import ExportScreen
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.open_config import OpenConfigScreen
from tui.screens.scoring import ScoringScreen
from tui.screens.setup import SetupScreen
from tui.screens.spectator import SpectatorScreen
from tui.screens.standings import StandingsScreen
from tui.state import LiveState, keep_loaded, load_snapshot, outline

if TYPE_CHECKING:
    from textual.timer import Timer

    from debate.api import Store, TournamentConfig

__all__ = ["DebateApp", "run_app", "spectate"]


class DebateApp(App[None]):
    TITLE = "debate"
    BINDINGS = [
        Binding("?", "help", "Help"),
        Binding("f1", "help", "Help", show=False),  # reachable while a text field has the keys
        Binding("q", "quit_key", "Quit"),
    ]
    # The screens `goto` and the navigation keys name. Each visit builds a new one rather than
    # reusing Textual's installed instance: a visit reads the store afresh, and no screen
    # outlives the tournament it was opened on.
    SCREENS: ClassVar[dict[str, Callable[[], Screen[Any]]]] = {
        "home": HomeScreen, "board": BoardScreen, "standings": StandingsScreen, "draw": DrawScreen,
        "score": ScoringScreen, "export": ExportScreen, "help": HelpScreen,
    }

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
        self.ratings_problem: str | None = None  # why the ratings could not be read, once said
        self.engine_error: str | None = None
        self._store: Store | None = None
        self._engine_cancel: Any = None  # (anyio CancelScope, the engine loop's token) while it runs
        self.engine_running = False
        self.runs_here = False  # this app's engine feeds the state (the store is not re-read)
        self._poll: Timer | None = None  # re-reads the store while another process runs the tournament
        self.render_observers: list[Callable[[float], None]] = []  # run after each repaint that carried events (bench)
        if read_only:
            self.sub_title = "read-only spectator"

    # --- the store ----------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The store; read-only for a spectator, where any write raises ReadOnlyStoreError."""
        if self._store is None:
            from debate.api import open_store

            self._store = open_store(self.database, read_only=self.read_only)
        return self._store

    @property
    def base_dir(self) -> Path:
        return self.config_path.parent if self.config_path else Path.cwd()

    # --- screens ------------------------------------------------------------------------

    def goto(self, name: str) -> None:
        """Show the screen registered as `name`; the board is found again down the stack."""
        kind: Any = self.SCREENS[name]
        if isinstance(self.screen, kind):
            return
        if name == "score" and self.read_only:
            self.notify("a spectator cannot score: score with `debate tui` or `debate score` on the tournament's machine", severity="warning")
            return
        if name == "board":
            for screen in self.screen_stack:
                if isinstance(screen, kind):
                    while self.screen is not screen:
                        self.pop_screen()
                    return
        self.push_screen(kind())

    def watch(self, debate_id: int) -> None:
        self.push_screen(SpectatorScreen(debate_id))

    def set_up(self, path: Path | None = None) -> None:
        self.push_screen(SetupScreen(path, database=self.database))

    def choose_config(self) -> None:
        def opened(path: Path | None) -> None:
            if path is not None:
                self.set_up(path)

        self.push_screen(OpenConfigScreen(Path.cwd()), opened)

    def open_board(self) -> None:
        if not isinstance(self.screen, BoardScreen):
            self.push_screen(BoardScreen())

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_key" and in_form(self):
            return False  # `q` typed into a ballot or a setup form is not a request to leave (ctrl+q still is)
        return True

    async def action_quit_key(self) -> None:
        await self.action_quit()

    async def action_quit(self) -> None:
        if not self.engine_running:
            self.exit()
            return

        def answered(stop: bool | None) -> None:
            if stop:
                self.notify("stopping the tournament…", timeout=10)
                self.stop_engine()
                self._exit_when_stopped()

        self.push_screen(ConfirmQuitScreen(), answered)

    def _exit_when_stopped(self) -> None:
        # The engine marks what was running as stopped on its own thread; leave once it has.
        if self.engine_running:
            self.set_timer(0.1, self._exit_when_stopped)
        else:
            self.exit()

    # --- lifecycle ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen("home")
        self.set_interval(self.refresh_interval, self.drain)
        if self.config_path is not None and not self.read_only and self.start_engine:
            self.start_config(self.config_path)
        elif self.tournament is not None or self.read_only or self.open_latest:
            self.open_tournament(self.tournament)

    def start_config(self, path: Path, database: str | None = None) -> None:
        """Run the tournament of the config at `path` here (on `database` if given) and show its board."""
        from debate.api import load_config

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
        from debate.api import validate_config

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

    def _start(self, config: TournamentConfig) -> None:
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
        """Load `name` (None: the latest) from the store and show its board; then follow it
        through the store while another process (a `debate run`, workers) is what runs it."""
        self.tournament = name
        self.load_from_store(first=True)
        if self._poll is None:
            self._poll = self.set_interval(self.poll_interval, self.load_from_store)

    # --- feeding the state ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="store-poll")
    def load_from_store(self, first: bool = False) -> None:
        from debate.api import live_view

        if self.runs_here and not first:  # this app's engine feeds the state
            return
        try:
            snapshot = load_snapshot(live_view(self.store, self.tournament), self.state if not first else None)
        except UserError as exc:  # StoreError: the store is missing or the tournament not there yet
            if first and (self.tournament is not None or self.read_only):  # asked for: say why not
                self.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
            return
        # Structural (standings, draws and ratings read again) only when a result or a round
        # changed: a poll that found only more of a speech's text repaints the rows, no more.
        structural = first or outline(self.state) != outline(snapshot)
        self.call_from_thread(self._replace_state, snapshot, first, structural)
        if structural:
            self.refresh_ratings_now(snapshot.tournament)

    def _replace_state(self, snapshot: LiveState, first: bool, structural: bool) -> None:
        if (self.runs_here and not first) or not self.screen_stack:  # no screens: the app is closing
            return
        if not first:
            keep_loaded(snapshot, self.state)
        self.state = snapshot
        if self.tournament is None:
            self.tournament = snapshot.tournament
        if first and isinstance(self.screen, HomeScreen):
            # Only from the home screen: someone who already moved on is not pulled away.
            self.open_board()
        self._announce(set(snapshot.debates), structural)

    def refresh_ratings_now(self, tournament: str | None) -> None:
        """Ratings so far (for win probabilities); called on worker threads only."""
        from debate.api import current_ratings

        try:
            ratings = current_ratings(self.store, tournament)
        except UserError as exc:  # StoreError: the tournament is gone or not written yet
            self.call_from_thread(self._ratings_unavailable, str(exc))
            return
        if ratings:
            self.call_from_thread(setattr, self, "ratings", ratings)

    def _ratings_unavailable(self, problem: str) -> None:
        # Said once per distinct problem: a spectator polls twice a second.
        if problem != self.ratings_problem:
            self.ratings_problem = problem
            self.notify(f"no ratings for the win odds: {problem}", severity="warning", timeout=6)

    @work(thread=True, exclusive=True, group="ratings")
    def refresh_ratings(self) -> None:
        self.refresh_ratings_now(self.state.tournament or self.tournament)

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
        if not self.screen_stack:  # a poll or an event landed as the app closed
            return
        self.screen.post_message(StateChanged(touched, structural))
        if self.render_observers:
            stamp = time.perf_counter()
            self.call_after_refresh(self._rendered, stamp)

    def _rendered(self, stamp: float) -> None:
        for observer in list(self.render_observers):
            observer(stamp)

    # --- running a tournament ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def run_engine(self, config: TournamentConfig) -> None:
        import anyio
        import anyio.lowlevel

        from debate.api import run_tournament

        async def main() -> None:
            with anyio.CancelScope() as scope:
                self._engine_cancel = (scope, anyio.lowlevel.current_token())
                await run_tournament(config, self.database, self.base_dir, self.post_event)

        try:
            anyio.run(main)
        except UserError as exc:  # a bad motion set, the store, a busy tournament: its message says it all
            self.engine_error = str(exc)
        except GatewayError as exc:  # a model call that failed past the engine's retries
            self.engine_error = f"{type(exc).__name__}: {exc}"
        finally:
            self._engine_cancel = None
            self.engine_running = False
        # Anything else is a bug: the worker fails and on_worker_state_changed shows it.
        if self.engine_error:
            try:
                self.call_from_thread(self._engine_stopped)
            except RuntimeError:
                pass  # the app is closing: nothing left to show

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "engine" and event.state == WorkerState.ERROR and worker.error is not None:
            self.engine_error = f"{type(worker.error).__name__}: {worker.error}"
            self._engine_stopped()

    def _engine_stopped(self) -> None:
        """After the running flag is down, so the board offers to resume."""
        self.post_event(ev.Notice(message=f"the tournament stopped: {self.engine_error}"))
        # A run refused at its start (busy, a motion file) fed no events: show what the store holds.
        self.runs_here = False
        self.load_from_store(True)

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


def run_app(database: str, tournament: str | None = None, config_path: str | Path | None = None, read_only: bool = False,
            open_latest: bool = False) -> None:
    """Open the TUI on `database`; with `config_path` (and not read-only) run that tournament;
    with `open_latest`, show the newest tournament's board over the home screen."""
    DebateApp(database, tournament=tournament, config_path=config_path, read_only=read_only, open_latest=open_latest).run()


def spectate(database: str, tournament: str | None = None) -> None:
    """Watch a tournament another process is running, read-only, refreshed from the store."""
    DebateApp(database, tournament=tournament, read_only=True).run()
