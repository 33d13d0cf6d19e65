"""The transparency ledger: each event's entry, log positions, stored hashes, checkpoints.

The new tables are append-only in the database (``log_checkpoints`` may gain cosignatures,
never lose a row); the ``events`` table is not changed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from comity.storage.append_only import drop_append_only, make_append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_APPEND_ONLY = ("event_entries", "log_leaves", "log_hashes")


def upgrade() -> None:
    op.create_table(
        "event_entries",
        sa.Column("event_seq", _SEQ, nullable=False),
        sa.Column("salt", sa.LargeBinary(32), nullable=False),
        sa.Column("entry", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["events.seq"], name=op.f("fk_event_entries_event_seq_events")
        ),
        sa.PrimaryKeyConstraint("event_seq", name=op.f("pk_event_entries")),
    )
    op.create_table(
        "log_leaves",
        sa.Column("leaf_index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_seq", _SEQ, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_seq"],
            ["event_entries.event_seq"],
            name=op.f("fk_log_leaves_event_seq_event_entries"),
        ),
        sa.PrimaryKeyConstraint("leaf_index", name=op.f("pk_log_leaves")),
        sa.UniqueConstraint("event_seq", name=op.f("uq_log_leaves_event_seq")),
    )
    op.create_table(
        "log_hashes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_log_hashes")),
    )
    op.create_table(
        "log_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("note", sa.LargeBinary(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_log_checkpoints")),
    )
    bind = op.get_bind()
    for table in _APPEND_ONLY:
        make_append_only(bind, table)
    make_append_only(bind, "log_checkpoints", allow_update=True)


def downgrade() -> None:
    bind = op.get_bind()
    for table in ("log_checkpoints", "log_hashes", "log_leaves", "event_entries"):
        drop_append_only(bind, table)
        op.drop_table(table)
