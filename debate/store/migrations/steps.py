"""What the revisions share: steps that skip what is already done.

Before Alembic, an upgrade stopped half-way (a SQLite file's DDL is not always inside the
transaction) was finished by running it again; the revisions keep that: a column or table
already there is left as it is. Kept small and stable, since old revisions call them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def existing_columns(table: str) -> set[str] | None:
    """The columns `table` has now; None when there is no such table."""
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(table):
        return None
    return {column["name"] for column in inspector.get_columns(table)}


def add_missing_columns(table: str, *columns: sa.Column[object]) -> None:
    """Add each of `columns` that `table` lacks (nullable ones only: rows are already there)."""
    present = existing_columns(table)
    if present is None:
        return  # made whole, with these columns, by the revision that creates it
    for column in columns:
        if column.name not in present:
            op.add_column(table, column)


def create_missing_table(name: str, *elements: sa.SchemaItem, indexes: tuple[tuple[str, str], ...] = ()) -> None:
    """Create table `name` with its `indexes` ((index name, column), ...) unless it is there."""
    if existing_columns(name) is not None:
        return
    op.create_table(name, *elements)
    for index, column in indexes:
        op.create_index(index, name, [column])


def set_schema(version: int) -> None:
    """Record `version` in `meta`, which releases from before Alembic read to refuse a newer
    database."""
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.delete().where(meta.c.key == "schema_version"))
    op.execute(meta.insert().values(key="schema_version", value=str(version)))


def refuse_downgrade() -> None:
    """Every revision's downgrade: debate does not undo a schema step; the copy kept before the
    upgrade (SQLite) or the server's own backup is the way back."""
    raise NotImplementedError("debate does not downgrade a database: copy back the FILE.schemaN.bak kept beside it")
