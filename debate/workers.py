"""Workers: processes that share a tournament's debates through leases in the database.

A coordinator (`debate run --workers N`, the orchestrator with `shared=True`) holds the
tournament's run claim, marks it shared, draws each round and waits until the round's debates
are settled. Workers (`debate worker`, here or on other machines) claim runnable debates of
the current round for a lease of `LEASE_S`, run each through the orchestrator's own per-debate
path (speeches resumed from the store, then the panel), renew their leases every
`heartbeat_s`, and release them. A worker killed mid-debate stops renewing: once its lease
has run out another worker claims the debate and resumes it from its stored speeches. A
worker that lost a debate writes nothing more of it (the store's writes are guarded by the
lease), so a debate's result is written exactly once.

The coordinator's claim is a lease too (the `runner` row and its heartbeat). Every worker
watches the claims of the tournaments it serves; when a coordinator dies (its process gone,
or silent for `STALE_AFTER_S`), the first worker to take its claim coordinates in its place,
from the tournament's stored config and motions, and the tournament runs to its end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

import anyio
import anyio.abc
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError

from debate.config import TournamentConfig, tournament_canaries, tournament_rubric
from debate.core import events as ev
from debate.core.errors import StoreError, TournamentBusy, UserError
from debate.gateway import litellm_module
from debate.orchestrator import Orchestrator, gateway_for
from debate.store import Store, database_url
from debate.store.claims import HEARTBEAT_S, Runner
from debate.writer import LeaseLost, StoreWriter

LEASE_S = 30.0
IDLE_POLL_S = 1.0  # how often an idle worker looks for debates to claim
WATCH_S = 2.0  # how often a worker looks for a dead coordinator to replace


class WorkerSettings(BaseModel):
    database: str
    tournament: str | None = None  # None: every tournament whose coordinator shares it
    models: list[str] | None = None  # fnmatch patterns of the models this worker can call; None: all
    slots: int = 4  # debates run at once
    lease_s: float = LEASE_S
    base_dir: Path = Path(".")  # where a config's relative rubric or motion files are found
    name: str = ""  # default: host:pid

    @property
    def heartbeat_s(self) -> float:
        # Several beats per lease: one slow beat must not lose a live worker its debates.
        return min(5.0, self.lease_s / 3)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class _Served:
    """One tournament as this worker runs it: its engine and what of it the worker can serve."""

    tournament_id: int
    orchestrator: Orchestrator
    speeches: int
    judge: bool  # every judge's model is one this worker can call


@dataclass
class Worker:
    settings: WorkerSettings
    store: Store
    bus: ev.EventBus = field(default_factory=ev.EventBus)

    def __post_init__(self) -> None:
        self.name = self.settings.name or worker_name()
        self.writer = StoreWriter(self.store, holder=self.name)
        self._served: dict[str, _Served | None] = {}
        self._running: dict[int, anyio.CancelScope] = {}
        self._changed = anyio.Event()
        self._coordinating: set[str] = set()
        self.done = 0

    async def serve(self, *, until_idle: bool = False) -> None:
        """Claim and run debates until cancelled (or, with `until_idle`, until nothing is left
        to claim and nothing runs)."""
        # litellm takes seconds to import, and the first call would import it on the event loop,
        # stalling the heartbeat: on a loaded machine past a short lease, so that the worker's
        # first debates were taken over. Imported before any debate is held.
        litellm_module()
        which = f"tournament '{self.settings.tournament}'" if self.settings.tournament else "every shared tournament"
        self.bus.emit(ev.Notice(message=f"worker {self.name}: serving {which} in {self.store.location}, {self.settings.slots} debate(s) at once"))
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self.writer.run)
                tg.start_soon(self._heartbeat)
                tg.start_soon(self._watch_coordinators, tg)
                while True:
                    claimed = await anyio.to_thread.run_sync(self._claim) if len(self._running) < self.settings.slots else []
                    for served, debate_id in claimed:
                        self._running[debate_id] = anyio.CancelScope()
                        tg.start_soon(self._run, served, debate_id)
                    if until_idle and not claimed and not self._running and not self._coordinating:
                        tg.cancel_scope.cancel()
                        return
                    if not claimed:
                        with anyio.move_on_after(IDLE_POLL_S):
                            await self._changed.wait()
                        self._changed = anyio.Event()
        finally:  # synchronous, so a cancelled worker still hands its debates back
            self.writer.flush_now()
            self.store.release_debates(self.name, set(self._running), stop=True)

    def _claim(self) -> list[tuple[_Served, int]]:
        free = self.settings.slots - len(self._running)
        out: list[tuple[_Served, int]] = []
        for name in self._tournaments():
            served = self._serve(name)
            if served is None or free <= 0:
                continue
            patterns = self.settings.models
            ids = self.store.claim_debates(
                served.tournament_id, self.name, free, self.settings.lease_s, contestant_models=patterns,
                speeches=served.speeches if patterns is not None else None, judge=served.judge,
            )
            out += [(served, d) for d in ids]
            free -= len(ids)
        return out

    def _tournaments(self) -> list[str]:
        shared = self.store.shared_tournaments()
        return [t for t in shared if t == self.settings.tournament] if self.settings.tournament else shared

    def _serve(self, name: str) -> _Served | None:
        """The engine for tournament `name`, built once from its stored config."""
        if name in self._served:
            return self._served[name]
        row = self.store.tournament_or_none(name)
        if row is None or row.id is None:
            return None  # the coordinator has claimed it but not stored it yet
        config = TournamentConfig.model_validate_json(row.config_json)
        orchestrator = Orchestrator(config=config, store=self.store, gateway=gateway_for(config), bus=self.bus,
                                    rubric=tournament_rubric(config, self.settings.base_dir), canaries=self._canaries(config))
        orchestrator.load_state(row.id)
        orchestrator.exclude_unqualified({q.judge: q.flagged for q in self.store.qualifications(row.id)})
        patterns = self.settings.models
        judge = patterns is None or all(any(fnmatchcase(j.model, p) for p in patterns) for j in config.judges)
        served = self._served[name] = _Served(row.id, orchestrator, len(config.resolved_format().speeches), judge)
        return served

    async def _run(self, served: _Served, debate_id: int) -> None:
        status = "stopped"  # what it is left as if this worker is stopped meanwhile
        scope = self._running[debate_id]
        try:
            with scope:
                while True:
                    plan = (await anyio.to_thread.run_sync(self.store.debate_plans, [debate_id]))[0]
                    status = await served.orchestrator.run_debate(served.tournament_id, plan, self.writer, judge=served.judge)
                    # As a single run does: a speaker that failed lately speaks again at once.
                    if status != "failed" or not served.orchestrator.speaker_on_trial(debate_id):
                        break
            if scope.cancelled_caught:
                status = "lost"  # the heartbeat found it taken over
        except LeaseLost as exc:
            self.bus.emit(ev.Notice(message=str(exc)))
            status = "lost"
        finally:
            with anyio.CancelScope(shield=True):
                if status != "lost":
                    failed = {debate_id} if status == "failed" else set()
                    await anyio.to_thread.run_sync(lambda: self.store.release_debates(self.name, {debate_id}, failed=failed, stop=status == "stopped"))
                del self._running[debate_id]
                self._changed.set()
        self.done += status in ("judged", "forfeit")

    async def _watch_coordinators(self, tg: anyio.abc.TaskGroup) -> None:
        """Take over coordinating each served tournament whose coordinator has died."""
        me = Runner.me()
        while True:
            for name in await anyio.to_thread.run_sync(self._tournaments):
                if name in self._coordinating:
                    continue
                dead = await anyio.to_thread.run_sync(self.store.take_over_run, name, me)
                if dead is not None:
                    self._coordinating.add(name)
                    tg.start_soon(self._coordinate, name, me, dead)
            await anyio.sleep(WATCH_S)

    async def _coordinate(self, name: str, me: Runner, dead: Runner) -> None:
        """Coordinate tournament `name` to its end, as `debate run --workers 0` would have."""
        self.bus.emit(ev.Notice(message=f"worker {self.name} coordinates tournament '{name}' now: its coordinator (process {dead.pid} on {dead.host}) stopped checking in"))
        finished = False
        try:
            row = self.store.tournament_or_none(name)
            assert row is not None and row.id is not None, "a claimed tournament is stored"
            config = TournamentConfig.model_validate_json(row.config_json)
            orchestrator = Orchestrator(config=config, store=self.store, gateway=gateway_for(config), bus=self.bus,
                                        motions=self.store.motion_texts(row.id), rubric=tournament_rubric(config, self.settings.base_dir),
                                        canaries=self._canaries(config))
            async with anyio.create_task_group() as tg:
                tg.start_soon(keep_claim, self.store, name, me)
                summary = await orchestrator.run(shared=True)
                tg.cancel_scope.cancel()
            finished = True
            self.bus.emit(ev.Notice(message=f"tournament '{name}' is over: {summary.judged} judged, {summary.failed} failed, {summary.forfeits} forfeits"))
        except Exception as exc:  # noqa: BLE001 - one tournament's coordination must not stop this worker's debates
            message = exc.exceptions[0] if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1 else exc
            self.bus.emit(ev.Notice(message=f"worker {self.name} stopped coordinating tournament '{name}': {message}"))
        finally:
            with anyio.CancelScope(shield=True):
                # Ended: release, and the workers leave it. Stopped or failed: leave the claim
                # for another worker (or the next `debate run`) to take at once.
                settle = self.store.release_run if finished else self.store.abandon_run
                await anyio.to_thread.run_sync(settle, name, me)
                self._coordinating.discard(name)
                self._served.pop(name, None)

    def _canaries(self, config: TournamentConfig) -> list[str]:
        try:
            return tournament_canaries(config, self.settings.base_dir)
        except UserError:
            return []  # a motion file only the coordinator's machine has: its motions are stored

    async def _heartbeat(self) -> None:
        while True:
            await anyio.sleep(self.settings.heartbeat_s)
            ids = set(self._running)
            try:
                held = await anyio.to_thread.run_sync(self.store.renew_leases, self.name, ids, self.settings.lease_s)
            except Exception as exc:  # noqa: BLE001 - a dropped connection: the next beat tries again, within the lease
                self.bus.emit(ev.Notice(message=f"worker {self.name}: could not renew its leases ({exc})"))
                continue
            for lost in ids - held:
                self.writer.lost.add(lost)
                if (scope := self._running.get(lost)) is not None:
                    scope.cancel()
                    self.bus.emit(ev.Notice(message=f"debate {lost} was taken over by another worker"))


async def keep_claim(store: Store, tournament: str, me: Runner) -> None:
    """Check in while a run lasts; stop it if another process has taken it over (this one
    stalled past the claim's staleness limit, e.g. a suspended laptop)."""
    while True:
        await anyio.sleep(HEARTBEAT_S)
        try:
            kept = store.keep_run(tournament, me)
        except OperationalError:
            continue  # a locked or dropped database: the writer will say so; try at the next beat
        if not kept:
            raise TournamentBusy(f"tournament '{tournament}' was taken over by another run while this one stalled; stopping here")


async def run_worker(settings: WorkerSettings, listener: ev.Listener | None = None, *, until_idle: bool = False) -> int:
    """Serve as a worker until cancelled (Ctrl-C, SIGTERM); the debates it settled."""
    store = await _open_when_ready(settings.database)
    bus = ev.EventBus()
    if listener is not None:
        bus.subscribe(listener)
    worker = Worker(settings, store, bus)
    try:
        await worker.serve(until_idle=until_idle)
    finally:
        store.close()
    return worker.done


async def _open_when_ready(database: str) -> Store:
    """The store, once a coordinator has made its tables: a worker may start first, and must
    not race the coordinator to create them (a worker never creates a database)."""
    while True:
        try:
            return Store(database, create=False)
        except StoreError as exc:
            if "holds no tournaments" not in str(exc) or database_url(database).startswith("sqlite"):
                raise
        await anyio.sleep(IDLE_POLL_S)


def spawn_workers(count: int, database: str, tournament: str, cwd: Path, lease_s: float) -> list[subprocess.Popen[bytes]]:
    """Start `count` local `debate worker` processes on `tournament` (the CLI's command line,
    with this interpreter), their output to this terminal's stderr."""
    command = [sys.executable, "-m", "debate.cli", "worker", "--db", database, "--tournament", tournament, "--quiet", "--lease", str(lease_s), "--base-dir", str(cwd)]
    return [subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True) for _ in range(count)]


def stop_workers(processes: Sequence[subprocess.Popen[bytes]], grace_s: float = 10.0) -> None:
    """SIGTERM each (a worker then releases its leases), SIGKILL what is left after `grace_s`."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
