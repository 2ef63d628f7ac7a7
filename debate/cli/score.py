"""`debate score`: a human scorer grades debates blind, on the tournament's rubric."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from debate import api
from debate.cli.common import DbOption, TournamentOption, app, err, out


@app.command()
def score(
    scorer: Annotated[str, typer.Option("--scorer", help="your name, stored with your ballots")],
    db: DbOption = None,
    tournament: TournamentOption = None,
    limit: Annotated[int | None, typer.Option(help="stop after this many ballots")] = None,
) -> None:
    """Grade debates blind as a human scorer, on the tournament's rubric, in the terminal."""
    with api.opened(db) as store:
        session = api.ScoringSession(store, tournament, scorer, Path.cwd())
        name = session.scorer
        done = 0
        while limit is None or done < limit:
            debate = session.next_debate()
            state = session.progress()
            if debate is None:
                out.print(f"Nothing left to score: {state.scored} of {state.available} finished debates graded by {name}.")
                return
            _show_debate(debate, f"{state.scored + 1} of {state.available} for {name}")
            ballot, answer = _grade(session.rubric)
            if answer.startswith("y"):
                session.submit(debate.debate_id, ballot)
                done += 1
                out.print(f"[green]stored[/] ballot for debate {debate.debate_id}")
            elif answer.startswith("s"):
                out.print("skipped; it will be offered again next time")
                return


def _show_debate(debate: api.BlindDebate, position: str) -> None:
    from rich.panel import Panel

    out.rule(f"Debate {debate.debate_id} ({position})")
    out.print(f"[bold]Motion:[/] {debate.motion}")
    if debate.info_slide:
        out.print(f"[dim]{debate.info_slide}[/]")
    for speech in debate.speeches:
        out.print(Panel(speech.text or "(empty)", title=f"{speech.index + 1}. {speech.side.label} {speech.role}", title_align="left"))
    for note in debate.findings:
        out.print(f"[yellow]rule check:[/] {note}")


def _grade(rubric: Any) -> tuple[Any, str]:
    """Ask for a ballot until the scorer submits it, skips the debate or declines: (ballot, answer)."""
    while True:
        scores = _ask_scores(rubric)
        out.print("\n[bold]Verdict[/]")
        for n, verdict in enumerate(api.VERDICTS, 1):
            out.print(f"  {n}: {verdict.replace('_', ' ')}")
        choice = _ask_int("Verdict", 1, len(api.VERDICTS))
        both_poor = typer.confirm("Were both sides poor?", default=False)
        reason = typer.prompt("Reason (a sentence or two)").strip()
        try:
            ballot = api.ballot_from_answers(scores, api.VERDICTS[choice - 1], both_poor, reason)
        except ValueError as exc:
            err.print(f"that ballot is not valid: {exc}; let's go again")
            continue
        out.print("\n[bold]Review[/]")
        for criterion in rubric.criteria:
            p, o = scores[criterion.id]
            out.print(f"  {criterion.name:<28} proposition {p}   opposition {o}")
        out.print(f"  verdict: {ballot.verdict.value.replace('_', ' ')}{'  (both poor)' if both_poor else ''}\n  reason: {ballot.reason}")
        answer = typer.prompt("Submit this ballot? [y]es / [e]dit / [s]kip this debate", default="y").strip().lower()
        if not answer.startswith("e"):
            return ballot, answer


def _ask_scores(rubric: Any) -> dict[str, tuple[int, int]]:
    scores: dict[str, tuple[int, int]] = {}
    for criterion in rubric.criteria:
        out.print(f"\n[bold]{criterion.name}[/]: {criterion.description}")
        for level in criterion.levels:
            out.print(f"  {level.score}: {level.descriptor}")
        scores[criterion.id] = (
            _ask_int("  Proposition", criterion.scale_min, criterion.scale_max),
            _ask_int("  Opposition", criterion.scale_min, criterion.scale_max),
        )
    return scores


def _ask_int(label: str, low: int, high: int) -> int:
    while True:
        answer = typer.prompt(f"{label} [{low}-{high}]").strip()
        if answer.isdigit() and low <= int(answer) <= high:
            return int(answer)
        err.print(f"please enter a whole number from {low} to {high}")
