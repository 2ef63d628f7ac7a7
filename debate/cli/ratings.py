"""`debate ratings`: Bradley-Terry ratings with 95% intervals, from a tournament or a battle log."""

from __future__ import annotations

import sys
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from debate import api
from debate.cli.common import DbOption, TournamentOption, app, bound, emit_json, err, out
from debate.cli.standings import print_caveats
from debate.core.errors import UserError


class RatingsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class RatingsBy(str, Enum):
    overall = "overall"
    criterion = "criterion"
    judge = "judge"
    category = "category"
    language = "language"


@app.command()
def ratings(
    db: DbOption = None,
    tournament: TournamentOption = None,
    battles: Annotated[
        Path | None,
        typer.Option(
            "--battles",
            help="rate a CSV battle log (model_a, model_b, winner; optional proposition, debate_id, judge, criterion, motion, category, language) instead of a tournament",
        ),
    ] = None,
    by: Annotated[
        RatingsBy, typer.Option("--by", help="one board overall, or one per rubric criterion, judge (each judge's ballots), motion category or language")
    ] = RatingsBy.overall,
    ci: Annotated[str, typer.Option("--ci", help="sandwich or bootstrap intervals (clustered by debate when the battles name their debates)")] = "sandwich",
    prior: Annotated[
        str,
        typer.Option(
            "--prior",
            metavar="auto|none|SIGMA",
            help="auto: no prior; a contestant that never won (never lost) is listed below (above) everyone without a rating of its own"
            " and the others are fitted without it; a N(0, 174 points) prior only if the others still have no estimate."
            " SIGMA: fit everyone under a N(0, SIGMA^2) prior, SIGMA in rating points. none: never a prior",
        ),
    ] = "auto",
    export_battles: Annotated[
        Path | None,
        typer.Option("--export-battles", help="also write the battles behind the boards as a CSV battle log (the form --battles reads)"),
    ] = None,
    style: Annotated[bool, typer.Option("--style", help="control for speech length (LMArena's style control); raw ratings kept beside")] = False,
    source: Annotated[str, typer.Option("--source", help="panel (the judges' verdicts) or humans (human scorers' ballots)")] = "panel",
    include_flagged: Annotated[bool, typer.Option("--include-flagged", help="with --source humans: keep scorers flagged as outliers against the panel")] = False,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = 0,
    format: Annotated[RatingsFormat, typer.Option("--format")] = RatingsFormat.table,
) -> None:
    """Bradley-Terry ratings with 95% intervals, from a tournament or any battle log."""
    split = None if by is RatingsBy.overall else by.value
    precision = api.ratings_prior(prior)
    caveats: list[api.Caveat] = []  # a battle log has no tournament, no judges to doubt
    if battles is not None:
        result = api.battle_log_ratings(battles, by=split, ci=ci, style=style, seed=seed, prior=precision)  # type: ignore[arg-type]
    else:
        with api.opened(db, read_only=True) as store:
            result = api.ratings(store, tournament, by=split, source=source, include_flagged=include_flagged, ci=ci, style=style, seed=seed, prior=precision)  # type: ignore[arg-type]
            if source == "panel":  # the caveats judge the panel's verdicts, not human scorers
                caveats = api.caveats(store, tournament)
        if result.left_out_scorers:
            err.print(f"left out scorers flagged as outliers against the panel: {', '.join(result.left_out_scorers)} (--include-flagged keeps them)")
    if not result.boards:
        if source == "humans":
            kept = " left after the flagged scorers (--include-flagged keeps them)" if result.left_out_scorers else " yet (debate score adds them)"
            raise UserError(f"no human ballots to rate{kept}")
        raise UserError("no judged debates to rate yet")
    if export_battles is not None:
        written = api.write_battles(result, export_battles)
        err.print(f"wrote {written} battles to {export_battles}")
    # Above the table; on stderr when stdout carries JSON or CSV, which must stay parseable.
    print_caveats(out if format is RatingsFormat.table else err, caveats)
    rows: list[dict[str, Any]] = [
        {**({split: board.group} if split else {}), **asdict(row), "interval_method": board.table.interval_method}
        for board in result.boards
        for row in board.table.rows
    ]
    if format is RatingsFormat.json:
        emit_json(rows)
    elif format is RatingsFormat.csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["name"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_boards(result.boards, split, style)


def _print_boards(boards: list[api.RatingBoard], split: str | None, style: bool) -> None:
    from rich.table import Table

    for board in boards:
        table = board.table
        title = f"Ratings: {split} {board.group}" if split else "Ratings"
        view = Table(title=f"{title} ({table.battles} battles, {table.interval_method or 'no intervals'})")
        for column in ("#", "name", "rating", "95% interval", "battles", "W", "L", "T") + (("raw rating",) if style else ()):
            view.add_column(column, justify="left" if column == "name" else "right")
        for rank, r in enumerate(table.rows, 1):
            extra = (f"{r.raw_rating:.0f}" if r.raw_rating is not None else "",) if style else ()
            rating = f"{r.rating:.0f}" if r.no_estimate is None else f"{r.no_estimate} all"
            # A contestant without a finite estimate has an interval open on its side.
            interval = f"<= {bound(r.upper)}" if r.no_estimate == "below" else f">= {bound(r.lower)}" if r.no_estimate == "above" else f"{bound(r.lower)} - {bound(r.upper)}"
            view.add_row(str(rank), r.name, rating, interval, str(r.battles), str(r.wins), str(r.losses), str(r.ties), *extra)
        out.print(view)
        if table.side_advantage is not None:
            out.print(f"proposition advantage: {api.side_advantage_text(table.side_advantage)}")
        if table.rows and table.ci:
            out.print(f"separability: {api.separability(table):.0%} of pairs have non-overlapping intervals")
        for note in table.notes:
            out.print(f"note: {note}")

