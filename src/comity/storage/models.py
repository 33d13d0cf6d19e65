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
    "api_tokens",
    "case_evidence",
    "case_links",
    "case_requests",
    "cases",
    "event_entries",
    "events",
    "hosted_authorities",
    "idempotency_keys",
    "log_checkpoints",
    "log_hashes",
    "log_leaves",
    "messages",
    "metadata",
    "registry_snapshots",
    "request_transitions",
    "requests",
    "use_records",
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

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: Authorities hosted on this node: their directory facts, public keys, and their private
#: keys (Ed25519 signing key then X25519 decryption key, 64 bytes) sealed with the node secret
#: (AES-256-GCM, see comity.services.node_secret). Never deleted.
hosted_authorities = sa.Table(
    "hosted_authorities",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("participant", sa.String(3), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("languages", sa.JSON(), nullable=False),
    sa.Column("signing_key", sa.String(64), nullable=False),
    sa.Column("age_recipient", sa.String(100), nullable=False),
    sa.Column("sealed_private_keys", sa.LargeBinary(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: API tokens: only the SHA-256 of each token is kept; the token is shown once.
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    sa.Column(
        "authority_id", sa.String(100), sa.ForeignKey("hosted_authorities.id"), nullable=False
    ),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: One side's copy of a request: the requesting authority's, or the requested authority's
#: (linked by ``message_id``, the id of the signed message that sent it). ``version`` grows
#: with every change and is the ETag. ``initial_state`` is where the copy's history starts.
requests = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "authority_id", sa.String(100), sa.ForeignKey("hosted_authorities.id"), nullable=False
    ),
    sa.Column("side", sa.String(20), nullable=False),
    sa.Column("reference", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("requesting_authority", sa.String(100), nullable=False),
    sa.Column("requested_authority", sa.String(100), nullable=True),
    sa.Column("requesting_state", sa.String(3), nullable=False),
    sa.Column("requested_state", sa.String(3), nullable=True),
    sa.Column("initial_state", sa.String(30), nullable=False),
    sa.Column("state", sa.String(30), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("document", sa.JSON(), nullable=False),
    sa.Column("message_id", sa.String(36), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("authority_id", "reference", name="uq_requests_authority_reference"),
    sa.Index("ix_requests_authority_state", "authority_id", "state"),
    sa.Index("ix_requests_reference", "reference"),
)

#: Every lifecycle event of a request copy, in order; each row names its journal event.
request_transitions = sa.Table(
    "request_transitions",
    metadata,
    sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("from_state", sa.String(30), nullable=False),
    sa.Column("to_state", sa.String(30), nullable=False),
    sa.Column("side", sa.String(20), nullable=False),
    sa.Column("authority", sa.String(100), nullable=False),
    sa.Column("officer", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reasons", sa.Text(), nullable=True),
    sa.Column("documents", sa.JSON(), nullable=False),
    sa.Column("preserved_until", sa.Date(), nullable=True),
    sa.Column("linked_request", sa.String(100), nullable=True),
    sa.Column("event_seq", _SEQ, sa.ForeignKey("events.seq"), nullable=False, unique=True),
)

#: Cases of one authority: the requests of one investigation.
cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "authority_id", sa.String(100), sa.ForeignKey("hosted_authorities.id"), nullable=False
    ),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

case_requests = sa.Table(
    "case_requests",
    metadata,
    sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("position", sa.Integer(), nullable=False),
)

case_links = sa.Table(
    "case_links",
    metadata,
    sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("source_id", sa.String(36), sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("target_id", sa.String(36), sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

case_evidence = sa.Table(
    "case_evidence",
    metadata,
    sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("package", sa.String(200), primary_key=True),
    sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("received_on", sa.Date(), nullable=False),
)

#: POST replays: a key an authority used, the SHA-256 of the request, the stored response.
idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column(
        "authority_id", sa.String(100), sa.ForeignKey("hosted_authorities.id"), primary_key=True
    ),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_sha256", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=False),
    sa.Column("response", sa.JSON(), nullable=False),
    sa.Column("headers", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: Signed messages: ``out`` (the outbox of a hosted sender) and ``in`` (what a hosted
#: recipient received: ``accepted`` or ``rejected`` with the reason). Status may change
#: (pending to delivered), rows never disappear.
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True),
    sa.Column("message_id", sa.String(36), nullable=False),
    sa.Column("direction", sa.String(3), nullable=False),
    sa.Column("sender", sa.String(100), nullable=False),
    sa.Column("recipient", sa.String(100), nullable=False),
    sa.Column("envelope", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_messages_recipient", "recipient", "direction"),
)

#: The use records of a request copy (UNCC Art 40(19), Art 36(3)), in order: the use
#: limitation, requests for consent to a new use and their decisions, authorisations of onward
#: transfer, and the delayed notification of the person concerned. ``item`` names the consent,
#: authorisation or notification a record belongs to (the same id on both copies). Each row
#: names its journal event; rows are never changed (comity.services.use_steps folds them).
use_records = sa.Table(
    "use_records",
    metadata,
    sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("record", sa.String(30), nullable=False),
    sa.Column("item", sa.String(36), nullable=True),
    sa.Column("side", sa.String(20), nullable=False),
    sa.Column("authority", sa.String(100), nullable=False),
    sa.Column("officer", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data", sa.JSON(), nullable=False),
    sa.Column("event_seq", _SEQ, sa.ForeignKey("events.seq"), nullable=False, unique=True),
    sa.Index("ix_use_records_record", "record"),
)

#: Tables whose rows may be inserted but never changed or removed.
APPEND_ONLY_TABLES: tuple[str, ...] = (
    "events",
    "event_entries",
    "log_leaves",
    "log_hashes",
    "registry_snapshots",
    "request_transitions",
    "case_links",
    "case_evidence",
    "use_records",
)
#: Tables whose rows may be inserted and updated, never removed.
UPDATABLE_TABLES: tuple[str, ...] = (
    "log_checkpoints",
    "hosted_authorities",
    "requests",
    "messages",
)
