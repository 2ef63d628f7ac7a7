"""Schema 3: judges grade each debate in both presentation orders, and are qualified.

Adds the ballot's combined `margin`, `consistent` and `expected_margin`, and the tables
`order_ballot` and `judge_qualification`. Schema 2 also went out before `runner` and
`partial_speech` existed (they came without a schema bump): they are created when missing.

Revision ID: schema_3
Revises: schema_2
"""

from __future__ import annotations

import sqlalchemy as sa

from debate.store.migrations.steps import add_missing_columns, create_missing_table, refuse_downgrade, set_schema

revision = "schema_3"
down_revision = "schema_2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_missing_columns("ballot", sa.Column("margin", sa.Float()), sa.Column("consistent", sa.Boolean()), sa.Column("expected_margin", sa.Float()))
    create_missing_table(
        "runner",
        sa.Column("tournament", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("heartbeat_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("tournament"),
    )
    create_missing_table(
        "partial_speech",
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("debate_id", "idx"),
        sa.ForeignKeyConstraint(["debate_id"], ["debate.id"]),
    )
    create_missing_table(
        "order_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("judge", sa.String(), nullable=False),
        sa.Column("judge_model", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("label_a", sa.String(), nullable=False),
        sa.Column("verdict", sa.String(), nullable=True),
        sa.Column("winner", sa.String(), nullable=True),
        sa.Column("margin", sa.Integer(), nullable=True),
        sa.Column("expected_margin", sa.Float(), nullable=True),
        sa.Column("probabilities_json", sa.String(), nullable=True),
        sa.Column("both_poor", sa.Boolean(), nullable=False),
        sa.Column("scores_json", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("abstained", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("debate_id", "judge", "stage", "label_a"),
        sa.ForeignKeyConstraint(["debate_id"], ["debate.id"]),
        indexes=(("ix_order_ballot_debate_id", "debate_id"),),
    )
    create_missing_table(
        "judge_qualification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tournament_id", sa.Integer(), nullable=True),
        sa.Column("judge", sa.String(), nullable=False),
        sa.Column("judge_model", sa.String(), nullable=False),
        sa.Column("result_json", sa.String(), nullable=False),
        sa.Column("verdicts_json", sa.String(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["tournament_id"], ["tournament.id"]),
        indexes=(("ix_judge_qualification_tournament_id", "tournament_id"),),
    )
    set_schema(3)


def downgrade() -> None:
    refuse_downgrade()
