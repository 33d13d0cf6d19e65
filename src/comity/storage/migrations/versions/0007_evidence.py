"""Evidence through the node: uploads in progress, accepted packages, custody events.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from comity.storage.append_only import drop_append_only, make_append_only

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_APPEND_ONLY = ("evidence_packages", "custody_events")
_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "evidence_uploads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("authority_id", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("package_size", sa.BigInteger(), nullable=False),
        sa.Column("receipt", sa.JSON(), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["hosted_authorities.id"],
            name=op.f("fk_evidence_uploads_authority_id_hosted_authorities"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_evidence_uploads_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_uploads")),
        sa.UniqueConstraint("package_sha256", name=op.f("uq_evidence_uploads_package_sha256")),
    )
    op.create_table(
        "evidence_packages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("package_size", sa.BigInteger(), nullable=False),
        sa.Column("package_id", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("recipient_request_id", sa.String(length=36), nullable=True),
        sa.Column("producer_authority", sa.String(length=100), nullable=False),
        sa.Column("recipient_authority", sa.String(length=100), nullable=False),
        sa.Column("receipt", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_evidence_packages_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_request_id"],
            ["requests.id"],
            name=op.f("fk_evidence_packages_recipient_request_id_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_packages")),
        sa.UniqueConstraint(
            "request_id", "package_sha256", name="uq_evidence_packages_request_sha"
        ),
    )
    op.create_index("ix_evidence_packages_recipient", "evidence_packages", ["recipient_authority"])
    op.create_table(
        "custody_events",
        sa.Column("package", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("line_sha256", sa.String(length=64), nullable=False),
        sa.Column("event_seq", _SEQ, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["events.seq"], name=op.f("fk_custody_events_event_seq_events")
        ),
        sa.ForeignKeyConstraint(
            ["package"],
            ["evidence_packages.id"],
            name=op.f("fk_custody_events_package_evidence_packages"),
        ),
        sa.PrimaryKeyConstraint("package", "seq", name=op.f("pk_custody_events")),
        sa.UniqueConstraint("event_seq", name=op.f("uq_custody_events_event_seq")),
    )
    for table in _APPEND_ONLY:
        make_append_only(op.get_bind(), table)


def downgrade() -> None:
    for table in _APPEND_ONLY:
        drop_append_only(op.get_bind(), table)
    op.drop_table("custody_events")
    op.drop_index("ix_evidence_packages_recipient", table_name="evidence_packages")
    op.drop_table("evidence_packages")
    op.drop_table("evidence_uploads")
