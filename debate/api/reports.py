"""Standings and scorecards of a stored tournament, and the scorecard's exports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from debate.reports.caveats import Caveat
    from debate.reports.export import ExportFormat
    from debate.reports.scorecard import Scorecard
    from debate.reports.standings import StandingsReport
    from debate.store import Store

def standings(store: Store, tournament: str | None = None) -> StandingsReport:
    """Live standings over the preliminary rounds, with ratings and what each contestant cost."""
    from debate.reports.standings import standings_report

    return standings_report(store, tournament)


def caveats(store: Store, tournament: str | None = None) -> list[Caveat]:
    """What makes the tournament's results untrustworthy, one plain sentence each, most
    serious first; empty when nothing is wrong."""
    from debate.reports.caveats import tournament_caveats

    return tournament_caveats(store, store.find_tournament(tournament).id or 0)


def caveat_headline(found: list[Caveat]) -> str:
    """The line the faces print above the caveats ("" when there are none)."""
    from debate.reports.caveats import headline

    return headline(found)


def scorecard(store: Store, tournament: str | None = None, *, base_dir: Path | None = None) -> Scorecard:
    """Everything the tournament produced, as one model; `base_dir` resolves a rubric file."""
    from debate.reports.scorecard import build_scorecard

    return build_scorecard(store, tournament, base_dir=base_dir)


def render_scorecard(card: Scorecard, fmt: ExportFormat) -> str:
    from debate.reports.export import render

    return render(card, fmt)


def write_scorecard(card: Scorecard, fmt: ExportFormat, path: str | Path) -> Path:
    """Write the export; returns the path written. OSError when it cannot be written."""
    from debate.reports.export import write

    return write(card, fmt, path)


def __getattr__(name: str) -> object:
    # The report types load on demand: the scorecard pulls in the ratings maths.
    if name == "Scorecard":
        from debate.reports.scorecard import Scorecard

        return Scorecard
    if name == "Caveat":
        from debate.reports.caveats import Caveat

        return Caveat
    if name == "StandingsReport":
        from debate.reports.standings import StandingsReport

        return StandingsReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
