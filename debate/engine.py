"""Running a tournament from a validated config: its motions, its rubric, the run itself
(claimed so that one process runs it at a time). The faces reach it through `debate.api`."""

from __future__ import annotations

from pathlib import Path

import anyio

from debate.config import TournamentConfig, tournament_canaries, tournament_motions, tournament_rubric
from debate.core.errors import UserError, sole_error
from debate.core.events import EventBus, Listener, Notice
from debate.gateway import check_models
from debate.orchestrator import Orchestrator, RunSummary, gateway_for
from debate.store import Store, database_url
from debate.store.claims import Runner
from debate.workers import LEASE_S, keep_claim, spawn_workers, stop_workers


async def run_tournament(config: TournamentConfig, database: str, base_dir: Path, listener: Listener | None = None,
                         *, workers: int | None = None, lease_s: float = LEASE_S) -> RunSummary:
    """Run or resume `config` against `database`; returns when every debate is judged or failed.
    `workers`: coordinate instead, with that many local `debate worker` processes (0: only
    workers started elsewhere), each holding its debates for `lease_s` at a time."""
    check_models(config)
    motions = tournament_motions(config, base_dir)
    rubric = tournament_rubric(config, base_dir)
    if workers is not None and workers > 1 and database_url(database).startswith("sqlite"):
        raise UserError(f"--workers {workers} needs a PostgreSQL database (--db postgresql+psycopg://...); on SQLite one process runs a tournament: leave out --workers")
    store = Store(database)
    bus = EventBus()
    if listener is not None:
        bus.subscribe(listener)
    if (done := store.upgraded) is not None:
        kept = f"; the file as it was is kept at {done.backup}" if done.backup else ""
        bus.emit(Notice(message=f"{store.location}: upgraded from schema {done.from_version} to this release's{kept}"))
    me = Runner.me()
    try:
        store.claim_run(config.name, me)
        try:
            orchestrator = Orchestrator(config=config, store=store, gateway=gateway_for(config), bus=bus, motions=motions, rubric=rubric,
                                        canaries=tournament_canaries(config, base_dir))
            spawned = []
            if workers is not None:
                store.set_shared(config.name, me.pid, me.host, True)
                spawned = spawn_workers(workers, database, config.name, base_dir, lease_s)
            try:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(keep_claim, store, config.name, me)
                    summary = await orchestrator.run(shared=workers is not None)
                    tg.cancel_scope.cancel()
            finally:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(stop_workers, spawned)
            return summary
        except BaseExceptionGroup as group:
            raise sole_error(group) from None
        finally:
            store.release_run(config.name, me)
    finally:
        store.close()

