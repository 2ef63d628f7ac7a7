"""Read a pairwise battle log (CSV) into `judges.ratings.Battles`.

Columns: model_a, model_b, winner (model_a, model_b, tie, tie (bothbad); LMArena's both_bad is
read as a tie too). Optional columns motion, category and language are kept as labels so
callers can rate one slice at a time; any other column is ignored. Values are stripped of
surrounding spaces. Every problem in the file is reported at once (up to a limit) as a
`ConfigError`, each naming the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from debate.errors import ConfigError
from judges.ratings import WINNER_OUTCOMES, Battles

REQUIRED = ("model_a", "model_b", "winner")
LABELS = ("motion", "category", "language")
MAX_PROBLEMS = 50


def read_battles_csv(path: str | Path, *, max_problems: int = MAX_PROBLEMS) -> Battles:
    """The battles in `path`, names sorted; raises ConfigError listing what is wrong."""
    where = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _parse(where, handle, max_problems)
    except FileNotFoundError:
        raise ConfigError([f"{where}: no such file"]) from None
    except UnicodeDecodeError as error:
        raise ConfigError([f"{where}: not UTF-8 text ({error.reason} at byte {error.start})"]) from None
    except csv.Error as error:
        raise ConfigError([f"{where}: not readable as CSV ({error})"]) from None
    except OSError as error:
        raise ConfigError([f"{where}: cannot read ({error.strerror or error})"]) from None


def _parse(where: str, handle: object, max_problems: int) -> Battles:
    reader = csv.reader(handle)  # type: ignore[call-overload]
    header = next(reader, None)
    if header is None:
        raise ConfigError([f"{where}:1: empty file; expected a header with {', '.join(REQUIRED)}"])
    columns = [name.strip() for name in header]
    header_line = reader.line_num
    problems: list[str] = []
    for name in REQUIRED:
        if name not in columns:
            problems.append(f"{where}:{header_line}: missing column {name!r} (the header has: {', '.join(columns) or 'nothing'})")
        elif columns.count(name) > 1:
            problems.append(f"{where}:{header_line}: column {name!r} appears {columns.count(name)} times")
    if problems:
        raise ConfigError(problems)
    col_a, col_b, col_w = (columns.index(name) for name in REQUIRED)
    label_cols = {name: columns.index(name) for name in LABELS if name in columns}
    needed = max(col_a, col_b, col_w, *label_cols.values())

    model_a: list[str] = []
    model_b: list[str] = []
    outcome: list[float] = []
    labels: dict[str, list[str]] = {name: [] for name in label_cols}
    allowed = ", ".join(WINNER_OUTCOMES)
    extra = 0
    previous_end = reader.line_num

    def problem(text: str) -> None:
        nonlocal extra
        if len(problems) < max_problems:
            problems.append(text)
        else:
            extra += 1

    for row in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) <= needed:
            problem(f"{where}:{line}: {len(row)} fields, the header has {len(columns)}")
            continue
        first, second, winner = row[col_a].strip(), row[col_b].strip(), row[col_w].strip()
        bad = False
        if not first:
            problem(f"{where}:{line}: empty model_a")
            bad = True
        if not second:
            problem(f"{where}:{line}: empty model_b")
            bad = True
        if first and first == second:
            problem(f"{where}:{line}: model {first!r} plays itself (model_a and model_b are the same)")
            bad = True
        if winner not in WINNER_OUTCOMES:
            problem(f"{where}:{line}: winner {winner!r} is not one of {allowed}")
            bad = True
        if bad:
            continue
        model_a.append(first)
        model_b.append(second)
        outcome.append(WINNER_OUTCOMES[winner])
        for name, column in label_cols.items():
            labels[name].append(row[column].strip())
    if not problems and not model_a:
        problems.append(f"{where}: no battles after the header")
    if extra:
        problems.append(f"{where}: ... and {extra} more problems")
    if problems:
        raise ConfigError(problems)

    names = sorted(set(model_a) | set(model_b))
    index = {name: k for k, name in enumerate(names)}
    return Battles.from_arrays(
        names,
        np.fromiter((index[m] for m in model_a), dtype=np.int64, count=len(model_a)),
        np.fromiter((index[m] for m in model_b), dtype=np.int64, count=len(model_b)),
        np.asarray(outcome, dtype=np.float64),
        labels=labels,
    )
