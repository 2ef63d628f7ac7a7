"""Schema 5: debates are leased to workers, and a runner may share its tournament.

Adds `debate.worker` and `debate.lease_until` (who holds a debate, and until when) and
`runner.shared` (the runner coordinates workers).

Revision ID: schema_5
Revises: schema_4
"""

from __future__ import annotations

import sqlalchemy as sa

from debate.store.migrations.steps import add_missing_columns, refuse_downgrade, set_schema

revision = "schema_5"
down_revision = "schema_4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_missing_columns("debate", sa.Column("worker", sa.String()), sa.Column("lease_until", sa.Float()))
    add_missing_columns("runner", sa.Column("shared", sa.Boolean()))
    set_schema(5)


def downgrade() -> None:
    refuse_downgrade()
