"""Rubric ballots: one judge's grading of one debate, in the sides' terms, and its parsing.

A ballot scores each side on every criterion of a rubric, gives a verdict on a five-level
scale, flags a debate in which both sides were poor, and says why in a sentence or two.
Judges are asked in neutral labels (`judges.presentation`); their replies are read back
into these terms. Human scorers' forms use the sides' names directly (`parse_ballot`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from debate.core.formats import Side
from judges.rubric import Rubric

REASON_MAX = 600
# The schema asks for less than a ballot may hold: llama.cpp turns maxLength into nested
# optional rules, and 600 of them cost a local judge about a quarter more time per ballot.
REASON_SCHEMA_MAX = 300
SideName = Literal["proposition", "opposition", "tie"]


class Verdict(str, Enum):
    """Which side debated better, and by how much."""

    PROPOSITION_CLEARLY = "proposition_clearly"
    PROPOSITION_SLIGHTLY = "proposition_slightly"
    TIE = "tie"
    OPPOSITION_SLIGHTLY = "opposition_slightly"
    OPPOSITION_CLEARLY = "opposition_clearly"


VERDICTS: tuple[str, ...] = tuple(v.value for v in Verdict)


def verdict_side(verdict: Verdict | str) -> SideName:
    """"proposition", "opposition" or "tie"."""
    value = Verdict(verdict).value
    return "tie" if value == "tie" else value.split("_", 1)[0]  # type: ignore[return-value]


def verdict_margin(verdict: Verdict | str) -> int:
    """How decisive: 2 for clearly, 1 for slightly, 0 for a tie."""
    value = Verdict(verdict).value
    return 0 if value == "tie" else 2 if value.endswith("_clearly") else 1


def signed_margin(verdict: Verdict | str) -> int:
    """The verdict on one axis: +2 proposition clearly ... -2 opposition clearly."""
    side = verdict_side(verdict)
    return verdict_margin(verdict) * (1 if side == "proposition" else -1 if side == "opposition" else 0)


class SideScores(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    proposition: int
    opposition: int

    def of(self, side: Side | str) -> int:
        return self.proposition if Side(side) is Side.PROPOSITION else self.opposition


class Ballot(BaseModel):
    """One judge's grading of one debate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scores: dict[str, SideScores]
    verdict: Verdict
    both_poor: bool = False
    reason: str = Field(min_length=1, max_length=REASON_MAX)

    @property
    def side(self) -> SideName:
        return verdict_side(self.verdict)

    @property
    def margin(self) -> int:
        return verdict_margin(self.verdict)

    def totals(self, rubric: Rubric) -> dict[str, float]:
        """The weighted total of each side (see `Rubric.weighted_total`)."""
        return {
            side: rubric.weighted_total({cid: getattr(s, side) for cid, s in self.scores.items()})
            for side in ("proposition", "opposition")
        }

    def check(self, rubric: Rubric) -> None:
        """ValueError unless every criterion of `rubric` is scored, in range, and nothing else."""
        problems = _score_problems({k: v.model_dump() for k, v in self.scores.items()}, rubric)[1]
        if problems:
            raise ValueError("; ".join(problems))


# --- parsing ----------------------------------------------------------------------------------

_KEYS = ("reason", "scores", "verdict", "both_poor")
_MAX_PROBLEMS = 4


def parse_ballot(text: str, rubric: Rubric) -> Ballot:
    """The ballot in a reply written in proposition/opposition terms, checked against `rubric`.

    Takes the first JSON object in `text` that looks like a ballot (prose, code fences and
    stray braces around it are ignored). Raises ValueError with a short message, fit to be
    sent back to the judge when asking again.
    """
    fields = parse_fields(first_object(text), rubric, SIDE_KEYS, _named_verdict)
    scores = {cid: SideScores(proposition=a, opposition=b) for cid, (a, b) in fields.scores.items()}
    return Ballot(scores=scores, verdict=fields.verdict, both_poor=fields.both_poor, reason=fields.reason)


SIDE_KEYS = ("proposition", "opposition")


class Fields(BaseModel):
    """A reply's checked fields, with scores in the order of the keys they were asked under."""

    scores: dict[str, tuple[int, int]]
    verdict: Verdict
    both_poor: bool
    reason: str


def parse_fields(data: dict[str, Any], rubric: Rubric, keys: tuple[str, str], read_verdict: Any) -> Fields:
    """Check a reply's fields; `read_verdict(raw)` is the Verdict, or ValueError saying why not."""
    problems: list[str] = []
    unknown = [k for k in data if k not in _KEYS]
    if unknown:
        problems.append(f"unknown key {unknown[0]!r} (the keys are reason, scores, verdict, both_poor)")
    missing = [k for k in ("reason", "scores", "verdict") if k not in data]
    if missing:
        problems.append("missing " + ", ".join(missing))

    scores: dict[str, tuple[int, int]] = {}
    if "scores" in data:
        scores, score_problems = _score_problems(data["scores"], rubric, keys)
        problems += score_problems

    verdict = None
    if "verdict" in data:
        try:
            verdict = read_verdict(data["verdict"])
        except ValueError as exc:
            problems.append(f"verdict: {exc}")

    both_poor = data.get("both_poor", False)
    if isinstance(both_poor, str) and both_poor.strip().lower() in ("true", "false"):
        both_poor = both_poor.strip().lower() == "true"
    if not isinstance(both_poor, bool):
        problems.append(f"both_poor: {both_poor!r} is not true or false")

    reason = data.get("reason")
    if "reason" in data:
        if not isinstance(reason, str) or not reason.strip():
            problems.append("reason: must be a non-empty string")
        elif _placeholder(reason):
            # Small models copy the shape's placeholder ("...", "<reason>") instead of reasoning.
            problems.append(f"reason: {reason.strip()[:40]!r} is a placeholder; write one or two sentences on what decided the debate")
        else:
            reason = " ".join(reason.split())
            if len(reason) > REASON_MAX:  # hosted models without a grammar: keep, but bounded
                reason = reason[: REASON_MAX - 1].rstrip() + "…"

    if problems:
        shown = problems[:_MAX_PROBLEMS]
        more = len(problems) - len(shown)
        raise ValueError("; ".join(shown) + (f"; and {more} more" if more else ""))
    return Fields(scores=scores, verdict=verdict, both_poor=both_poor, reason=reason)  # type: ignore[arg-type]


def _named_verdict(raw: Any) -> Verdict:
    key = raw.strip().lower().replace(" ", "_").replace("-", "_") if isinstance(raw, str) else None
    if key in VERDICTS:
        return Verdict(key)
    raise ValueError(f"{raw!r} is not one of {', '.join(VERDICTS)}")


def _placeholder(reason: str) -> bool:
    text = reason.strip()
    letters = sum(ch.isalpha() for ch in text)
    return letters < 3 or (text.startswith("<") and text.endswith(">"))


def first_object(text: str) -> dict[str, Any]:
    decoder = json.JSONDecoder()
    first: dict[str, Any] | None = None
    failure: str | None = None
    starts = [i for i, ch in enumerate(text) if ch == "{"][:200]
    for start in starts:
        try:
            found, _ = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            failure = failure or f"the JSON does not parse: {exc.msg} at character {exc.pos - start} (was the reply cut off?)"
            continue
        if isinstance(found, dict):
            if any(k in found for k in _KEYS):
                return found
            first = first if first is not None else found
    if first is not None:
        return first
    raise ValueError(failure or "the reply holds no JSON object")


def _score_problems(raw: Any, rubric: Rubric, keys: tuple[str, str] = SIDE_KEYS) -> tuple[dict[str, tuple[int, int]], list[str]]:
    if not isinstance(raw, Mapping):
        return {}, [f"scores: must be an object with one entry per criterion ({', '.join(rubric.ids)})"]
    problems: list[str] = []
    unknown = [k for k in raw if k not in rubric.ids]
    if unknown:
        problems.append(f"scores: unknown criterion {unknown[0]!r} (the criteria are {', '.join(rubric.ids)})")
    missing = [cid for cid in rubric.ids if cid not in raw]
    if missing:
        problems.append("scores: missing " + ", ".join(missing))
    scores: dict[str, tuple[int, int]] = {}
    for criterion in rubric.criteria:
        entry = raw.get(criterion.id)
        if entry is None and criterion.id not in raw:
            continue
        where = f"scores.{criterion.id}"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be an object with {keys[0]} and {keys[1]}")
            continue
        extra = [k for k in entry if k not in keys]
        if extra:
            problems.append(f"{where}: unknown key {extra[0]!r} (only {keys[0]} and {keys[1]})")
        values: dict[str, int] = {}
        for side in keys:
            if side not in entry:
                problems.append(f"{where}.{side}: missing")
                continue
            value = _as_int(entry[side])
            if value is None:
                problems.append(f"{where}.{side}: {entry[side]!r} is not a whole number")
            elif not criterion.scale_min <= value <= criterion.scale_max:
                problems.append(f"{where}.{side}: {value} is outside {criterion.scale_min}..{criterion.scale_max}")
            else:
                values[side] = value
        if len(values) == 2:
            scores[criterion.id] = (values[keys[0]], values[keys[1]])
    return scores, problems


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None
