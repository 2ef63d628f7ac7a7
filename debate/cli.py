"""The `debate` command line. A thin face over the engine: it holds no tournament logic.

Heavy imports (litellm, the store, the engine) happen inside the commands that need them, so
`debate --help` and the read-only commands start fast.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from debate.errors import UserError, sole_error

app = typer.Typer(
    help="Model-vs-model debate tournaments: draws, streamed debates, judges, standings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
motions_app = typer.Typer(help="Browse and check motion sets.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks that print their figures (last line: one JSON object).", no_args_is_help=True)
app.add_typer(motions_app, name="motions")
app.add_typer(bench_app, name="bench")

# Piped output gets room for wide tables instead of rich's 80-column default.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


DbOption = Annotated[str | None, typer.Option("--db", help="SQLite file or SQLAlchemy URL (default: the config's, else debate.db)")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table for people, json for scripts")]
TournamentOption = Annotated[str | None, typer.Option("--tournament", "-t", help="tournament name (default: the latest)")]


def main() -> None:
    """Console entry point: user mistakes become a message and exit code 2, never a traceback."""
    # The ratings' dense solves are small: OpenBLAS threads only add hand-off cost, and on a
    # busy machine they make timings erratic. Set before numpy is imported; override freely.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        app()
    except UserError as exc:
        _fail(str(exc), exc.exit_code)
    except BaseExceptionGroup as group:
        if isinstance(error := sole_error(group), UserError):
            _fail(str(error), error.exit_code)
        raise


def _fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True) if sys.stderr.isatty() else print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")


# --- running tournaments ------------------------------------------------------------------


@app.command()
def run(
    config: Annotated[Path, typer.Argument(help="tournament config (.yaml, .yml or .toml)")],
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="one line per finished debate, no live display")] = False,
) -> None:
    """Run (or resume) the tournament described by CONFIG."""
    from debate.config import load_config

    cfg = load_config(config)
    _run(cfg, db or cfg.database, base_dir=config.parent, quiet=quiet)


@app.command()
def demo(
    db: DbOption = None,
    new: Annotated[bool, typer.Option("--new", help="start another demo tournament instead of showing the finished one")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Run the no-key demo: the embedded local models debate, a local model judges."""
    from importlib.resources import files

    import yaml

    from debate.config import validate_config

    source = files("debate").joinpath("demo.yaml")
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    target = db or data["database"]
    if new:
        data["name"] = _next_free_name(target, data["name"])
    cfg = validate_config(data, source=str(source))
    _run(cfg, target, base_dir=Path.cwd(), quiet=quiet)


def _next_free_name(target: str, base: str) -> str:
    from debate.store import Store

    store = Store(target)
    try:
        n = 2
        while store.tournament_or_none(f"{base}-{n}") is not None:
            n += 1
        return f"{base}-{n}"
    finally:
        store.close()


def _run(cfg: Any, target: str, *, base_dir: Path, quiet: bool) -> None:
    import anyio

    from debate.engine import run_tournament
    from debate.progress import Progress

    progress = Progress(out, live=not quiet and out.is_terminal)
    try:
        summary = anyio.run(run_tournament, cfg, target, base_dir, progress.listener)
    except KeyboardInterrupt:
        progress.stop()
        err.print("interrupted: everything finished so far is stored; run the same command again to resume")
        raise SystemExit(130) from None
    finally:
        progress.stop()
    _print_standings(target, summary.tournament, OutputFormat.table)
    out.print(f"\ndatabase: {summary.database}")
    out.print(f"transcripts: debate debates --db {summary.database}   then   debate show ID --db {summary.database}")
    if summary.failed:
        err.print(f"{summary.failed} of {summary.debates} debates failed; first error: {summary.first_error}")
        err.print("run the same command again to retry them (stored speeches are kept)")
        raise SystemExit(1)


# --- reading results ------------------------------------------------------------------------


def _open_store(db: str | None) -> Any:
    from debate.store import Store

    return Store(db or "debate.db", create=False)


@app.command()
def standings(db: DbOption = None, tournament: TournamentOption = None, format: FormatOption = OutputFormat.table) -> None:
    """Standings of a tournament: wins, ballots, side record."""
    _print_standings(db or "debate.db", tournament, format)


def _print_standings(db: str, tournament: str | None, format: OutputFormat) -> None:
    from rich.table import Table

    from debate.reports import standings_report

    store = _open_store(db)
    try:
        report = standings_report(store, tournament)
    finally:
        store.close()
    if format is OutputFormat.json:
        _emit_json(report.model_dump(mode="json"))
        return
    view = Table(title=f"Standings: {report.tournament} ({report.status}, {report.pairing})")
    columns = ("#", "contestant", "debates", "W", "L", "T", "ballots", "score", "opp str", "rating (95% CI)", "tokens", "cost")
    for column in columns:
        view.add_column(column, justify="left" if column == "contestant" else "right")
    for r in report.rows:
        usage = report.per_contestant_usage.get(r["name"], {})
        rating = "" if r["rating"] is None else f"{r['rating']:.0f} ({_bound(r['rating_lower'])}-{_bound(r['rating_upper'])})"
        view.add_row(
            str(r["rank"]), r["name"], str(r["debates"]), f"{r['wins']:g}", str(r["losses"]), str(r["ties"]),
            f"{r['ballots']:g}", f"{r['score_total']:.1f}", f"{r['opponent_strength']:g}", rating,
            str(usage.get("completion_tokens", 0)), f"${usage.get('cost_usd', 0.0):.4f}",
        )
    out.print(view)
    if report.side_advantage:
        adv = report.side_advantage
        out.print(f"proposition advantage: {adv['rating']:+.0f} rating points (win probability {adv['win_probability']:.2f} between equals)")
    usage = report.usage
    out.print(f"ranked by {', '.join(report.tie_breaks)}; {usage['calls']} model calls, {usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion tokens, cost ${usage['cost_usd']:.4f}")


def _bound(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}"


@app.command()
def score(
    scorer: Annotated[str, typer.Option("--scorer", help="your name, stored with your ballots")],
    db: DbOption = None,
    tournament: TournamentOption = None,
    limit: Annotated[int | None, typer.Option(help="stop after this many ballots")] = None,
) -> None:
    """Grade debates blind as a human scorer, on the tournament's rubric, in the terminal."""
    from rich.panel import Panel

    from debate.engine import tournament_rubric
    from debate.reports import stored_config
    from judges.ballot import VERDICTS
    from judges.human import ballot_from_answers, check_scorer, next_debate, progress, submit

    store = _open_store(db)
    try:
        row = store.find_tournament(tournament)
        config = stored_config(store, row.id)
        rubric = tournament_rubric(config, Path.cwd())
        name = check_scorer(scorer, config)
        done = 0
        while limit is None or done < limit:
            debate = next_debate(store, row.id, name, config)
            state = progress(store, row.id, name)
            if debate is None:
                out.print(f"Nothing left to score: {state.scored} of {state.available} finished debates graded by {name}.")
                return
            out.rule(f"Debate {debate.debate_id} ({state.scored + 1} of {state.available} for {name})")
            out.print(f"[bold]Motion:[/] {debate.motion}")
            if debate.info_slide:
                out.print(f"[dim]{debate.info_slide}[/]")
            for speech in debate.speeches:
                out.print(Panel(speech.text or "(empty)", title=f"{speech.index + 1}. {speech.side.label} {speech.role}", title_align="left"))
            for note in debate.findings:
                out.print(f"[yellow]rule check:[/] {note}")
            while True:
                scores: dict[str, tuple[int, int]] = {}
                for criterion in rubric.criteria:
                    out.print(f"\n[bold]{criterion.name}[/]: {criterion.description}")
                    for level in criterion.levels:
                        out.print(f"  {level.score}: {level.descriptor}")
                    scores[criterion.id] = (
                        _ask_int("  Proposition", criterion.scale_min, criterion.scale_max),
                        _ask_int("  Opposition", criterion.scale_min, criterion.scale_max),
                    )
                out.print("\n[bold]Verdict[/]")
                for n, verdict in enumerate(VERDICTS, 1):
                    out.print(f"  {n}: {verdict.replace('_', ' ')}")
                choice = _ask_int("Verdict", 1, len(VERDICTS))
                both_poor = typer.confirm("Were both sides poor?", default=False)
                reason = typer.prompt("Reason (a sentence or two)").strip()
                try:
                    ballot = ballot_from_answers(scores, VERDICTS[choice - 1], both_poor, reason)
                except ValueError as exc:
                    err.print(f"that ballot is not valid: {exc}; let's go again")
                    continue
                out.print("\n[bold]Review[/]")
                for criterion in rubric.criteria:
                    p, o = scores[criterion.id]
                    out.print(f"  {criterion.name:<28} proposition {p}   opposition {o}")
                out.print(f"  verdict: {ballot.verdict.value.replace('_', ' ')}{'  (both poor)' if both_poor else ''}\n  reason: {ballot.reason}")
                answer = typer.prompt("Submit this ballot? [y]es / [e]dit / [s]kip this debate", default="y").strip().lower()
                if answer.startswith("e"):
                    continue
                if answer.startswith("y"):
                    submit(store, row.id, debate.debate_id, name, ballot, rubric)
                    done += 1
                    out.print(f"[green]stored[/] ballot for debate {debate.debate_id}")
                break
            if answer.startswith("s"):
                out.print("skipped; it will be offered again next time")
                return
    finally:
        store.close()


def _ask_int(label: str, low: int, high: int) -> int:
    while True:
        answer = typer.prompt(f"{label} [{low}-{high}]").strip()
        if answer.isdigit() and low <= int(answer) <= high:
            return int(answer)
        err.print(f"please enter a whole number from {low} to {high}")


class RatingsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class RatingsBy(str, Enum):
    overall = "overall"
    criterion = "criterion"
    category = "category"
    language = "language"


@app.command()
def ratings(
    db: DbOption = None,
    tournament: TournamentOption = None,
    battles: Annotated[Path | None, typer.Option("--battles", help="rate a CSV battle log (model_a, model_b, winner) instead of a tournament")] = None,
    by: Annotated[RatingsBy, typer.Option("--by", help="one board overall, or one per rubric criterion, motion category or language")] = RatingsBy.overall,
    ci: Annotated[str, typer.Option("--ci", help="sandwich or bootstrap intervals")] = "sandwich",
    style: Annotated[bool, typer.Option("--style", help="control for speech length (LMArena's style control); raw ratings kept beside")] = False,
    source: Annotated[str, typer.Option("--source", help="panel (the judges' verdicts) or humans (human scorers' ballots)")] = "panel",
    include_flagged: Annotated[bool, typer.Option("--include-flagged", help="with --source humans: keep scorers flagged as outliers against the panel")] = False,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = 0,
    format: Annotated[RatingsFormat, typer.Option("--format")] = RatingsFormat.table,
) -> None:
    """Bradley-Terry ratings with 95% intervals, from a tournament or any battle log."""
    from judges.ratings import bradley_terry, separability

    if ci not in ("sandwich", "bootstrap"):
        raise UserError(f"--ci must be sandwich or bootstrap, not {ci!r}")
    if source not in ("panel", "humans"):
        raise UserError(f"--source must be panel or humans, not {source!r}")
    boards = _battle_boards(db, tournament, battles, by, source, include_flagged)
    if not boards:
        raise UserError("no judged debates to rate yet")
    rows: list[dict[str, Any]] = []
    tables = {}
    for group, table_battles in boards.items():
        table = bradley_terry(table_battles, ci=ci, seed=seed, style=style and table_battles.style is not None, side=table_battles.a_is_proposition is not None)  # type: ignore[arg-type]
        tables[group] = table
        for row in table.rows:
            rows.append({**({by.value: group} if by is not RatingsBy.overall else {}), **row.model_dump()})
    if format is RatingsFormat.json:
        _emit_json(rows)
        return
    if format is RatingsFormat.csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["name"])
        writer.writeheader()
        writer.writerows(rows)
        return
    from rich.table import Table

    for group, table in tables.items():
        title = "Ratings" if by is RatingsBy.overall else f"Ratings: {by.value} {group}"
        view = Table(title=f"{title} ({table.battles} battles, {ci} 95% intervals)")
        for column in ("#", "name", "rating", "95% interval", "battles", "W", "L", "T") + (("raw rating",) if style else ()):
            view.add_column(column, justify="left" if column == "name" else "right")
        for rank, r in enumerate(table.rows, 1):
            extra = (f"{r.raw_rating:.0f}" if r.raw_rating is not None else "",) if style else ()
            view.add_row(str(rank), r.name, f"{r.rating:.0f}", f"{_bound(r.lower)} - {_bound(r.upper)}", str(r.battles), str(r.wins), str(r.losses), str(r.ties), *extra)
        out.print(view)
        if table.side_advantage is not None:
            out.print(f"proposition advantage: {table.side_advantage.rating:+.0f} points")
        if table.rows and table.ci:
            out.print(f"separability: {separability(table):.0%} of pairs have non-overlapping intervals")
        for note in table.notes:
            out.print(f"note: {note}")


def _battle_boards(db: str | None, tournament: str | None, battles: Path | None, by: RatingsBy, source: str, include_flagged: bool = False) -> dict[str, Any]:
    if battles is not None:
        from judges.battles import read_battles_csv

        log = read_battles_csv(battles)
        if by in (RatingsBy.category, RatingsBy.language):
            return _split(log, by.value)
        if by is RatingsBy.criterion:
            raise UserError("--by criterion needs a tournament's ballots, not a battle log")
        return {"all": log}
    from debate.ratings_view import criterion_battles, tournament_battles

    store = _open_store(db)
    try:
        row = store.find_tournament(tournament)
        if by is RatingsBy.criterion:
            return criterion_battles(store, row.id)
        excluded: list[str] = []
        if source == "humans" and not include_flagged:
            from judges.scorecard import build_scorecard

            excluded = build_scorecard(store, row.name).agreement.flagged_scorers
            if excluded:
                err.print(f"left out scorers flagged as outliers against the panel: {', '.join(excluded)} (--include-flagged keeps them)")
        table_battles = tournament_battles(store, row.id, source=source, exclude_scorers=excluded)  # type: ignore[arg-type]
    finally:
        store.close()
    if table_battles is None:
        return {}
    if by is RatingsBy.overall:
        return {"all": table_battles}
    return _split(table_battles, by.value)


def _split(battles: Any, label: str) -> dict[str, Any]:
    import numpy as np

    values = (battles.labels or {}).get(label)
    if values is None:
        raise UserError(f"the battle log has no '{label}' column")
    values = np.asarray(values)
    return {str(v): battles.subset(values == v) for v in sorted(set(values.tolist()))}


@app.command()
def draw(round_number: Annotated[int, typer.Argument(metavar="ROUND", help="round number")], db: DbOption = None, tournament: TournamentOption = None, format: FormatOption = OutputFormat.table) -> None:
    """A round's draw and why it is what it is: brackets, pull-ups, swaps, sides, byes."""
    store = _open_store(db)
    try:
        row = store.find_tournament(tournament)
        rounds = {r.number: r for r in store.stored_rounds(row.id)}
    finally:
        store.close()
    if round_number not in rounds:
        known = f"rounds 1-{max(rounds)}" if rounds else "no rounds yet"
        raise UserError(f"tournament '{row.name}' has no round {round_number} ({known})")
    stored = rounds[round_number]
    if format is OutputFormat.json:
        _emit_json({"tournament": row.name, "round": stored.number, "stage": stored.kind, "status": stored.status, "motion": stored.motion, **stored.draw.model_dump(mode="json")})
        return
    from rich.table import Table

    method = stored.draw.method or "round-robin"
    out.print(f"[bold]Round {stored.number}[/] of {row.name}: {stored.kind}, {method}, {stored.status}" + (f", motion {stored.motion}" if stored.motion else ""))
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
    """List a tournament's debates with their ids, status and winner."""
    from rich.table import Table

    store = _open_store(db)
    try:
        row = store.find_tournament(tournament)
        rows = store.debates(row.id)
    finally:
        store.close()
    if format is OutputFormat.json:
        _emit_json([r.model_dump() for r in rows])
        return
    view = Table(title=f"Debates: {row.name}")
    for column in ("id", "round", "proposition", "opposition", "motion", "status", "winner"):
        view.add_column(column)
    for r in rows:
        view.add_row(str(r.id), str(r.round), r.proposition, r.opposition, r.motion, r.status, r.winner or "")
    out.print(view)


@app.command()
def show(debate_id: Annotated[int, typer.Argument(help="debate id (see `debate debates`)")], db: DbOption = None, format: FormatOption = OutputFormat.table) -> None:
    """A debate's transcript and ballots."""
    from rich.panel import Panel

    store = _open_store(db)
    try:
        detail = store.debate_detail(debate_id)
    finally:
        store.close()
    if format is OutputFormat.json:
        _emit_json(detail.model_dump(mode="json"))
        return
    out.print(f"[bold]Debate {detail.id}[/] of {detail.tournament}, round {detail.round} ({detail.format})")
    out.print(f"Motion: {detail.motion.text}")
    out.print(f"Proposition: {detail.proposition}    Opposition: {detail.opposition}\n")
    for speech in detail.speeches:
        speaker = detail.proposition if speech.side.value == "proposition" else detail.opposition
        out.print(Panel(speech.text or "(empty)", title=f"{speech.index + 1}. {speech.side.label} {speech.role} - {speaker}", title_align="left"))
    for ballot in detail.ballots:
        verdict = "abstained" if ballot.abstained else f"{ballot.winner} wins"
        out.print(f"[bold]{ballot.judge}[/] ({ballot.judge_model}): {verdict}. {ballot.reason}")
    status = f"winner: {detail.winner}" if detail.winner else f"status: {detail.status}"
    out.print(f"\n{status}" + (f" ({detail.error})" if detail.error else ""))


@app.command()
def tournaments(db: DbOption = None, format: FormatOption = OutputFormat.table) -> None:
    """Tournaments stored in a database."""
    from rich.table import Table

    store = _open_store(db)
    try:
        rows = store.list_tournaments()
    finally:
        store.close()
    if format is OutputFormat.json:
        _emit_json([r.model_dump(mode="json", exclude={"config"}) for r in rows])
        return
    view = Table(title="Tournaments")
    for column in ("id", "name", "status", "debates", "judged", "failed", "created"):
        view.add_column(column)
    for r in rows:
        view.add_row(str(r.id), r.name, r.status, str(r.debates), str(r.judged), str(r.failed), r.created_at.strftime("%Y-%m-%d %H:%M"))
    out.print(view)


@app.command()
def models(format: FormatOption = OutputFormat.table) -> None:
    """Models available without a key, and which hosted providers have a key set."""
    from debate.catalog import available

    report = available()
    if format is OutputFormat.json:
        _emit_json(report)
        return
    out.print("[bold]Local models[/] (no key, no network):")
    for m in report["local"]:
        state = "ready" if m["assembled"] else ("installed, assembled on first use" if m["installed"] else "not installed")
        out.print(f"  {m['model']:<32} {state:<36} {m['description']}")
    out.print("  fake/<name>                      always available                     deterministic test model")
    out.print("\n[bold]Hosted providers[/] (keys are read from the environment, never stored):")
    for p in report["providers"]:
        out.print(f"  {p['provider']:<14} {p['env']:<22} {'set' if p['key_set'] else 'not set'}")


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
    from judges.export import write
    from judges.scorecard import build_scorecard

    store = _open_store(db)
    try:
        card = build_scorecard(store, tournament)
    finally:
        store.close()
    try:
        written = write(card, format.value, out_path)
    except OSError as exc:
        raise UserError(f"cannot write {out_path}: {exc.strerror or exc}") from None
    out.print(f"wrote {written} ({format.value}, {len(card.debates)} debates)")


# --- terminal UI ----------------------------------------------------------------------------------


@app.command()
def tui(
    db: DbOption = None,
    tournament: TournamentOption = None,
    config: Annotated[Path | None, typer.Option("--config", help="run this tournament config from the app")] = None,
) -> None:
    """The terminal UI: set up and run tournaments, watch debates stream, score blind, standings, export.

    With --db it opens straight onto that database's newest tournament; without, on the home screen.
    """
    from tui.app import run_app

    if config is not None:
        from debate.config import load_config

        cfg = load_config(config)  # a bad config is reported here, before the app starts
        db = db or cfg.database
    # An explicit --db opens straight onto its newest tournament (Home is one escape away).
    run_app(db or "debate.db", tournament=tournament, config_path=config, open_latest=db is not None)


@app.command()
def spectate(
    database: Annotated[str | None, typer.Argument(metavar="DB", help="the database another process is writing (default debate.db)")] = None,
    tournament: TournamentOption = None,
) -> None:
    """Watch a tournament another process is running, read-only, from its database."""
    from tui.app import spectate as watch

    _check_readable(database)  # a missing database is a clear error, not an empty app
    watch(database or "debate.db", tournament=tournament)


@app.command()
def serve(
    db: DbOption = None,
    tournament: TournamentOption = None,
    host: Annotated[str, typer.Option(help="address to bind (localhost unless you say otherwise)")] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    public_url: Annotated[str | None, typer.Option(help="the URL browsers reach this server at, when it is not http://HOST:PORT")] = None,
) -> None:
    """Share the read-only spectator app in a browser (textual-serve)."""
    from tui.serve import LOOPBACK
    from tui.serve import serve as share

    _check_readable(db)
    out.print(f"serving the spectator on {public_url or f'http://{host}:{port}'} (read-only); Ctrl-C stops")
    if host not in (LOOPBACK, "localhost", "::1"):
        err.print(f"bound to {host}: anyone who can reach it can watch this tournament (not change it)")
    share(db or "debate.db", host=host, port=port, tournament=tournament, public=public_url)


def _check_readable(db: str | None) -> None:
    """Open the database the way a spectator will (read-only), so problems show before the app."""
    from debate.store import Store

    Store(db or "debate.db", create=False, read_only=True).close()


# --- motions ------------------------------------------------------------------------------------


@motions_app.command("list")
def motions_list(sets: Annotated[list[str] | None, typer.Argument(help="set names or files (default: all shipped)")] = None, format: FormatOption = OutputFormat.table) -> None:
    """List motions."""
    from rich.table import Table

    from motions import load_set, shipped_sets

    chosen = [load_set(s) for s in (sets or shipped_sets())]
    rows = [{"set": s.name, **m.model_dump()} for s in chosen for m in s.motions]
    if format is OutputFormat.json:
        _emit_json(rows)
        return
    view = Table(title="Motions")
    for column in ("set", "id", "category", "lang", "text"):
        view.add_column(column)
    for r in rows:
        view.add_row(r["set"], r["id"], r["category"], r["language"], r["text"])
    out.print(view)


@motions_app.command("show")
def motions_show(motion_id: str, sets: Annotated[list[str] | None, typer.Argument()] = None, format: FormatOption = OutputFormat.table) -> None:
    """One motion with its info slide."""
    from motions import load_set, shipped_sets

    for s in (sets or shipped_sets()):
        for m in load_set(s).motions:
            if m.id == motion_id:
                if format is OutputFormat.json:
                    _emit_json({"set": s, **m.model_dump()})
                else:
                    out.print(f"[bold]{m.id}[/] ({m.category}, {m.language}) in {s}\n{m.text}")
                    if m.info_slide:
                        out.print(f"\nInfo: {m.info_slide}")
                return
    raise UserError(f"no motion with id '{motion_id}' in {', '.join(sets or shipped_sets())}")


@motions_app.command("validate")
def motions_validate(sets: Annotated[list[str], typer.Argument(help="set names or files")]) -> None:
    """Check motion sets; problems are printed with file and line, exit code 2."""
    from motions import load_sets

    found = load_sets(sets)
    out.print(f"ok: {len(found)} motions in {len(sets)} set(s)")


@motions_app.command("commit")
def motions_commit(motion_set: Annotated[str, typer.Argument(metavar="SET", help="set name or file")]) -> None:
    """Print the SHA-256 commitment of a motion set (publish it before the tournament).
    The hex digest is the last line."""
    from motions import load_set
    from motions.commitment import commitment

    loaded = load_set(motion_set)
    digest = commitment(loaded)
    out.print(f"{loaded.name}: {len(loaded.motions)} motions, canary {loaded.canary!r}")
    print(digest)


@motions_app.command("verify")
def motions_verify(
    motion_set: Annotated[str, typer.Argument(metavar="SET", help="set name or file")],
    digest: Annotated[str, typer.Argument(metavar="COMMITMENT", help="the published hex digest")],
) -> None:
    """Prove a motion set is unchanged since its commitment was published (exit 1 if not)."""
    from motions import load_set
    from motions.commitment import verify

    loaded = load_set(motion_set)
    if verify(loaded, digest):
        out.print(f"verified: {loaded.name} matches the commitment")
        return
    err.print(f"NOT verified: {loaded.name} does not match {digest}; the set was changed")
    raise SystemExit(1)


# --- benchmarks ---------------------------------------------------------------------------------


@bench_app.command("orchestration")
def bench_orchestration(
    sizes: Annotated[str, typer.Option(help="comma-separated debate counts")] = "1000,10000",
    latency: Annotated[float, typer.Option(help="seconds per fake call")] = 0.2,
    models_: Annotated[int, typer.Option("--models", help="fake models")] = 4,
    slots: Annotated[int, typer.Option(help="concurrent calls per model")] = 8,
) -> None:
    """Engine throughput against a provider-bound workload on the fake provider."""
    from debate.bench import orchestration

    orchestration([int(s) for s in sizes.split(",")], latency=latency, n_models=models_, slots=slots, console=out)


@bench_app.command("local")
def bench_local(tokens: Annotated[int, typer.Option(help="tokens to generate per run")] = 128, runs: Annotated[int, typer.Option()] = 3) -> None:
    """Tokens per second of the local model through the gateway vs a direct llama-cpp call."""
    from debate.bench import local

    local(tokens=tokens, runs=runs, console=out)


@bench_app.command("ratings")
def bench_ratings(
    sizes: Annotated[str, typer.Option(help="MODELSxBATTLES,... e.g. 20x10000,50x100000,200x1000000")] = "20x10000,50x100000,200x1000000",
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Bradley-Terry with sandwich intervals on synthetic battles with known strengths; compares
    with arena-rank when ARENA_RANK_PYTHON names a Python that has it installed."""
    from judges.bench_ratings import run

    parsed = []
    for part in sizes.split(","):
        models_, _, battles_ = part.partition("x")
        if not (models_.isdigit() and battles_.isdigit()):
            raise UserError(f"--sizes: {part!r} is not MODELSxBATTLES")
        parsed.append((int(models_), int(battles_)))
    run(parsed, seed=seed, console=out)


@bench_app.command("tui")
def bench_tui(debates: Annotated[int, typer.Option(help="debates streaming at once")] = 50) -> None:
    """Delay from an engine event to its appearance on screen with many debates streaming."""
    from tui.bench import run

    run(debates=debates, console=out)


@bench_app.command("startup")
def bench_startup(runs: Annotated[int, typer.Option()] = 5) -> None:
    """Start-up time of commands that call no model (target: --help under 0.5 s)."""
    from debate.bench import startup

    startup(runs=runs, console=out)


if __name__ == "__main__":
    main()
