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

from debate.core.errors import ConfigError, Problem
from debate.core.loading import Loaded, load_file

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
    problems: list[Problem] = []
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
            line = lines[motion.id]
            here = f"{motion_set.path}:{line}"
            if motion.id in seen_ids:
                problems.append(Problem(motion_set.path, line, None, f"id {motion.id!r} is already used at {seen_ids[motion.id]}"))
            else:
                seen_ids[motion.id] = here
            key = normalise_text(motion.text)
            if key in seen_texts:
                other_id, other_place = seen_texts[key]
                message = f"motions {other_id!r} ({other_place}) and {motion.id!r} have the same text"
                problems.append(Problem(motion_set.path, line, None, message))
            else:
                seen_texts[key] = (motion.id, here)
            motions.append(motion)
    if problems:
        raise ConfigError(problems)
    return motions


def known_canaries(names: Sequence[str | Path] = ()) -> list[str]:
    """The canary strings of every shipped set and of the sets named (files or shipped names):
    what no model should be able to write unless a set leaked into its training data."""
    canaries = {*(_shipped_canary(name) for name in shipped_sets()), *(load_set(name).canary for name in names)}
    return sorted(c for c in canaries if c)


def _shipped_canary(name: str) -> str | None:
    """A shipped set's canary, from a plain parse of its file: `debate standings` asks for the
    canaries on every run, and loading each set whole (every motion validated, the line of
    each found by the pure-Python parser) took a fifth of its time. A file whose plain parse
    gives no mapping with a string (or no) canary is loaded whole, which names what is wrong."""
    path = _sets_dir() / f"{name}.yaml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    canary = data.get("canary") if isinstance(data, dict) else None
    if isinstance(data, dict) and (canary is None or isinstance(canary, str)):
        return canary
    return load_set(name).canary


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
    loaded = load_file(path, missing=f"motion set file not found; shipped sets: {', '.join(shipped_sets())}")
    if not isinstance(loaded.data, dict):
        line = loaded.lines.line_of(()) or 1
        raise ConfigError([Problem(loaded.source, line, None, "expected a mapping with keys set, title, canary, motions")])

    problems = loaded.duplicate_keys()
    parsed: _SetFile | None = None
    try:
        parsed = _SetFile.model_validate(loaded.data)
    except ValidationError as error:
        problems += [loaded.problem_at(err["loc"], _describe(err)) for err in error.errors()]
    problems += _set_checks(path, loaded)
    if problems or parsed is None:
        raise ConfigError(sorted(set(problems), key=lambda p: (p.line or 0, p.detail)))

    lines = {motion.id: loaded.lines.line_of(("motions", index)) or 1 for index, motion in enumerate(parsed.motions)}
    motion_set = MotionSet(
        name=parsed.name, title=parsed.title, canary=parsed.canary, motions=parsed.motions, path=loaded.source
    )
    return motion_set, lines


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


def _set_checks(path: Path, loaded: Loaded) -> list[Problem]:
    """Checks across motions, run on the raw data so they add to field errors, not hide them."""
    problems: list[Problem] = []
    name = loaded.data.get("set")
    if isinstance(name, str) and name.strip() != path.stem:
        problems.append(loaded.problem_at(("set",), f"{name!r} does not match the file name; expected {path.stem!r}"))
    items = loaded.data.get("motions")
    if not isinstance(items, list):
        return problems
    ids: dict[str, int | None] = {}
    texts: dict[str, tuple[str, int | None]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        motion_id, text = item.get("id"), item.get("text")
        if isinstance(motion_id, str):
            where = ("motions", index, "id")
            if motion_id in ids:
                problems.append(loaded.problem_at(where, f"duplicate id {motion_id!r} (first on line {ids[motion_id]})"))
            else:
                ids[motion_id] = loaded.lines.line_of(where)
        key = normalise_text(text) if isinstance(text, str) else ""
        if key:
            where = ("motions", index, "text")
            label = repr(motion_id) if isinstance(motion_id, str) else f"motions[{index}]"
            if key in texts:
                other, other_line = texts[key]
                problems.append(loaded.problem_at(where, f"motions {other} (line {other_line}) and {label} have the same text"))
            else:
                texts[key] = (label, loaded.lines.line_of(where))
    return problems
