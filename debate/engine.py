"""The engine API the CLI and the TUI share: run a tournament from a validated config."""

from __future__ import annotations

from pathlib import Path

import anyio
from sqlalchemy.exc import OperationalError

from debate.config import TournamentConfig
from debate.errors import TournamentBusy, sole_error
from debate.events import EventBus, Listener
from debate.orchestrator import Orchestrator, RunSummary, gateway_for
from debate.runclaim import HEARTBEAT_S, Runner
from debate.store import Store
from debate.transcript import MotionText
from judges.rubric import Rubric


def tournament_motions(config: TournamentConfig, base_dir: Path) -> list[MotionText]:
    """The config's motion sets, paths taken relative to the config file's folder."""
    from motions import load_sets

    sources: list[str | Path] = []
    for entry in config.motions:
        looks_like_path = "/" in entry or entry.endswith((".yaml", ".yml"))
        sources.append(base_dir / entry if looks_like_path and not Path(entry).is_absolute() else entry)
    return [
        MotionText(key=m.id, text=m.text, category=m.category, language=m.language, info_slide=m.info_slide)
        for m in load_sets(sources)
    ]


def tournament_rubric(config: TournamentConfig, base_dir: Path, source: str = "config") -> Rubric:
    """The config's rubric: a shipped name, a file (relative to the config's folder), or inline."""
    from judges.rubric import load_rubric, rubric_from_data

    if isinstance(config.rubric, dict):
        return rubric_from_data(config.rubric, source, prefix=("rubric",))
    looks_like_path = "/" in config.rubric or config.rubric.endswith((".yaml", ".yml"))
    if looks_like_path and not Path(config.rubric).is_absolute():
        return load_rubric(base_dir / config.rubric)
    return load_rubric(config.rubric)


async def run_tournament(config: TournamentConfig, database: str, base_dir: Path, listener: Listener | None = None) -> RunSummary:
    """Run or resume `config` against `database`; returns when every debate is judged or failed."""
    motions = tournament_motions(config, base_dir)
    rubric = tournament_rubric(config, base_dir)
    store = Store(database)
    bus = EventBus()
    if listener is not None:
        bus.subscribe(listener)
    me = Runner.me()
    try:
        store.claim_run(config.name, me)
        try:
            orchestrator = Orchestrator(config=config, store=store, gateway=gateway_for(config), bus=bus, motions=motions, rubric=rubric)
            async with anyio.create_task_group() as tg:
                tg.start_soon(_keep_claim, store, config.name, me)
                summary = await orchestrator.run()
                tg.cancel_scope.cancel()
            return summary
        except BaseExceptionGroup as group:
            raise sole_error(group) from None
        finally:
            store.release_run(config.name, me)
    finally:
        store.close()


async def _keep_claim(store: Store, tournament: str, me: Runner) -> None:
    """Check in while the run lasts; stop the run if another process has taken it over
    (this one stalled past the claim's staleness limit, e.g. a suspended laptop)."""
    while True:
        await anyio.sleep(HEARTBEAT_S)
        try:
            kept = store.keep_run(tournament, me)
        except OperationalError:
            continue  # a locked or dropped database: the writer will say so; try at the next beat
        if not kept:
            raise TournamentBusy(f"tournament '{tournament}' was taken over by another run while this one stalled; stopping here")
