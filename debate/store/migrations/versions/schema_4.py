"""Schema 4: each debate carries the draw's pairing it plays.

Schema 3 kept a round's pairings in the round's draw document; this adds `flags_json`,
`bracket`, `prop_seed` and `opp_seed` to `debate` and moves each pairing onto the debate that
plays it (same sides, in order), keeping the rest of the draw document. A pairing no debate
plays (a re-judged copy holds only complete debates) is dropped, as the copy's draw then lists
the debates it has.

Revision ID: schema_4
Revises: schema_3
"""

from __future__ import annotations

import json
from collections import deque

import sqlalchemy as sa
from alembic import op

from debate.store.migrations.steps import add_missing_columns, refuse_downgrade, set_schema

revision = "schema_4"
down_revision = "schema_3"
branch_labels = None
depends_on = None

# The tables as this step knows them, not as tables.py has them now.
_round = sa.table("round", sa.column("id", sa.Integer), sa.column("draw_json", sa.String))
_debate = sa.table(
    "debate", sa.column("id", sa.Integer), sa.column("round_id", sa.Integer), sa.column("proposition_id", sa.Integer),
    sa.column("opposition_id", sa.Integer), sa.column("flags_json", sa.String), sa.column("bracket", sa.Float),
    sa.column("prop_seed", sa.Integer), sa.column("opp_seed", sa.Integer),
)
_contestant = sa.table("contestant", sa.column("id", sa.Integer), sa.column("name", sa.String))


def upgrade() -> None:
    add_missing_columns(
        "debate", sa.Column("flags_json", sa.String()), sa.Column("bracket", sa.Float()),
        sa.Column("prop_seed", sa.Integer()), sa.Column("opp_seed", sa.Integer()),
    )
    carry_pairings(op.get_bind())
    set_schema(4)


def carry_pairings(conn: sa.Connection) -> None:
    """Move each round's pairings from its draw document onto its debates. A round whose
    document has no `pairings` was carried already and is left alone."""
    names = dict(conn.execute(sa.select(_contestant.c.id, _contestant.c.name)).all())
    set_pairing = (
        sa.update(_debate).where(_debate.c.id == sa.bindparam("d_id"))
        .values(flags_json=sa.bindparam("d_flags"), bracket=sa.bindparam("d_bracket"),
                prop_seed=sa.bindparam("d_prop_seed"), opp_seed=sa.bindparam("d_opp_seed"))
    )
    for round_id, draw_json in conn.execute(sa.select(_round.c.id, _round.c.draw_json)).all():
        header = json.loads(draw_json or "{}")
        pairings = header.pop("pairings", None)
        if pairings is None:
            continue
        free: dict[tuple[str, str], deque[int]] = {}
        debates = sa.select(_debate.c.id, _debate.c.proposition_id, _debate.c.opposition_id).where(_debate.c.round_id == round_id).order_by(_debate.c.id)
        for debate_id, prop, opp in conn.execute(debates):
            free.setdefault((names[prop], names[opp]), deque()).append(debate_id)
        params = []
        for pairing in pairings:
            playing = free.get((pairing["proposition"], pairing["opposition"]))
            if not playing:
                continue
            flags, seeds = pairing.get("flags") or [], pairing.get("seeds")
            params.append({"d_id": playing.popleft(), "d_flags": json.dumps(flags) if flags else None, "d_bracket": pairing.get("bracket"),
                           "d_prop_seed": seeds[0] if seeds else None, "d_opp_seed": seeds[1] if seeds else None})
        if params:
            conn.execute(set_pairing, params)
        conn.execute(sa.update(_round).where(_round.c.id == round_id).values(draw_json=json.dumps(header)))


def downgrade() -> None:
    refuse_downgrade()
