"""The scorecard as CSV: one row per ballot (columns documented in `debate.reports.export`)."""

from __future__ import annotations

import csv
import io

from debate.reports.export.text import number, qualification_word
from debate.reports.scorecard import BallotCard, Scorecard

CSV_LEAD = (
    "tournament", "debate_id", "round", "motion_key", "category", "language", "proposition", "opposition",
    "debate_winner", "judge", "judge_model", "kind", "stage", "verdict", "ballot_winner", "both_poor", "abstained",
)
# judge_qualification came later: last, so every older column keeps its position.
CSV_TAIL = ("findings", "reason", "judge_qualification")

# A cell starting with one of these is run as a formula by spreadsheets.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_columns(scorecard: Scorecard) -> list[str]:
    criteria = [c.id for c in scorecard.tournament.rubric.criteria]
    return [*CSV_LEAD, *(f"{cid}_{side}" for cid in criteria for side in ("proposition", "opposition")), *CSV_TAIL]


def _safe(text: str | None) -> str:
    """Free text for a spreadsheet cell: never a formula."""
    value = text or ""
    return "'" + value if value.startswith(_FORMULA) else value


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _score_cells(ballot: BallotCard, criteria: list[str]) -> list[str]:
    cells = []
    for cid in criteria:
        side = ballot.scores.get(cid)
        cells += ["" if side is None or side.proposition is None else number(side.proposition),
                  "" if side is None or side.opposition is None else number(side.opposition)]
    return cells


def render_csv(scorecard: Scorecard) -> str:
    criteria = [c.id for c in scorecard.tournament.rubric.criteria]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_columns(scorecard))
    name = _safe(scorecard.tournament.name)
    qualified = {j.judge: qualification_word(j) for j in scorecard.qualifications}
    for d in scorecard.debates:
        for b in d.ballots:
            writer.writerow([
                name, d.id, d.round, _safe(d.motion.key), _safe(d.motion.category), _safe(d.motion.language),
                _safe(d.proposition), _safe(d.opposition), d.winner or "", _safe(b.judge), _safe(b.judge_model), _safe(b.kind), _safe(b.stage),
                b.verdict or "", b.winner or "", _flag(b.both_poor), _flag(b.abstained), *_score_cells(b, criteria), len(d.findings), _safe(b.reason),
                "" if b.kind == "human" else qualified.get(b.judge, ""),
            ])
    return buffer.getvalue()
