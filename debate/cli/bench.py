"""`debate bench ...`: benchmarks that print their figures (they live in `debate.bench`)."""

from __future__ import annotations

from typing import Annotated

import typer

from debate.cli.common import app, out
from debate.core.errors import UserError

bench_app = typer.Typer(help="Benchmarks that print their figures (last line: one JSON object).", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("orchestration")
def bench_orchestration(
    sizes: Annotated[str, typer.Option(help="comma-separated debate counts")] = "1000,10000",
    # Above zero: the calls' latency makes the lower bound the ratio is measured against.
    latency: Annotated[float, typer.Option(min=0.001, help="seconds per fake call")] = 0.2,
    models_: Annotated[int, typer.Option("--models", min=2, help="fake models")] = 4,
    slots: Annotated[int, typer.Option(min=1, help="concurrent calls per model")] = 8,
) -> None:
    """Engine throughput against a provider-bound workload on the fake provider."""
    from debate.bench.orchestration import orchestration

    orchestration(_counts("--sizes", sizes, "debate counts"), latency=latency, n_models=models_, slots=slots, console=out)


@bench_app.command("local")
def bench_local(
    tokens: Annotated[int, typer.Option(help="tokens to generate per run")] = 128,
    runs: Annotated[int, typer.Option()] = 3,
    batch: Annotated[str, typer.Option(help="batch sizes for llama.cpp's batched decoding ceiling, e.g. 1,2,4 (empty: skip)")] = "1,2,4",
) -> None:
    """Tokens per second of the local model through the gateway vs a direct llama-cpp call, of a
    judge's ballot under its JSON grammar (whole vocabulary vs shortlist), and what decoding
    several sequences in one batch gains on this machine."""
    from debate.bench.orchestration import local

    sizes = _counts("--batch", batch, "batch sizes") if batch.strip() else []
    if sizes and sizes[0] != 1:
        raise UserError(f"--batch: {batch!r} must start with 1, the size every other is compared with")
    local(tokens=tokens, runs=runs, console=out, batch_sizes=sizes)


@bench_app.command("ratings")
def bench_ratings(
    sizes: Annotated[str, typer.Option(help="MODELSxBATTLES,... e.g. 20x10000,50x100000,200x1000000")] = "20x10000,50x100000,200x1000000",
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Bradley-Terry with sandwich intervals on synthetic battles with known strengths; compares
    with arena-rank when ARENA_RANK_PYTHON names a Python that has it installed."""
    from debate.bench.ratings import run

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
    from debate.bench.tui import run

    run(debates=debates, console=out)


@bench_app.command("startup")
def bench_startup(runs: Annotated[int, typer.Option(min=1, help="fresh processes per command (the median is shown)")] = 5) -> None:
    """Whole-process time of --help, standings, show, ratings and more on a small fake tournament
    (target: each under 0.5 s, none importing litellm, scipy or textual)."""
    from debate.bench.startup import run

    run(runs=runs, console=out)


@bench_app.command("validity")
def bench_validity(
    debates: Annotated[int, typer.Option(min=6, help="debates (rounded up to whole cycles of the six pairings)")] = 30,
    db: Annotated[str | None, typer.Option("--db", help="keep the tournament in this database (default: a temporary one)")] = None,
) -> None:
    """A local tournament of the instruct contestants against gemma-base, judged in both orders:
    judge qualification, presented-side bias before and after, rating intervals (30-60 min)."""
    from debate.bench.validity import run
    from debate.cli.progress import Progress

    progress = Progress(out, live=out.is_terminal)
    try:
        run(debates=debates, database=db, console=out, listener=progress.listener)
    finally:
        progress.stop()


@bench_app.command("attacks")
def bench_attacks(
    attacks: Annotated[int | None, typer.Option(min=1, help="run only the first N attacks of the suite (two judge calls each, plus at most eight baselines)")] = None,
) -> None:
    """Hostile speeches against the demo's local judge: attack success rate with the defences
    (fenced speeches, rule-check findings) and without them."""
    from debate.bench.attacks import run
    from debate.cli.progress import Steps

    with Steps(out, "attack trials") as steps:
        run(attacks=attacks, console=out, progress=steps.update)


@bench_app.command("soak")
def bench_soak(
    kills: Annotated[int, typer.Option(min=0, help="SIGKILLs at random moments before the run may finish")] = 20,
    fail_rate: Annotated[float, typer.Option(min=0.0, max=0.5, help="chance that any model call fails (retried)")] = 0.2,
    seed: Annotated[int, typer.Option(help="seeds the moments of the kills")] = 0,
) -> None:
    """Kill a faulty fake tournament at random moments, resume it, and compare with an uninterrupted run."""
    from debate.bench.soak import run

    from debate.cli.progress import Steps

    with Steps(out, "kills and resumes", total=kills) as steps:
        figures = run(kills=kills, fail_rate=fail_rate, seed=seed, console=out, progress=steps.update)
    if not figures["identical"]:
        raise typer.Exit(1)


@bench_app.command("workers")
def bench_workers(
    db: Annotated[str | None, typer.Option("--db", help="a PostgreSQL server URL (a database is created and dropped on it per count; default: $DEBATE_BENCH_POSTGRES_URL or $DEBATE_TEST_POSTGRES_URL)")] = None,
    counts: Annotated[str, typer.Option(help="comma-separated worker counts")] = "1,2,4",
    debates: Annotated[int, typer.Option(min=1, help="debates in the measured round, per count")] = 96,
    # Long enough that the workers' CPU (about 0.1 s per debate) stays well under the 2 cores
    # of the machine this was written on at 4 workers: the speedup is then the database's.
    latency: Annotated[float, typer.Option(min=0.0, help="seconds per fake call")] = 0.5,
    slots: Annotated[int, typer.Option(min=1, help="debates each worker runs at once")] = 4,
) -> None:
    """Debates per minute with 1, 2 and 4 `debate worker` processes of fixed capacity on one
    PostgreSQL tournament, and PostgreSQL's own CPU share (target: 4 workers >= 3.5x one)."""
    from debate.bench.workers import run

    run(database=db, counts=_counts("--counts", counts, "worker counts"), debates=debates, latency=latency, slots=slots, console=out)


def _counts(option: str, text: str, what: str) -> list[int]:
    """A comma-separated list of positive whole numbers; a UserError naming the option if not."""
    parsed = [int(c) for c in text.split(",") if c.strip().isdigit() and int(c) > 0]
    if len(parsed) != len(text.split(",")):
        raise UserError(f"{option}: {text!r} is not a list of positive {what} such as 1,2,4")
    return parsed
