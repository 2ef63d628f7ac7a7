"""Schema migrations: Alembic revisions, run on the store's own connection.

One revision per schema step, named after the schema it brings a database to (`schema_3`
adds what schema 2 lacked, and so on; `schema_2` is the oldest schema this release still
upgrades, the base). A new database is made whole by `create_all` and stamped at `HEAD`.
A database written before Alembic took over has only `meta.schema_version`: it is stamped at
the revision of that schema, then upgraded. Each revision also writes its schema number into
`meta`, so a release from before Alembic still refuses a database newer than it reads.

Importing Alembic costs about a third of a second: this module names the revisions without
it, so opening a current database (the common case, and every reading command) only compares
its `alembic_version` row with `HEAD` in plain SQL. Alembic is imported by `upgrade` and
`stamp` alone.

Adding a schema step: add a table or column in `tables.py`, bump `SCHEMA_VERSION`, write
`versions/schema_N.py` (the revision before it as `down_revision`; `alembic.command.revision`
with `script_location` set to this folder and `rev_id="schema_N"` writes the skeleton from
`script.py.mako`), and add it to `REVISIONS` and `HEAD` here. tests/store/test_upgrade.py
checks that a database upgraded from the oldest schema ends equal to a new one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

# The schema each revision brings a database to, oldest first.
REVISIONS: dict[int, str] = {2: "schema_2", 3: "schema_3", 4: "schema_4", 5: "schema_5"}
HEAD = "schema_5"
_SCHEMAS = {revision: schema for schema, revision in REVISIONS.items()}


def schema_of(revision: str) -> int | None:
    """The schema number of one of this release's revisions; None for one it does not know."""
    return _SCHEMAS.get(revision)


def stamp(connection: Connection, revision: str) -> None:
    """Record `revision` in `alembic_version` without running anything: for a new database
    made by `create_all`, or one from before Alembic whose schema says where it stands."""
    from alembic import command

    command.stamp(_config(connection), revision)


def upgrade(connection: Connection) -> None:
    """Run every revision from the database's recorded one up to `HEAD`, on `connection`
    (inside its transaction: the caller commits)."""
    from alembic import command

    command.upgrade(_config(connection), HEAD)


def _config(connection: Connection) -> Config:
    # No alembic.ini: the revisions live in this package, and env.py takes the connection
    # from the config's attributes (Alembic's "sharing a connection" recipe).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config
