"""`debate judges ...`: test judges on control debates, and show what was measured."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from debate import api
from debate.core.errors import UserError
from debate.cli.common import DbOption, FormatOption, OutputFormat, TournamentOption, app, emit_json, err, out

judges_app = typer.Typer(help="Test judges on control debates whose better side is known.", no_args_is_help=True)
app.add_typer(judges_app, name="judges")

_COLUMNS = ("judge", "status", "controls", "accuracy", "position consistency", "first-label share", "repetition stability", "score spread", "echo share")


@judges_app.command("test")
def judges_test(
    config: Annotated[Path | None, typer.Argument(help="tournament config whose judges to test (default: the stored tournament's)")] = None,
    judges: Annotated[list[str] | None, typer.Option("--judges", "-j", help="only these judges (by name; repeat the option)")] = None,
    db: DbOption = None,
    tournament: TournamentOption = None,
    controls: Annotated[int | None, typer.Option("--controls", min=2, max=200, help="control debates per judge (default: the config's panel.qualification.controls)")] = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Grade control debates with each judge and store its accuracy, consistency and the rest.

    Each control degrades one side of a good debate (word salad, off-topic, a copy of the
    opponent, the other side's case, one sentence, a broken rule) and is graded in both orders.
    Exits 1 when a judge is flagged."""
    import anyio

    if config is not None:
        cfg, base_dir = api.load_config(config), config.parent
        target = db or cfg.database
    else:
        target = db or "debate.db"
        with api.opened(target) as store:
            cfg = api.stored_config(store, api.find_tournament(store, tournament).id)
        base_dir = Path.cwd()
    if controls is not None:
        cfg = cfg.model_copy(update={"panel": cfg.panel.model_copy(update={"qualification": cfg.panel.qualification.model_copy(update={"controls": controls})})})

    from debate.cli.progress import Steps

    with Steps(err, "control ballots") as steps:

        def progress(judge: str, done: int, total: int) -> None:
            steps.update(done, total, f"{judge}: control ballots")

        results = anyio.run(lambda: api.test_judges(cfg, target, base_dir, judges=judges or (), on_progress=progress))
    if format is OutputFormat.json:
        emit_json([r.model_dump(mode="json") for r in results])
    else:
        _print([r.model_dump(mode="json") for r in results], f"Judge qualification: {cfg.name}")
        for r in results:
            out.print(api.describe_qualification(r))
    if any(r.flagged for r in results):
        raise SystemExit(1)


@judges_app.command("show")
def judges_show(db: DbOption = None, tournament: TournamentOption = None, format: FormatOption = OutputFormat.table) -> None:
    """The stored qualification of a tournament's judges (or, in a database that holds no
    tournament yet, of the judges `debate judges test` graded there)."""
    with api.opened(db or "debate.db") as store:
        if tournament is None and not api.tournaments(store):
            # `judges test CONFIG` before the tournament's first run stores its figures with no
            # tournament to attach them to: they are what this database has to show.
            stored, panel, title = api.qualifications_without_tournament(store), [], "Judge qualification (before any tournament)"
            if not stored:
                raise UserError(f"no tournament and no judge qualification in {db or 'debate.db'} (run debate judges test CONFIG first)")
        else:
            info = api.find_tournament(store, tournament)
            stored, title = api.qualifications(store, info.name), f"Judge qualification: {info.name}"
            panel = [j["name"] for j in info.config.get("judges", [])]
    rows = [q.result | {"judge_model": q.judge_model, "tested_at": q.created_at.isoformat()} for q in stored]
    if format is OutputFormat.json:
        emit_json(rows)
        return
    tested = {r["judge"] for r in rows}
    _print(rows + [{"judge": name} for name in panel if name not in tested], title)


def _print(rows: list[dict[str, object]], title: str) -> None:
    from rich.table import Table

    view = Table(title=title)
    for column in _COLUMNS:
        view.add_column(column, justify="left" if column in ("judge", "status") else "right")
    keys = ("controls", "accuracy", "position_consistency", "preference_fairness", "repetition_stability", "score_spread", "echo_share")
    for row in rows:
        status = "not tested" if "flagged" not in row else "[b red]FLAGGED[/]" if row["flagged"] else "[green]qualified[/]"
        view.add_row(str(row["judge"]), status, *(_figure(row.get(k)) for k in keys))
    out.print(view)


def _figure(value: object) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}" if isinstance(value, float) else str(value)
