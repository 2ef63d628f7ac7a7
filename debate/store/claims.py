"""One runner per tournament: who holds the claim, and when a claim may be taken over.

Pure: the store keeps the claim row and asks `may_take_over` whether an existing one is dead.
A claim is dead when its process is gone (same host, pid not alive) or when it has not
refreshed its heartbeat for `STALE_AFTER_S`, which covers a runner on another machine that
was killed or lost its connection.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

HEARTBEAT_S = 5.0
STALE_AFTER_S = 30.0


@dataclass(frozen=True)
class Runner:
    pid: int
    host: str

    @classmethod
    def me(cls) -> Runner:
        return cls(pid=os.getpid(), host=socket.gethostname())


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def may_take_over(
    holder: Runner,
    heartbeat_at: float,
    me: Runner,
    now: float,
    alive: Callable[[int], bool] = pid_alive,
    stale_after_s: float = STALE_AFTER_S,
) -> bool:
    """Whether `me` may take the claim `holder` last refreshed at `heartbeat_at` (epoch seconds;
    runners on different hosts are assumed to keep their clocks in step, as NTP does)."""
    if holder == me:
        return True
    if holder.host == me.host and not alive(holder.pid):
        return True
    return now - heartbeat_at > stale_after_s
