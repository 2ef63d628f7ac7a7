"""Alembic's environment for debate's store: migrations run on the connection the store hands
over (see `debate.store.migrations`), never on one of their own, and never offline."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import debate.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("debate's migrations run on an open store: use `debate db upgrade --db FILE`")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite alters little in place: a revision written by autogenerate copies and moves the
    # table instead (batch mode) where it must.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
