"""Line numbers for field paths in YAML and TOML files, so errors can point at a line.

pydantic reports a failing field as a path (`("contestants", 2, "model")`); people edit files
by line. YAML keeps exact positions in its node graph; TOML's standard parser keeps none, so
for TOML the line is found by scanning the text for the key along the same path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

Path_ = Sequence[int | str]


class YamlLines:
    """Maps a field path to the 1-based line of its value in a YAML document."""

    def __init__(self, text: str) -> None:
        self._root = yaml.compose(text, Loader=yaml.SafeLoader)

    def line_of(self, path: Path_) -> int | None:
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
        for key, value in node.value:
            if key.value == part:
                # Point at the key: for a nested block the value starts on the next line.
                return value, key.start_mark.line + 1
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item = node.value[part]
        return item, item.start_mark.line + 1
    return None


class TomlLines:
    """Best-effort line lookup for TOML: follows table headers and `key =` lines in order."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def line_of(self, path: Path_) -> int | None:
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
                # The n-th element of an array of tables is the n-th `[[name]]` header.
                header = re.compile(r"^\s*\[\[\s*" + re.escape(".".join(keys)) + r"\s*\]\]")
                seen = -1
                for n, line in enumerate(self._lines):
                    if header.match(line):
                        seen += 1
                        if seen == part:
                            start, found = n, n + 1
                            break
                else:
                    return found
        return found

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


def format_path(path: Path_) -> str:
    """`("contestants", 2, "model")` -> `contestants[2].model`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"
