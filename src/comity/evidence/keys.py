"""An authority's keys: an age X25519 identity (to receive) and an Ed25519 key (to sign).

``comity keys new NAME -o DIR`` writes three files:

* ``NAME.identity``: the age identity in age's identity-file format (``age -d -i`` reads it);
* ``NAME.signing-key``: the Ed25519 private key (RFC 8032) as unencrypted PKCS#8 PEM (RFC 5208,
  RFC 8410), so ``openssl pkeyutl`` can use it too;
* ``NAME.pub.json``: both public halves, the form a directory of authorities imports.

Private key files are created with mode 0600 and never overwritten.

The **key id** of an authority is the lower-case hex of the first 16 bytes of the SHA-256 of
its raw 32-byte Ed25519 public key: it names the signer in manifests, receipts and custody
events (``docs/formats/evidence-package.md``).
"""

from __future__ import annotations

import base64
import binascii
import errno
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from comity.datafiles import read_json, read_text
from comity.errors import DataFileError
from comity.evidence.age_header import AgeIdentity, AgeRecipient, parse_identity_file

__all__ = [
    "PUBLIC_KEY_FORMAT",
    "AuthorityKeys",
    "PublicAuthority",
    "key_id",
    "load_identities",
    "load_public",
    "load_signing_keys",
]

PUBLIC_KEY_FORMAT = "comity-authority-key/v1"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def key_id(ed25519_public_key: bytes) -> str:
    """``hex(SHA-256(raw Ed25519 public key)[:16])``: 32 lower-case hex digits."""
    return hashlib.sha256(ed25519_public_key).hexdigest()[:32]


def check_name(name: str) -> str:
    """Return ``name`` if it can name key files: 1-64 of ``A-Z a-z 0-9 . _ -``."""
    if not _NAME.match(name):
        raise ValueError(f"bad authority name {name!r}: use 1-64 of A-Z a-z 0-9 . _ -")
    return name


@dataclass(frozen=True)
class PublicAuthority:
    """The public half of an authority's keys: who it is, how to verify it, how to reach it."""

    name: str
    signing_key: bytes
    age_recipient: AgeRecipient | None = None

    @property
    def key_id(self) -> str:
        """See :func:`key_id`."""
        return key_id(self.signing_key)

    def verify(self, signature: bytes, message: bytes) -> bool:
        """True if ``signature`` is this authority's Ed25519 signature of ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.signing_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def party(self) -> dict[str, str]:
        """The ``{name, key_id, ed25519_public_key}`` object that names a signer in documents."""
        return {
            "name": self.name,
            "key_id": self.key_id,
            "ed25519_public_key": base64.b64encode(self.signing_key).decode(),
        }

    @classmethod
    def from_party(cls, party: Any) -> PublicAuthority:
        """Parse a party object, checking that its key id matches its key."""
        if not isinstance(party, dict) or set(party) != {"name", "key_id", "ed25519_public_key"}:
            raise ValueError("a party needs exactly name, key_id and ed25519_public_key")
        try:
            raw = base64.b64decode(str(party["ed25519_public_key"]), validate=True)
        except binascii.Error:
            raise ValueError("ed25519_public_key is not base64") from None
        if len(raw) != 32:
            raise ValueError("ed25519_public_key is not 32 bytes")
        found = cls(str(party["name"]), raw)
        if party["key_id"] != found.key_id:
            raise ValueError(f"key_id {party['key_id']!r} does not match the public key")
        return found

    def to_json(self) -> dict[str, str]:
        """The ``NAME.pub.json`` document."""
        doc = {"format": PUBLIC_KEY_FORMAT, **self.party()}
        if self.age_recipient is not None:
            doc["age_recipient"] = str(self.age_recipient)
        return doc

    @classmethod
    def from_json(cls, doc: Any) -> PublicAuthority:
        """Parse a ``.pub.json`` document (see :meth:`to_json`)."""
        if not isinstance(doc, dict) or doc.get("format") != PUBLIC_KEY_FORMAT:
            raise ValueError(f"not a {PUBLIC_KEY_FORMAT} document")
        recipient = doc.get("age_recipient")
        party = {k: v for k, v in doc.items() if k not in {"format", "age_recipient"}}
        found = cls.from_party(party)
        age = AgeRecipient.parse(str(recipient)) if recipient is not None else None
        return cls(found.name, found.signing_key, age)


@dataclass(frozen=True, repr=False)
class AuthorityKeys:
    """An authority's private keys. ``repr`` shows only public parts: keys are never logged."""

    name: str
    signing_key: Ed25519PrivateKey
    identity: AgeIdentity | None = None

    def __repr__(self) -> str:
        return f"AuthorityKeys(name={self.name!r}, key_id={self.public.key_id!r})"

    @classmethod
    def generate(cls, name: str) -> AuthorityKeys:
        """New keys from the operating system's CSPRNG."""
        return cls(check_name(name), Ed25519PrivateKey.generate(), AgeIdentity.generate())

    @property
    def public(self) -> PublicAuthority:
        """The public half."""
        raw = self.signing_key.public_key().public_bytes_raw()
        recipient = self.identity.recipient() if self.identity is not None else None
        return PublicAuthority(self.name, raw, recipient)

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature (RFC 8032 §5.1.6) of ``message``."""
        return self.signing_key.sign(message)

    def write(self, directory: Path) -> list[Path]:
        """Write the three key files into ``directory``; refuse to overwrite any of them."""
        if self.identity is None:
            raise ValueError("keys without an age identity cannot be written as a set")
        directory.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        identity_text = (
            f"# created: {now}\n# public key: {self.identity.recipient()}\n"
            f"{self.identity.encode()}\n"
        )
        pem = self.signing_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public = json.dumps(self.public.to_json(), indent=2, sort_keys=True) + "\n"
        files = [
            (directory / f"{self.name}.identity", identity_text.encode(), 0o600),
            (directory / f"{self.name}.signing-key", pem, 0o600),
            (directory / f"{self.name}.pub.json", public.encode(), 0o644),
        ]
        for path, _, _ in files:
            if path.exists():
                raise FileExistsError(
                    errno.EEXIST, "already exists; keys are never overwritten", str(path)
                )
        for path, content, mode in files:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.chmod(path, mode)  # the umask may have narrowed the mode
        return [path for path, _, _ in files]


#: What a signing key file must be, said when it is not.
_SIGNING_KEY = "an unencrypted PKCS#8 PEM Ed25519 private key (NAME.signing-key)"


def load_signing_keys(path: Path) -> AuthorityKeys:
    """Load ``NAME.signing-key`` (PKCS#8 PEM Ed25519); the name comes from the file name.

    If ``NAME.pub.json`` lies beside it, its name is used and its key must match. A file that
    is not such a key is a :class:`DataFileError`; an :class:`OSError` is the caller's.
    """
    where = str(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except TypeError:  # it needs a password
        raise DataFileError(f"the key is encrypted: expected {_SIGNING_KEY}", path=where) from None
    except (ValueError, UnsupportedAlgorithm):
        raise DataFileError(f"not a signing key: expected {_SIGNING_KEY}", path=where) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise DataFileError(f"not an Ed25519 key: expected {_SIGNING_KEY}", path=where)
    name = path.name.removesuffix(".signing-key")
    keys = AuthorityKeys(name, key)
    sibling = path.with_name(f"{name}.pub.json")
    if path.name.endswith(".signing-key") and sibling.exists():
        public = load_public(sibling)
        if public.signing_key != keys.public.signing_key:
            raise DataFileError(f"the key does not match {sibling.name}", path=where)
        keys = AuthorityKeys(public.name, key)
    return keys


def load_public(path: Path) -> PublicAuthority:
    """Load a ``.pub.json`` file; :class:`DataFileError` if it is not one."""
    document = read_json(path)
    try:
        return PublicAuthority.from_json(document)
    except ValueError as exc:
        raise DataFileError(str(exc), path=str(path)) from None


def load_identities(path: Path) -> list[AgeIdentity]:
    """Load an age identity file (``NAME.identity`` or one written by ``age-keygen``);
    :class:`DataFileError` if it is not one."""
    text = read_text(path)
    try:
        return parse_identity_file(text)
    except ValueError as exc:
        raise DataFileError(str(exc), path=str(path)) from None
