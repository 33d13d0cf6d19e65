"""Witness cosignatures on checkpoints: C2SP tlog-cosignature, Ed25519 type (``0x04``).

A witness that has verified the log's append-only growth adds a note signature line to the
checkpoint. Its key ID is ``SHA-256(name || 0x0A || 0x04 || public key)[:4]`` and its signature
bytes are a ``timestamped_signature`` (tlog-cosignature, "Format")::

    u64 timestamp (big-endian POSIX seconds, at most 2**63 - 1) || Ed25519 signature (64 bytes)

signed over (tlog-cosignature, "Ed25519 signed message")::

    cosignature/v1\\n
    time <timestamp>\\n
    <the whole checkpoint body, extension lines included>

A cosignature states that, at that time, this was the largest consistent tree head the witness
had seen for the origin. Comity accepts cosignatures from configured witnesses, verifies them,
and shows them with the checkpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from comity.errors import SignatureInvalid, ValidationFailed
from comity.ledger.checkpoint import SignedCheckpoint, open_checkpoint
from comity.ledger.note import (
    SIG_COSIGNATURE_V1,
    Ed25519VerifierKey,
    NoteSignature,
    NoteVerifier,
    parse_note,
)

__all__ = [
    "Cosignature",
    "CosignatureSigner",
    "CosignatureVerifier",
    "cosignature_lines",
    "cosigned_message",
    "require_cosignature",
    "verify_cosignatures",
]

_MAX_TIMESTAMP = (1 << 63) - 1


def cosigned_message(body: bytes, timestamp: int) -> bytes:
    """The message a v1 cosignature signs: header line, time line, checkpoint body."""
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise ValidationFailed(f"cosignature timestamp {timestamp} is out of range")
    return b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body


@dataclass(frozen=True)
class CosignatureVerifier(Ed25519VerifierKey):
    """A witness's Ed25519 cosignature key (signature type ``0x04``)."""

    SIG_TYPE: ClassVar[int] = SIG_COSIGNATURE_V1
    WRONG_TYPE: ClassVar[str] = "key of {name} is type {sig_type:#04x}, not a cosignature"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Check a ``timestamped_signature`` over the note ``text``."""
        if len(signature) != 72:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > _MAX_TIMESTAMP:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                signature[8:], cosigned_message(text, timestamp)
            )
        except InvalidSignature:
            return False
        return True


class CosignatureSigner:
    """A witness key producing v1 cosignatures (used by tests and by a witness operator)."""

    def __init__(
        self, name: str, seed: bytes, clock: Callable[[], int] = lambda: int(time.time())
    ) -> None:
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        public = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._verifier = CosignatureVerifier(name, public)
        self._clock = clock

    @property
    def name(self) -> str:
        """Witness name."""
        return self._verifier.name

    @property
    def key_id(self) -> bytes:
        """4-byte key ID (type ``0x04``)."""
        return self._verifier.key_id

    @property
    def verifier(self) -> CosignatureVerifier:
        """The matching verifier."""
        return self._verifier

    def sign(self, text: bytes) -> bytes:
        """``timestamp || Ed25519(cosigned_message(text, timestamp))`` at the clock's time."""
        timestamp = self._clock()
        signature = self._private.sign(cosigned_message(text, timestamp))
        return timestamp.to_bytes(8, "big") + signature


@dataclass(frozen=True, slots=True)
class Cosignature:
    """A verified cosignature: which witness, when, and its signature line."""

    witness: str
    key_id: bytes
    timestamp: int
    line: str


def verify_cosignatures(
    data: bytes, log_verifier: NoteVerifier, witnesses: Iterable[CosignatureVerifier]
) -> tuple[SignedCheckpoint, list[Cosignature]]:
    """Verify a checkpoint and every cosignature on it by a known witness.

    Unknown signature lines are ignored (signed-note rules); a known witness whose
    cosignature fails makes the whole note invalid (:class:`SignatureInvalid`).
    """
    witness_list = list(witnesses)
    signed = open_checkpoint(data, log_verifier, witness_list)
    known = {(w.name, w.key_id) for w in witness_list}
    cosignatures = [
        Cosignature(s.name, s.key_id, int.from_bytes(s.signature[:8], "big"), s.line)
        for s in signed.verified
        if (s.name, s.key_id) in known
    ]
    return signed, cosignatures


def cosignature_lines(data: bytes) -> list[NoteSignature]:
    """All signature lines of a note, verified or not, in order (for display)."""
    _, signatures = parse_note(data)
    return signatures


def require_cosignature(
    data: bytes, log_verifier: NoteVerifier, witness: CosignatureVerifier
) -> Cosignature:
    """The verified cosignature of one witness on a checkpoint, or :class:`SignatureInvalid`."""
    _, cosignatures = verify_cosignatures(data, log_verifier, [witness])
    if not cosignatures:
        raise SignatureInvalid(f"checkpoint carries no cosignature by witness {witness.name}")
    return cosignatures[0]
