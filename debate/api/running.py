"""Tournament configs and running them: validate a config, list its motions and rubric, run
or resume it against a database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from debate.config import TournamentConfig, config_from, load_config, validate_config
from debate.core.events import Listener

if TYPE_CHECKING:
    from debate.core.transcript import MotionText
    from debate.orchestrator import RunSummary
    from judges.rubric import Rubric

__all__ = ["RunSummary", "TournamentConfig", "config_from", "load_config", "run_tournament", "run_worker", "tournament_motions", "tournament_rubric", "validate_config"]


def tournament_motions(config: TournamentConfig, base_dir: Path) -> list[MotionText]:
    """The config's motion sets, paths taken relative to `base_dir` (the config's folder)."""
    from debate.config import tournament_motions as motions_of

    return motions_of(config, base_dir)


def tournament_rubric(config: TournamentConfig, base_dir: Path) -> Rubric:
    """The config's rubric: a shipped name, a file (relative to `base_dir`), or inline."""
    from debate.config import tournament_rubric as rubric_of

    return rubric_of(config, base_dir)


async def run_tournament(config: TournamentConfig, database: str, base_dir: Path, listener: Listener | None = None,
                         *, workers: int | None = None, lease_s: float | None = None) -> RunSummary:
    """Run or resume `config` against `database`; returns when every debate is judged or failed.
    `listener` receives every engine event (on the engine's thread). `workers`: coordinate
    that many local worker processes (0: only workers started elsewhere) instead of running
    the debates here; PostgreSQL only, for more than one."""
    # The engine (anyio, the gateway, the orchestrator) loads only when a run starts.
    from debate.engine import run_tournament as run
    from debate.workers import LEASE_S

    return await run(config, database, base_dir, listener, workers=workers, lease_s=lease_s or LEASE_S)


async def run_worker(database: str, *, tournament: str | None = None, models: list[str] | None = None, slots: int = 4,
                     lease_s: float | None = None, base_dir: Path = Path("."), listener: Listener | None = None) -> int:
    """Serve as a worker on `database` until cancelled: claim debates of the tournaments whose
    coordinator shares them (only `tournament`, if named; only debates whose models match
    `models`, fnmatch patterns), run them, store their results. The debates it settled."""
    from debate.workers import LEASE_S, WorkerSettings, run_worker as serve

    settings = WorkerSettings(database=database, tournament=tournament, models=models, slots=slots, lease_s=lease_s or LEASE_S, base_dir=base_dir)
    return await serve(settings, listener)


def __getattr__(name: str) -> object:
    if name == "RunSummary":  # the orchestrator is heavy: its result type loads on demand
        from debate.orchestrator import RunSummary

        return RunSummary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
