"""Screening on the node: law profile snapshots, screening reports, decisions, pattern index.

The reports, decisions and profile snapshots are append-only; the sealed screening subjects
may be replaced, never removed. The pattern index (summaries, keyed hashes, flags, counts)
holds no identifier in clear. Nothing here depends on the requests tables: requests are
referred to by their identifier string.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from comity.storage.append_only import drop_append_only, make_append_only

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
REQUEST_ID = sa.String(100)
APPEND_ONLY = ("law_profile_snapshots", "screening_reports", "finding_decisions")


def upgrade() -> None:
    op.create_table(
        "law_profile_snapshots",
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_law_profile_snapshots")),
    )
    op.create_table(
        "screening_reports",
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("request_id", REQUEST_ID, nullable=False),
        sa.Column("side", sa.String(20), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("rules_version", sa.String(100), nullable=False),
        sa.Column("rules_digest", sa.String(64), nullable=False),
        sa.Column("registry_digest", sa.String(64), nullable=False),
        sa.Column("profiles_digest", sa.String(64), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_screening_reports")),
    )
    op.create_index(
        "ix_screening_reports_request", "screening_reports", ["request_id", "side", "seq"]
    )
    op.create_table(
        "finding_decisions",
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("request_id", REQUEST_ID, nullable=False),
        sa.Column("report_seq", SEQ, nullable=False),
        sa.Column("finding_id", sa.String(300), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_seq"],
            ["screening_reports.seq"],
            name=op.f("fk_finding_decisions_report_seq_screening_reports"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_finding_decisions")),
    )
    op.create_index("ix_finding_decisions_request_id", "finding_decisions", ["request_id"])
    op.create_table(
        "screening_subjects",
        sa.Column("request_id", REQUEST_ID, nullable=False),
        sa.Column("side", sa.String(20), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id", "side", name=op.f("pk_screening_subjects")),
    )
    op.create_table(
        "request_summaries",
        sa.Column("request_id", REQUEST_ID, nullable=False),
        sa.Column("requested_state", sa.String(16), nullable=False),
        sa.Column("requesting_state", sa.String(16), nullable=False),
        sa.Column("requesting_authority", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("urgency", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("offence_key", sa.String(64), nullable=True),
        sa.Column("investigation_hash", sa.String(64), nullable=True),
        sa.Column("identifier_count", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_request_summaries")),
    )
    op.create_index(
        "ix_request_summaries_investigation",
        "request_summaries",
        ["requested_state", "requesting_state", "investigation_hash"],
    )
    op.create_index(
        "ix_request_summaries_authority",
        "request_summaries",
        ["requested_state", "requesting_authority", "urgency"],
    )
    op.create_table(
        "request_summary_hashes",
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("request_id", REQUEST_ID, nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.PrimaryKeyConstraint(
            "hash", "request_id", "kind", name=op.f("pk_request_summary_hashes")
        ),
    )
    op.create_index("ix_request_summary_hashes_request", "request_summary_hashes", ["request_id"])
    op.create_table(
        "request_summary_flags",
        sa.Column("requested_state", sa.String(16), nullable=False),
        sa.Column("requesting_state", sa.String(16), nullable=False),
        sa.Column("flag", sa.String(40), nullable=False),
        sa.Column("request_id", REQUEST_ID, nullable=False),
        sa.PrimaryKeyConstraint(
            "requested_state",
            "requesting_state",
            "flag",
            "request_id",
            name=op.f("pk_request_summary_flags"),
        ),
    )
    op.create_index("ix_request_summary_flags_request", "request_summary_flags", ["request_id"])
    op.create_table(
        "pattern_counts",
        sa.Column("requested_state", sa.String(16), nullable=False),
        sa.Column("requesting_authority", sa.String(200), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("emergencies", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "requested_state", "requesting_authority", name=op.f("pk_pattern_counts")
        ),
    )
    bind = op.get_bind()
    for table in APPEND_ONLY:
        make_append_only(bind, table)
    make_append_only(bind, "screening_subjects", allow_update=True)


def downgrade() -> None:
    bind = op.get_bind()
    for table in (*APPEND_ONLY, "screening_subjects"):
        drop_append_only(bind, table)
    for table in (
        "pattern_counts",
        "request_summary_flags",
        "request_summary_hashes",
        "request_summaries",
        "screening_subjects",
        "finding_decisions",
        "screening_reports",
        "law_profile_snapshots",
    ):
        op.drop_table(table)
