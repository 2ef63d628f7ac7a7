"""Benchmark: Bradley-Terry with sandwich intervals on synthetic battles with known strengths.

For each size it prints one line (our time, Spearman correlation with the true strengths and,
when LMArena's `arena-rank` can be run, its time on the same battles and the largest rating and
interval-bound differences) and a whole-process line: the battles written as a CSV battle log,
rated by `debate ratings --battles LOG --format json` in a fresh process, start-up, imports and
reading included, beside a fresh arena-rank process that reads the same CSV with pandas and
computes ratings and intervals. The last line is one JSON object for scripts:
{"sizes": [{models, battles, seconds, spearman, arena_rank_seconds, speedup, max_rating_diff,
max_bound_diff, whole_process_seconds, arena_rank_whole_process_seconds,
whole_process_speedup}, ...]}.

arena-rank pins its own numpy and brings jax, so it usually lives in a separate virtual
environment: point ARENA_RANK_PYTHON at that environment's python (it is also used when
`arena_rank` imports in the current interpreter). Both sides are timed from integer-coded or
tabular battles to finished ratings with intervals: ours from `Battles` (aggregation, fit,
sandwich), arena-rank from its DataFrame (`PairDataset.from_pandas` + `compute_ratings_and_cis`).
Times are medians of `repeats` (ours) and `arena_repeats` runs (arena-rank's first run also
compiles with jax; that run is reported separately as `arena_rank_first_seconds`); whole-process
times are medians of as many fresh processes.

On a machine whose other core is busy, OpenBLAS's threads make the small dense solves of the
sandwich step slow and erratic (tens to hundreds of ms instead of ~3 ms); OPENBLAS_NUM_THREADS=1
removes that. The benchmark does not set it: it measures the environment it is given.

    python -m debate.bench.ratings [--sizes 20x10000,50x100000,200x1000000] [--seed 0]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from judges.ratings import SCALE, Battles, bradley_terry, write_battles_csv

DEFAULT_SIZES: list[tuple[int, int]] = [(20, 10_000), (50, 100_000), (200, 1_000_000)]
TIE_RATE = 0.1


class Printer(Protocol):
    def print(self, *objects: Any) -> None: ...


class _Stdout:
    def print(self, *objects: Any) -> None:
        print(*objects, flush=True)


def synthetic_battles(models: int, battles: int, *, seed: int = 0, spread: float = 1.0, tie_rate: float = TIE_RATE) -> tuple[Battles, np.ndarray]:
    """Random pairings among `models` with true strengths theta ~ N(0, spread) (log-odds);
    a battle is a tie with probability `tie_rate`, otherwise a Bradley-Terry draw.
    Returns the battles and the true strengths (indexed like `names`)."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(0.0, spread, models)
    a = rng.integers(0, models, battles)
    b = (a + rng.integers(1, models, battles)) % models
    p_a = 1.0 / (1.0 + np.exp(-(truth[a] - truth[b])))
    tie = rng.random(battles) < tie_rate
    outcome = np.where(tie, 0.5, (rng.random(battles) < p_a).astype(np.float64))
    names = [f"model-{k:04d}" for k in range(models)]
    return Battles.from_arrays(names, a, b, outcome), truth


# --------------------------------------------------------------------------------------------
# arena-rank, run in whatever interpreter has it

_ARENA_SCRIPT = r"""
import json, sys, time
import numpy as np, pandas as pd
spec = json.loads(sys.argv[1])
data = np.load(spec["path"], allow_pickle=False)
names = data["names"]
winner = np.where(data["outcome"] == 1.0, "model_a", np.where(data["outcome"] == 0.0, "model_b", "tie"))
frame = {"model_a": names[data["a"]], "model_b": names[data["b"]], "winner": winner}
features = [f"f{k}" for k in range(data["style"].shape[1])] if "style" in data.files else []
for k, column in enumerate(features):
    frame[column] = data["style"][:, k]
df = pd.DataFrame(frame)
times = []
for _ in range(spec["repeats"]):
    start = time.perf_counter()
    if features:
        from arena_rank.utils.data_utils import ContextualPairDataset
        from arena_rank.models.contextual_bradley_terry import ContextualBradleyTerry
        dataset = ContextualPairDataset.from_pandas(df, feature_cols=features)
        model = ContextualBradleyTerry(n_competitors=len(dataset.competitors), n_features=len(features))
    else:
        from arena_rank.utils.data_utils import PairDataset
        from arena_rank.models.bradley_terry import BradleyTerry
        dataset = PairDataset.from_pandas(df)
        model = BradleyTerry(n_competitors=len(dataset.competitors))
    result = model.compute_ratings_and_cis(dataset, significance_level=spec["alpha"])
    ratings = np.asarray(result["ratings"])
    times.append(time.perf_counter() - start)
out = {
    "names": list(result["competitors"]),
    "ratings": ratings.tolist(),
    "lower": np.asarray(result["rating_lower"]).tolist(),
    "upper": np.asarray(result["rating_upper"]).tolist(),
    "coeffs": np.asarray(result["coeffs"]).tolist() if "coeffs" in result else None,
    "seconds": times,
}
print(json.dumps(out))
"""


# A whole arena-rank process on a CSV battle log, as someone would run it: read, fit, print.
_ARENA_PROCESS = r"""
import json, sys
import numpy as np, pandas as pd
from arena_rank.utils.data_utils import PairDataset
from arena_rank.models.bradley_terry import BradleyTerry
dataset = PairDataset.from_pandas(pd.read_csv(sys.argv[1]))
result = BradleyTerry(n_competitors=len(dataset.competitors)).compute_ratings_and_cis(dataset, significance_level=0.05)
print(json.dumps({"names": list(result["competitors"]), "ratings": np.asarray(result["ratings"]).tolist()}))
"""


def arena_rank_python() -> str | None:
    """A python that can import arena_rank: this one, or $ARENA_RANK_PYTHON if it works."""
    if importlib.util.find_spec("arena_rank") is not None:
        return sys.executable
    candidate = os.environ.get("ARENA_RANK_PYTHON")
    if not candidate:
        return None
    try:
        done = subprocess.run([candidate, "-c", "import arena_rank"], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return candidate if done.returncode == 0 else None


def run_arena_rank(battles: Battles, python: str, *, repeats: int = 1, confidence: float = 0.95, style: bool = False) -> dict[str, Any]:
    """Rate `battles` with arena-rank in `python`: {names, ratings, lower, upper, coeffs, seconds}.

    With `style=True` the battles' style columns go to ContextualBradleyTerry with its defaults.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "battles.npz"
        arrays: dict[str, np.ndarray] = {"names": np.array(battles.names, dtype=str), "a": battles.a, "b": battles.b, "outcome": battles.outcome}
        if style:
            if battles.style is None:
                raise ValueError("style=True needs battles with style features")
            arrays["style"] = battles.style
        np.savez(path, **arrays)  # type: ignore[arg-type]
        spec = {"path": str(path), "repeats": repeats, "alpha": 1.0 - confidence}
        done = subprocess.run([python, "-c", _ARENA_SCRIPT, json.dumps(spec)], capture_output=True, text=True, env=_arena_env(), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"arena-rank failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _arena_env() -> dict[str, str]:
    return dict(os.environ, JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")


def whole_process_seconds(command: Sequence[str], repeats: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of `command` run start to finish in a fresh process, `repeats` times."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(list(command), capture_output=True, text=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:4])} ... failed:\n{done.stderr[-2000:]}")
    return statistics.median(times)


def compare(ours: dict[str, tuple[float, float | None, float | None]], theirs: dict[str, Any]) -> tuple[float, float]:
    """Largest |rating difference| and |bound difference| over the models both rated."""
    rating_diff = bound_diff = 0.0
    for name, rating, lower, upper in zip(theirs["names"], theirs["ratings"], theirs["lower"], theirs["upper"], strict=True):
        mine, low, high = ours[name]
        rating_diff = max(rating_diff, abs(mine - rating))
        if low is not None and high is not None:
            bound_diff = max(bound_diff, abs(low - lower), abs(high - upper))
    return rating_diff, bound_diff


# --------------------------------------------------------------------------------------------


def _time_ours(battles: Battles, repeats: int) -> tuple[float, Any]:
    times = []
    table = None
    for _ in range(repeats):
        start = time.perf_counter()
        table = bradley_terry(battles, ci="sandwich", floor=False)  # arena-rank has no floor: compare like with like
        times.append(time.perf_counter() - start)
    return statistics.median(times), table


def run(
    sizes: Sequence[tuple[int, int]] = DEFAULT_SIZES, seed: int = 0, console: Printer | None = None, *, repeats: int = 5, arena_repeats: int = 3
) -> dict[str, Any]:
    """Run the benchmark; print two lines per size and, last, the JSON object; return it."""
    from scipy import stats  # the benchmark's own check; the ratings themselves do without scipy

    out = console or _Stdout()
    python = arena_rank_python()
    if python is None:
        out.print("arena-rank not available (set ARENA_RANK_PYTHON to a python that imports arena_rank): comparing with the truth only")
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for models, count in sizes:
            battles, truth = synthetic_battles(models, count, seed=seed)
            seconds, table = _time_ours(battles, repeats)
            index = {name: k for k, name in enumerate(battles.names)}
            estimate = np.array([row.rating for row in table.rows])
            rho = float(stats.spearmanr(truth[[index[row.name] for row in table.rows]], estimate).statistic)
            entry: dict[str, Any] = {
                "models": models,
                "battles": count,
                "seconds": round(seconds, 6),
                "spearman": round(rho, 6),
                "arena_rank_seconds": None,
                "arena_rank_first_seconds": None,
                "speedup": None,
                "max_rating_diff": None,
                "max_bound_diff": None,
            }
            line = f"{models:>5} models {count:>10,} battles  BT+sandwich {seconds * 1000:8.1f} ms  spearman {rho:.4f}"
            if python is not None:
                theirs = run_arena_rank(battles, python, repeats=arena_repeats)
                their_seconds = statistics.median(theirs["seconds"])
                ours = {row.name: (row.rating, row.lower, row.upper) for row in table.rows}
                rating_diff, bound_diff = compare(ours, theirs)
                entry.update(
                    arena_rank_seconds=round(their_seconds, 6),
                    arena_rank_first_seconds=round(theirs["seconds"][0], 6),
                    speedup=round(their_seconds / seconds, 2),
                    max_rating_diff=round(rating_diff, 6),
                    max_bound_diff=round(bound_diff, 6),
                )
                line += (
                    f"  arena-rank {their_seconds * 1000:8.1f} ms (first {theirs['seconds'][0] * 1000:.0f} ms)  speedup {their_seconds / seconds:5.1f}x"
                    f"  max |rating diff| {rating_diff:.4f}  max |bound diff| {bound_diff:.4f}"
                )
            out.print(line)
            entry.update(_whole_processes(battles, Path(folder) / f"battles-{models}x{count}.csv", python, repeats, arena_repeats))
            out.print(_whole_process_line(entry))
            runs.append(entry)
    figures = {"sizes": runs, "scale": SCALE, "seed": seed, "repeats": repeats, "arena_repeats": arena_repeats}
    print(json.dumps(figures), flush=True)
    return figures


def _whole_processes(battles: Battles, log: Path, python: str | None, repeats: int, arena_repeats: int) -> dict[str, Any]:
    """Both sides rate the same CSV battle log in fresh processes: start-up, imports, reading,
    the fit with intervals and the output, as a user waits for them."""
    write_battles_csv(log, [battles])
    ours = whole_process_seconds([sys.executable, "-m", "debate.cli", "ratings", "--battles", str(log), "--format", "json"], repeats)
    figures: dict[str, Any] = {"whole_process_seconds": round(ours, 4), "arena_rank_whole_process_seconds": None, "whole_process_speedup": None}
    if python is not None:
        theirs = whole_process_seconds([python, "-c", _ARENA_PROCESS, str(log)], arena_repeats, env=_arena_env())
        figures.update(arena_rank_whole_process_seconds=round(theirs, 4), whole_process_speedup=round(theirs / ours, 2))
    return figures


def _whole_process_line(entry: dict[str, Any]) -> str:
    line = f"{'':>5} whole process, CSV log to ratings: debate ratings {entry['whole_process_seconds'] * 1000:8.1f} ms"
    if entry["arena_rank_whole_process_seconds"] is not None:
        line += f"  arena-rank {entry['arena_rank_whole_process_seconds'] * 1000:8.1f} ms  speedup {entry['whole_process_speedup']:5.1f}x"
    return line


def _parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        models, _, count = part.strip().lower().partition("x")
        sizes.append((int(models), int(count.replace("_", ""))))
    return sizes


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m debate.bench.ratings", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_parse_sizes, default=DEFAULT_SIZES, help="MODELSxBATTLES,... (default 20x10000,50x100000,200x1000000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of ours per size (median reported)")
    parser.add_argument("--arena-repeats", type=int, default=3, help="timed runs of arena-rank per size (median reported)")
    args = parser.parse_args(argv)
    run(args.sizes, seed=args.seed, repeats=args.repeats, arena_repeats=args.arena_repeats)


if __name__ == "__main__":
    main()
