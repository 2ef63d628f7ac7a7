"""`debate standings`: W-L-T in whole debates, points, ballots, ratings; also printed after
every run. Caveats that make the ranking untrustworthy come first, above the table; what the
table leaves out (voided debates) is said under it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from debate import api
from debate.cli.common import DbOption, FormatOption, OutputFormat, TournamentOption, app, bound, emit_json, out

if TYPE_CHECKING:
    from rich.console import Console

    from debate.api import Caveat


@app.command()
def standings(db: DbOption = None, tournament: TournamentOption = None, format: FormatOption = OutputFormat.table) -> None:
    """Standings of a tournament: W-L-T (whole debates), points (a tie is 1/2), ballots, ratings."""
    print_standings(db or "debate.db", tournament, format)


def print_standings(db: str, tournament: str | None, format: OutputFormat) -> None:
    with api.opened(db, read_only=True) as store:
        report = api.standings(store, tournament)
    if format is OutputFormat.json:
        emit_json(report.model_dump(mode="json"))
        return
    from rich.markup import escape
    from rich.table import Table

    print_caveats(out, report.caveats)
    if report.bracket is not None:
        out.print(f"[bold]{escape(report.bracket.headline())}[/]")
    title = "Preliminary standings" if report.bracket is not None else "Standings"
    view = Table(title=f"{title}: {report.tournament} ({report.status}, {report.pairing})")
    columns = ("#", "contestant", "debates", "W", "L", "T", "points", "ballots", "score", "opp str", "rating (95% CI)", "tokens", "cost")
    for column in columns:
        view.add_column(column, justify="left" if column == "contestant" else "right")
    for r in report.rows:
        usage = report.per_contestant_usage.get(r.name, {})
        rating = placement(r.no_estimate, r.rating_lower, r.rating_upper) if r.no_estimate else "" if r.rating is None else f"{r.rating:.0f} ({bound(r.rating_lower)}-{bound(r.rating_upper)})"
        view.add_row(
            str(r.rank), r.name, str(r.debates), str(r.wins), str(r.losses), str(r.ties),
            f"{r.points:g}", f"{r.ballots:g}", f"{r.score_total:.1f}", f"{r.opponent_strength:g}", rating,
            str(usage.get("completion_tokens", 0)), f"${usage.get('cost_usd', 0.0):.4f}",
        )
    out.print(view)
    for note in report.notes:
        out.print(note, markup=False, highlight=False)
    if report.bracket is not None:
        print_bracket(report.bracket)
    if report.side_advantage:
        out.print(f"proposition advantage: {api.side_advantage_text(report.side_advantage)}")
    usage = report.usage
    out.print(f"ranked by {', '.join(report.tie_breaks)} (a win is 1 point, a tie 1/2); {usage['calls']} model calls, {usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion tokens, cost ${usage['cost_usd']:.4f}")


def placement(no_estimate: str, lower: float | None, upper: float | None) -> str:
    """Where a contestant without a finite rating stands ("above"/"below" all), with its one finite bound."""
    end, sign = (lower, ">=") if no_estimate == "above" else (upper, "<=")
    return f"{no_estimate} all" + ("" if end is None else f" ({sign} {end:.0f})")


def print_bracket(bracket: api.BracketReport) -> None:
    """The knockout, a round per line group: seeds, who went through and how."""
    moved = " as they stood at the break; they have changed since" if bracket.standings_moved else ""
    out.print("\n[bold]Knockout[/] (the top {} of the preliminary standings{})".format(len(bracket.seeds), moved))
    for r in bracket.rounds:
        out.print(f"  round {r.round}, {r.stage}:", markup=False)
        for m in r.matches:
            pair = f"({m.proposition_seed}) {m.proposition} v ({m.opposition_seed}) {m.opposition}"
            through = "to be judged" if m.winner is None else f"{m.winner} through" + ("" if m.decided_by == "panel" else f" (a tie, settled by the {m.decided_by})" if m.decided_by != "forfeit" else " (forfeit)")
            out.print(f"    {pair}: {through}" + (f"  [debate {m.debate_id}]" if m.debate_id else ""), markup=False, highlight=False)
        for name in r.byes:
            out.print(f"    ({bracket.seeds.index(name) + 1}) {name}: a bye", markup=False, highlight=False)
    if bracket.champion:
        out.print(f"  champion: {bracket.champion}", markup=False, highlight=False)


def print_caveats(console: Console, caveats: list[Caveat]) -> None:
    """The caveats in bold yellow under their headline, so they cannot be read past."""
    if not caveats:
        return
    from rich.markup import escape

    console.print(f"[bold yellow]{api.caveat_headline(caveats)}[/]")
    for caveat in caveats:
        console.print(f"[bold yellow]  ! {escape(caveat.sentence)}[/]")
    console.print()
