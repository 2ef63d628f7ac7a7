"""CPU seconds of processes read from /proc (Linux), for benchmarks that share a machine
with a database server: a process's own time, a server's whole process tree, the machine's."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces): index 0 is
    the state, 1 the parent pid, 11-14 utime, stime, cutime, cstime in clock ticks."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None  # gone (or not ours to read)
    return text[text.rindex(")") + 2 :].split()


def process_cpu(pid: int, *, reaped_children: bool = False) -> float:
    """CPU seconds `pid` has used (0 once it is gone); with `reaped_children`, plus those of
    its children that have exited and been waited for."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK


def processes_cpu(pids: Iterable[int]) -> float:
    return sum(process_cpu(pid) for pid in pids)


def parent_of(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[1]) if fields is not None else None


def command_of(pid: int) -> str | None:
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        return None


def children_of(pid: int) -> list[int]:
    """The live children of `pid` (from /proc/PID/task/PID/children where the kernel has it,
    else by a scan of every process's parent)."""
    listing = PROC / str(pid) / "task" / str(pid) / "children"
    try:
        return [int(p) for p in listing.read_text().split()]
    except OSError:
        pass
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and parent_of(int(entry.name)) == pid:
            found.append(int(entry.name))
    return found


def server_cpu(postmaster: int) -> float:
    """CPU seconds of a server's whole tree: the postmaster, its live children (backends,
    walwriter, autovacuum...) and, through its reaped-children times, those that have exited."""
    return process_cpu(postmaster, reaped_children=True) + processes_cpu(children_of(postmaster))


def postmaster_of(backend: int) -> int | None:
    """The PostgreSQL server process behind one of its backends' pids, if it runs on this
    machine (in this process's view of pids): the backend's parent, both named postgres."""
    parent = parent_of(backend)
    if parent is None or command_of(backend) != "postgres" or command_of(parent) != "postgres":
        return None
    return parent


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (every core, every process)."""
    fields = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICK
