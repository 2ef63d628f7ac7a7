"""Schema 2, the oldest this release upgrades: the base every later revision builds on.

A schema-2 database was made by an earlier release; a new one is never made at this revision
(it is created whole and stamped at the head), so upgrading to it has nothing to do.

Revision ID: schema_2
Revises:
"""

from __future__ import annotations

from debate.store.migrations.steps import refuse_downgrade

revision = "schema_2"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to do: a database at the base already has schema 2."""


def downgrade() -> None:
    refuse_downgrade()
