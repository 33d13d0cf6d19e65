"""The node's side of its transparency log: serving it, taking cosignatures, exporting events
and publishing the statistics anyone can recompute.

Reads run in read transactions (never holding the write lock); the only writes are the
empty log's first checkpoint and cosignatures, each in a write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from comity.errors import PermissionDenied
from comity.ledger.audit import EventFile
from comity.ledger.checkpoint import checkpoint_of
from comity.ledger.cosignature import Cosignature, CosignatureVerifier, verify_cosignatures
from comity.ledger.stats import compute_statistics, statistics_json
from comity.ledger.store import Log, LogSigner
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.ledger_store import SqlLogStore

__all__ = [
    "PublishedStatistics",
    "accept_cosignatures",
    "cosignatures",
    "export_event",
    "local_fetch",
    "published_statistics",
    "read_log_path",
]


def read_log_path(engine: Engine, signer: LogSigner, path: str) -> bytes:
    """A tlog-tiles resource (``checkpoint``, ``tile/...``); :class:`NotFound` otherwise."""
    with read_transaction(engine) as connection:
        store = SqlLogStore(connection)
        if path != "checkpoint" or store.latest_checkpoint() is not None:
            return Log(store, signer).read_path(path)
    with write_transaction(engine) as connection:  # an empty log signs its first checkpoint
        store = SqlLogStore(connection)
        store.lock()
        return Log(store, signer).checkpoint()


def local_fetch(engine: Engine, signer: LogSigner) -> Callable[[str], bytes]:
    """A ``fetch(path)`` over the node's own database, for verifying without HTTP."""
    return lambda path: read_log_path(engine, signer, path)


def accept_cosignatures(
    engine: Engine, signer: LogSigner, witnesses: Iterable[CosignatureVerifier], note: bytes
) -> list[Cosignature]:
    """Merge the configured witnesses' cosignatures on ``note`` into the latest checkpoint.

    The note must be the latest checkpoint signed by the log; signatures by unknown keys are
    not kept. Returns every cosignature now on the checkpoint.
    """
    witness_list = list(witnesses)
    with write_transaction(engine) as connection:
        store = SqlLogStore(connection)
        store.lock()
        log = Log(store, signer, witnesses=witness_list)
        _, offered = verify_cosignatures(note, signer.verifier, witness_list)
        if not offered:
            raise PermissionDenied("the note carries no cosignature by a configured witness")
        return log.add_cosignatures(note)


def cosignatures(
    engine: Engine, signer: LogSigner, witnesses: Iterable[CosignatureVerifier]
) -> tuple[bytes, list[Cosignature]]:
    """The latest checkpoint and the verified witness cosignatures on it."""
    note = read_log_path(engine, signer, "checkpoint")
    _, found = verify_cosignatures(note, signer.verifier, list(witnesses))
    return note, found


def export_event(engine: Engine, signer: LogSigner, seq: int) -> EventFile:
    """The event file of journal event ``seq`` (its private event, salt and leaf index)."""
    with read_transaction(engine) as connection:
        record = SqlLogStore(connection).journal_record(seq)
    return EventFile(signer.name, record.seq, record.leaf_index, record.event, record.salt)


@dataclass(frozen=True, slots=True)
class PublishedStatistics:
    """The statistics of the tree at ``tree_size``, as RFC 8785 JSON."""

    tree_size: int
    body: bytes


def published_statistics(engine: Engine, signer: LogSigner) -> PublishedStatistics:
    """Counts recomputed from the public headers of the latest checkpoint's entries
    (:func:`comity.ledger.stats.statistics_json`)."""
    note = read_log_path(engine, signer, "checkpoint")
    size = checkpoint_of(note).size
    with read_transaction(engine) as connection:
        entries = SqlLogStore(connection).read_entries(0, size)
    return PublishedStatistics(size, statistics_json(compute_statistics(entries)))
