"""`debate bench workers`: throughput of 1, 2 and 4 worker processes on one PostgreSQL tournament.

Each worker has a fixed capacity, as when each holds its own key or GPU: `slots` debates at
once on the fake provider with a fixed `latency` per call, so one worker settles at most
slots / (calls in sequence x latency) debates a second whatever the others do. If the database
coordinates well, N workers settle N times as many.

For each worker count, on a fresh database of the server (created, then dropped): N real
`debate worker` processes start and connect; a coordinator in this process
(`api.run_tournament(..., workers=0)`, as `debate run --workers 0`) first shares a warm-up
tournament of one debate per worker slot, each about 3 s long so every worker gets one, where
each worker pays once for importing litellm, then the measured one: a single round of `debates` debates.

Debates per minute = settled debates / (last debate settled - first debate started), from the
debates' own timestamps in the database. CPU shares are CPU seconds per wall second (1.0 = one
core busy) over the same stretch, as this process watched it (polling the debate rows every
0.1 s), read from /proc: PostgreSQL's whole server (postmaster, backends, background
processes), the worker processes, this process (the coordinator and the watching) and the
machine as a whole. The server's share is left out (null) when it runs on another machine.
Two spreads say where the workers were not all busy: from the first worker's first debate to
the last worker's (an idle worker looks for debates once a second), and from the first worker
to run out of debates to the end of the round.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

import debate
from debate import api
from debate.bench import cpu
from debate.core.errors import UserError

SERVER_ENV = ("DEBATE_BENCH_POSTGRES_URL", "DEBATE_TEST_POSTGRES_URL")
APP_PREFIX = "debate-bench-worker-"  # each worker's application_name, to see it connect
POLL_S = 0.1
READY_TIMEOUT_S = 120.0
JUDGE_STEPS = 1  # the judge's two presentations are asked at once: one latency per debate


def server_url(given: str | None) -> URL:
    """The PostgreSQL server to benchmark on: `--db`, else the environment."""
    target = given or next((os.environ[v] for v in SERVER_ENV if os.environ.get(v)), None)
    if not target:
        raise UserError(
            "bench workers needs a PostgreSQL server: pass --db postgresql+psycopg://user@host/postgres "
            f"or set {SERVER_ENV[0]} (or {SERVER_ENV[1]})"
        )
    try:
        url = make_url(target) if "://" in target else None
    except ArgumentError:
        url = None
    if url is None or url.get_backend_name() != "postgresql":
        kind = "a SQLite database" if url is None or url.get_backend_name() == "sqlite" else f"a {url.get_backend_name()} database"
        raise UserError(f"bench workers needs PostgreSQL (--db postgresql+psycopg://user@host/postgres), not {kind}: several workers share a tournament only there")
    return url


@contextmanager
def fresh_database(server: URL) -> Iterator[str]:
    """The URL of a new database on `server` (a unique name), dropped afterwards."""
    name = f"debate_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise UserError(f"cannot create a database on {server.render_as_string(hide_password=True)}: {reason}") from None
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def tournament(name: str, debates: int, latency: float, slots: int) -> api.TournamentConfig:
    """One round of `debates` debates: a round robin of 2 x debates fake contestants cut to its
    first round, one fake judge; every call takes `latency` seconds.

    The contestants share one model (a worker's one key, `slots` calls at once): the identity
    rule compiles its patterns per pair of contestant models (about 60 ms of CPU, cached for 64
    pairs), which with a new pair in every debate would make this a benchmark of that, not of
    the database, on a machine of two cores."""
    params = {"latency": latency, "words": 40}
    names = [f"c{i:04d}" for i in range(2 * debates)]
    return api.validate_config({
        "name": name,
        "contestants": [{"name": n, "model": "fake/debater", "params": params, "concurrency": slots} for n in names],
        # Each debate asks the judge in both orders at once: a worker may ask it 2 x slots times.
        "judges": [{"name": "judge", "model": "fake/judge", "params": params, "concurrency": 2 * slots}],
        "rounds": 1,
        "stream": False,
        "panel": {"qualification": {"before_first_round": False}},  # measure the debates alone
    })


@dataclass
class Snapshot:
    at: float
    postgres: float | None
    workers: float
    coordinator: float
    machine: float


@dataclass
class Probe:
    """What this process watches of one run: the debate rows and the CPU of each party."""

    engine: Engine
    workers: list[subprocess.Popen[bytes]]
    postmaster: int | None

    def snapshot(self) -> Snapshot:
        return Snapshot(
            at=time.monotonic(),
            postgres=cpu.server_cpu(self.postmaster) if self.postmaster is not None else None,
            workers=cpu.processes_cpu(p.pid for p in self.workers),
            coordinator=cpu.process_cpu(os.getpid()),
            machine=cpu.machine_busy(),
        )

    def counts(self, name: str) -> tuple[int, int, int]:
        """The tournament's debates: all, started, settled."""
        with self.engine.connect() as conn:
            row = conn.execute(text(
                "select count(*), count(*) filter (where d.status <> 'pending'), count(*) filter (where d.status in ('judged', 'forfeit')) "
                "from debate d join tournament t on t.id = d.tournament_id where t.name = :name"
            ), {"name": name}).one()
        return int(row[0]), int(row[1]), int(row[2])

    def results(self, name: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(text(
                "select count(*), count(*) filter (where d.status in ('judged', 'forfeit')), count(*) filter (where d.status = 'failed'), "
                "min(d.started_at), max(d.finished_at) filter (where d.status in ('judged', 'forfeit')), count(distinct d.worker) "
                "from debate d join tournament t on t.id = d.tournament_id where t.name = :name"
            ), {"name": name}).one()
            spans = conn.execute(text(
                "select min(d.started_at), max(d.finished_at) from debate d join tournament t on t.id = d.tournament_id "
                "where t.name = :name and d.status in ('judged', 'forfeit') group by d.worker"
            ), {"name": name}).all()
        total, settled, failed, first, last, workers = row
        wall = (last - first).total_seconds() if first is not None and last is not None else None
        # Where the workers were not all busy: the last to start its first debate (each idle
        # worker looks for debates once a second), and the first to run out of debates.
        starts, ends = [s for s, _ in spans if s is not None], [e for _, e in spans if e is not None]
        return {
            "debates": int(total), "settled": int(settled), "failed": int(failed), "wall_s": wall, "workers_used": int(workers),
            "start_spread_s": round((max(starts) - min(starts)).total_seconds(), 2) if starts else None,
            "end_spread_s": round((max(ends) - min(ends)).total_seconds(), 2) if ends else None,
        }


async def _coordinate(config: api.TournamentConfig, database: str, probe: Probe) -> tuple[Snapshot, Snapshot]:
    """Run `config` as the coordinator of the workers; CPU snapshots when its first debate is
    seen started and when every debate is seen settled (or the run is over)."""
    seen: dict[str, Snapshot] = {}

    async def watch() -> None:
        while True:
            total, started, settled = await anyio.to_thread.run_sync(probe.counts, config.name)
            if started and "start" not in seen:
                seen["start"] = probe.snapshot()
            if total and settled == total:
                seen["end"] = probe.snapshot()
                return
            await anyio.sleep(POLL_S)

    async with anyio.create_task_group() as tg:
        tg.start_soon(watch)
        await api.run_tournament(config, database, Path.cwd(), workers=0)
        tg.cancel_scope.cancel()
    end = seen.get("end") or probe.snapshot()
    return seen.get("start", end), end


def _spawn(count: int, database: str, slots: int, logs: Path) -> list[subprocess.Popen[bytes]]:
    """`count` `debate worker` processes running this very package, each named in the
    database by its application_name."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(debate.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    processes = []
    for i in range(count):
        url = make_url(database).update_query_dict({"application_name": f"{APP_PREFIX}{i}"}).render_as_string(hide_password=False)
        command = [sys.executable, "-m", "debate.cli", "worker", "--db", url, "--slots", str(slots), "--quiet"]
        with open(logs / f"worker-{i}.log", "wb") as log:
            processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env=env, start_new_session=True))
    return processes


def _wait_connected(engine: Engine, database: str, workers: list[subprocess.Popen[bytes]], logs: Path) -> None:
    """Until every worker has its connection open (it then polls for shared tournaments)."""
    name = make_url(database).database
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        _check_alive(workers, logs)
        with engine.connect() as conn:
            connected = conn.execute(text(
                "select count(distinct application_name) from pg_stat_activity where datname = :db and application_name like :prefix"
            ), {"db": name, "prefix": APP_PREFIX + "%"}).scalar()
        if connected == len(workers):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {connected} of {len(workers)} workers connected within {READY_TIMEOUT_S:.0f} s")
        time.sleep(POLL_S)


def _check_alive(workers: list[subprocess.Popen[bytes]], logs: Path) -> None:
    for i, process in enumerate(workers):
        if process.poll() is not None:
            tail = (logs / f"worker-{i}.log").read_text(errors="replace")[-1500:]
            raise RuntimeError(f"worker {i} exited with {process.returncode}:\n{tail}")


def run_count(database: str, count: int, *, debates: int, latency: float, slots: int) -> dict[str, Any]:
    """One worker count on the (fresh) `database`: its figures."""
    from debate.store import Store
    from debate.workers import IDLE_POLL_S, stop_workers

    load_before = os.getloadavg()[0]  # others' work on the machine skews every figure: say how much there was
    Store(database).close()  # the tables, so the workers connect at once instead of waiting for them
    engine = create_engine(database)
    workers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="debate-bench-workers-") as folder:
        logs = Path(folder)
        try:
            with engine.connect() as conn:
                postmaster = cpu.postmaster_of(int(conn.execute(text("select pg_backend_pid()")).scalar() or 0))
            workers = _spawn(count, database, slots, logs)
            _wait_connected(engine, database, workers, logs)
            probe = Probe(engine, workers, postmaster)
            # Warm-up debates long enough that every idle worker's look for debates (once a
            # second) comes round while the first to look still has its slots full: with short
            # ones, that worker finished its share and took the rest before another looked.
            steps = len(tournament("steps", 1, latency, slots).resolved_format().speeches) + JUDGE_STEPS
            warmup = tournament("warmup", count * slots, max(latency, 3 * IDLE_POLL_S / steps), slots)
            anyio.run(_coordinate, warmup, database, probe)
            warmed = probe.results(warmup.name)["workers_used"]
            measured = tournament(f"workers-{count}", debates, latency, slots)
            wall0 = time.monotonic()
            start, end = anyio.run(_coordinate, measured, database, probe)
            coordinator_wall = time.monotonic() - wall0
            _check_alive(workers, logs)
            figures = probe.results(measured.name)
        finally:
            stop_workers(workers)
            engine.dispose()
    capacity = count * slots * 60 / (steps * latency) if latency > 0 else None
    wall = figures["wall_s"]
    per_min = figures["settled"] / wall * 60 if wall else 0.0
    span = max(end.at - start.at, 1e-9)
    pg_cpu = end.postgres - start.postgres if end.postgres is not None and start.postgres is not None else None
    return {
        "workers": count,
        **figures,
        "debates_per_min": round(per_min, 1),
        "capacity_per_min": round(capacity, 1) if capacity else None,
        "efficiency": round(per_min / capacity, 3) if capacity else None,
        "coordinator_wall_s": round(coordinator_wall, 2),
        "wall_s": round(wall, 2) if wall else wall,
        "watched_s": round(span, 2),
        "warmed_workers": warmed,
        "load_before": round(load_before, 2),
        "postgres_cpu_s": round(pg_cpu, 2) if pg_cpu is not None else None,
        "postgres_cpu_share": round(pg_cpu / span, 3) if pg_cpu is not None else None,
        "postgres_cpu_ms_per_debate": round(pg_cpu * 1000 / figures["settled"], 2) if pg_cpu is not None and figures["settled"] else None,
        "workers_cpu_share": round((end.workers - start.workers) / span, 3),
        "coordinator_cpu_share": round((end.coordinator - start.coordinator) / span, 3),
        "machine_cpu_share": round((end.machine - start.machine) / span, 3),
    }


def run(*, database: str | None, counts: Sequence[int], debates: int, latency: float, slots: int, console: Console) -> dict[str, Any]:
    server = server_url(database)
    console.print(
        f"{debates} debates per count, {slots} slots per worker, {latency:g} s per fake call; "
        f"server {server.render_as_string(hide_password=True)} ({os.cpu_count()} cores here)"
    )
    runs = []
    for count in counts:
        with fresh_database(server) as url:
            figures = run_count(url, count, debates=debates, latency=latency, slots=slots)
        runs.append(figures)
        console.print(f"{count} worker(s): {figures['settled']}/{figures['debates']} debates settled in {figures['wall_s']} s (load average before: {figures['load_before']})")
    console.print(_table(runs))
    by = {str(r["workers"]): r for r in runs}
    speedup = by["4"]["debates_per_min"] / by["1"]["debates_per_min"] if "1" in by and "4" in by and by["1"]["debates_per_min"] else None
    summary = {
        "debates_per_min": {k: r["debates_per_min"] for k, r in by.items()},
        "speedup_4_vs_1": round(speedup, 3) if speedup is not None else None,
        "postgres_cpu_share": {k: r["postgres_cpu_share"] for k, r in by.items()},
        "workers_cpu_share": {k: r["workers_cpu_share"] for k, r in by.items()},
        "machine_cpu_share": {k: r["machine_cpu_share"] for k, r in by.items()},
        "settled": {k: r["settled"] for k, r in by.items()},
        "debates": debates, "slots": slots, "latency_s": latency, "cores": os.cpu_count(),
        "runs": runs,
    }
    print(json.dumps(summary))
    return summary


def _table(runs: list[dict[str, Any]]) -> Table:
    """Narrow enough for 80 columns; the JSON line carries every figure."""
    table = Table(
        title="debates per minute by worker count", box=box.SIMPLE_HEAD, padding=(0, 0, 0, 1), pad_edge=False,
        caption="eff.: of the workers' capacity. CPU: seconds per wall second (1.0 = one core); machine: every process. "
                "spread: first to last worker starting / first out of debates to the end",
    )
    for column in ("workers", "per\nmin", "speedup", "eff.", "wall\ns", "PG\nCPU", "PG ms\n/debate", "workers\nCPU", "machine\nCPU", "spread\ns"):
        table.add_column(column, justify="right", no_wrap=True)
    base = next((r["debates_per_min"] for r in runs if r["workers"] == 1 and r["debates_per_min"]), None)
    for r in runs:
        speedup = r["debates_per_min"] / base if base else None
        table.add_row(
            str(r["workers"]), shown(r["debates_per_min"], "{:.0f}"), shown(speedup, "{:.2f}x"), shown(r["efficiency"]), shown(r["wall_s"], "{:.1f}"),
            shown(r["postgres_cpu_share"]), shown(r["postgres_cpu_ms_per_debate"], "{:.0f}"), shown(r["workers_cpu_share"]), shown(r["machine_cpu_share"]),
            f"{shown(r['start_spread_s'], '{:.1f}')}/{shown(r['end_spread_s'], '{:.1f}')}",
        )
    return table


def shown(value: float | None, form: str = "{:.2f}") -> str:
    return "-" if value is None else form.format(value)
