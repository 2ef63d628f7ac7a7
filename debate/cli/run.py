"""`debate run` and `debate demo`: run (or resume) a tournament with live progress."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from debate import api
from debate.core.errors import ConfigError
from debate.cli.common import DbOption, OutputFormat, app, err, out, stop_on_sigterm


@app.command()
def run(
    config: Annotated[Path, typer.Argument(help="tournament config (.yaml, .yml or .toml)")],
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="one line per finished debate, no live display")] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=0,
        help="coordinate N local `debate worker` processes that claim the debates through leases in the database "
             "(PostgreSQL only for N > 1; 0: only workers started elsewhere with `debate worker`)",
    )] = None,
    lease: Annotated[float, typer.Option("--lease", min=1.0, help="with --workers: seconds a worker holds a debate between heartbeats before another may take it over")] = 30.0,
) -> None:
    """Run (or resume) the tournament described by CONFIG."""
    cfg = api.load_config(config)
    try:
        _run(cfg, db or cfg.database, base_dir=config.parent, quiet=quiet, workers=workers, lease_s=lease)
    except ConfigError as exc:  # found when the run starts (a model no provider routes): point into the file
        raise _placed(exc, config) from None


def _placed(exc: ConfigError, config: Path) -> ConfigError:
    """The problems that name a field but no line, at that field's line in the config file."""
    from debate.core.loading import load_file

    lines = load_file(config)
    return ConfigError([lines.problem_at(p.field, p.message) if p.field is not None and p.line is None else p for p in exc.problems])


@app.command()
def demo(
    db: DbOption = None,
    new: Annotated[bool, typer.Option("--new", help="start another demo tournament instead of showing the finished one")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Run the no-key demo: the embedded local models debate, a local model judges."""
    from importlib.resources import files

    import yaml

    source = files("debate").joinpath("demo.yaml")
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    target = db or data["database"]
    if new:
        data["name"] = api.next_free_name(target, data["name"])
    cfg = api.validate_config(data, source=str(source))
    _run(cfg, target, base_dir=Path.cwd(), quiet=quiet)


def _run(cfg: api.TournamentConfig, target: str, *, base_dir: Path, quiet: bool, workers: int | None = None, lease_s: float | None = None) -> None:
    from functools import partial

    import anyio

    from debate.cli.progress import Progress
    from debate.cli.standings import print_standings

    progress = Progress(out, live=not quiet and out.is_terminal)
    stop_on_sigterm()
    try:
        summary = anyio.run(partial(api.run_tournament, cfg, target, base_dir, progress.listener, workers=workers, lease_s=lease_s))
    except KeyboardInterrupt:
        progress.stop()
        err.print("stopped: everything finished so far is stored; run the same command again to resume")
        raise SystemExit(130) from None
    finally:
        progress.stop()
    print_standings(target, summary.tournament, OutputFormat.table)
    out.print(f"\ndatabase: {summary.database}")
    out.print(f"transcripts: debate debates --db {summary.database}   then   debate show ID --db {summary.database}")
    if summary.forfeits:
        out.print(f"{summary.forfeits} of {summary.debates} debates were forfeits (a contestant was unavailable: its calls failed for good); "
                  "they stay forfeits on a rerun: `debate show ID` shows the reason", markup=False, highlight=False)
    if summary.failed:
        err.print(f"{summary.failed} of {summary.debates} debates failed; first error: {summary.first_error}")
        err.print("run the same command again to retry them (stored speeches are kept)")
        raise SystemExit(1)
