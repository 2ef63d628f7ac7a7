"""`debate motions ...`: browse, check, commit to and verify motion sets."""

from __future__ import annotations

from typing import Annotated

import typer

from debate import api
from debate.cli.common import FormatOption, OutputFormat, app, emit_json, err, out
from debate.core.errors import UserError

motions_app = typer.Typer(help="Browse and check motion sets.", no_args_is_help=True)
app.add_typer(motions_app, name="motions")


@motions_app.command("list")
def motions_list(sets: Annotated[list[str] | None, typer.Argument(help="set names or files (default: all shipped)")] = None, format: FormatOption = OutputFormat.table) -> None:
    """List motions."""
    from rich.table import Table

    chosen = [api.load_set(s) for s in (sets or api.shipped_sets())]
    # The canary travels with every copy of a set: it is how a leak into training data shows.
    rows = [{"set": s.name, "canary": s.canary, **m.model_dump()} for s in chosen for m in s.motions]
    if format is OutputFormat.json:
        emit_json(rows)
        return
    canaries = "\n".join(f"{s.name} canary: {s.canary}" for s in chosen if s.canary)
    view = Table(title="Motions", caption=canaries or None)
    for column in ("set", "id", "category", "lang", "text"):
        view.add_column(column)
    for r in rows:
        view.add_row(r["set"], r["id"], r["category"], r["language"], r["text"])
    out.print(view)


@motions_app.command("show")
def motions_show(motion_id: str, sets: Annotated[list[str] | None, typer.Argument()] = None, format: FormatOption = OutputFormat.table) -> None:
    """One motion with its info slide."""
    for s in (sets or api.shipped_sets()):
        for m in api.load_set(s).motions:
            if m.id == motion_id:
                if format is OutputFormat.json:
                    emit_json({"set": s, **m.model_dump()})
                else:
                    out.print(f"[bold]{m.id}[/] ({m.category}, {m.language}) in {s}\n{m.text}")
                    if m.info_slide:
                        out.print(f"\nInfo: {m.info_slide}")
                return
    raise UserError(f"no motion with id '{motion_id}' in {', '.join(sets or api.shipped_sets())}")


@motions_app.command("validate")
def motions_validate(sets: Annotated[list[str], typer.Argument(help="set names or files")]) -> None:
    """Check motion sets; problems are printed with file and line, exit code 2."""
    found = api.load_sets(sets)
    out.print(f"ok: {len(found)} motions in {len(sets)} set(s)")


@motions_app.command("commit")
def motions_commit(motion_set: Annotated[str, typer.Argument(metavar="SET", help="set name or file")]) -> None:
    """Print the SHA-256 commitment of a motion set (publish it before the tournament).
    The hex digest is the last line."""
    loaded = api.load_set(motion_set)
    digest = api.commitment(loaded)
    out.print(f"{loaded.name}: {len(loaded.motions)} motions, canary {loaded.canary!r}")
    print(digest)


@motions_app.command("verify")
def motions_verify(
    motion_set: Annotated[str, typer.Argument(metavar="SET", help="set name or file")],
    digest: Annotated[str, typer.Argument(metavar="COMMITMENT", help="the published hex digest")],
) -> None:
    """Prove a motion set is unchanged since its commitment was published (exit 1 if not)."""
    loaded = api.load_set(motion_set)
    if api.verify(loaded, digest):
        out.print(f"verified: {loaded.name} matches the commitment")
        return
    err.print(f"NOT verified: {loaded.name} does not match {digest}; the set was changed")
    raise SystemExit(1)
