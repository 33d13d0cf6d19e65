"""Log checkpoints: the C2SP tlog-checkpoint note body, signed as a C2SP signed note.

The body (c2sp.org/tlog-checkpoint, "Note text") is at least three non-empty lines::

    <origin>                     names the log; Comity uses the node's name, e.g. comity.example/log
    <tree size>                  ASCII decimal, no leading zeros
    <base64 root hash>           RFC 6962 / RFC 9162 root of the tree at that size
    [<extension line> ...]       opaque, optional, non-empty (not recommended by the spec)

The log signs the body with its Ed25519 key whose key name is the origin (tlog-checkpoint,
"Signatures"). Witness cosignatures are further signature lines on the same note
(:mod:`comity.ledger.cosignature`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from comity.errors import SignatureInvalid, ValidationFailed
from comity.ledger.merkle import HASH_SIZE
from comity.ledger.note import (
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    open_note,
    parse_note,
    sign_note,
)

__all__ = ["Checkpoint", "SignedCheckpoint", "checkpoint_of", "open_checkpoint", "sign_checkpoint"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: origin, size, root hash and optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise ValidationFailed("checkpoint origin must be one non-empty line")
        if self.size < 0:
            raise ValidationFailed(f"checkpoint tree size {self.size} is negative")
        if len(self.root) != HASH_SIZE:
            raise ValidationFailed(f"checkpoint root hash is {len(self.root)} bytes, not 32")
        for line in self.extensions:
            if not line or "\n" in line:
                raise ValidationFailed("checkpoint extension lines must be non-empty lines")

    @property
    def body(self) -> str:
        """The note text: one line per field, each ending in a newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "".join(line + "\n" for line in [*lines, *self.extensions])

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Parse a checkpoint body; raise :class:`ValidationFailed` if malformed."""
        if not body.endswith("\n"):
            raise ValidationFailed("checkpoint body must end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3 or any(not line for line in lines):
            raise ValidationFailed("checkpoint body needs at least three non-empty lines")
        origin, size_text, root_text, *extensions = lines
        if not size_text.isascii() or not size_text.isdigit():
            raise ValidationFailed(f"checkpoint tree size {size_text!r} is not a decimal")
        if size_text != "0" and size_text.startswith("0"):
            raise ValidationFailed(f"checkpoint tree size {size_text!r} has leading zeros")
        try:
            root = base64.b64decode(root_text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise ValidationFailed("checkpoint root hash is not valid base64") from exc
        return cls(origin, int(size_text), root, tuple(extensions))


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint as published: its parsed body and the exact signed-note bytes."""

    checkpoint: Checkpoint
    note: bytes
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]


def sign_checkpoint(
    checkpoint: Checkpoint, signer: NoteSigner, existing: Sequence[NoteSignature] = ()
) -> bytes:
    """Sign a checkpoint with the log key; its key name must be the origin."""
    if signer.name != checkpoint.origin:
        raise ValidationFailed(
            f"log key name {signer.name!r} differs from checkpoint origin {checkpoint.origin!r}"
        )
    return sign_note(checkpoint.body, [signer], existing)


def open_checkpoint(
    data: bytes, log_verifier: NoteVerifier, others: Iterable[NoteVerifier] = ()
) -> SignedCheckpoint:
    """Verify a signed checkpoint: the log's own signature is required, the origin must be
    the log key's name; signatures by ``others`` (witnesses) are checked if present."""
    opened = open_note(data, [log_verifier, *others])
    if not any(
        s.name == log_verifier.name and s.key_id == log_verifier.key_id for s in opened.verified
    ):
        raise SignatureInvalid(f"checkpoint is not signed by the log key {log_verifier.name}")
    checkpoint = Checkpoint.parse(opened.text)
    if checkpoint.origin != log_verifier.name:
        raise SignatureInvalid(
            f"checkpoint origin {checkpoint.origin!r} is not the log {log_verifier.name!r}"
        )
    return SignedCheckpoint(checkpoint, data, opened.verified, opened.unverified)


def checkpoint_of(data: bytes) -> Checkpoint:
    """Parse the body of a signed checkpoint *without* verifying it (for evidence display)."""
    text, _ = parse_note(data)
    return Checkpoint.parse(text)
