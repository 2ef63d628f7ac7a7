"""Reading a stored tournament: `debate draw`, `debates`, `show` and `tournaments`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from debate import api
from debate.cli.common import DbOption, FormatOption, OutputFormat, TournamentOption, app, emit_json, out

# judges.ballot.VERDICTS in the scale's order, written out: importing it loads the rubric
# machinery (about 0.2 s), and `show` must start fast.
SCALE_ORDER = {v: i for i, v in enumerate(("proposition_clearly", "proposition_slightly", "tie", "opposition_slightly", "opposition_clearly"))}


@app.command()
def draw(round_number: Annotated[int, typer.Argument(metavar="ROUND", min=1, max=2**63 - 1, help="round number")], db: DbOption = None, tournament: TournamentOption = None, format: FormatOption = OutputFormat.table) -> None:
    """A round's draw and why it is what it is: brackets, pull-ups, swaps, sides, byes."""
    with api.opened(db, read_only=True) as store:
        stored = api.round_draw(store, tournament, round_number)
    if format is OutputFormat.json:
        emit_json({"tournament": stored.tournament, "round": stored.round, "stage": stored.stage, "status": stored.status, "motion": stored.motion, **stored.draw.model_dump(mode="json")})
        return
    from rich.table import Table

    method = stored.draw.method or "round-robin"
    out.print(f"[bold]Round {stored.round}[/] of {stored.tournament}: {stored.stage}, {method}, {stored.status}" + (f", motion {stored.motion}" if stored.motion else ""))
    view = Table()
    for column in ("proposition", "opposition", "bracket", "flags"):
        view.add_column(column)
    for p in stored.draw.pairings:
        bracket = "" if p.bracket is None else f"{p.bracket:g}"
        if p.seeds:
            bracket = f"seeds {p.seeds[0]} v {p.seeds[1]}"
        view.add_row(p.proposition, p.opposition, bracket, ", ".join(p.flags))
    out.print(view)
    if stored.draw.byes:
        out.print(f"bye: {', '.join(stored.draw.byes)}")
    for note in stored.draw.notes:
        out.print(f"- {note}")


@app.command()
def debates(db: DbOption = None, tournament: TournamentOption = None, format: FormatOption = OutputFormat.table) -> None:
    """List a tournament's debates with their ids, status and winner (voided ones marked)."""
    with api.opened(db, read_only=True) as store:
        row = api.find_tournament(store, tournament)
        rows = api.debates(store, row.name)
    if format is OutputFormat.json:
        emit_json([r.model_dump() for r in rows])
        return
    from rich.table import Table

    view = Table(title=f"Debates: {row.name}")
    for column in ("id", "round", "proposition", "opposition", "motion", "status", "winner"):
        view.add_column(column)
    for r in rows:
        view.add_row(str(r.id), str(r.round), r.proposition, r.opposition, r.motion, f"{r.status}, voided" if r.voided else r.status, r.winner or "")
    out.print(view)


@app.command()
def show(debate_id: Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="debate id (see `debate debates`)")], db: DbOption = None, format: FormatOption = OutputFormat.table) -> None:
    """A debate's transcript and ballots."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    with api.opened(db, read_only=True) as store:
        detail = api.debate(store, debate_id)
    if format is OutputFormat.json:
        emit_json(detail.model_dump(mode="json"))
        return
    out.print(f"[bold]Debate {detail.id}[/] of {detail.tournament}, round {detail.round} ({detail.format})")
    out.print(f"Motion: {detail.motion.text}")
    out.print(f"Proposition: {detail.proposition}    Opposition: {detail.opposition}\n")
    for speech in detail.speeches:
        speaker = detail.proposition if speech.side.value == "proposition" else detail.opposition
        # Text objects, not markup: a speech is model output and may hold anything in brackets.
        title = Text(f"{speech.index + 1}. {speech.side.label} {speech.role} - {speaker}")
        out.print(Panel(Text(speech.text or "(empty)"), title=title, title_align="left"))
    if detail.findings:
        out.print("[bold]Rule-check findings[/]")
        for f in detail.findings:
            out.print(f"  speech {f.speech_idx + 1} ({f.side}) · {f.kind} · {f.severity}: {f.detail}", markup=False, highlight=False)
    else:
        out.print("Rule-check findings: none")
    for ballot in detail.ballots:
        verdict = "abstained" if ballot.abstained else "a tie" if ballot.winner == "tie" else f"{ballot.winner} wins"
        if ballot.margin is not None:
            verdict += f" (margin {ballot.margin:+g})"
        out.print(f"[bold]{escape(ballot.judge)}[/] ({escape(ballot.judge_model)}, {ballot.stage}): {verdict}. {escape(ballot.reason)}", highlight=False)
        for order in (o for o in detail.order_ballots if o.judge == ballot.judge and o.stage == ballot.stage):
            said = "abstained" if order.abstained else (order.verdict or "").replace("_", " ")
            if order.probabilities:
                # In the scale's order, proposition clearly to opposition clearly, as the verdict reads.
                scale = sorted(order.probabilities.items(), key=lambda item: SCALE_ORDER.get(item[0], len(SCALE_ORDER)))
                said += " (p: " + ", ".join(f"{v.replace('_', ' ')} {p:.2f}" for v, p in scale if p >= 0.05) + ")"
            out.print(f"    {order.label_a} shown as Debater A: {said}", markup=False, highlight=False)
        if ballot.consistent is False:
            out.print("    the two orders named different winners (position-inconsistent)", markup=False)
        if ballot.scores:
            out.print(_criterion_scores(ballot.scores))
    status = f"winner: {detail.winner}" if detail.winner else f"status: {detail.status}"
    out.print(f"\n{status}" + (f" ({escape(detail.error)})" if detail.error else ""))
    if detail.excluded:
        out.print(f"voided: {detail.excluded_reason or 'excluded from ratings'}; left out of the ratings and the standings", markup=False, highlight=False)


def _criterion_scores(scores: dict[str, dict[str, float]]) -> Any:
    """A ballot's scores per rubric criterion, proposition beside opposition."""
    from rich.table import Table

    view = Table(box=None, padding=(0, 2), show_edge=False)
    view.add_column("    criterion")
    view.add_column("proposition", justify="right")
    view.add_column("opposition", justify="right")
    for criterion, by_side in scores.items():
        view.add_row(f"    {criterion}", f"{by_side.get('proposition', 0):g}", f"{by_side.get('opposition', 0):g}")
    return view


@app.command()
def tournaments(db: DbOption = None, format: FormatOption = OutputFormat.table) -> None:
    """Tournaments stored in a database."""
    with api.opened(db, read_only=True) as store:
        rows = api.tournaments(store)
    if format is OutputFormat.json:
        emit_json([r.model_dump(mode="json", exclude={"config"}) for r in rows])
        return
    from rich.table import Table  # here, not above: a script asking for JSON needs no tables

    view = Table(title="Tournaments")
    for column in ("id", "name", "status", "debates", "judged", "failed", "created"):
        view.add_column(column)
    for r in rows:
        view.add_row(str(r.id), r.name, r.status, str(r.debates), str(r.judged), str(r.failed), r.created_at.strftime("%Y-%m-%d %H:%M"))
    out.print(view)
