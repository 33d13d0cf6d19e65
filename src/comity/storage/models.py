"""The database schema, as SQLAlchemy 2 Core tables on one ``MetaData``.

The tables are defined here and created only by the Alembic migrations in
``comity/storage/migrations``; ``metadata.create_all`` is never used outside tests that compare
the two.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["APPEND_ONLY_TABLES", "events", "metadata", "registry_snapshots"]

#: Constraint names that Alembic's batch mode can find again on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

#: The journal of everything that happened on this node, in the order it was committed. Each
#: row is written in the same transaction as the change it records; rows are never updated or
#: deleted (enforced by triggers, see APPEND_ONLY_TABLES).
events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("tag", sa.String(100), nullable=False),
    sa.Column("authority", sa.String(100), nullable=True),
    sa.Column("subject", sa.String(200), nullable=True),
    sa.Column("payload", sa.JSON(), nullable=False),
)

#: Every state the treaty registry has been in on this node: each import writes the whole
#: resulting registry (format ``comity.registry/1``) as a new row; the newest row is current.
#: Earlier rows stay, so what the node knew on any day can be shown again.
registry_snapshots = sa.Table(
    "registry_snapshots",
    metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("document", sa.Text(), nullable=False),
    sa.Column("sources", sa.JSON(), nullable=False),
)

#: Tables whose rows may be inserted but never changed or removed.
APPEND_ONLY_TABLES: tuple[str, ...] = ("events", "registry_snapshots")
