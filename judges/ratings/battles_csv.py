"""Read a pairwise battle log (CSV) into `Battles`.

Columns: model_a, model_b, winner (model_a, model_b, tie, tie (bothbad); LMArena's both_bad is
read as a tie too). Optional columns motion, category and language are kept as labels so
callers can rate one slice at a time; any other column is ignored. Values are stripped of
surrounding spaces. Every problem in the file is reported at once (up to a limit) as a
`ConfigError`, each naming the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from debate.core.errors import ConfigError
from judges.ratings.battles import WINNER_OUTCOMES, Battles

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


@dataclass
class _Problems:
    """Problems found so far, kept up to a limit; the rest are only counted."""

    limit: int
    found: list[str] = field(default_factory=list)
    extra: int = 0

    def add(self, text: str) -> None:
        if len(self.found) < self.limit:
            self.found.append(text)
        else:
            self.extra += 1


@dataclass
class _Columns:
    count: int
    a: int
    b: int
    winner: int
    labels: dict[str, int]

    @property
    def needed(self) -> int:
        return max(self.a, self.b, self.winner, *self.labels.values())


def _parse(where: str, handle: TextIO, max_problems: int) -> Battles:
    reader = csv.reader(handle)
    columns = _header(where, reader)
    problems = _Problems(max_problems)
    model_a: list[str] = []
    model_b: list[str] = []
    outcome: list[float] = []
    labels: dict[str, list[str]] = {name: [] for name in columns.labels}
    for line, row in _rows(reader):
        parsed = _battle(where, line, row, columns, problems)
        if parsed is None:
            continue
        model_a.append(parsed[0])
        model_b.append(parsed[1])
        outcome.append(WINNER_OUTCOMES[parsed[2]])
        for name, column in columns.labels.items():
            labels[name].append(row[column].strip())
    if not problems.found and not model_a:
        problems.found.append(f"{where}: no battles after the header")
    if problems.extra:
        problems.found.append(f"{where}: ... and {problems.extra} more problems")
    if problems.found:
        raise ConfigError(problems.found)
    return Battles.from_names(model_a, model_b, outcome, labels=labels)


# `Any`: the csv reader's type is private to the `_csv` module.
def _header(where: str, reader: Any) -> _Columns:
    header = next(reader, None)
    if header is None:
        raise ConfigError([f"{where}:1: empty file; expected a header with {', '.join(REQUIRED)}"])
    columns = [name.strip() for name in header]
    line = reader.line_num
    problems: list[str] = []
    for name in REQUIRED:
        if name not in columns:
            problems.append(f"{where}:{line}: missing column {name!r} (the header has: {', '.join(columns) or 'nothing'})")
        elif columns.count(name) > 1:
            problems.append(f"{where}:{line}: column {name!r} appears {columns.count(name)} times")
    if problems:
        raise ConfigError(problems)
    col_a, col_b, col_w = (columns.index(name) for name in REQUIRED)
    labels = {name: columns.index(name) for name in LABELS if name in columns}
    return _Columns(count=len(columns), a=col_a, b=col_b, winner=col_w, labels=labels)


def _rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with the line each starts on (a quoted cell may span lines)."""
    previous_end = reader.line_num
    for row in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if row and any(cell.strip() for cell in row):
            yield line, row


def _battle(where: str, line: int, row: list[str], columns: _Columns, problems: _Problems) -> tuple[str, str, str] | None:
    """(model_a, model_b, winner) of one row, or None after reporting what is wrong with it."""
    if len(row) <= columns.needed:
        problems.add(f"{where}:{line}: {len(row)} fields, the header has {columns.count}")
        return None
    first, second, winner = row[columns.a].strip(), row[columns.b].strip(), row[columns.winner].strip()
    bad = False
    if not first:
        problems.add(f"{where}:{line}: empty model_a")
        bad = True
    if not second:
        problems.add(f"{where}:{line}: empty model_b")
        bad = True
    if first and first == second:
        problems.add(f"{where}:{line}: model {first!r} plays itself (model_a and model_b are the same)")
        bad = True
    if winner not in WINNER_OUTCOMES:
        problems.add(f"{where}:{line}: winner {winner!r} is not one of {', '.join(WINNER_OUTCOMES)}")
        bad = True
    return None if bad else (first, second, winner)
