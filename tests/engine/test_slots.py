"""A model's slots: never more holders than slots, waiters served oldest debate first,
cancellation never leaks a slot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest

from debate.slots import Slots


async def _settle() -> None:
    for _ in range(5):
        await anyio.lowlevel.checkpoint()


def _caller(slots: Slots, served: list[Any]) -> Callable[[Any, int], Awaitable[None]]:
    """A call that notes `name` once it holds a slot."""

    async def call(name: Any, order: int) -> None:
        async with slots.hold(order):
            served.append(name)

    return call


def test_waiters_are_served_by_order_then_arrival() -> None:
    slots = Slots(1)
    served: list[str] = []

    async def call(name: str, order: int) -> None:
        async with slots.hold(order):
            served.append(name)
            await _settle()

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            async with slots.hold(0):  # every call below has to wait
                for name, order in [("d5", 5), ("d2-first", 2), ("d9", 9), ("d2-second", 2), ("d1", 1)]:
                    tg.start_soon(call, name, order)
                    await _settle()
                assert slots.waiting == 5

    anyio.run(main)
    assert served == ["d1", "d2-first", "d2-second", "d5", "d9"]
    assert slots.held == 0


def test_never_more_holders_than_slots_and_every_call_served() -> None:
    slots = Slots(3)
    state = {"now": 0, "max": 0, "done": 0}

    async def call(order: int) -> None:
        async with slots.hold(order):
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
            await anyio.sleep(0.001 * (order % 4))
            state["now"] -= 1
        state["done"] += 1

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for i in range(40):
                tg.start_soon(call, (i * 7) % 11)

    anyio.run(main)
    assert state == {"now": 0, "max": 3, "done": 40}
    assert slots.held == 0 and slots.waiting == 0


def test_a_newcomer_does_not_take_a_slot_handed_to_a_waiter() -> None:
    slots = Slots(1)
    served: list[str] = []
    call = _caller(slots, served)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            async with slots.hold(0):
                tg.start_soon(call, "waiter", 7)
                await _settle()
            # Released: the slot is the waiter's now, though it has not run yet.
            assert slots.held == 1
            tg.start_soon(call, "newcomer", 0)

    anyio.run(main)
    assert served == ["waiter", "newcomer"]


def test_a_cancelled_waiter_leaves_the_queue() -> None:
    slots = Slots(1)
    served: list[int] = []
    call = _caller(slots, served)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            async with slots.hold(0):
                tg.start_soon(call, 9, 9)
                async with anyio.create_task_group() as doomed:
                    doomed.start_soon(call, 1, 1)
                    await _settle()
                    assert slots.waiting == 2
                    doomed.cancel_scope.cancel()
                assert slots.waiting == 1

    anyio.run(main)
    assert served == [9]
    assert slots.held == 0 and slots.waiting == 0


def test_a_slot_handed_to_a_call_cancelled_before_it_ran_passes_on() -> None:
    # anyio holds a cancellation back until the next checkpoint once a wait has ended; a
    # plain asyncio cancel does not, and lands on a call that was just handed the slot.
    slots = Slots(1)
    served: list[int] = []
    call = _caller(slots, served)

    async def main() -> None:
        async with slots.hold(0):
            first = asyncio.ensure_future(call(1, 1))
            second = asyncio.ensure_future(call(2, 2))
            await _settle()
            assert slots.waiting == 2
        first.cancel()  # the slot is first's now, and first has not run
        # A leaked slot would leave `second` waiting for ever.
        await asyncio.wait_for(asyncio.gather(first, second, return_exceptions=True), 5)
        assert first.cancelled()

    asyncio.run(main())
    assert served == [2]
    assert slots.held == 0 and slots.waiting == 0


def test_at_least_one_slot() -> None:
    with pytest.raises(ValueError, match="at least one slot"):
        Slots(0)
