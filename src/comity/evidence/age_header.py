"""The age v1 header with X25519 recipients (C2SP age, https://c2sp.org/age).

An age file is a textual header that wraps a 16-byte *file key* for each recipient, followed by
a binary STREAM payload (see :mod:`comity.evidence.age_stream`). This module composes the
primitives of ``cryptography`` exactly as the specification prescribes:

* X25519 (RFC 7748 §5) between an ephemeral secret and the recipient;
* ``wrap key = HKDF-SHA-256(ikm = shared secret, salt = ephemeral share || recipient,
  info = "age-encryption.org/v1/X25519")`` (RFC 5869);
* ``body = ChaCha20-Poly1305(wrap key, nonce = 12 zero bytes, file key)`` (RFC 7539);
* header MAC ``HMAC-SHA-256(HKDF(file key, salt = "", info = "header"), header up to "---")``.

Parsing is strict: canonical unpadded base64 (RFC 4648 §3.5), 64-column stanza bodies ending with
a short line, and the ABNF of the specification. Stanzas of other types are ignored when
unwrapping, as the specification requires.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from comity.errors import PackageIntegrityError
from comity.evidence import bech32

__all__ = [
    "AgeIdentity",
    "AgeRecipient",
    "Header",
    "Stanza",
    "hkdf_sha256",
    "parse_identity_file",
    "read_header",
    "unwrap_file_key",
    "write_header",
]

VERSION_LINE = b"age-encryption.org/v1\n"
X25519_INFO = b"age-encryption.org/v1/X25519"
FILE_KEY_SIZE = 16
_ZERO_NONCE = bytes(12)
#: Headers larger than this are refused (a package has a handful of recipients, not thousands).
MAX_HEADER_SIZE = 1 << 20
_BASE64_CHARS = re.compile(rb"^[A-Za-z0-9+/]*$")


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    """HKDF-SHA-256 (RFC 5869) with 32 bytes of output, the only length age uses."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def b64encode(data: bytes) -> bytes:
    """Unpadded standard base64 (RFC 4648 §4), as age writes it."""
    return base64.b64encode(data).rstrip(b"=")


def b64decode(text: bytes) -> bytes:
    """Decode canonical unpadded base64; refuse padding and non-canonical encodings."""
    if not _BASE64_CHARS.match(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None
    if b64encode(data) != text:
        raise ValueError("non-canonical base64")
    return data


@dataclass(frozen=True)
class AgeRecipient:
    """An X25519 recipient: the 32-byte public key, written ``age1...``."""

    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> AgeRecipient:
        """Parse an ``age1...`` string; raise ValueError when it is not one."""
        try:
            hrp, data = bech32.decode(text.strip())
        except bech32.Bech32Error as exc:
            raise ValueError(f"not an age recipient: {exc}") from None
        if hrp != "age" or len(data) != 32 or text.strip() != text.strip().lower():
            raise ValueError("not an age X25519 recipient (age1..., 32 bytes, lower case)")
        return cls(data)

    def __str__(self) -> str:
        return bech32.encode("age", self.public_key)

    def wrap(self, file_key: bytes) -> Stanza:
        """Wrap ``file_key`` in a new X25519 stanza with a fresh ephemeral secret (age §X25519)."""
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(self.public_key))
        wrap_key = hkdf_sha256(shared, share + self.public_key, X25519_INFO)
        body = ChaCha20Poly1305(wrap_key).encrypt(_ZERO_NONCE, file_key, None)
        return Stanza(("X25519", b64encode(share).decode()), body)


@dataclass(frozen=True)
class AgeIdentity:
    """An X25519 identity: the 32-byte secret scalar, written ``AGE-SECRET-KEY-1...``."""

    secret: bytes

    @classmethod
    def generate(cls) -> AgeIdentity:
        """A new identity from the operating system's CSPRNG."""
        return cls(os.urandom(32))

    @classmethod
    def parse(cls, text: str) -> AgeIdentity:
        """Parse an ``AGE-SECRET-KEY-1...`` string; raise ValueError when it is not one."""
        try:
            hrp, data = bech32.decode(text.strip())
        except bech32.Bech32Error as exc:
            raise ValueError(f"not an age identity: {exc}") from None
        if hrp != "age-secret-key-" or len(data) != 32:
            raise ValueError("not an age X25519 identity (AGE-SECRET-KEY-1...)")
        return cls(data)

    def encode(self) -> str:
        """The ``AGE-SECRET-KEY-1...`` form (secret: never log it)."""
        return bech32.encode("AGE-SECRET-KEY-", self.secret)

    def __repr__(self) -> str:
        return f"AgeIdentity(recipient={self.recipient()})"

    def recipient(self) -> AgeRecipient:
        """The matching recipient, ``X25519(identity, basepoint)``."""
        key = X25519PrivateKey.from_private_bytes(self.secret)
        return AgeRecipient(key.public_key().public_bytes_raw())

    def unwrap(self, stanza: Stanza) -> bytes | None:
        """The file key if ``stanza`` is an X25519 stanza addressed to this identity, else None.

        Raises PackageIntegrityError for a malformed X25519 stanza, as the spec requires.
        """
        if not stanza.args or stanza.args[0] != "X25519":
            return None
        if len(stanza.args) != 2:
            raise PackageIntegrityError("malformed X25519 stanza: it must have two arguments")
        try:
            share = b64decode(stanza.args[1].encode())
        except ValueError:
            share = b""
        if len(share) != 32:
            raise PackageIntegrityError("malformed X25519 stanza: bad ephemeral share")
        if len(stanza.body) != 32:
            raise PackageIntegrityError("malformed X25519 stanza: the body is not 32 bytes")
        key = X25519PrivateKey.from_private_bytes(self.secret)
        try:
            shared = key.exchange(X25519PublicKey.from_public_bytes(share))
        except ValueError:  # cryptography refuses an all-zero shared secret (low-order point)
            raise PackageIntegrityError("X25519 stanza with a low-order ephemeral share") from None
        wrap_key = hkdf_sha256(shared, share + self.recipient().public_key, X25519_INFO)
        try:
            return ChaCha20Poly1305(wrap_key).decrypt(_ZERO_NONCE, stanza.body, None)
        except InvalidTag:
            return None


@dataclass(frozen=True)
class Stanza:
    """A recipient stanza: its arguments (the first is the type) and its binary body."""

    args: tuple[str, ...]
    body: bytes

    def encode(self) -> bytes:
        """The stanza lines: ``-> args`` then the body in 64-column base64, last line short."""
        text = b64encode(self.body)
        lines = [b"-> " + " ".join(self.args).encode()]
        lines += [text[i : i + 64] for i in range(0, len(text) - len(text) % 64, 64)]
        lines.append(text[len(text) - len(text) % 64 :])
        return b"\n".join(lines) + b"\n"


@dataclass(frozen=True)
class Header:
    """A parsed age header: the stanzas, the MAC, and the exact bytes the MAC covers."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    mac_input: bytes

    @property
    def size(self) -> int:
        """The header's size in bytes, up to and including the MAC line's newline."""
        return len(self.mac_input) + len(b" ") + 43 + len(b"\n")


def _header_mac(file_key: bytes, mac_input: bytes) -> hmac.HMAC:
    mac = hmac.HMAC(hkdf_sha256(file_key, b"", b"header"), hashes.SHA256())
    mac.update(mac_input)
    return mac


def write_header(out: BinaryIO, file_key: bytes, recipients: list[AgeRecipient]) -> None:
    """Write the version line, one X25519 stanza per recipient and the header MAC."""
    if not recipients:
        raise ValueError("at least one recipient is required")
    mac_input = VERSION_LINE + b"".join(r.wrap(file_key).encode() for r in recipients) + b"---"
    mac = _header_mac(file_key, mac_input).finalize()
    out.write(mac_input + b" " + b64encode(mac) + b"\n")


def _bad(reason: str) -> PackageIntegrityError:
    return PackageIntegrityError(f"malformed age header: {reason}")


def read_header(src: io.BufferedIOBase) -> Header:
    """Read and parse an age v1 header from ``src``, leaving it at the start of the payload."""
    consumed = 0

    def line() -> bytes:
        nonlocal consumed
        raw = src.readline(MAX_HEADER_SIZE - consumed + 1)
        consumed += len(raw)
        if consumed > MAX_HEADER_SIZE:
            raise _bad("the header is too large")
        if not raw.endswith(b"\n"):
            raise _bad("truncated (the file ends inside the header)")
        return raw[:-1]

    first = line()
    if first + b"\n" != VERSION_LINE:
        raise _bad("not an age v1 file (bad version line)")
    parts = [VERSION_LINE]
    stanzas: list[Stanza] = []
    current = line()
    while current.startswith(b"-> "):
        args_text = current[3:]
        args = args_text.split(b" ")
        if any(not a or any(c < 33 or c > 126 for c in a) for a in args):
            raise _bad("bad stanza arguments")
        body_lines = []
        while True:
            body_line = line()
            if len(body_line) > 64 or not _BASE64_CHARS.match(body_line):
                raise _bad("bad stanza body line")
            body_lines.append(body_line)
            if len(body_line) < 64:
                break
        try:
            body = b64decode(b"".join(body_lines))
        except ValueError as exc:
            raise _bad(f"stanza body: {exc}") from None
        stanzas.append(Stanza(tuple(a.decode() for a in args), body))
        parts.append(current + b"\n" + b"".join(b + b"\n" for b in body_lines))
        current = line()
    if not stanzas:
        raise _bad("no recipient stanza")
    if not current.startswith(b"--- ") or len(current) != 4 + 43:
        raise _bad("bad MAC line")
    try:
        mac = b64decode(current[4:])
    except ValueError as exc:
        raise _bad(f"MAC: {exc}") from None
    return Header(tuple(stanzas), mac, b"".join(parts) + b"---")


def unwrap_file_key(header: Header, identities: list[AgeIdentity]) -> bytes:
    """The file key, unwrapped with the first identity that matches, after checking the MAC."""
    for stanza in header.stanzas:
        for identity in identities:
            file_key = identity.unwrap(stanza)
            if file_key is None:
                continue
            if len(file_key) != FILE_KEY_SIZE:
                raise PackageIntegrityError("malformed X25519 stanza: the file key is not 16 bytes")
            try:
                _header_mac(file_key, header.mac_input).verify(header.mac)
            except InvalidSignature:
                raise PackageIntegrityError(
                    "the age header MAC does not verify: the header was altered"
                ) from None
            return file_key
    raise PackageIntegrityError("no identity matches any recipient stanza: wrong identity")


def parse_identity_file(text: str) -> list[AgeIdentity]:
    """Identities from an age identity file: one per line, ``#`` comments and blanks ignored."""
    identities = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            identities.append(AgeIdentity.parse(stripped))
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    if not identities:
        raise ValueError("no identity in the file")
    return identities
