"""The Merkle log in the node's database: :class:`SqlLogStore` implements ``LogStore``.

Every method runs inside the transaction of the connection it was given, so an append (the
leaves, the stored hashes and the signed checkpoint) commits or rolls back with everything
else that transaction did. Sequencers are serialised: on SQLite the write transaction
(``BEGIN IMMEDIATE``) holds the database's write lock; on PostgreSQL :meth:`SqlLogStore.lock`
takes a transaction-scoped advisory lock. ``append_batch`` still checks that the tree did not
move and raises :class:`~comity.errors.Conflict` if it did.

The public entries are *rendered from the journal* at read time: each entry's header comes
from the stored entry and its commitment is recomputed from the event row and its salt
(:mod:`comity.ledger.journal`). An event row altered after it was logged therefore shows in
the public entry bundles, and an auditor's verifier sees an entry that no longer hashes to
its leaf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from comity.errors import Conflict, NotFound, StorageError, ValidationFailed
from comity.ledger.entry import LedgerEntry, commitment
from comity.ledger.journal import journal_event
from comity.ledger.merkle import HASH_SIZE, StoredHash
from comity.storage.models import event_entries, events, log_checkpoints, log_hashes, log_leaves

__all__ = ["JournalRecord", "SqlLogStore", "render_entry"]

#: The key of PostgreSQL's transaction-scoped advisory lock that serialises sequencers.
SEQUENCER_LOCK = 0x636F6D697479  # "comity"


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """An event as the journal holds it: the private event, its salt, the entry stored with
    it, its leaf index (None while pending) and ``entry``, the public entry rendered from the
    event row (see :func:`render_entry`)."""

    seq: int
    event: dict[str, Any]
    salt: bytes
    stored_entry: bytes
    leaf_index: int | None
    entry: bytes


_PREFIX = b'{"commitment":"'


def render_entry(event: Mapping[str, Any], salt: bytes, stored_entry: bytes) -> bytes:
    """The public entry of an event: the stored header with a commitment recomputed from the
    event and salt. Stored bytes that are not an entry at all are returned unchanged (a
    verifier then finds they do not hash to their leaf).

    RFC 8785 puts ``commitment`` first, so when the stored entry already starts with the
    recomputed commitment it is the rendering and is returned as is.
    """
    try:
        recomputed = commitment(event, salt)
    except ValidationFailed:
        return stored_entry
    if stored_entry.startswith(_PREFIX + recomputed.hex().encode() + b'","header":'):
        return stored_entry
    try:
        header = LedgerEntry.decode(stored_entry).header
        return LedgerEntry(header, recomputed).encode()
    except ValidationFailed:
        return stored_entry


_JOURNAL_COLUMNS = (
    events.c.seq,
    events.c.event_id,
    events.c.occurred_at,
    events.c.tag,
    events.c.authority,
    events.c.subject,
    events.c.payload,
    event_entries.c.salt,
    event_entries.c.entry,
)


def _record(row: Any, leaf_index: int | None) -> JournalRecord:
    event = journal_event(
        event_id=row.event_id,
        at=row.occurred_at,
        tag=row.tag,
        authority=row.authority,
        subject=row.subject,
        payload=row.payload if isinstance(row.payload, Mapping) else {},
    )
    salt, stored = bytes(row.salt), bytes(row.entry)
    return JournalRecord(
        row.seq, event, salt, stored, leaf_index, render_entry(event, salt, stored)
    )


class SqlLogStore:
    """A :class:`~comity.ledger.store.LogStore` over the ``log_*`` tables of one transaction.

    The entries it appends are events of the journal: :meth:`stage` names the journal records
    the next :meth:`append_batch` must contain, in order.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._staged: list[JournalRecord] = []

    # --- locking and the journal -------------------------------------------------------------

    def lock(self) -> None:
        """Serialise sequencers until the transaction ends (PostgreSQL advisory lock; on
        SQLite the write transaction already holds the database's write lock)."""
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(
                sa.select(sa.func.pg_advisory_xact_lock(sa.literal(SEQUENCER_LOCK)))
            )

    def pending(self, limit: int) -> list[JournalRecord]:
        """Up to ``limit`` events with an entry but no leaf yet, in journal order."""
        sequenced = sa.select(log_leaves.c.event_seq).where(
            log_leaves.c.event_seq == event_entries.c.event_seq
        )
        query = (
            sa.select(*_JOURNAL_COLUMNS)
            .join(event_entries, event_entries.c.event_seq == events.c.seq)
            .where(~sa.exists(sequenced))
            .order_by(events.c.seq)
            .limit(limit)
        )
        return [_record(row, None) for row in self.connection.execute(query)]

    def pending_hint(self, window: int = 4096, limit: int = 256) -> int:
        """A cheap lower bound of the pending events (at most ``limit``): it looks only at
        the ``window`` events after the newest sequenced one, which is where new events are."""
        newest = self.connection.execute(sa.select(sa.func.max(log_leaves.c.event_seq))).scalar()
        floor = (newest or 0) - window
        sequenced = sa.select(log_leaves.c.event_seq).where(
            log_leaves.c.event_seq == event_entries.c.event_seq
        )
        inner = (
            sa.select(event_entries.c.event_seq)
            .where(event_entries.c.event_seq > floor, ~sa.exists(sequenced))
            .limit(limit)
            .subquery()
        )
        count = sa.select(sa.func.count()).select_from(inner)
        return int(self.connection.execute(count).scalar_one())

    def journal_record(self, seq: int) -> JournalRecord:
        """The journal record of event ``seq``; :class:`NotFound` if it has no entry."""
        query = (
            sa.select(*_JOURNAL_COLUMNS, log_leaves.c.leaf_index)
            .join(event_entries, event_entries.c.event_seq == events.c.seq)
            .outerjoin(log_leaves, log_leaves.c.event_seq == events.c.seq)
            .where(events.c.seq == seq)
        )
        row = self.connection.execute(query).first()
        if row is None:
            raise NotFound(f"no journal event with sequence number {seq}")
        return _record(row, row.leaf_index)

    def stage(self, records: Iterable[JournalRecord]) -> None:
        """Name the journal records whose entries the next :meth:`append_batch` appends."""
        self._staged = list(records)

    # --- LogStore ----------------------------------------------------------------------------

    def tree_size(self) -> int:
        top = self.connection.execute(sa.select(sa.func.max(log_leaves.c.leaf_index))).scalar()
        return 0 if top is None else int(top) + 1

    def read_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        if not 0 <= start <= end:
            raise NotFound(f"no stored hashes ({level}, {start}..{end - 1})")
        if start == end:
            return []
        query = (
            sa.select(log_hashes.c.idx, log_hashes.c.hash)
            .where(log_hashes.c.level == level, log_hashes.c.idx >= start, log_hashes.c.idx < end)
            .order_by(log_hashes.c.idx)
        )
        rows = self.connection.execute(query).all()
        if len(rows) != end - start or (rows and rows[-1].idx != end - 1):
            raise NotFound(f"stored hashes ({level}, {start}..{end - 1}) do not all exist")
        return [bytes(row.hash) for row in rows]

    def read_entries(self, start: int, end: int) -> list[bytes]:
        return [record.entry for record in self.read_records(start, end)]

    def read_records(self, start: int, end: int) -> list[JournalRecord]:
        """The journal records at leaves ``start .. end - 1``; :class:`NotFound` if absent."""
        if not 0 <= start <= end:
            raise NotFound(f"entries {start}..{end - 1} do not exist")
        query = (
            sa.select(*_JOURNAL_COLUMNS, log_leaves.c.leaf_index)
            .select_from(log_leaves)
            .join(event_entries, event_entries.c.event_seq == log_leaves.c.event_seq)
            .join(events, events.c.seq == event_entries.c.event_seq)
            .where(log_leaves.c.leaf_index >= start, log_leaves.c.leaf_index < end)
            .order_by(log_leaves.c.leaf_index)
        )
        rows = self.connection.execute(query).all()
        if len(rows) != end - start:
            raise NotFound(f"entries {start}..{end - 1} do not all exist")
        return [_record(row, row.leaf_index) for row in rows]

    def latest_checkpoint(self) -> bytes | None:
        query = (
            sa.select(log_checkpoints.c.note).order_by(log_checkpoints.c.tree_size.desc()).limit(1)
        )
        note = self.connection.execute(query).scalar()
        return None if note is None else bytes(note)

    def checkpoint_at(self, tree_size: int) -> bytes:
        """The checkpoint the node signed at ``tree_size``; :class:`NotFound` if none."""
        query = sa.select(log_checkpoints.c.note).where(log_checkpoints.c.tree_size == tree_size)
        note = self.connection.execute(query).scalar()
        if note is None:
            raise NotFound(f"no checkpoint at tree size {tree_size}")
        return bytes(note)

    def append_batch(
        self,
        old_size: int,
        entries: Sequence[bytes],
        hashes: Sequence[StoredHash],
        checkpoint: bytes,
    ) -> None:
        size = self.tree_size()
        if size != old_size:
            raise Conflict(f"log has {size} entries, not {old_size}")
        staged, self._staged = self._staged, []
        if [r.entry for r in staged] != list(entries):
            raise StorageError("the entries to append are not the staged journal events")
        if any(len(h.hash) != HASH_SIZE for h in hashes):
            raise StorageError("a stored hash is not 32 bytes")
        if staged:
            self.connection.execute(
                log_leaves.insert(),
                [{"leaf_index": old_size + i, "event_seq": r.seq} for i, r in enumerate(staged)],
            )
        if hashes:
            self.connection.execute(
                log_hashes.insert(),
                [{"level": h.level, "idx": h.index, "hash": h.hash} for h in hashes],
            )
        self.connection.execute(
            log_checkpoints.insert().values(
                tree_size=old_size + len(entries),
                note=checkpoint,
                signed_at=dt.datetime.now(dt.UTC),
            )
        )

    def replace_checkpoint(self, tree_size: int, checkpoint: bytes) -> None:
        query = sa.select(sa.func.max(log_checkpoints.c.tree_size))
        latest = self.connection.execute(query).scalar()
        if latest is None or int(latest) != tree_size:
            raise Conflict(f"the latest checkpoint is not at tree size {tree_size}")
        self.connection.execute(
            log_checkpoints.update()
            .where(log_checkpoints.c.tree_size == tree_size)
            .values(note=checkpoint)
        )
