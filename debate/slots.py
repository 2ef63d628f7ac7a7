"""A model's concurrent-call slots, handed to waiting calls oldest debate first.

anyio's CapacityLimiter serves waiters in arrival order. When a round starts, every debate
asks for its first speech at once; in arrival order, a debate's second speech then queues
behind every other debate's first, so all the debates advance together, none is judged
until nearly all have spoken, and the judges sit idle while the debaters are busy. Served
by debate (lowest id first), the first debates run through and reach their judges while the
rest wait: results arrive in order through the round, the judges start early, and a round
stopped midway leaves finished debates rather than many half-spoken ones.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio


class Slots:
    """At most `total` holders at once; waiters are served by `order`, then by arrival."""

    def __init__(self, total: int) -> None:
        if total < 1:
            raise ValueError(f"a model needs at least one slot, not {total}")
        self.total = total
        self.held = 0
        self._waiting: list[tuple[int, int, anyio.Event]] = []
        self._arrivals = itertools.count()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @asynccontextmanager
    async def hold(self, order: int) -> AsyncIterator[None]:
        await self._acquire(order)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, order: int) -> None:
        if self.held < self.total and not self._waiting:
            self.held += 1
            return
        entry = (order, next(self._arrivals), anyio.Event())
        heapq.heappush(self._waiting, entry)
        try:
            await entry[2].wait()
        except BaseException:
            if entry[2].is_set():
                # The slot was handed over as this call was cancelled: pass it on.
                self._release()
            else:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
            raise

    def _release(self) -> None:
        if self._waiting:
            # The slot passes straight to the next waiter, so no newcomer can take it first.
            heapq.heappop(self._waiting)[2].set()
        else:
            self.held -= 1
