"""Requests on both sides, hosted authorities, API tokens, cases, idempotency, messages.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from comity.storage.append_only import drop_append_only, make_append_only

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_APPEND_ONLY = ("request_transitions", "case_links", "case_evidence")
_NO_DELETE = ("hosted_authorities", "requests", "messages")


def upgrade() -> None:
    op.create_table(
        "hosted_authorities",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("participant", sa.String(length=3), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("signing_key", sa.String(length=64), nullable=False),
        sa.Column("age_recipient", sa.String(length=100), nullable=False),
        sa.Column("sealed_private_keys", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosted_authorities")),
    )
    op.create_table(
        "messages",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("sender", sa.String(length=100), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("envelope", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_recipient", "messages", ["recipient", "direction"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("authority_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["hosted_authorities.id"],
            name=op.f("fk_api_tokens_authority_id_hosted_authorities"),
        ),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_api_tokens")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("authority_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["hosted_authorities.id"],
            name=op.f("fk_cases_authority_id_hosted_authorities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("authority_id", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["hosted_authorities.id"],
            name=op.f("fk_idempotency_keys_authority_id_hosted_authorities"),
        ),
        sa.PrimaryKeyConstraint("authority_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("authority_id", sa.String(length=100), nullable=False),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("requesting_authority", sa.String(length=100), nullable=False),
        sa.Column("requested_authority", sa.String(length=100), nullable=True),
        sa.Column("requesting_state", sa.String(length=3), nullable=False),
        sa.Column("requested_state", sa.String(length=3), nullable=True),
        sa.Column("initial_state", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["hosted_authorities.id"],
            name=op.f("fk_requests_authority_id_hosted_authorities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("authority_id", "reference", name="uq_requests_authority_reference"),
    )
    op.create_index(
        "ix_requests_authority_state", "requests", ["authority_id", "state"], unique=False
    )
    op.create_index("ix_requests_reference", "requests", ["reference"], unique=False)
    op.create_table(
        "case_evidence",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("package", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_evidence_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_case_evidence_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("case_id", "package", name=op.f("pk_case_evidence")),
    )
    op.create_table(
        "case_links",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_links_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["requests.id"], name=op.f("fk_case_links_source_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["requests.id"], name=op.f("fk_case_links_target_id_requests")
        ),
        sa.PrimaryKeyConstraint("case_id", "source_id", "target_id", name=op.f("pk_case_links")),
    )
    op.create_table(
        "case_requests",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_case_requests_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("case_id", "request_id", name=op.f("pk_case_requests")),
    )
    op.create_table(
        "request_transitions",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_state", sa.String(length=30), nullable=False),
        sa.Column("to_state", sa.String(length=30), nullable=False),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("preserved_until", sa.Date(), nullable=True),
        sa.Column("linked_request", sa.String(length=100), nullable=True),
        sa.Column(
            "event_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["events.seq"], name=op.f("fk_request_transitions_event_seq_events")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_request_transitions_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("request_id", "sequence", name=op.f("pk_request_transitions")),
        sa.UniqueConstraint("event_seq", name=op.f("uq_request_transitions_event_seq")),
    )

    for table in _APPEND_ONLY:
        make_append_only(op.get_bind(), table)
    for table in _NO_DELETE:
        make_append_only(op.get_bind(), table, allow_update=True)


def downgrade() -> None:
    for table in (*_APPEND_ONLY, *_NO_DELETE):
        drop_append_only(op.get_bind(), table)
    op.drop_table("request_transitions")
    op.drop_table("case_requests")
    op.drop_table("case_links")
    op.drop_table("case_evidence")
    op.drop_index("ix_requests_reference", table_name="requests")
    op.drop_index("ix_requests_authority_state", table_name="requests")
    op.drop_table("requests")
    op.drop_table("idempotency_keys")
    op.drop_table("cases")
    op.drop_table("api_tokens")
    op.drop_index("ix_messages_recipient", table_name="messages")
    op.drop_table("messages")
    op.drop_table("hosted_authorities")
