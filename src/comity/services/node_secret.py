"""The node's secret for keyed hashes (HMAC-SHA-256, RFC 2104) of identifiers and persons.

Pattern detection compares identifiers, persons and investigation references across requests
through :func:`comity.rules.identifier_key`, never in clear; the key is this secret.
``COMITY_SECRET_KEY_FILE`` names a file holding it as hexadecimal (at least 32 bytes: 64 hex
digits). When it is not set, the node uses ``<user data dir>/comity/node.secret`` and creates
it (32 random bytes from the OS, mode 0600) at first need. Changing the secret makes every
stored hash unmatchable: keep the file with the database's backups.
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from comity.config import Settings
from comity.errors import ConfigurationError
from comity.services.secret_files import create_secret_file, data_dir_file, read_secret_text

__all__ = ["SECRET_BYTES", "default_secret_path", "load_node_secret", "read_node_secret"]

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
