"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, pure.

A signed note is UTF-8 text ending in a newline, a blank line, then one signature line per
signer::

    — <key name> base64(4-byte key ID || signature)

The em dash is U+2014. The key ID is ``SHA-256(name || 0x0A || type || public key)[:4]``
(signed-note, "Signatures"); type ``0x01`` is a plain Ed25519 signature over the note text.
Keys are written as in the Go ``golang.org/x/mod/sumdb/note`` package::

    verifier key  <name>+<hex key ID>+base64(type || public key)
    signer key    PRIVATE+KEY+<name>+<hex key ID>+base64(type || Ed25519 seed)

Verification follows the spec's rules: signatures from unknown keys (name and ID not both
known) are ignored; a known key whose signature fails rejects the whole note; a note with no
verified signature is rejected. Any object with ``name``, ``key_id`` and
``verify(text, signature)`` is a :class:`NoteVerifier`, so witness cosignatures
(:mod:`comity.ledger.cosignature`) plug into the same :func:`open_note`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from comity.errors import SignatureInvalid, ValidationFailed

__all__ = [
    "EM_DASH",
    "MAX_SIGNATURES",
    "SIG_COSIGNATURE_V1",
    "SIG_ED25519",
    "Ed25519Signer",
    "Ed25519Verifier",
    "Ed25519VerifierKey",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "OpenedNote",
    "check_key_name",
    "key_id",
    "open_note",
    "parse_note",
    "parse_verifier_key",
    "sign_note",
]

EM_DASH = "\u2014"
SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100
"""Signature lines accepted in one note (the spec asks for at least 16)."""


def check_key_name(name: str) -> str:
    """Return ``name`` if it is a valid key name: non-empty, no Unicode space, no ``+``."""
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise ValidationFailed(f"invalid signed-note key name {name!r}")
    return name


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """``SHA-256(name || 0x0A || type || public key)[:4]`` (signed-note, "Signatures")."""
    material = name.encode() + b"\n" + bytes([sig_type]) + public_key
    return hashlib.sha256(material).digest()[:4]


class NoteVerifier(Protocol):
    """Checks one signer's signatures: ``signature`` is the decoded bytes after the key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, text: bytes, signature: bytes) -> bool: ...


class NoteSigner(Protocol):
    """Produces one signer's signatures over a note text (without the key ID)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def sign(self, text: bytes) -> bytes: ...


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValidationFailed(f"{what} is not valid base64") from exc


def parse_verifier_key(vkey: str) -> tuple[str, bytes, int, bytes]:
    """Split ``<name>+<hex key ID>+<base64(type || key)>`` into ``(name, key_id, type, key)``,
    checking that the key ID matches. Raises :class:`ValidationFailed`."""
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise ValidationFailed("a verifier key is <name>+<key id>+<base64 key>")
    name, hex_id, b64 = parts
    check_key_name(name)
    if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id):
        raise ValidationFailed(f"verifier key id {hex_id!r} is not 8 lowercase hex digits")
    raw = _b64decode(b64, "verifier key")
    if len(raw) < 2:
        raise ValidationFailed("verifier key material is empty")
    if key_id(name, raw[0], raw[1:]).hex() != hex_id:
        raise ValidationFailed(f"verifier key id {hex_id} does not match the key of {name}")
    return name, bytes.fromhex(hex_id), raw[0], raw[1:]


@dataclass(frozen=True)
class Ed25519VerifierKey:
    """A named Ed25519 public key of one note signature type: its key ID and its verifier key
    string ``<name>+<hex id>+<base64(type || key)>``. Subclasses say how a signature verifies.
    """

    SIG_TYPE: ClassVar[int]
    #: The error for a verifier key of another type; ``{name}`` and ``{sig_type}`` filled in.
    WRONG_TYPE: ClassVar[str]

    name: str
    public_key: bytes
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.public_key) != 32:
            raise ValidationFailed(f"an Ed25519 public key is 32 bytes, not {len(self.public_key)}")
        object.__setattr__(self, "key_id", key_id(self.name, self.SIG_TYPE, self.public_key))

    @classmethod
    def from_vkey(cls, vkey: str) -> Self:
        """Parse a verifier key of this class's signature type."""
        name, _, sig_type, key = parse_verifier_key(vkey)
        if sig_type != cls.SIG_TYPE:
            raise ValidationFailed(cls.WRONG_TYPE.format(name=name, sig_type=sig_type))
        return cls(name, key)

    @property
    def vkey(self) -> str:
        """The verifier key string."""
        b64 = base64.b64encode(bytes([self.SIG_TYPE]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{b64}"


@dataclass(frozen=True)
class Ed25519Verifier(Ed25519VerifierKey):
    """An Ed25519 note verifier (signature type ``0x01``)."""

    SIG_TYPE: ClassVar[int] = SIG_ED25519
    WRONG_TYPE: ClassVar[str] = "verifier key of {name} is type {sig_type:#04x}, not Ed25519"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Ed25519 (RFC 8032) over the note text."""
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True


class Ed25519Signer:
    """An Ed25519 note signer; its key is never shown by ``repr``."""

    def __init__(self, name: str, seed: bytes) -> None:
        check_key_name(name)
        if len(seed) != 32:
            raise ValidationFailed(f"an Ed25519 seed is 32 bytes, not {len(seed)}")
        self._name = name
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        public = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._verifier = Ed25519Verifier(name, public)

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        """A new random key for ``name``."""
        seed = Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
        return cls(name, seed)

    @classmethod
    def from_skey(cls, skey: str) -> Ed25519Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`` (Go note format)."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise ValidationFailed("a signer key is PRIVATE+KEY+<name>+<key id>+<base64 key>")
        _, _, name, hex_id, b64 = parts
        raw = _b64decode(b64, "signer key")
        if len(raw) != 33 or raw[0] != SIG_ED25519:
            raise ValidationFailed(f"signer key of {name!r} is not an Ed25519 seed")
        signer = cls(name, raw[1:])
        if signer.key_id.hex() != hex_id:
            raise ValidationFailed(f"signer key id {hex_id!r} does not match the key of {name}")
        return signer

    def __repr__(self) -> str:
        return f"Ed25519Signer({self._verifier.vkey!r})"

    @property
    def name(self) -> str:
        """Key name."""
        return self._name

    @property
    def key_id(self) -> bytes:
        """4-byte key ID."""
        return self._verifier.key_id

    @property
    def verifier(self) -> Ed25519Verifier:
        """The matching verifier."""
        return self._verifier

    @property
    def skey(self) -> str:
        """The private signer key string; keep it secret."""
        seed = self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        b64 = base64.b64encode(bytes([SIG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self._name}+{self.key_id.hex()}+{b64}"

    def sign(self, text: bytes) -> bytes:
        """Ed25519 signature over ``text``."""
        return self._private.sign(text)


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: key name, 4-byte key ID and the signature bytes after it."""

    name: str
    key_id: bytes
    signature: bytes

    @property
    def line(self) -> str:
        """The signature line, with its final newline."""
        b64 = base64.b64encode(self.key_id + self.signature).decode()
        return f"{EM_DASH} {self.name} {b64}\n"


@dataclass(frozen=True, slots=True)
class OpenedNote:
    """A note whose signatures were checked: ``verified`` by known keys, the rest ignored."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]


def _check_text(data: str, what: str) -> None:
    for ch in data:
        if ch < " " and ch != "\n":
            raise ValidationFailed(f"{what} contains control character {ord(ch):#04x}")


def parse_note(data: bytes) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and signature lines, checking the format only."""
    try:
        message = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("signed note is not valid UTF-8") from exc
    _check_text(message, "signed note")
    split = message.rfind("\n\n")
    if split < 0 or not message.endswith("\n"):
        raise ValidationFailed("signed note has no blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    lines = block[:-1].split("\n") if block else []
    if not lines:
        raise ValidationFailed("signed note has no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise ValidationFailed(f"signed note has more than {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(EM_DASH + " "):
            raise ValidationFailed("signature line does not start with an em dash and a space")
        name, sep, b64 = line[2:].partition(" ")
        if not sep:
            raise ValidationFailed("signature line lacks a space between name and signature")
        check_key_name(name)
        raw = _b64decode(b64, f"signature of {name}")
        if len(raw) < 5:
            raise ValidationFailed(f"signature of {name} is shorter than a key ID and one byte")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    return text, signatures


def open_note(data: bytes, verifiers: Iterable[NoteVerifier]) -> OpenedNote:
    """Parse and verify a signed note against known verifiers (signed-note, "Signatures").

    Raises :class:`SignatureInvalid` if a known key's signature fails or none verifies, and
    :class:`ValidationFailed` if the note is malformed.
    """
    text, signatures = parse_note(data)
    known: dict[tuple[str, bytes], NoteVerifier] = {}
    for v in verifiers:
        if (v.name, v.key_id) in known:
            raise ValidationFailed(f"two verifiers share the name and key id of {v.name}")
        known[(v.name, v.key_id)] = v
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, bytes]] = set()
    encoded = text.encode()
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if (sig.name, sig.key_id) in seen:
            continue  # one signature per known key; repeats are dropped
        seen.add((sig.name, sig.key_id))
        if not verifier.verify(encoded, sig.signature):
            raise SignatureInvalid(f"signature of {sig.name}+{sig.key_id.hex()} does not verify")
        verified.append(sig)
    if not verified:
        raise SignatureInvalid("signed note has no signature by a known key")
    return OpenedNote(text, tuple(verified), tuple(unverified))


def sign_note(
    text: str, signers: Sequence[NoteSigner], existing: Sequence[NoteSignature] = ()
) -> bytes:
    """Sign ``text`` (which must end in a newline) and render the note; ``existing``
    signatures are kept first, a signer already present is replaced."""
    if not text.endswith("\n"):
        raise ValidationFailed("note text must end with a newline")
    _check_text(text, "note text")
    encoded = text.encode()
    fresh = [NoteSignature(s.name, s.key_id, s.sign(encoded)) for s in signers]
    replaced = {(s.name, s.key_id) for s in fresh}
    kept = [s for s in existing if (s.name, s.key_id) not in replaced]
    if not kept and not fresh:
        raise ValidationFailed("a signed note needs at least one signature")
    return (text + "\n" + "".join(s.line for s in [*kept, *fresh])).encode()
