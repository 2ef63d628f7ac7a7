"""Scorecard renderers: JSON, CSV, Markdown and one self-contained HTML page.

`render(scorecard, fmt)` returns the text; `write(scorecard, fmt, path)` writes it (UTF-8).

- json: `Scorecard.model_dump_json(indent=2)`; it validates against `SCORECARD_JSON_SCHEMA`
  and carries `schema_version`.
- csv: one row per ballot (model and human, every stage), debates in id order, ballots in the
  order they were stored. Columns, always in this order (`csv_columns(scorecard)`):

      tournament, debate_id, round, motion_key, category, language, proposition, opposition,
      debate_winner, judge, judge_model, kind, stage, verdict, ballot_winner, both_poor,
      abstained, <criterion>_proposition, <criterion>_opposition (for every rubric criterion,
      in rubric order), findings, reason, judge_qualification

  `debate_winner` is the panel's winner (proposition | opposition | tie; empty when the debate
  has none), `ballot_winner` this ballot's; `both_poor` and `abstained` are `true`/`false`;
  a criterion the ballot did not score is empty; `findings` is the number of rule-check
  findings in the debate; `judge_qualification` is the model judge's standing on control
  debates (passed | flagged | not tested; empty for human scorers). The caveats, the judge
  tables, the pairs' matrices and the rating over rounds have no row here: the other formats
  carry them. Written by the csv module
  (quoted where needed, `\\r\\n` line ends). Free text that a spreadsheet would run as a
  formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with a `'`.
- Every format but csv opens with the scorecard's caveats (Markdown: a blockquote under the
  title; HTML: a warning box above everything), when there are any.
- md: a readable report: leaderboard (with rank ranges and how they were found), rating over
  rounds (a contestant-by-round table), contestants, win rates (observed, predicted and
  rated-debate count as three tables), judge agreement (with the
  judges' winner agreement matrix and presented-side bias), judge qualification, side
  balance, excluded debates, then every debate with its ballots' scores, reasons and
  findings. Text from debaters and judges is backslash-escaped, so it can never become
  markup.
- html: one file, no scripts, no external fonts, images or style sheets: inline CSS and inline
  SVG charts (ratings with 95% interval bars, the rating over rounds as lines with interval
  bands, observed win rate, predicted win probability and battle count per pair as three
  heatmaps side by side, a contestant-by-criterion and a contestant-by-category heatmap), the
  leaderboard, judge agreement (winner agreement
  matrix, presented-side bias), judge qualification, side balance, excluded debates and a
  collapsible section per debate. Every piece of text is escaped with `html.escape`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from debate.reports.export.to_csv import CSV_LEAD, CSV_TAIL, csv_columns, render_csv
from debate.reports.export.to_html import render_html
from debate.reports.export.to_json import SCORECARD_JSON_SCHEMA, render_json
from debate.reports.export.to_markdown import render_markdown
from debate.reports.scorecard import Scorecard

__all__ = [
    "CSV_LEAD", "CSV_TAIL", "FORMATS", "SCORECARD_JSON_SCHEMA", "ExportFormat",
    "csv_columns", "render", "render_csv", "render_html", "render_json", "render_markdown", "write",
]

ExportFormat = Literal["json", "csv", "md", "html"]
FORMATS: tuple[str, ...] = ("json", "csv", "md", "html")
_RENDERERS = {"json": render_json, "csv": render_csv, "md": render_markdown, "html": render_html}


def render(scorecard: Scorecard, fmt: ExportFormat) -> str:
    """The scorecard as text in `fmt` (json, csv, md or html)."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return renderer(scorecard)


def write(scorecard: Scorecard, fmt: ExportFormat, out_path: str | Path) -> Path:
    """Render and write to `out_path` (parents created); returns the path."""
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(scorecard, fmt)
    # csv carries its own \r\n line ends; newline="" keeps them as they are.
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path
