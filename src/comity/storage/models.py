"""The database schema, as SQLAlchemy 2 Core tables on one ``MetaData``.

The tables are defined here and created only by the Alembic migrations in
``comity/storage/migrations``; ``metadata.create_all`` is never used outside tests that compare
the two.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "APPEND_ONLY_TABLES",
    "UPDATABLE_TABLES",
    "event_entries",
    "events",
    "log_checkpoints",
    "log_hashes",
    "log_leaves",
    "metadata",
    "registry_snapshots",
]

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


#: The ledger entry of each event, written in the same transaction as the event: the private
#: salt of its commitment and the public entry bytes (header and commitment, see
#: docs/formats/ledger-entry.md). An event without its entry cannot be committed.
event_entries = sa.Table(
    "event_entries",
    metadata,
    sa.Column(
        "event_seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.ForeignKey("events.seq"),
        primary_key=True,
    ),
    sa.Column("salt", sa.LargeBinary(32), nullable=False),
    sa.Column("entry", sa.LargeBinary(), nullable=False),
)

#: Positions in the Merkle log: leaf ``leaf_index`` is the entry of event ``event_seq``.
#: Assigned by the sequencer, one batch per transaction.
log_leaves = sa.Table(
    "log_leaves",
    metadata,
    sa.Column("leaf_index", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column(
        "event_seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.ForeignKey("event_entries.event_seq"),
        nullable=False,
        unique=True,
    ),
)

#: The stored hashes of the Merkle tree (sumdb/tlog layout): hash ``idx`` at tree ``level``.
log_hashes = sa.Table(
    "log_hashes",
    metadata,
    sa.Column("level", sa.SmallInteger(), primary_key=True, autoincrement=False),
    sa.Column("idx", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("hash", sa.LargeBinary(32), nullable=False),
)

#: Every checkpoint the node signed, by tree size: the history auditors may ask about. A
#: row's note may be replaced only by the same checkpoint with more (witness) signatures.
log_checkpoints = sa.Table(
    "log_checkpoints",
    metadata,
    sa.Column("tree_size", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("note", sa.LargeBinary(), nullable=False),
    sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
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
APPEND_ONLY_TABLES: tuple[str, ...] = (
    "events",
    "event_entries",
    "log_leaves",
    "log_hashes",
    "registry_snapshots",
)
#: Tables whose rows may be inserted and updated, never removed.
UPDATABLE_TABLES: tuple[str, ...] = ("log_checkpoints",)
