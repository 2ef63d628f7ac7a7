"""The rubric a scorecard reports on: given, from the stored config, or read off the ballots."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from judges.rubric import Rubric, load_rubric, rubric_from_data

from debate.reports.scorecard.model import CriterionInfo, RubricInfo
from debate.store import scorecard as q


def rubric_info(config: Mapping[str, Any], given: Rubric | None, base_dir: Path | None, ballots: Sequence[q.BallotFacts], notes: list[str]) -> RubricInfo:
    if given is not None:
        return _info(given, "given")
    spec = config.get("rubric", "default")
    try:
        if isinstance(spec, dict):
            return _info(rubric_from_data(spec, "stored config", prefix=("rubric",)), "inline")
        spec = str(spec)
        if "/" in spec or "\\" in spec or spec.endswith((".yaml", ".yml")):
            path = Path(spec)
            if not path.is_absolute():
                path = (base_dir or Path.cwd()) / path
            return _info(load_rubric(path), "file")
        return _info(load_rubric(spec), "shipped")
    except Exception as exc:  # noqa: BLE001 - any failure to read it: fall back on the ballots
        notes.append(f"rubric {spec!r} could not be loaded ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}); criteria taken from the ballots")
    return _inferred(ballots, str(spec))


def _info(rubric: Rubric, source: str) -> RubricInfo:
    return RubricInfo(
        name=rubric.name, source=source,
        criteria=[CriterionInfo(id=c.id, name=c.name, weight=c.weight, scale_min=c.scale_min, scale_max=c.scale_max) for c in rubric.criteria],
    )


def _inferred(ballots: Sequence[q.BallotFacts], name: str) -> RubricInfo:
    seen: dict[str, list[float]] = {}
    for b in ballots:
        for cid, sides in b.scores.items():
            seen.setdefault(cid, []).extend(float(v) for v in sides.values())
    criteria = []
    for cid, values in seen.items():
        low = math.floor(min(values)) if values else 1
        high = math.ceil(max(values)) if values else 5
        criteria.append(CriterionInfo(id=cid, name=cid.replace("_", " ").capitalize(), scale_min=int(low), scale_max=int(max(high, low + 1))))
    return RubricInfo(name=name, source="inferred", criteria=criteria)
