"""The scorecard's judge qualification table: each panel judge's latest adjudication test on
control debates (`debate judges test`), or "not tested" when it has none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from debate.reports.scorecard.model import JudgeQualificationInfo
from debate.reports.scorecard.tallies import num
from debate.store import StoredQualification

_FIGURES = ("accuracy", "position_consistency", "preference_fairness", "repetition_stability", "score_spread", "distinct_scores", "echo_share")
_COUNTS = ("controls", "ballots", "abstentions")


def qualification_table(panel: Mapping[str, str], stored: Sequence[StoredQualification]) -> list[JudgeQualificationInfo]:
    """`panel`: the tournament's model judges (name -> model), in panel order. Judges tested
    for the tournament but not on its panel (an earlier panel, a re-judging one) follow."""
    tested = {s.judge: s for s in stored}
    names = [*panel, *sorted(name for name in tested if name not in panel)]
    return [_info(name, panel.get(name, ""), tested.get(name)) for name in names]


def _info(judge: str, model: str, stored: StoredQualification | None) -> JudgeQualificationInfo:
    if stored is None:
        return JudgeQualificationInfo(judge=judge, judge_model=model, tested=False)
    result: Mapping[str, Any] = stored.result
    return JudgeQualificationInfo(
        judge=judge, judge_model=stored.judge_model or model, tested=True, tested_at=stored.created_at,
        **{key: result.get(key) for key in _COUNTS},
        **{key: num(result[key]) if result.get(key) is not None else None for key in _FIGURES},
        flagged=stored.flagged, problems=[str(p) for p in result.get("problems") or []],
    )

