"""Sequencing: giving recorded events their positions in the Merkle log, in batches.

:func:`sequence_pending` runs ONE write transaction: it locks the log, takes up to
``max_batch`` events that have an entry but no leaf (in journal order), appends their entries
through :class:`~comity.ledger.store.Log` over :class:`~comity.storage.ledger_store.SqlLogStore`
(leaf positions, stored hashes) and stores the newly signed checkpoint. One commit, hence one
fsync, covers the whole batch. :class:`BackgroundSequencer` runs it in a thread of the server:
every ``interval`` seconds, sooner when at least ``trigger`` events are waiting, and again at
once while a backlog remains.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import structlog
from sqlalchemy.engine import Engine

from comity.errors import Error, StorageError
from comity.ledger.checkpoint import checkpoint_of
from comity.ledger.cosignature import CosignatureVerifier
from comity.ledger.store import Log, LogSigner
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.ledger_store import SqlLogStore

__all__ = ["DEFAULT_MAX_BATCH", "BackgroundSequencer", "Sequenced", "sequence_pending"]

DEFAULT_MAX_BATCH = 4096
_log = structlog.get_logger("comity.sequencer")


@dataclass(frozen=True, slots=True)
class Sequenced:
    """The outcome of one sequencing transaction."""

    appended: int
    tree_size: int
    checkpoint: bytes


def sequence_pending(
    engine: Engine,
    signer: LogSigner,
    *,
    max_batch: int = DEFAULT_MAX_BATCH,
    witnesses: Iterable[CosignatureVerifier] = (),
) -> Sequenced:
    """Append up to ``max_batch`` pending events to the log in one transaction.

    An empty log gets its signed size-0 checkpoint. Raises :class:`StorageError` if a
    pending event's stored entry no longer matches its row (the journal was altered).
    """
    if max_batch < 1:
        raise ValueError("max_batch must be at least 1")
    with write_transaction(engine) as connection:
        store = SqlLogStore(connection)
        store.lock()
        records = store.pending(max_batch)
        for record in records:
            if record.entry != record.stored_entry:
                raise StorageError(
                    f"journal event {record.seq} does not match its stored ledger entry"
                )
        log = Log(store, signer, witnesses=witnesses)
        if not records:
            note = log.checkpoint()
        else:
            store.stage(records)
            note = log.append([r.entry for r in records])
        return Sequenced(len(records), checkpoint_of(note).size, note)


class BackgroundSequencer:
    """Runs :func:`sequence_pending` in a daemon thread until :meth:`stop`."""

    def __init__(
        self,
        engine: Engine,
        signer: LogSigner,
        *,
        interval: float = 1.0,
        poll: float = 0.25,
        trigger: int = 256,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        self.engine = engine
        self.signer = signer
        self.interval = interval
        self.poll = poll
        self.trigger = trigger
        self.max_batch = max_batch
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="comity-sequencer", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def notify(self) -> None:
        """Sequence now rather than at the next tick."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the running batch, then stop the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _due(self, waited: float) -> bool:
        if waited >= self.interval:
            return True
        with read_transaction(self.engine) as connection:
            return SqlLogStore(connection).pending_hint(limit=self.trigger) >= self.trigger

    def _run(self) -> None:
        waited = self.interval  # sequence once at start-up (signs an empty log's checkpoint)
        while not self._stop.is_set():
            try:
                woken = self._wake.is_set()
                self._wake.clear()
                if woken or self._due(waited):
                    waited = 0.0
                    while not self._stop.is_set():
                        done = sequence_pending(self.engine, self.signer, max_batch=self.max_batch)
                        if done.appended < self.max_batch:
                            break
            except Error as exc:
                _log.error("sequencing failed", error=str(exc))
            except Exception as exc:  # the thread must outlive a bad moment of the database
                _log.error("sequencing failed", error=f"{type(exc).__name__}: {exc}")
            self._wake.wait(self.poll)
            waited += self.poll
