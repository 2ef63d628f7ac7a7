"""Reading the YAML and TOML files people edit: the data, the line of every field, and every
way a file can fail to parse turned into a `ConfigError` that names the file and the line.

pydantic reports a failing field as a path (`("contestants", 2, "model")`); people edit files
by line. YAML keeps exact positions in its node graph; TOML's standard parser keeps none, so
for TOML the line is found by scanning the text for the key along the same path.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml

from debate.core.errors import ConfigError, Problem

Syntax = Literal["yaml", "toml"]

# Far above any real config, motion set or rubric; a bound so that a wrong path cannot read forever.
MAX_FILE_BYTES = 16 * 2**20


class LineMap(Protocol):
    """Where a field path sits in a document (1-based line), or None when it cannot be found."""

    def line_of(self, path: Sequence[int | str]) -> int | None:
        """Implemented by `YamlLines` and `TomlLines`; a declaration only."""


@dataclass(frozen=True)
class Loaded:
    """A parsed document: its data, where it came from and the line of each field."""

    source: str
    data: Any
    lines: LineMap
    node: yaml.Node | None = None  # the YAML node graph (None for TOML or an empty document)

    def problem_at(self, path: Sequence[int | str], message: str) -> Problem:
        return problem_at(self.source, self.lines, path, message)

    def duplicate_keys(self) -> list[Problem]:
        """Keys repeated in one YAML mapping: the loader silently keeps the last, hiding an edit
        that was lost. (TOML refuses repeated keys itself.)"""
        return [Problem(self.source, line, None, message) for line, message in _duplicate_keys(self.node)]


def problem_at(source: str, lines: LineMap | None, path: Sequence[int | str], message: str) -> Problem:
    """A problem with field `path`, on the line `lines` finds for it."""
    return Problem(source, lines.line_of(path) if lines is not None else None, tuple(path), message)


def load_file(path: Path, *, missing: str = "no such file") -> Loaded:
    """Read and parse `path` (TOML for a `.toml` suffix, YAML otherwise).

    `missing` is the message for a file that does not exist (callers add what to use instead).
    """
    source = str(path)
    try:
        if not path.is_file() and path.exists():
            raise ConfigError([Problem(source, None, None, "not a regular file (a device, pipe or folder cannot be a config, motion set or rubric)")])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError([Problem(source, None, None, missing)]) from None
    except OSError as exc:
        raise ConfigError([Problem(source, None, None, f"cannot read: {exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError([Problem(source, None, None, f"larger than {MAX_FILE_BYTES // 2**20} MiB: not a file people edit")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError([Problem(source, line, None, f"cannot read: {exc}")]) from None
    return load_text(text, source, "toml" if path.suffix.lower() == ".toml" else "yaml")


def load_text(text: str, source: str, syntax: Syntax = "yaml") -> Loaded:
    """Parse `text` as if read from the file `source`."""
    if syntax == "toml":
        return Loaded(source, _parse_toml(text, source), TomlLines(text))
    data, node = _parse_yaml(text, source)
    return Loaded(source, data, YamlLines(node), node)


class _Loader(yaml.SafeLoader):
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            # PyYAML raises a bare ValueError for values it cannot build (`2024-02-30`, a
            # 5,000-digit integer); give it the node's position like any other YAML error.
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None


def _parse_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """The plain data and the node tree (for line numbers), from a single parse."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError([Problem(source, line, None, f"invalid YAML: {exc.problem or exc}")]) from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        # Unmarked reader errors and nesting too deep to follow: the reader is where it failed.
        line = loader.get_mark().line + 1
        raise ConfigError([Problem(source, line, None, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return data, root


def _parse_toml(text: str, source: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        # "(at end of document)": the last line is where the reader gave up.
        line = int(at.group(1)) if at else (text.count("\n") + 1 if "end of document" in str(exc) else None)
        raise ConfigError([Problem(source, line, None, f"invalid TOML: {exc}")]) from None
    except (ValueError, RecursionError) as exc:  # a number past int()'s digit limit, nesting too deep
        raise ConfigError([Problem(source, None, None, f"invalid TOML: {exc}")]) from None


class YamlLines:
    """Maps a field path to the 1-based line of its value in a YAML document."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._root = root

    def line_of(self, path: Sequence[int | str]) -> int | None:
        # A missing key has no node of its own: fall back to the deepest enclosing node found.
        node: Any = self._root
        line = node.start_mark.line + 1 if node is not None else None
        for part in path:
            child = _yaml_child(node, part)
            if child is None:
                break
            node, line = child
        return line


def _yaml_child(node: Any, part: int | str) -> tuple[Any, int] | None:
    if isinstance(node, yaml.MappingNode):
        # The last of repeated keys is the one the loader kept.
        for key, value in reversed(node.value):
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                # Point at the key: for a nested block the value starts on the next line.
                return value, key.start_mark.line + 1
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item, item.start_mark.line + 1
    return None


def _duplicate_keys(node: yaml.Node | None) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if isinstance(key, yaml.ScalarNode):
                if key.value in first:
                    problems.append((line, f"key {key.value!r} repeats the one on line {first[key.value]}"))
                else:
                    first[key.value] = line
            problems += _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(item)
    return problems


class TomlLines:
    """Best-effort line lookup for TOML: follows table headers and `key =` lines in order."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def line_of(self, path: Sequence[int | str]) -> int | None:
        start, found = 0, None
        keys: list[str] = []
        for part in path:
            if isinstance(part, str):
                keys.append(part)
                hit = self._find_key(part, start)
                if hit is None:
                    return found
                start, found = hit, hit + 1
            elif keys:
                hit = self._nth_table(keys, part)
                if hit is None:
                    return found
                start, found = hit, hit + 1
        return found

    def _nth_table(self, keys: list[str], n: int) -> int | None:
        # The n-th element of an array of tables is the n-th `[[name]]` header.
        header = re.compile(r"^\s*\[\[\s*" + re.escape(".".join(keys)) + r"\s*\]\]")
        headers = [i for i, line in enumerate(self._lines) if header.match(line)]
        return headers[n] if n < len(headers) else None

    def _find_key(self, key: str, start: int) -> int | None:
        pattern = re.compile(
            r"^\s*(\[\[?\s*([\w\-]+\.)*" + re.escape(key) + r"\s*\]|" + r'"?' + re.escape(key) + r'"?\s*=)'
        )
        table_header = re.compile(r"^\s*\[")
        in_table = start < len(self._lines) and bool(table_header.match(self._lines[start]))
        past_top_level = False
        for n in range(start, len(self._lines)):
            line = self._lines[n]
            is_header = bool(table_header.match(line))
            if is_header and n > start:
                if in_table:
                    return None  # a key belongs to the table it sits in
                past_top_level = True
            if pattern.match(line) and (is_header or not past_top_level):
                return n
        return None
