"""`debate export`: scorecards written as json, csv, md or html."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from debate import api
from debate.cli.common import DbOption, TournamentOption, app, out
from debate.core.errors import UserError


class ExportFormat(str, Enum):
    json = "json"
    csv = "csv"
    md = "md"
    html = "html"


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="json (with schema_version), csv (a row per ballot), md, or html (one self-contained file)")],
    out_path: Annotated[Path, typer.Option("--out", help="file to write")],
    db: DbOption = None,
    tournament: TournamentOption = None,
) -> None:
    """Scorecards: every debate and ballot, every contestant, the leaderboard, judge agreement."""
    with api.opened(db, read_only=True) as store:
        card = api.scorecard(store, tournament)
    try:
        written = api.write_scorecard(card, format.value, out_path)
    except OSError as exc:
        raise UserError(f"cannot write {out_path}: {exc.strerror or exc}") from None
    out.print(f"wrote {written} ({format.value}, {len(card.debates)} debates)")
