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
    """Implemented by `tui.app.DebateApp`; the bodies here are declarations only."""

    state: LiveState
    ratings: dict[str, float]  # contestant -> rating so far (win probabilities)
    tournament: str | None  # the open tournament; None: the newest in the store
    database: str
    read_only: bool  # a spectator: nothing may be written
    engine_running: bool
    engine_error: str | None

    @property
    def store(self) -> Store:
        """The open store (read-only for a spectator), handed to `debate.api` calls."""

    @property
    def base_dir(self) -> Path:
        """The folder the app started in: relative motion and rubric paths resolve from it."""

    def goto(self, name: str) -> None:
        """Show the screen registered as `name` (board, standings, draw, score, export, help)."""

    def watch(self, debate_id: int) -> None:
        """Show one debate in the spectator."""

    def set_up(self, path: Path | None = None) -> None:
        """Open the setup form: a new tournament, or the config at `path`."""

    def choose_config(self) -> None:
        """Ask for a config file, then open it in the setup form."""

    def open_tournament(self, name: str | None) -> None:
        """Load `name` (None: the newest) from the store and show its board."""

    def start_config(self, path: Path, database: str | None = None) -> None:
        """Run the tournament the config at `path` describes, in this app."""

    def resume(self) -> None:
        """Run the open tournament on from where it stopped, with its stored config."""
