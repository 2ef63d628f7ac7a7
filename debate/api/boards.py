"""Ratings: Bradley-Terry boards with intervals, from a tournament or any battle log.

The one rule for fitting a board lives here (`_fit`), for `debate ratings` and for the TUI's
ratings per criterion alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from debate.core.errors import UserError

if TYPE_CHECKING:
    from debate.store import Store
    from judges.ratings import Battles, RatingTable

By = Literal["criterion", "judge", "category", "language"]
Source = Literal["panel", "humans"]
CI = Literal["sandwich", "bootstrap"]
OVERALL = "all"  # the group of the one board when ratings are not split


@dataclass(frozen=True)
class RatingBoard:
    """One fitted board: `group` is the criterion id, judge, category or language it covers
    (`OVERALL` when not split); `battles` what it was fitted on."""

    group: str
    table: RatingTable
    battles: Battles | None = None


@dataclass(frozen=True)
class Ratings:
    boards: list[RatingBoard]
    by: By | None = None
    # Human scorers flagged as outliers against the panel and left out (source "humans").
    left_out_scorers: list[str] = field(default_factory=list)


def ratings(
    store: Store,
    tournament: str | None = None,
    *,
    by: By | None = None,
    source: Source = "panel",
    include_flagged: bool = False,
    ci: CI | None = "sandwich",
    style: bool = False,
    seed: int = 0,
    prior: float | None = None,
) -> Ratings:
    """The tournament's boards: one overall, or one per rubric criterion (a battle per final
    model ballot, won by the side it scored higher), motion category or language. `ci=None`
    fits point ratings only. Boards come in battle order (criteria as the ballots list them)."""
    _check(ci, source)
    from debate.verdicts import criterion_battles, tournament_battles

    row = store.find_tournament(tournament)
    tid = row.id or 0
    left_out: list[str] = []
    if by == "criterion":
        groups = criterion_battles(store, tid)
    else:
        if source == "humans" and not include_flagged:
            from debate.reports.scorecard import build_scorecard

            left_out = build_scorecard(store, row.name).agreement.flagged_scorers
        battles = tournament_battles(store, tid, source=source, exclude_scorers=left_out, per_ballot=by == "judge")
        groups = {} if battles is None else _split(battles, by)
    return Ratings(boards=_fit(groups, ci=ci, style=style, seed=seed, prior=prior), by=by, left_out_scorers=left_out)


def battle_log_ratings(path: str | Path, *, by: By | None = None, ci: CI | None = "sandwich", style: bool = False, seed: int = 0, prior: float | None = None) -> Ratings:
    """Boards from a CSV battle log (model_a, model_b, winner, optional label columns)."""
    _check(ci, "panel")
    from judges.ratings import read_battles_csv

    log = read_battles_csv(path)
    if by == "criterion":
        raise UserError("--by criterion needs a tournament's ballots, not a battle log")
    groups = _split(log, by)
    return Ratings(boards=_fit(groups, ci=ci, style=style, seed=seed, prior=prior), by=by)


def criterion_names(store: Store, tournament: str | None, base_dir: Path) -> dict[str, str]:
    """Rubric criterion id -> name, in the rubric's order; empty when the rubric cannot load
    (a rubric file can be moved or edited after the run; its ratings still stand)."""
    from pydantic import ValidationError

    from debate.api.running import tournament_rubric
    from debate.api.scoring import stored_config

    try:
        rubric = tournament_rubric(stored_config(store, store.find_tournament(tournament).id or 0), base_dir)
    except (UserError, ValidationError, OSError):
        return {}
    return {c.id: c.name for c in rubric.criteria}


def current_ratings(store: Store, tournament: str | None = None) -> dict[str, float]:
    """Each rated contestant's rating so far (side term fitted, no split); empty before any
    verdict."""
    from debate.verdicts import tournament_ratings

    table = tournament_ratings(store, store.find_tournament(tournament).id or 0)
    return {} if table is None else {r.name: r.rating for r in table.rows}


def win_probability(rating_a: float, rating_b: float) -> float:
    """The chance that a contestant rated `rating_a` beats one rated `rating_b`."""
    from judges.ratings import win_probability as probability

    return float(probability(rating_a, rating_b))


def _check(ci: str | None, source: str) -> None:
    if ci not in ("sandwich", "bootstrap", None):
        raise UserError(f"--ci must be sandwich or bootstrap, not {ci!r}")
    if source not in ("panel", "humans"):
        raise UserError(f"--source must be panel or humans, not {source!r}")


def _fit(groups: dict[str, Battles], *, ci: CI | None, style: bool, seed: int, prior: float | None) -> list[RatingBoard]:
    from judges.ratings import bradley_terry

    # Style control needs a style feature, the side term needs known sides: each only where the
    # battles carry it (a battle log may have neither).
    return [
        RatingBoard(group, bradley_terry(b, ci=ci, seed=seed, prior=prior, style=style and b.style is not None, side=b.a_is_proposition is not None), b)
        for group, b in groups.items()
    ]


def _split(battles: Battles, by: By | None) -> dict[str, Battles]:
    if by is None:
        return {OVERALL: battles}
    import numpy as np

    values = (battles.labels or {}).get(by)
    if values is None:
        raise UserError(f"the battle log has no '{by}' column")
    labels = np.asarray(values)
    return {str(v): battles.subset(labels == v) for v in sorted(set(labels.tolist()))}


def separability(table: RatingTable) -> float:
    """The share of contestant pairs whose 95% intervals do not overlap (needs intervals)."""
    from judges.ratings import separability as share

    return share(table)
