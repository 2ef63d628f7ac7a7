"""The scorecard as JSON: the data model itself, validated by `SCORECARD_JSON_SCHEMA`."""

from __future__ import annotations

from debate.reports.scorecard import Scorecard

SCORECARD_JSON_SCHEMA = Scorecard.model_json_schema()


def render_json(scorecard: Scorecard) -> str:
    return scorecard.model_dump_json(indent=2)
