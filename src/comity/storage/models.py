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
    "finding_decisions",
    "law_profile_snapshots",
    "log_checkpoints",
    "log_hashes",
    "log_leaves",
    "metadata",
    "pattern_counts",
    "registry_snapshots",
    "request_summaries",
    "request_summary_flags",
    "request_summary_hashes",
    "screening_reports",
    "screening_subjects",
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

#: Tables whose rows may be inserted but never changed or removed.
APPEND_ONLY_TABLES: tuple[str, ...] = (
    "events",
    "event_entries",
    "log_leaves",
    "log_hashes",
    "registry_snapshots",
    "law_profile_snapshots",
    "screening_reports",
    "finding_decisions",
)
#: Tables whose rows may be inserted and updated, never removed.
UPDATABLE_TABLES: tuple[str, ...] = ("log_checkpoints", "screening_subjects")
