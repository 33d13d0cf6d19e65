"""Use limitations and data protection: the append-only use records of each request copy.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from comity.storage.append_only import drop_append_only, make_append_only

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "use_records",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("record", sa.String(length=30), nullable=False),
        sa.Column("item", sa.String(length=36), nullable=True),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column(
            "event_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["events.seq"], name=op.f("fk_use_records_event_seq_events")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_use_records_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("request_id", "sequence", name=op.f("pk_use_records")),
        sa.UniqueConstraint("event_seq", name=op.f("uq_use_records_event_seq")),
    )
    op.create_index("ix_use_records_record", "use_records", ["record"], unique=False)
    make_append_only(op.get_bind(), "use_records")


def downgrade() -> None:
    drop_append_only(op.get_bind(), "use_records")
    op.drop_index("ix_use_records_record", table_name="use_records")
    op.drop_table("use_records")
