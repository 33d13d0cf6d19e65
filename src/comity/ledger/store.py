"""The log itself: a storage Protocol, an in-memory store, and the batch sequencer.

:class:`LogStore` is all a storage backend implements (the SQL store lives outside the core):
entries, stored hashes (sumdb/tlog layout, see :mod:`comity.ledger.merkle`) and the latest
signed checkpoint, written together in one atomic batch. :class:`Log` sequences batches:
it rebuilds the frontier from ``O(log n)`` stored hashes, appends the leaf hashes, writes the
new stored hashes and entries, and signs a C2SP checkpoint. :meth:`Log.read_path` answers the
C2SP tlog-tiles read API (``checkpoint``, ``tile/<L>/<N>[.p/<W>]``, ``tile/entries/<N>...``)
so the web layer only maps URLs to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from comity.errors import Conflict, NotFound, StorageError, ValidationFailed
from comity.ledger.checkpoint import Checkpoint, SignedCheckpoint, open_checkpoint, sign_checkpoint
from comity.ledger.cosignature import Cosignature, CosignatureVerifier, verify_cosignatures
from comity.ledger.entry import EventProof, LedgerEntry, commitment, find_commitment
from comity.ledger.merkle import (
    HASH_SIZE,
    Frontier,
    StoredHash,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_reader,
)
from comity.ledger.note import Ed25519Verifier, parse_note, sign_note
from comity.ledger.tiles import (
    ENTRIES_LEVEL,
    MAX_ENTRY_SIZE,
    TILE_HEIGHT,
    encode_entry_bundle,
    parse_tile_path,
)

__all__ = ["InMemoryLogStore", "Log", "LogSigner", "LogStore"]


class LogStore(Protocol):
    """Where a log keeps its entries, stored hashes and latest checkpoint.

    ``append_batch`` must be atomic (all or nothing) and must raise :class:`Conflict` when
    the tree is no longer ``old_size`` leaves (another sequencer appended first). Stored
    hashes arrive in sumdb order; each ``(level, index)`` is written once and never changed.
    """

    def tree_size(self) -> int:
        """Number of entries sequenced."""
        ...

    def read_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        """Stored hashes ``(level, start) .. (level, end - 1)``; :class:`NotFound` if absent."""
        ...

    def read_entries(self, start: int, end: int) -> list[bytes]:
        """Entries ``start .. end - 1``; :class:`NotFound` if absent."""
        ...

    def latest_checkpoint(self) -> bytes | None:
        """The latest signed checkpoint note, with any cosignatures."""
        ...

    def append_batch(
        self,
        old_size: int,
        entries: Sequence[bytes],
        hashes: Sequence[StoredHash],
        checkpoint: bytes,
    ) -> None:
        """Atomically append entries and stored hashes and set the new checkpoint."""
        ...

    def replace_checkpoint(self, tree_size: int, checkpoint: bytes) -> None:
        """Replace the latest checkpoint by the same one with more signatures (cosigned);
        :class:`Conflict` if the latest checkpoint is no longer at ``tree_size``."""
        ...


class LogSigner(Protocol):
    """The node's log key: a note signer that also exposes its verifier."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    @property
    def verifier(self) -> Ed25519Verifier: ...

    def sign(self, text: bytes) -> bytes: ...


class InMemoryLogStore:
    """A :class:`LogStore` in memory: one ``bytearray`` of hashes per tree level."""

    def __init__(self) -> None:
        self._levels: list[bytearray] = []
        self._entries: list[bytes] = []
        self._checkpoint: bytes | None = None
        self._checkpoint_size = 0

    def tree_size(self) -> int:
        return len(self._entries)

    def read_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        if level >= len(self._levels) or not 0 <= start <= end:
            raise NotFound(f"no stored hashes at level {level}")
        data = self._levels[level]
        if end * HASH_SIZE > len(data):
            raise NotFound(f"stored hash ({level}, {end - 1}) does not exist")
        return [bytes(data[i * HASH_SIZE : (i + 1) * HASH_SIZE]) for i in range(start, end)]

    def read_entries(self, start: int, end: int) -> list[bytes]:
        if not 0 <= start <= end <= len(self._entries):
            raise NotFound(f"entries {start}..{end - 1} do not exist")
        return self._entries[start:end]

    def latest_checkpoint(self) -> bytes | None:
        return self._checkpoint

    def append_batch(
        self,
        old_size: int,
        entries: Sequence[bytes],
        hashes: Sequence[StoredHash],
        checkpoint: bytes,
    ) -> None:
        if old_size != len(self._entries):
            raise Conflict(f"log has {len(self._entries)} entries, not {old_size}")
        counts = [len(level) // HASH_SIZE for level in self._levels]
        for h in hashes:  # validate the whole batch before writing any of it
            while h.level >= len(counts):
                counts.append(0)
            if h.index != counts[h.level] or len(h.hash) != HASH_SIZE:
                raise StorageError(f"stored hash ({h.level}, {h.index}) is out of order")
            counts[h.level] += 1
        for h in hashes:
            while h.level >= len(self._levels):
                self._levels.append(bytearray())
            self._levels[h.level] += h.hash
        self._entries.extend(entries)
        self._checkpoint = checkpoint
        self._checkpoint_size = len(self._entries)

    def replace_checkpoint(self, tree_size: int, checkpoint: bytes) -> None:
        if self._checkpoint is None or tree_size != self._checkpoint_size:
            raise Conflict(f"the latest checkpoint is not at tree size {tree_size}")
        self._checkpoint = checkpoint


class Log:
    """A transparency log over a :class:`LogStore`, signed with the node's log key.

    The key name is the checkpoint origin (tlog-checkpoint, "Signatures").
    """

    def __init__(
        self,
        store: LogStore,
        signer: LogSigner,
        *,
        witnesses: Iterable[CosignatureVerifier] = (),
    ) -> None:
        self.store = store
        self.signer = signer
        self.witnesses = tuple(witnesses)

    @property
    def origin(self) -> str:
        """The checkpoint origin: the log key's name."""
        return self.signer.name

    def _read(self, level: int, index: int) -> bytes:
        return self.store.read_hashes(level, index, index + 1)[0]

    def append(self, entries: Sequence[bytes]) -> bytes:
        """Sequence one batch of entries; return the new signed checkpoint note."""
        for i, entry in enumerate(entries):
            if len(entry) > MAX_ENTRY_SIZE:
                raise ValidationFailed(f"entry {i} is {len(entry)} bytes, above {MAX_ENTRY_SIZE}")
        old_size = self.store.tree_size()
        if not entries and self.store.latest_checkpoint() is not None:
            return self.checkpoint()
        frontier = Frontier.from_reader(old_size, self._read)
        hashes = frontier.extend(leaf_hash(e) for e in entries)
        note = sign_checkpoint(Checkpoint(self.origin, frontier.size, frontier.root()), self.signer)
        self.store.append_batch(old_size, list(entries), hashes, note)
        return note

    def append_events(
        self, items: Iterable[tuple[Mapping[str, Any], bytes, Mapping[str, str]]]
    ) -> bytes:
        """Log ``(event, salt, public header)`` triples as :class:`LedgerEntry` leaves."""
        return self.append([LedgerEntry.for_event(e, s, h).encode() for e, s, h in items])

    def checkpoint(self) -> bytes:
        """The latest signed checkpoint; an empty log signs its size-0 checkpoint first."""
        note = self.store.latest_checkpoint()
        if note is None:
            note = self.append([])
        return note

    def signed_checkpoint(self) -> SignedCheckpoint:
        """The latest checkpoint, verified with the log's own key and known witnesses."""
        return open_checkpoint(self.checkpoint(), self.signer.verifier, self.witnesses)

    def root(self, tree_size: int) -> bytes:
        """Root hash of the tree at an earlier (or the current) size."""
        if not 0 <= tree_size <= self.store.tree_size():
            raise NotFound(f"no tree of size {tree_size}")
        return root_from_reader(self._read, tree_size)

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.3.1 audit path of leaf ``index`` (default: the current tree)."""
        size = self.store.tree_size() if tree_size is None else tree_size
        if size > self.store.tree_size() or not 0 <= index < size:
            raise NotFound(f"no leaf {index} in a tree of size {size}")
        return inclusion_proof(self._read, index, size)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.4.1 proof that tree ``size2`` extends tree ``size1``."""
        size = self.store.tree_size() if size2 is None else size2
        if size > self.store.tree_size() or not 0 <= size1 <= size:
            raise NotFound(f"no consistency proof from {size1} to {size}")
        return consistency_proof(self._read, size1, size)

    def prove(self, event: Mapping[str, Any], salt: bytes, index: int | None = None) -> EventProof:
        """Proof that ``event`` (with its ``salt``) is logged, against the latest checkpoint.

        Without ``index`` the entries are scanned for the commitment.
        """
        signed = self.signed_checkpoint()
        size = signed.checkpoint.size
        if index is None:
            index = find_commitment(self.store.read_entries(0, size), commitment(event, salt))
        entry = self.store.read_entries(index, index + 1)[0]
        return EventProof(index, entry, tuple(self.inclusion_proof(index, size)), signed)

    def add_cosignatures(self, note: bytes) -> list[Cosignature]:
        """Accept a checkpoint note carrying witness cosignatures (tlog-cosignature).

        The note must be the latest checkpoint; cosignatures by known witnesses are verified
        and merged into the published checkpoint. Returns every cosignature now on it.
        """
        latest = self.checkpoint()
        offered, _ = verify_cosignatures(note, self.signer.verifier, self.witnesses)
        current, _ = verify_cosignatures(latest, self.signer.verifier, self.witnesses)
        if offered.checkpoint != current.checkpoint:
            raise Conflict("cosigned checkpoint is not the log's latest checkpoint")
        text, existing = parse_note(latest)
        lines = {s.line for s in existing}
        merged = list(existing)
        merged += [s for s in offered.verified if s.line not in lines]
        merged_note = sign_note(text, [], merged)
        self.store.replace_checkpoint(current.checkpoint.size, merged_note)
        _, cosignatures = verify_cosignatures(merged_note, self.signer.verifier, self.witnesses)
        return cosignatures

    def read_path(self, path: str) -> bytes:
        """Serve a tlog-tiles resource by its path under the log prefix.

        ``checkpoint``, ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``. A partial
        tile is served while its hashes exist (it is an immutable prefix of the full tile).
        Raises :class:`NotFound` for anything else.
        """
        if path == "checkpoint":
            return self.checkpoint()
        tile = parse_tile_path(path)
        size = self.store.tree_size()
        if tile.level == ENTRIES_LEVEL:
            if tile.start + tile.width > size:
                raise NotFound(f"{path}: no such entry bundle in a log of {size} entries")
            return encode_entry_bundle(self.store.read_entries(tile.start, tile.start + tile.width))
        available = size >> (tile.level * TILE_HEIGHT)
        if tile.start + tile.width > available:
            raise NotFound(f"{path}: no such tile in a log of {size} entries")
        return b"".join(
            self.store.read_hashes(tile.tree_level, tile.start, tile.start + tile.width)
        )
