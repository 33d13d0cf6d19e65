"""The node secret, and sealing the private keys of hosted authorities with it.

``COMITY_SECRET_KEY_FILE`` names a file holding at least 32 random bytes; when it is not set
the node creates ``<user data dir>/comity/secret.key`` (mode 0600, 32 bytes from the OS CSPRNG)
on first need. Private keys are stored *sealed*: AES-256-GCM (NIST SP 800-38D) under a key
derived from the secret with HKDF-SHA256 (RFC 5869, ``info`` naming the purpose), a fresh
96-bit nonce per seal, and the owner's id as associated data so a sealed key cannot be moved
to another authority's row. Stored form: nonce (12 bytes) || ciphertext and tag.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from comity.config import Settings
from comity.errors import ConfigurationError
from comity.services.key_files import create_private_file, default_secret_path

__all__ = ["load_node_secret", "seal", "unseal"]

_MIN_SECRET = 32
_NONCE = 12


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read the node secret {path}: {exc.strerror}") from None
    if len(data) < _MIN_SECRET:
        raise ConfigurationError(f"the node secret {path} must hold at least 32 bytes")
    return data


def load_node_secret(settings: Settings) -> bytes:
    """The node secret (created at the default path if no file is configured)."""
    if settings.secret_key_file is not None:
        return _read(settings.secret_key_file)
    path = default_secret_path("secret.key")
    if not path.exists():
        # Another process may create it first: then read theirs.
        with contextlib.suppress(ConfigurationError):
            create_private_file(path, os.urandom(_MIN_SECRET))
    return _read(path)


def _key(secret: bytes, purpose: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"comity {purpose}".encode()
    ).derive(secret)
    return AESGCM(derived)


def seal(secret: bytes, purpose: str, plaintext: bytes, owner: str) -> bytes:
    """Encrypt ``plaintext`` for ``owner`` under the key derived for ``purpose``."""
    nonce = os.urandom(_NONCE)
    return nonce + _key(secret, purpose).encrypt(nonce, plaintext, owner.encode("utf-8"))


def unseal(secret: bytes, purpose: str, sealed: bytes, owner: str) -> bytes:
    """Decrypt what :func:`seal` produced; :class:`ConfigurationError` if it does not open
    (a different node secret, or a row that was altered or moved)."""
    try:
        return _key(secret, purpose).decrypt(sealed[:_NONCE], sealed[_NONCE:], owner.encode())
    except (InvalidTag, ValueError):
        raise ConfigurationError(
            f"the private key of {owner} does not open with this node's secret "
            "(COMITY_SECRET_KEY_FILE changed, or the stored key was altered)"
        ) from None
