"""`debate bench soak`: kill a running tournament at random moments and check nothing changes.

A fake-provider tournament with injected faults is run once without interruption, then again
in another database under `debate run`, which is SIGKILLed at random moments and restarted
until it finishes. Every debate's status, winner, motion, speech texts and ballots must equal
the uninterrupted run's: a kill may cost time, never a different or duplicated result. The
last line is one JSON object.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

import yaml
from rich.console import Console

from debate import api

CONTESTANTS = ("alpha", "beta", "gamma", "delta")


def config(database: Path, *, fail_rate: float) -> dict[str, Any]:
    """Four fake contestants in a round robin (both sides), one fake judge, faults on every model."""
    params = {"fail_rate": fail_rate, "latency": 0.02, "token_latency": 0.004, "words": 40}
    return {
        "name": "soak",
        "contestants": [{"name": n, "model": f"fake/{n}", "params": params} for n in CONTESTANTS],
        "judges": [{"name": "judge", "model": "fake/judge", "params": {"fail_rate": fail_rate}}],
        "motions": ["core-en"],
        "sides": "both",
        "seed": 11,
        "gateway": {"max_attempts": 8, "backoff_s": 0, "backoff_max_s": 0, "unavailable_after": 1000},
        "database": str(database),
    }


def run(*, kills: int, fail_rate: float, seed: int, console: Console, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """`progress(killed, kills)` hears of each kill."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="debate-soak-") as folder:
        root = Path(folder)
        reference = _run_once(root / "reference", fail_rate)
        killed, restarts, started = 0, 0, time.monotonic()
        target = root / "killed"
        target.mkdir()
        cfg = _write_config(target, fail_rate)
        while True:
            process = subprocess.Popen([sys.executable, "-m", "debate.cli", "run", str(cfg), "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            restarts += 1
            if killed < kills:
                try:
                    process.wait(timeout=rng.uniform(0.3, 2.5))
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()
                    killed += 1
                    if progress is not None:
                        progress(killed, kills)
                    console.print(f"kill {killed}/{kills}")
                    continue
            else:
                process.wait(timeout=600)
            _, err = process.communicate()
            if process.returncode != 0:
                raise RuntimeError(f"debate run exited {process.returncode}: {err.decode()[-500:]}")
            break
        after = _results(target / "t.db")
        differing = sorted(k for k in set(reference) | set(after) if reference.get(k) != after.get(k))
        figures = {
            "kills": killed, "runs": restarts, "debates": len(after), "differing_debates": len(differing),
            "identical": not differing, "seconds": round(time.monotonic() - started, 1),
        }
        console.print(f"{killed} kills over {restarts} runs; {len(after)} debates; {len(differing)} differ from the uninterrupted run")
        for key in differing[:5]:
            console.print(f"  differs: round {key[0]}, {key[1]} v {key[2]}")
        console.print(json.dumps(figures))
        return figures


def _write_config(folder: Path, fail_rate: float) -> Path:
    path = folder / "soak.yaml"
    path.write_text(yaml.safe_dump(config(folder / "t.db", fail_rate=fail_rate), sort_keys=False), encoding="utf-8")
    return path


def _run_once(folder: Path, fail_rate: float) -> dict[tuple[int, str, str], Any]:
    folder.mkdir()
    cfg = _write_config(folder, fail_rate)
    done = subprocess.run([sys.executable, "-m", "debate.cli", "run", str(cfg), "--quiet"], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"the uninterrupted run failed: {done.stderr[-500:]}")
    return _results(folder / "t.db")


def _results(database: Path) -> dict[tuple[int, str, str], Any]:
    """Per debate (round, proposition, opposition): what it came to, speeches and ballots included."""
    with api.opened(str(database), read_only=True) as store:
        results = {}
        for summary in api.debates(store):
            detail = api.debate(store, summary.id)
            results[(summary.round, summary.proposition, summary.opposition)] = (
                detail.status, detail.winner, summary.motion,
                tuple(s.text for s in detail.speeches),
                tuple(sorted((b.judge, b.stage, b.verdict or "", b.winner or "") for b in detail.ballots)),
            )
    return results
