"""Proving one event from the public tlog-tiles API alone, and the event file format, pure.

An authority that must show a court or an auditor that an event was logged exports it as an
*event file* (``comity ledger export-event``): RFC 8785 JSON ::

    {"format": "comity-ledger-event/v1", "log": <origin>, "seq": <journal seq>,
     "leaf_index": <index or null>, "event": {...journal event...}, "salt": "<64 hex>"}

:func:`prove_from_tiles` then needs nothing from the node but its public log: it fetches and
verifies the checkpoint, reads the entry at ``leaf_index`` from its entry bundle, builds the
RFC 9162 §2.1.3.1 audit path from tiles, and checks the commitment and the inclusion proof
(:func:`~comity.ledger.entry.verify_event_proof`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785

from comity.errors import LogConsistencyError, NotFound, ValidationFailed
from comity.ledger.checkpoint import open_checkpoint
from comity.ledger.entry import SALT_SIZE, EventProof, LedgerEntry, verify_event_proof
from comity.ledger.journal import JOURNAL_EVENT_KEYS
from comity.ledger.merkle import inclusion_proof
from comity.ledger.note import Ed25519Verifier, NoteVerifier
from comity.ledger.tiles import (
    ENTRIES_LEVEL,
    TILE_HEIGHT,
    decode_entry_bundle,
    tile_for_size,
    tile_hash_reader,
)

__all__ = ["EVENT_FILE_FORMAT", "EventFile", "prove_from_tiles"]

EVENT_FILE_FORMAT = "comity-ledger-event/v1"
Fetch = Callable[[str], bytes]


@dataclass(frozen=True, slots=True)
class EventFile:
    """An exported event: the private event, its salt and where it is in the log."""

    log: str
    seq: int
    leaf_index: int | None
    event: Mapping[str, Any]
    salt: bytes

    def encode(self) -> bytes:
        """The file's RFC 8785 JSON bytes."""
        return rfc8785.dumps(
            {
                "format": EVENT_FILE_FORMAT,
                "log": self.log,
                "seq": self.seq,
                "leaf_index": self.leaf_index,
                "event": dict(self.event),
                "salt": self.salt.hex(),
            }
        )

    @classmethod
    def decode(cls, data: bytes) -> EventFile:
        """Parse an event file; :class:`ValidationFailed` naming the first problem."""
        try:
            obj = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed("the event file is not JSON") from exc
        if not isinstance(obj, dict) or obj.get("format") != EVENT_FILE_FORMAT:
            raise ValidationFailed(f"the event file is not {EVENT_FILE_FORMAT}")
        event, salt, index = obj.get("event"), obj.get("salt"), obj.get("leaf_index")
        if not isinstance(event, dict) or set(event) != JOURNAL_EVENT_KEYS:
            raise ValidationFailed("the event file's event lacks the journal event keys")
        if not isinstance(salt, str) or len(salt) != 2 * SALT_SIZE:
            raise ValidationFailed("the event file's salt is not 64 hex digits")
        if index is not None and (not isinstance(index, int) or index < 0):
            raise ValidationFailed("the event file's leaf_index is not a leaf index")
        if not isinstance(obj.get("log"), str) or not isinstance(obj.get("seq"), int):
            raise ValidationFailed("the event file lacks its log origin or sequence number")
        try:
            salt_bytes = bytes.fromhex(salt)
        except ValueError as exc:
            raise ValidationFailed("the event file's salt is not hex") from exc
        return cls(obj["log"], obj["seq"], index, event, salt_bytes)


def prove_from_tiles(
    fetch: Fetch, verifier: str | NoteVerifier, event_file: EventFile
) -> tuple[EventProof, LedgerEntry]:
    """Verify that the exported event is in the log served by ``fetch`` (see module doc).

    Raises :class:`NotFound` if the event has no leaf yet or the tree is not that large,
    :class:`~comity.errors.SignatureInvalid` for a bad checkpoint and
    :class:`LogConsistencyError` if the event, its entry or the proof do not match.
    """
    log_key = Ed25519Verifier.from_vkey(verifier) if isinstance(verifier, str) else verifier
    index = event_file.leaf_index
    if index is None:
        raise NotFound(f"event {event_file.seq} has not been sequenced into the log yet")
    signed = open_checkpoint(fetch("checkpoint"), log_key)
    size = signed.checkpoint.size
    if index >= size:
        raise NotFound(f"leaf {index} is not in the log's tree of {size} entries")
    tile = tile_for_size(0, index >> TILE_HEIGHT, size)
    bundle = tile_for_size(ENTRIES_LEVEL, tile.n, size)
    entries = decode_entry_bundle(fetch(bundle.path), expected=bundle.width)
    entry = entries[index - tile.start]
    path = inclusion_proof(tile_hash_reader(fetch, size), index, size)
    proof = EventProof(index, entry, tuple(path), signed)
    try:
        logged = verify_event_proof(event_file.event, event_file.salt, proof)
    except ValidationFailed as exc:
        raise LogConsistencyError(f"leaf {index} is not a Comity ledger entry: {exc}") from exc
    return proof, logged
