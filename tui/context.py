"""What a screen may ask of the app it runs in, typed, without importing the app.

The app imports every screen to name them, so a screen importing the app back would make a
cycle; screens see it through this Protocol instead (`TournamentScreen.tapp`). Textual's own
side of the app (`notify`, `call_from_thread`, `push_screen`, ...) stays on `Screen.app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from debate.api import Store
    from tui.state import LiveState


class TournamentApp(Protocol):
    state: LiveState
    ratings: dict[str, float]  # contestant -> rating so far (win probabilities)
    tournament: str | None  # the open tournament; None: the newest in the store
    database: str
    read_only: bool  # a spectator: nothing may be written
    engine_running: bool
    engine_error: str | None

    @property
    def store(self) -> Store: ...

    @property
    def base_dir(self) -> Path: ...

    def goto(self, name: str) -> None:
        """Show the screen registered as `name` (board, standings, draw, score, export, help)."""

    def watch(self, debate_id: int) -> None:
        """Show one debate in the spectator."""

    def set_up(self, path: Path | None = None) -> None:
        """Open the setup form: a new tournament, or the config at `path`."""

    def choose_config(self) -> None:
        """Ask for a config file, then open it in the setup form."""

    def open_tournament(self, name: str | None) -> None: ...

    def start_config(self, path: Path, database: str | None = None) -> None: ...

    def resume(self) -> None: ...
