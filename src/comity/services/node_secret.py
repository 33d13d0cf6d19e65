"""The node's secret: keyed hashes of identifiers and persons, and sealed private keys.

Pattern detection compares identifiers, persons and investigation references across requests
through :func:`comity.rules.identifier_key`, never in clear; the key is this secret.
``COMITY_SECRET_KEY_FILE`` names a file holding it as hexadecimal (at least 32 bytes: 64 hex
digits). When it is not set, the node uses ``<user data dir>/comity/node.secret`` and creates
it (32 random bytes from the OS, mode 0600) at first need. Changing the secret makes every
stored hash unmatchable and every sealed private key unreadable: keep the file with the
database's backups.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from comity.config import Settings
from comity.errors import ConfigurationError
from comity.services.secret_files import create_secret_file, data_dir_file, read_secret_text

__all__ = [
    "SECRET_BYTES",
    "default_secret_path",
    "load_node_secret",
    "read_node_secret",
    "seal",
    "unseal",
]

#: Length of a new node secret; HMAC-SHA-256 keys shorter than this are refused.
SECRET_BYTES = 32


def default_secret_path() -> Path:
    """``<user data dir>/comity/node.secret``."""
    return data_dir_file("node.secret")


def read_node_secret(path: Path) -> bytes:
    """The secret in ``path``; :class:`ConfigurationError` naming the file if unusable."""
    text = read_secret_text(path, "node secret")
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        raise ConfigurationError(f"{path}: the node secret must be hexadecimal") from None
    if len(secret) < SECRET_BYTES:
        raise ConfigurationError(
            f"{path}: the node secret must be at least {SECRET_BYTES} bytes "
            f"({2 * SECRET_BYTES} hex digits), not {len(secret)}"
        )
    return secret


def load_node_secret(settings: Settings) -> bytes:
    """The node's secret (created at the default path if no file is configured)."""
    if settings.secret_key_file is not None:
        return read_node_secret(settings.secret_key_file)
    path = default_secret_path()
    if not path.exists():
        # Another process may create it first: then read theirs.
        with contextlib.suppress(ConfigurationError):
            create_secret_file(path, secrets.token_hex(SECRET_BYTES) + "\n")
    return read_node_secret(path)


# -- sealing the private keys of hosted authorities -------------------------------------------
#
# Private keys are stored *sealed*: AES-256-GCM (NIST SP 800-38D) under a key derived from the
# node secret with HKDF-SHA256 (RFC 5869, ``info`` naming the purpose), a fresh 96-bit nonce per
# seal, and the owner's id as associated data so a sealed key cannot be moved to another
# authority's row. Stored form: nonce (12 bytes) || ciphertext and tag.

_NONCE = 12


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
