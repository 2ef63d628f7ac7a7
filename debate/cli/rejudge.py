"""`debate rejudge` and `debate compare`: grade stored transcripts with another panel, and
set two rankings side by side."""

from __future__ import annotations

from typing import Annotated

import typer

from debate import api
from debate.cli.common import DbOption, FormatOption, OutputFormat, TournamentOption, app, emit_json, err, out


@app.command()
def rejudge(
    judges: Annotated[list[str], typer.Option("--judges", "-j", help="a panel file (judges:, optionally panel: and rubric:) or model strings; repeat for several")],
    db: DbOption = None,
    tournament: TournamentOption = None,
    name: Annotated[str | None, typer.Option("--name", help="the new panel's tournament name (default: ORIGINAL-rejudged)")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="one line per judged debate")] = False,
) -> None:
    """Grade a finished tournament's stored transcripts with another panel (no debate re-run).

    The result is a new tournament linked to the original (nothing of it changes); compare the
    two with `debate compare`."""
    import anyio

    from debate.cli.progress import Progress
    from debate.cli.standings import print_standings

    target = db or "debate.db"
    progress = Progress(out, live=not quiet and out.is_terminal)
    try:
        summary = anyio.run(lambda: api.rejudge(judges, target, tournament=tournament, name=name, listener=progress.listener))
    except KeyboardInterrupt:
        progress.stop()
        err.print("interrupted: the ballots so far are stored; run the same command again to resume")
        raise SystemExit(130) from None
    finally:
        progress.stop()
    print_standings(target, summary.tournament, OutputFormat.table)
    with api.opened(target) as store:
        original = api.find_tournament(store, summary.tournament).config.get("rejudges")
    out.print(f"\ncompare the panels: debate compare {original} {summary.tournament} --db {summary.database}")
    if summary.failed:
        err.print(f"{summary.failed} of {summary.debates} debates could not be judged; first error: {summary.first_error}")
        raise SystemExit(1)


@app.command()
def compare(
    first: Annotated[str, typer.Argument(help="a tournament (e.g. the original)")],
    second: Annotated[str, typer.Argument(help="another tournament (e.g. its re-judging)")],
    db: DbOption = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Two rankings side by side: rank correlation, winner agreement per debate, who moved."""
    from rich.table import Table

    with api.opened(db or "debate.db") as store:
        result = api.compare(store, first, second)
    if format is OutputFormat.json:
        emit_json(result.model_dump(mode="json"))
        return
    view = Table(title=f"{result.first} (1) vs {result.second} (2)")
    for column in ("contestant", "rank 1", "rank 2", "moved", "rating 1", "rating 2", "wins 1", "wins 2"):
        view.add_column(column, justify="left" if column == "contestant" else "right")
    for r in result.rows:
        change = r.change
        moved = "" if change is None else "=" if change == 0 else f"{change:+d}"
        view.add_row(r.name, _text(r.rank_first), _text(r.rank_second), moved, _rating(r.rating_first, r.no_estimate_first), _rating(r.rating_second, r.no_estimate_second), _wins(r.wins_first), _wins(r.wins_second))
    out.print(view)
    out.print(f"judges: {result.first}: {', '.join(result.judges_first)}; {result.second}: {', '.join(result.judges_second)}")
    if result.kendall_tau is None:
        out.print(f"rank correlation: not meaningful ({result.contestants} contestants ranked in both, or no variation)")
    else:
        out.print(f"rank correlation over {result.contestants} contestants: Kendall's tau {result.kendall_tau:+.2f}, Spearman's rho {result.spearman_rho:+.2f}")
    if result.winner_agreement is None:
        out.print("no debate was judged in both")
    else:
        out.print(f"same winner in {result.debates - len(result.split)} of {result.debates} debates ({result.winner_agreement:.0%})")
    for d in result.split[:20]:
        out.print(f"  round {d.round}: {d.proposition} (prop) v {d.opposition} (opp): {d.winner_first} / {d.winner_second}")
    if len(result.split) > 20:
        out.print(f"  … and {len(result.split) - 20} more (--format json lists them all)")


def _rating(value: float | None, no_estimate: str | None) -> str:
    return f"{no_estimate} all" if no_estimate else _text(value)


def _text(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if isinstance(value, float) else str(value)


def _wins(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
