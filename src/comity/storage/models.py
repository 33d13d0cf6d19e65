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
    "custody_events",
    "event_entries",
    "events",
    "evidence_packages",
    "evidence_uploads",
    "finding_decisions",
    "hosted_authorities",
    "idempotency_keys",
    "law_profile_snapshots",
    "log_checkpoints",
    "log_hashes",
    "log_leaves",
    "messages",
    "metadata",
    "pattern_counts",
    "registry_snapshots",
    "request_summaries",
    "request_summary_flags",
    "request_summary_hashes",
    "request_transitions",
    "requests",
    "screening_reports",
    "screening_subjects",
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

#: Uploads of evidence packages in progress (docs/formats/evidence-transfer.md): the producer's
#: signed receipt, checked when the upload was created, names the digest and size the bytes
#: must have. The row is removed when the package is accepted or refused; the bytes received so
#: far are in the blob store's partial area under the digest.
evidence_uploads = sa.Table(
    "evidence_uploads",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "authority_id", sa.String(100), sa.ForeignKey("hosted_authorities.id"), nullable=False
    ),
    sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("package_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("package_size", sa.BigInteger(), nullable=False),
    sa.Column("receipt", sa.JSON(), nullable=False),
    sa.Column("officer", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: Evidence packages the node accepted: the bytes are in the blob store under
#: ``package_sha256``; the receipt is the producer's, checked against the directory key.
#: ``request_id`` is the producer's copy of the request, ``recipient_request_id`` the
#: recipient's copy when the recipient is hosted here.
evidence_packages = sa.Table(
    "evidence_packages",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("package_sha256", sa.String(64), nullable=False),
    sa.Column("package_size", sa.BigInteger(), nullable=False),
    sa.Column("package_id", sa.String(100), nullable=False),
    sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("recipient_request_id", sa.String(36), sa.ForeignKey("requests.id"), nullable=True),
    sa.Column("producer_authority", sa.String(100), nullable=False),
    sa.Column("recipient_authority", sa.String(100), nullable=False),
    sa.Column("receipt", sa.JSON(), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("request_id", "package_sha256", name="uq_evidence_packages_request_sha"),
    sa.Index("ix_evidence_packages_recipient", "recipient_authority"),
)

#: The node's chain of custody of each package: signed custody events
#: (``comity-custody-event/v1``, RFC 8785 line in ``line``), hash-chained per package, each
#: naming the journal event that put it in the ledger.
custody_events = sa.Table(
    "custody_events",
    metadata,
    sa.Column("package", sa.String(36), sa.ForeignKey("evidence_packages.id"), primary_key=True),
    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("authority", sa.String(100), nullable=False),
    sa.Column("person", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("line", sa.Text(), nullable=False),
    sa.Column("line_sha256", sa.String(64), nullable=False),
    sa.Column("event_seq", _SEQ, sa.ForeignKey("events.seq"), nullable=False, unique=True),
)

_REQUEST_ID = sa.String(100)

#: Every state the national law profiles have been in on this node (like registry_snapshots):
#: each import writes all the resulting profiles (a JSON array of ``comity.law-profile/1``
#: documents, ordered by State) as a new row; the newest row is current.
law_profile_snapshots = sa.Table(
    "law_profile_snapshots",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("document", sa.Text(), nullable=False),
    sa.Column("sources", sa.JSON(), nullable=False),
)

#: Every screening report of every request (keyed by the request's identifier string, with no
#: foreign key: the requests are stored elsewhere). A re-screening adds a row; the newest row
#: of a request and side is its current report.
screening_reports = sa.Table(
    "screening_reports",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True),
    sa.Column("request_id", _REQUEST_ID, nullable=False),
    sa.Column("side", sa.String(20), nullable=False),
    sa.Column("report", sa.Text(), nullable=False),
    sa.Column("rules_version", sa.String(100), nullable=False),
    sa.Column("rules_digest", sa.String(64), nullable=False),
    sa.Column("registry_digest", sa.String(64), nullable=False),
    sa.Column("profiles_digest", sa.String(64), nullable=False),
    sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_screening_reports_request", "request_id", "side", "seq"),
)

#: Each reviewer's decision on a finding of a report: accepted, or overridden with reasons.
finding_decisions = sa.Table(
    "finding_decisions",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True),
    sa.Column("request_id", _REQUEST_ID, nullable=False, index=True),
    sa.Column("report_seq", _SEQ, sa.ForeignKey("screening_reports.seq"), nullable=False),
    sa.Column("finding_id", sa.String(300), nullable=False),
    sa.Column("verdict", sa.String(20), nullable=False),
    sa.Column("reviewer", sa.String(200), nullable=False),
    sa.Column("reasons", sa.Text(), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
)

#: What the node needs to screen a request again: its document, day and annotations, sealed
#: (ChaCha20-Poly1305 under a key derived from the node secret) so that the screening tables
#: hold no identifier in clear. One row per request and side; a new screening replaces it.
screening_subjects = sa.Table(
    "screening_subjects",
    metadata,
    sa.Column("request_id", _REQUEST_ID, primary_key=True),
    sa.Column("side", sa.String(20), primary_key=True),
    sa.Column("sealed", sa.LargeBinary(), nullable=False),
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
)

#: What pattern detection needs of each request received (requested side): plain metadata,
#: and (in the tables below) keyed hashes only. ``investigation_hash`` is the keyed hash of
#: the case number. ``outcome`` changes when the request is refused or granted.
request_summaries = sa.Table(
    "request_summaries",
    metadata,
    sa.Column("request_id", _REQUEST_ID, primary_key=True),
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
    sa.Index(
        "ix_request_summaries_investigation",
        "requested_state",
        "requesting_state",
        "investigation_hash",
    ),
    sa.Index(
        "ix_request_summaries_authority", "requested_state", "requesting_authority", "urgency"
    ),
)

#: The keyed hashes (HMAC-SHA-256 under the node secret) of the identifiers (``kind`` ``i``)
#: and persons (``p``) each request names, indexed by hash: never the values in clear.
request_summary_hashes = sa.Table(
    "request_summary_hashes",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("request_id", _REQUEST_ID, primary_key=True),
    sa.Column("kind", sa.String(1), primary_key=True),
    sa.Index("ix_request_summary_hashes_request", "request_id"),
)

#: The offence flags and privilege categories of each request, by requesting State.
request_summary_flags = sa.Table(
    "request_summary_flags",
    metadata,
    sa.Column("requested_state", sa.String(16), primary_key=True),
    sa.Column("requesting_state", sa.String(16), primary_key=True),
    sa.Column("flag", sa.String(40), primary_key=True),
    sa.Column("request_id", _REQUEST_ID, primary_key=True),
    sa.Index("ix_request_summary_flags_request", "request_id"),
)

#: Running counts of requests and emergency requests per requested State and requesting
#: authority, kept with the summaries, so that an authority's share of emergencies is read
#: from a few rows rather than counted over the whole history.
pattern_counts = sa.Table(
    "pattern_counts",
    metadata,
    sa.Column("requested_state", sa.String(16), primary_key=True),
    sa.Column("requesting_authority", sa.String(200), primary_key=True),
    sa.Column("total", sa.BigInteger(), nullable=False),
    sa.Column("emergencies", sa.BigInteger(), nullable=False),
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
    "evidence_packages",
    "custody_events",
    "law_profile_snapshots",
    "screening_reports",
    "finding_decisions",
    "use_records",
)
#: Tables whose rows may be inserted and updated, never removed.
UPDATABLE_TABLES: tuple[str, ...] = (
    "log_checkpoints",
    "hosted_authorities",
    "requests",
    "messages",
    "screening_subjects",
)
