"""Running a tournament from a validated config: its motions, its rubric, the run itself
(claimed so that one process runs it at a time). The faces reach it through `debate.api`."""

from __future__ import annotations

from pathlib import Path

import anyio
from sqlalchemy.exc import OperationalError

from debate.config import TournamentConfig, tournament_canaries, tournament_motions, tournament_rubric
from debate.core.errors import TournamentBusy, sole_error
from debate.core.events import EventBus, Listener
from debate.gateway import check_models
from debate.orchestrator import Orchestrator, RunSummary, gateway_for
from debate.store.claims import HEARTBEAT_S, Runner
from debate.store import Store


async def run_tournament(config: TournamentConfig, database: str, base_dir: Path, listener: Listener | None = None) -> RunSummary:
    """Run or resume `config` against `database`; returns when every debate is judged or failed."""
    check_models(config)
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
            orchestrator = Orchestrator(config=config, store=store, gateway=gateway_for(config), bus=bus, motions=motions, rubric=rubric,
                                        canaries=tournament_canaries(config, base_dir))
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
