"""Standings and scorecards of a stored tournament (with each pair's observed and predicted
record, and the ratings after each round), the scorecard's exports, and the ratings' battle
log (export, and the prior option of `debate ratings`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from debate.core.errors import UserError

if TYPE_CHECKING:
    from debate.api.boards import Ratings
    from debate.reports.caveats import Caveat
    from debate.reports.export import ExportFormat
    from debate.reports.rating_history import RatingHistory
    from debate.reports.scorecard import Scorecard, WinRateMatrix
    from debate.reports.bracket import BracketReport
    from debate.reports.standings import StandingsReport
    from debate.store import Store
    from judges.ratings import SideAdvantage

def standings(store: Store, tournament: str | None = None) -> StandingsReport:
    """Live standings over the preliminary rounds, with ratings and what each contestant cost."""
    from debate.reports.standings import standings_report

    return standings_report(store, tournament)


def pairwise(store: Store, tournament: str | None = None, order: list[str] | None = None) -> WinRateMatrix:
    """Each pair's observed win rate, the ratings' predicted win probability and their count of
    rated debates; rows and columns in `order` (default: the rated best first)."""
    from debate.reports.pairwise import pairwise_report

    return pairwise_report(store, tournament, order)


def rating_history(store: Store, tournament: str | None = None) -> RatingHistory:
    """The ratings (with intervals and rank ranges) after each completed round, fitted on the
    rated debates up to it."""
    from debate.reports.rating_history import rating_history as history

    return history(store, store.find_tournament(tournament).id or 0)


def caveats(store: Store, tournament: str | None = None) -> list[Caveat]:
    """What makes the tournament's results untrustworthy, one plain sentence each, most
    serious first; empty when nothing is wrong."""
    from debate.reports.caveats import tournament_caveats

    return tournament_caveats(store, store.find_tournament(tournament).id or 0)


def caveat_headline(found: list[Caveat]) -> str:
    """The line the faces print above the caveats ("" when there are none)."""
    from debate.reports.caveats import headline

    return headline(found)


def side_advantage_text(side: SideAdvantage) -> str:
    """The proposition's edge as the faces print it, with its interval."""
    from debate.reports.side import side_advantage_text as text

    return text(side)


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


def write_battles(result: Ratings, path: str | Path) -> int:
    """Write the battles behind `result`'s boards as a CSV battle log (model_a, model_b, winner,
    proposition, debate_id, then labels such as judge), the form `battle_log_ratings` reads and
    LMArena-style tools take; returns the rows written. UserError when it cannot be written."""
    from judges.ratings import write_battles_csv

    boards = [board.battles for board in result.boards if board.battles is not None]
    try:
        return write_battles_csv(path, boards)
    except OSError as error:
        raise UserError(f"{path}: cannot write the battles ({error.strerror or error})") from None


def ratings_prior(option: str) -> float | None:
    """`debate ratings --prior`: "auto" -> None (no prior unless the fit has no estimate even
    with the contestants that never won or never lost set apart), "none" -> 0.0 (never a prior),
    SIGMA -> the precision of a N(0, SIGMA^2) prior on every rating, SIGMA in rating points."""
    from judges.ratings import SCALE

    text = option.strip().lower()
    if text in ("auto", "none"):
        return None if text == "auto" else 0.0
    try:
        sigma = float(text)
    except ValueError:
        sigma = float("nan")
    if not sigma > 0 or sigma == float("inf"):
        raise UserError(f"--prior must be auto, none or a standard deviation in rating points (e.g. 200), not {option!r}")
    return (SCALE / sigma) ** 2


def __getattr__(name: str) -> object:
    # The report types load on demand: the scorecard pulls in the ratings maths.
    if name == "Scorecard":
        from debate.reports.scorecard import Scorecard

        return Scorecard
    if name == "Caveat":
        from debate.reports.caveats import Caveat

        return Caveat
    if name == "BracketReport":
        from debate.reports.bracket import BracketReport

        return BracketReport
    if name == "RatingHistory":
        from debate.reports.rating_history import RatingHistory

        return RatingHistory
    if name == "WinRateMatrix":
        from debate.reports.scorecard import WinRateMatrix

        return WinRateMatrix
    if name == "StandingsReport":
        from debate.reports.standings import StandingsReport

        return StandingsReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
