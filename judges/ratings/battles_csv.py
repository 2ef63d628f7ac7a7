"""Pairwise battle logs (CSV): read into `Battles`, and `Battles` written out in the same form.

Columns: model_a, model_b, winner (model_a, model_b, tie, tie (bothbad); LMArena's both_bad is
read as a tie too). Optional columns:
* `proposition`: which model spoke for the proposition (its name, or model_a / model_b), so the
  side term can be fitted;
* `debate_id`: the debate the battle came from (any text), so the battles of one debate (a
  panel's ballots, a ballot's criteria) count together in the intervals;
* `judge`, `criterion`, `motion`, `category`, `language`: kept as labels so callers can rate one
  judge or slice at a time.
Any other column is ignored. Values are stripped of surrounding spaces; an optional column,
once present, must be filled on every row. Every problem in the file is reported at once (up
to a limit) as a `ConfigError`, each naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import eq, itemgetter
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from debate.core.errors import ConfigError, Problem
from judges.ratings.battles import WINNER_OUTCOMES, Battles

REQUIRED = ("model_a", "model_b", "winner")
SIDE = "proposition"
DEBATE = "debate_id"
LABELS = ("judge", "criterion", "motion", "category", "language")
MAX_PROBLEMS = 50
_WINNER_OF = {1.0: "model_a", 0.0: "model_b", 0.5: "tie"}
_SPACE = re.compile(r"[^\S\n]")  # what str.strip would take off a value, but a line's end
_ASCII_SPACES = tuple(chr(c) for c in range(128) if chr(c).isspace() and chr(c) not in "\r\n")


def read_battles_csv(path: str | Path, *, max_problems: int = MAX_PROBLEMS) -> Battles:
    """The battles in `path`, names sorted; raises ConfigError listing what is wrong."""
    where = str(path)
    # A row is a list and a value a string: a million of them set off the cycle collector again
    # and again, over objects that hold no cycles (half the reading time). Paused while reading.
    collecting = gc.isenabled()
    gc.disable()
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
    finally:
        if collecting:
            gc.enable()


@dataclass
class _Problems:
    """Problems found so far, kept up to a limit; the rest are only counted."""

    where: str
    limit: int
    found: list[Problem | str] = field(default_factory=list)
    extra: int = 0

    def add(self, line: int, column: str | None, text: str) -> None:
        if len(self.found) < self.limit:
            self.found.append(Problem(self.where, line, None if column is None else (column,), text))
        else:
            self.extra += 1


@dataclass
class _Columns:
    count: int
    a: int
    b: int
    winner: int
    optional: dict[str, int]  # proposition, debate_id and the labels present

    @property
    def needed(self) -> int:
        return max(self.places)

    @property
    def places(self) -> tuple[int, ...]:
        """Where model_a, model_b, winner and the optional columns present are, in that order."""
        return (self.a, self.b, self.winner, *self.optional.values())


def _parse(where: str, handle: TextIO, max_problems: int) -> Battles:
    plain = _plain_fields(where, handle.read())
    if plain is not None:
        columns, picked, strip = plain
    else:  # quoted cells, rows of other lengths, a lone \r: the csv module splits it
        handle.seek(0)
        reader = csv.reader(handle)
        columns = _header(where, reader)
        picked, strip = _picked(list(reader), columns), True
    kept = _clean_columns(columns, picked, strip=strip)
    if kept is None:  # something to report (or a blank row to skip): read again row by row
        handle.seek(0)
        reader = csv.reader(handle)
        kept = _checked_columns(where, reader, _header(where, reader), max_problems)
    model_a, model_b = kept["model_a"], kept["model_b"]
    side = kept.get(SIDE)
    return Battles.from_names(
        model_a,
        model_b,
        np.fromiter(map(WINNER_OUTCOMES.__getitem__, kept["winner"]), dtype=np.float64, count=len(model_a)),
        a_is_proposition=None if side is None else [s in (a, "model_a") for s, a in zip(side, model_a)],
        cluster=None if DEBATE not in kept else _cluster_ids(kept[DEBATE]),
        labels={name: kept[name] for name in LABELS if name in kept},
    )


def _plain_fields(where: str, text: str) -> tuple[_Columns, list[Sequence[str]] | None, bool] | None:
    """The usual log split at once: with no quotes and as many fields on every line as in the
    header, the whole text is split on commas in one call (the csv module would take four
    fifths of the reading time). The header's columns, the needed columns' values (None when
    there are no rows) and whether any value may need stripping; None for any other file."""
    if not text or '"' in text:
        return None
    end = "\n"
    if "\r" in text:  # the csv module writes \r\n; a lone \r or \n among them ends a row too, rarely
        end = "\r\n"
        if not text.count("\r") == text.count("\n") == text.count(end):
            return None
    head, _, body = text.partition(end)
    columns = _header(where, csv.reader([head]))
    body = body.removesuffix(end)
    if not body:
        return columns, None, False
    # A line's end becomes a field of its own, "\n", which must then fall after every
    # `columns.count` fields: a shorter or a longer line moves them.
    fields = body.replace(end, ",\n,").split(",")
    lines = body.count(end) + 1
    stride = columns.count + 1
    if len(fields) != lines * stride - 1 or fields[columns.count :: stride].count("\n") != lines - 1:
        return None
    return columns, [fields[place::stride] for place in columns.places], _may_need_strip(body)


def _may_need_strip(text: str) -> bool:
    """Whether any character `str.strip` takes off a value is in `text` (line ends aside)."""
    if text.isascii():  # a flag of the string, known without a look; then a few quick scans
        return any(space in text for space in _ASCII_SPACES)
    return _SPACE.search(text) is not None


def _picked(rows: list[list[str]], columns: _Columns) -> list[Sequence[str]] | None:
    """The needed columns of csv rows; None when a row is too short (or blank)."""
    lengths = set(map(len, rows))
    if not rows or min(lengths) <= columns.needed:
        return None
    if len(lengths) == 1:  # rows of one length transpose whole, which is quicker than picking
        transposed = list(zip(*rows))
        return [transposed[place] for place in columns.places]
    return list(zip(*map(itemgetter(*columns.places), rows)))


def _clean_columns(columns: _Columns, picked: list[Sequence[str]] | None, *, strip: bool = True) -> dict[str, list[str]] | None:
    """The values by column name when every row is a valid battle, checked a column at a time
    (a hundred thousand rows in tens of milliseconds); None when any row is not."""
    if picked is None:
        return None
    names = (*REQUIRED, *columns.optional)
    kept = {name: list(map(str.strip, values) if strip else values) for name, values in zip(names, picked, strict=True)}
    if any("" in kept[name] for name in names if name != "winner") or not set(kept["winner"]) <= WINNER_OUTCOMES.keys():
        return None
    if any(map(eq, kept["model_a"], kept["model_b"])):
        return None
    if SIDE in kept and not all(map(_names_a_side, kept[SIDE], kept["model_a"], kept["model_b"])):
        return None
    return kept


def _names_a_side(side: str, first: str, second: str) -> bool:
    return side in (first, second, "model_a", "model_b")


def _checked_columns(where: str, reader: Any, columns: _Columns, max_problems: int) -> dict[str, list[str]]:
    """The values by column name, blank rows skipped; raises ConfigError naming every problem
    with its line."""
    problems = _Problems(where, max_problems)
    kept: dict[str, list[str]] = {name: [] for name in (*REQUIRED, *columns.optional)}
    for line, row in _rows(reader):
        values = _battle(line, row, columns, problems)
        if values is not None:
            for name, value in values.items():
                kept[name].append(value)
    if not problems.found and not kept["model_a"]:
        problems.found.append(f"{where}: no battles after the header")
    if problems.extra:
        problems.found.append(f"{where}: ... and {problems.extra} more problems")
    if problems.found:
        raise ConfigError(problems.found)
    return kept


def _cluster_ids(values: list[str]) -> list[int]:
    """Debate ids as integers: kept when they are integers (our own exports), else numbered in
    order of first appearance (only which battles share a debate matters)."""
    if all(v.lstrip("-").isdigit() for v in values):
        return [int(v) for v in values]
    number: dict[str, int] = {}
    return [number.setdefault(v, len(number)) for v in values]


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
    optional = {name: columns.index(name) for name in (SIDE, DEBATE, *LABELS) if name in columns}
    return _Columns(count=len(columns), a=col_a, b=col_b, winner=col_w, optional=optional)


def _rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with the line each starts on (a quoted cell may span lines)."""
    previous_end = reader.line_num
    for row in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if row and any(cell.strip() for cell in row):
            yield line, row


def _battle(line: int, row: list[str], columns: _Columns, problems: _Problems) -> dict[str, str] | None:
    """The row's values by column name, or None after reporting what is wrong with it."""
    if len(row) <= columns.needed:
        problems.add(line, None, f"{len(row)} fields, the header has {columns.count}")
        return None
    values = {"model_a": row[columns.a].strip(), "model_b": row[columns.b].strip(), "winner": row[columns.winner].strip()}
    values |= {name: row[column].strip() for name, column in columns.optional.items()}
    found = len(problems.found) + problems.extra
    for name, value in values.items():
        if not value and name != "winner":
            problems.add(line, name, "empty")
    first, second, winner = values["model_a"], values["model_b"], values["winner"]
    if first and first == second:
        problems.add(line, "model_b", f"model {first!r} plays itself (model_a and model_b are the same)")
    if winner not in WINNER_OUTCOMES:
        problems.add(line, "winner", f"{winner!r} is not one of {', '.join(WINNER_OUTCOMES)}")
    side = values.get(SIDE)
    if side and side not in (first, second, "model_a", "model_b"):
        problems.add(line, SIDE, f"{side!r} is neither model_a ({first!r}) nor model_b ({second!r})")
    return None if len(problems.found) + problems.extra > found else values


def write_battles_csv(path: str | Path, boards: Iterable[Battles]) -> int:
    """Write `boards` one after another as a battle log `read_battles_csv` reads back (and
    LMArena-style tools read: model_a, model_b, winner first); returns the rows written.
    Optional columns are written when every board has them (the reader wants them filled)."""
    boards = list(boards)
    sided = bool(boards) and all(b.a_is_proposition is not None for b in boards)
    clustered = bool(boards) and all(b.cluster is not None for b in boards)
    labels = [name for name in LABELS if boards and all(name in b.labels for b in boards)]
    header = [*REQUIRED, *([SIDE] if sided else []), *([DEBATE] if clustered else []), *labels]
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for battles in boards:
            for k in range(len(battles)):
                writer.writerow(_written_row(battles, k, sided, clustered, labels))
            written += len(battles)
    return written


def _written_row(battles: Battles, k: int, sided: bool, clustered: bool, labels: list[str]) -> list[str]:
    first, second = battles.names[battles.a[k]], battles.names[battles.b[k]]
    row = [first, second, _WINNER_OF[float(battles.outcome[k])]]
    if sided:
        assert battles.a_is_proposition is not None
        row.append(first if battles.a_is_proposition[k] else second)
    if clustered:
        assert battles.cluster is not None
        row.append(str(int(battles.cluster[k])))
    return row + [battles.labels[name][k] for name in labels]
