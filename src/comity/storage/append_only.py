"""Triggers that make a table append-only, on SQLite and on PostgreSQL.

The Merkle log makes tampering evident; these triggers make accidental updates and deletes
impossible. An attempt fails with an integrity error whose message contains ``append-only``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = ["drop_append_only", "make_append_only"]


def make_append_only(connection: Connection, table: str, *, allow_update: bool = False) -> None:
    """Refuse every UPDATE and DELETE on ``table`` from now on.

    ``allow_update`` keeps UPDATE possible and refuses only DELETE (and TRUNCATE): for a table
    whose rows may gain information but never disappear (checkpoints gaining cosignatures).
    """
    actions = ("DELETE",) if allow_update else ("UPDATE", "DELETE")
    if connection.dialect.name == "sqlite":
        for action in actions:
            connection.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        return
    connection.execute(
        sa.text(
            "CREATE OR REPLACE FUNCTION comity_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$ LANGUAGE plpgsql"
        )
    )
    connection.exec_driver_sql(
        f"CREATE TRIGGER {table}_append_only BEFORE {' OR '.join(actions)} ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION comity_append_only()"
    )
    connection.exec_driver_sql(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION comity_append_only()"
    )


def drop_append_only(connection: Connection, table: str) -> None:
    """Remove the triggers of :func:`make_append_only` (used by downgrades only)."""
    if connection.dialect.name == "sqlite":
        for action in ("update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        return
    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
