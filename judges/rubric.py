"""Rubrics: the criteria a judge scores each side on, as data.

A rubric is a YAML file (shipped ones live in `judges/rubrics/`) or a mapping inline in a
tournament config. Each criterion has an id, a name, a description, a weight, an integer
scale (e.g. 1..5) and one descriptor for every score on that scale, so a judge model sees
what each number means.

Every problem in a rubric is reported at once, each as `file:line: field.path: what is wrong`.
The loader is the only function here that reads a file; everything else is pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from debate.core.errors import ConfigError, Problem
from debate.core.loading import LineMap, load_file, problem_at

RUBRICS_DIR = Path(__file__).resolve().parent / "rubrics"
DEFAULT_RUBRIC = "default"

_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,47}$"


class Level(BaseModel):
    """What one score on a criterion's scale means."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    score: int
    descriptor: str = Field(min_length=1, max_length=300)


class Criterion(BaseModel):
    """One dimension both sides are scored on."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(pattern=_ID_PATTERN, description="lowercase letters, digits, '_' or '-'")
    name: str = Field(min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=400)
    weight: float = Field(default=1.0, gt=0, le=100)
    scale_min: int = Field(default=1, ge=0, le=100)
    scale_max: int = Field(default=5, ge=1, le=100)
    levels: tuple[Level, ...] = Field(min_length=2)

    @field_validator("scale_max")
    @classmethod
    def _max_above_min(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("scale_min")
        if low is not None and value <= low:
            raise PydanticCustomError("scale", "scale_max ({high}) must be above scale_min ({low})", {"high": value, "low": low})
        return value

    @field_validator("levels")
    @classmethod
    def _levels_cover_scale(cls, levels: tuple[Level, ...], info: ValidationInfo) -> tuple[Level, ...]:
        low, high = info.data.get("scale_min"), info.data.get("scale_max")
        if low is None or high is None:
            return levels  # the scale's own error is reported; coverage cannot be judged
        scores = [level.score for level in levels]
        wanted = range(low, high + 1)
        missing = [s for s in wanted if s not in scores]
        repeated = sorted({s for s in scores if scores.count(s) > 1})
        outside = sorted({s for s in scores if s not in wanted})
        faults = []
        if missing:
            faults.append("no descriptor for " + ", ".join(map(str, missing)))
        if repeated:
            faults.append("more than one descriptor for " + ", ".join(map(str, repeated)))
        if outside:
            faults.append(", ".join(map(str, outside)) + " outside the scale")
        if faults:
            raise PydanticCustomError(
                "levels",
                "levels must describe every score from {low} to {high} exactly once: {faults}",
                {"low": low, "high": high, "faults": "; ".join(faults)},
            )
        return tuple(sorted(levels, key=lambda level: level.score))

    def descriptor(self, score: int) -> str:
        for level in self.levels:
            if level.score == score:
                return level.descriptor
        raise KeyError(f"{self.id}: no level {score} (scale {self.scale_min}..{self.scale_max})")

    @property
    def midpoint(self) -> float:
        return (self.scale_min + self.scale_max) / 2


class Rubric(BaseModel):
    """A named, ordered set of criteria."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @field_validator("criteria")
    @classmethod
    def _unique_ids(cls, criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
        seen: set[str] = set()
        for criterion in criteria:
            if criterion.id in seen:
                raise PydanticCustomError("duplicate_criterion", "two criteria have the id {id!r}", {"id": criterion.id})
            seen.add(criterion.id)
        return criteria

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(f"rubric {self.name!r} has no criterion {criterion_id!r}")

    def weighted_total(self, scores: Mapping[str, float]) -> float:
        """The weight-averaged score, on the criteria's own scale: sum(w * s) / sum(w).

        An average rather than a plain sum, so that totals stay comparable between rubrics
        with different numbers of criteria. Every criterion must be scored, and nothing else.
        """
        unknown = sorted(set(scores) - set(self.ids))
        missing = [i for i in self.ids if i not in scores]
        if unknown or missing:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if unknown:
                parts.append("unknown " + ", ".join(unknown))
            raise ValueError(f"scores for rubric {self.name!r}: " + "; ".join(parts))
        weights = sum(c.weight for c in self.criteria)
        return sum(c.weight * float(scores[c.id]) for c in self.criteria) / weights


# --- loading -----------------------------------------------------------------------------


def shipped_rubrics() -> list[str]:
    """Names of the rubrics shipped in `judges/rubrics/`, e.g. `default`."""
    return sorted(path.stem for path in RUBRICS_DIR.glob("*.yaml"))


def load_rubric(name_or_path: str | Path = DEFAULT_RUBRIC) -> Rubric:
    """A shipped rubric by bare name (`default`), or a rubric file by path.

    Raises ConfigError listing every problem as `file:line: field.path: what is wrong`.
    """
    loaded = load_file(_resolve(name_or_path), missing=f"no such rubric file; shipped rubrics: {', '.join(shipped_rubrics())}")
    if not isinstance(loaded.data, dict):
        raise ConfigError([Problem(loaded.source, 1, None, "a rubric file must hold a mapping with keys name, description, criteria")])
    problems = loaded.duplicate_keys()
    try:
        rubric = rubric_from_data(loaded.data, loaded.source, loaded.lines)
    except ConfigError as exc:
        problems += exc.problems
        rubric = None
    if problems or rubric is None:
        raise ConfigError(problems)
    return rubric


def rubric_from_data(data: Mapping[str, Any], source: str, lines: LineMap | None = None, *, prefix: Sequence[int | str] = ()) -> Rubric:
    """Validate a rubric given as data (inline in a tournament config, or already parsed).

    `lines` is the line map of the whole document; `prefix` is where the rubric sits in it,
    e.g. `("rubric",)`, so that errors name the right line and the full field path.
    """
    prefix = tuple(prefix)
    if not isinstance(data, Mapping):
        raise ConfigError([problem_at(source, lines, prefix, "a rubric must be a mapping with keys name, description, criteria")])
    problems = _duplicate_ids(data, source, lines, prefix)
    try:
        return Rubric.model_validate(dict(data))
    except ValidationError as exc:
        errors = exc.errors()
        locs = [tuple(e["loc"]) for e in errors]
        for error in errors:
            if error["type"] == "duplicate_criterion" and problems:
                continue  # already reported at the line of the repeated id
            here = tuple(error["loc"])
            if error["type"] == "too_short" and any(len(o) > len(here) and o[: len(here)] == here for o in locs):
                continue  # "too few items" only because an item failed: the item's error says it all
            problems.append(problem_at(source, lines, prefix + here, _message(error)))
    raise ConfigError(problems)


def _resolve(name_or_path: str | Path) -> Path:
    if isinstance(name_or_path, Path):
        return name_or_path
    if "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith((".yaml", ".yml")):
        return Path(name_or_path)
    path = RUBRICS_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise ConfigError([f"no shipped rubric named {name_or_path!r}; shipped rubrics: {', '.join(shipped_rubrics())}"])
    return path


def _duplicate_ids(data: Mapping[str, Any], source: str, lines: LineMap | None, prefix: tuple[int | str, ...]) -> list[Problem]:
    criteria = data.get("criteria")
    if not isinstance(criteria, list):
        return []
    problems, first = [], {}
    for index, item in enumerate(criteria):
        cid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(cid, str):
            continue
        if cid in first:
            message = f"duplicate id {cid!r} (first used by criteria[{first[cid]}])"
            problems.append(problem_at(source, lines, (*prefix, "criteria", index, "id"), message))
        else:
            first[cid] = index
    return problems


def _message(error: Any) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return f"unknown key {error['loc'][-1]!r}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a valid id (lowercase letters, digits, '_' or '-', at most 48)"
    if kind == "string_type" and isinstance(value, (bool, int, float)):
        return f"expected text, got {value!r} (put it in quotes)"
    return str(error["msg"]).removeprefix("Value error, ")
