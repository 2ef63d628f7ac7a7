"""Load and validate motion sets.

Motion sets are edited by hand, so the loader reports every problem in a file at once and
points each one at a line, instead of stopping at the first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from debate.errors import ConfigError

CATEGORIES: tuple[str, ...] = (
    "policy",
    "economics",
    "education",
    "technology",
    "ethics",
    "philosophy",
    "relationships",
    "culture",
    "science",
)
LANGUAGES: tuple[str, ...] = ("en", "zh")

# Ids end up in file names, URLs and command lines, so keep them to a safe alphabet.
_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def normalise_text(text: str) -> str:
    """The form of a motion used to spot duplicates: case, spacing and punctuation ignored."""
    # NFKC first so full-width letters and Chinese full-width punctuation fold to plain forms.
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))
    return " ".join(kept.split())


def _one_of(value: str, allowed: tuple[str, ...], kind: str) -> str:
    if value not in allowed:
        raise PydanticCustomError(
            kind, "{value} is not one of {allowed}", {"value": repr(value), "allowed": ", ".join(allowed)}
        )
    return value


class Motion(BaseModel):
    """One motion: the proposition side defends `text`, the opposition attacks it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str
    text: str
    category: str
    language: str
    info_slide: str | None = None
    source: str | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID_PATTERN.fullmatch(value):
            raise PydanticCustomError(
                "motion_id",
                "{value} is not a valid id (lowercase letters, digits and single dashes)",
                {"value": repr(value)},
            )
        return value

    @field_validator("text")
    @classmethod
    def _check_text(cls, value: str) -> str:
        if not normalise_text(value):
            raise PydanticCustomError("motion_text", "the motion has no words")
        return value

    @field_validator("category")
    @classmethod
    def _check_category(cls, value: str) -> str:
        return _one_of(value, CATEGORIES, "category")

    @field_validator("language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        return _one_of(value, LANGUAGES, "language")


class MotionSet(BaseModel):
    """A validated motion set and the file it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    canary: str | None = None
    motions: list[Motion]
    path: str


class _SetFile(BaseModel):
    """The on-disk shape of a motion set file (its keys differ from `MotionSet`)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(alias="set")
    title: str
    canary: str | None = None
    motions: list[Motion]

    @field_validator("motions")
    @classmethod
    def _check_not_empty(cls, value: list[Motion]) -> list[Motion]:
        if not value:
            raise PydanticCustomError("no_motions", "the set has no motions")
        return value


def _sets_dir() -> Path:
    return Path(__file__).resolve().parent / "sets"


def shipped_sets() -> list[str]:
    """Names of the motion sets shipped with the package, e.g. `core-en`."""
    return sorted(path.stem for path in _sets_dir().glob("*.yaml"))


def load_set(name_or_path: str | Path) -> MotionSet:
    """Load one set: a bare name means a shipped set, anything path-like is read as a file."""
    motion_set, _ = _load(_resolve(name_or_path))
    return motion_set


def load_sets(names: Sequence[str | Path]) -> list[Motion]:
    """The motions of several sets in order; an id or motion text may appear only once."""
    motions: list[Motion] = []
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, tuple[str, str]] = {}
    for name in names:
        try:
            motion_set, lines = _load(_resolve(name))
        except ConfigError as error:
            # Keep going so that one run reports the problems of every set.
            problems.extend(error.problems)
            continue
        for motion in motion_set.motions:
            here = f"{motion_set.path}:{lines[motion.id]}"
            if motion.id in seen_ids:
                problems.append(f"{here}: id {motion.id!r} is already used at {seen_ids[motion.id]}")
            else:
                seen_ids[motion.id] = here
            key = normalise_text(motion.text)
            if key in seen_texts:
                other_id, other_place = seen_texts[key]
                problems.append(
                    f"{here}: motions {other_id!r} ({other_place}) and {motion.id!r} have the same text"
                )
            else:
                seen_texts[key] = (motion.id, here)
            motions.append(motion)
    if problems:
        raise ConfigError(problems)
    return motions


def _resolve(name_or_path: str | Path) -> Path:
    if isinstance(name_or_path, Path):
        return name_or_path
    looks_like_path = (
        "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith((".yaml", ".yml"))
    )
    if looks_like_path:
        return Path(name_or_path)
    path = _sets_dir() / f"{name_or_path}.yaml"
    if not path.is_file():
        raise ConfigError(
            [f"no shipped motion set named {name_or_path!r}; shipped sets: {', '.join(shipped_sets())}"]
        )
    return path


def _load(path: Path) -> tuple[MotionSet, dict[str, int]]:
    """The validated set and the line on which each of its motions starts."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [f"{where}: motion set file not found; shipped sets: {', '.join(shipped_sets())}"]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{where}: cannot read the motion set: {error}"]) from None

    root, data = _parse(text, where)
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        line = root.start_mark.line + 1 if root is not None else 1
        raise ConfigError([f"{where}:{line}: expected a mapping with keys set, title, canary, motions"])

    problems = _duplicate_keys(root)
    parsed: _SetFile | None = None
    try:
        parsed = _SetFile.model_validate(data)
    except ValidationError as error:
        problems += [
            (_line_of(root, err["loc"]), f"{_field_path(err['loc'])}: {_describe(err)}")
            for err in error.errors()
        ]
    problems += _set_checks(path, root, data)
    if problems or parsed is None:
        raise ConfigError([f"{where}:{line}: {message}" for line, message in sorted(set(problems))])

    lines = {motion.id: _line_of(root, ("motions", index)) for index, motion in enumerate(parsed.motions)}
    motion_set = MotionSet(
        name=parsed.name, title=parsed.title, canary=parsed.canary, motions=parsed.motions, path=where
    )
    return motion_set, lines


def _parse(text: str, where: str) -> tuple[yaml.Node | None, Any]:
    """Both the node tree (for line numbers) and the plain data, from a single parse."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError([f"{where}{line}: YAML syntax error: {error.problem or error}"]) from None
    except yaml.YAMLError as error:
        raise ConfigError([f"{where}: YAML error: {error}"]) from None
    finally:
        loader.dispose()
    return root, data


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """(node to point at, node to descend into) for one step of a pydantic error location."""
    if isinstance(node, yaml.MappingNode):
        # The last of repeated keys is the one the loader kept.
        for key, value in reversed(node.value):
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item, item
    return None


def _line_of(root: yaml.Node, loc: tuple[str | int, ...]) -> int:
    # A missing key has no node of its own: fall back to the deepest enclosing node found.
    pointer, node = root, root
    for part in loc:
        step = _child(node, part)
        if step is None:
            break
        pointer, node = step
    return pointer.start_mark.line + 1


def _field_path(loc: tuple[str | int, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _describe(error: ErrorDetails) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        model = _SetFile if len(error["loc"]) == 1 else Motion
        allowed = [field.alias or name for name, field in model.model_fields.items()]
        return f"unknown key (allowed keys: {', '.join(allowed)})"
    if kind == "string_type":
        # YAML turns unquoted yes/no/numbers into non-strings; quoting is the usual fix.
        hint = " (put it in quotes)" if isinstance(value, (bool, int, float)) else ""
        return f"expected text, got {type(value).__name__} {value!r}{hint}"
    if kind == "list_type":
        return f"expected a list, got {type(value).__name__}"
    if kind in ("model_type", "dict_type"):
        return f"expected a mapping of keys to values, got {type(value).__name__}"
    return error["msg"]


def _duplicate_keys(node: yaml.Node) -> list[tuple[int, str]]:
    # The YAML loader silently keeps the last of repeated keys, hiding edits that were lost.
    problems: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if isinstance(key, yaml.ScalarNode) and key.value in first:
                problems.append((line, f"key {key.value!r} repeats the one on line {first[key.value]}"))
            elif isinstance(key, yaml.ScalarNode):
                first[key.value] = line
            problems += _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(item)
    return problems


def _set_checks(path: Path, root: yaml.Node, data: dict[Any, Any]) -> list[tuple[int, str]]:
    """Checks across motions, run on the raw data so they add to field errors, not hide them."""
    problems: list[tuple[int, str]] = []
    name = data.get("set")
    if isinstance(name, str) and name.strip() != path.stem:
        problems.append(
            (_line_of(root, ("set",)), f"set: {name!r} does not match the file name; expected {path.stem!r}")
        )
    items = data.get("motions")
    if not isinstance(items, list):
        return problems
    ids: dict[str, int] = {}
    texts: dict[str, tuple[str, int]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        motion_id, text = item.get("id"), item.get("text")
        if isinstance(motion_id, str):
            line = _line_of(root, ("motions", index, "id"))
            if motion_id in ids:
                problems.append(
                    (line, f"motions[{index}].id: duplicate id {motion_id!r} (first on line {ids[motion_id]})")
                )
            else:
                ids[motion_id] = line
        key = normalise_text(text) if isinstance(text, str) else ""
        if key:
            line = _line_of(root, ("motions", index, "text"))
            label = repr(motion_id) if isinstance(motion_id, str) else f"motions[{index}]"
            if key in texts:
                other, other_line = texts[key]
                problems.append(
                    (line, f"motions[{index}].text: motions {other} (line {other_line}) and {label} "
                           "have the same text")
                )
            else:
                texts[key] = (label, line)
    return problems
