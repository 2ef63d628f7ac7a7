"""`debate db upgrade`: bring a database written by an earlier release to this schema, in place."""

from __future__ import annotations

import typer

from debate import api
from debate.cli.common import DbOption, app, out

db_app = typer.Typer(help="The database itself: upgrade one written by an earlier release.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Upgrade the database to this release's schema in place with its Alembic migrations, every
    stored row kept (a SQLite file is copied beside it first, as FILE.schemaN.bak). Any command
    that writes does the same on its own; this one does nothing else. A database of a newer
    release is refused."""
    done = api.upgrade_store(db)
    if done.from_version is None:
        out.print(f"{done.location}: already at schema {done.schema}; nothing to do", markup=False, highlight=False, soft_wrap=True)
        return
    kept = f"; the file as it was is kept at {done.backup}" if done.backup else ""
    out.print(f"{done.location}: upgraded from schema {done.from_version} to {done.schema}{kept}", markup=False, highlight=False, soft_wrap=True)
