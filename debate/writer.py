"""The orchestrator's write path: records from many debates committed together.

A worker's writer holds its name: the store then writes a debate's records only while the
worker holds that debate's lease, and the debate that was lost raises `LeaseLost` in the task
that runs it.
"""

from __future__ import annotations

from functools import partial

import anyio

from debate.store import Record, Store


class LeaseLost(Exception):
    """A worker's debate was taken over by another worker (its lease ran out): this worker
    stops it and writes nothing more of it."""


class StoreWriter:
    """Group commit: records from many debates are committed together, one transaction per
    batch. `write` returns once its records are durable.

    A SQLite commit (WAL, synchronous=NORMAL) takes well under a millisecond and is done on the
    event loop: handing it to a thread costs more in GIL hand-offs than it saves. A database
    across a network is written from a worker thread so its round trips never stall the loop."""

    def __init__(self, store: Store, holder: str | None = None) -> None:
        self._store = store
        self._holder = holder  # a worker: its debates' records are written only under its lease
        self.lost: set[int] = set()
        self._batch: list[Record] = []
        self._committed = anyio.Event()
        self._wake = anyio.Event()
        self._error: BaseException | None = None
        self._closed = False
        self._limiter = anyio.CapacityLimiter(1)

    async def write(self, *records: Record) -> None:
        if self._error is not None:
            raise self._error
        self._batch.extend(records)
        committed = self._committed
        self._wake.set()
        await committed.wait()
        if self._error is not None:
            raise self._error
        if self.lost and (lost := {d for r in records if (d := getattr(r, "debate_id", None)) in self.lost}):
            raise LeaseLost(f"debate {min(lost)} was taken over by another worker")

    async def run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake = anyio.Event()
            if not self._batch:
                if self._closed:
                    return
                continue
            batch, committed = self._batch, self._committed
            self._batch, self._committed = [], anyio.Event()
            try:
                write = partial(self._store.write, batch, holder=self._holder)
                if self._store.is_sqlite:
                    self.lost |= write()
                else:
                    self.lost |= await anyio.to_thread.run_sync(write, limiter=self._limiter)
            except BaseException as exc:  # waiting debates re-raise it; the run stops
                self._error = exc
                committed.set()
                raise
            committed.set()

    def close(self) -> None:
        self._closed = True
        self._wake.set()

    def flush_now(self) -> None:
        """Commit whatever is queued, synchronously: the last act of a cancelled run."""
        if self._batch and self._error is None:
            batch, self._batch = self._batch, []
            self._store.write(batch, holder=self._holder)
