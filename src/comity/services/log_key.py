"""The node's log key: the Ed25519 note key that signs its checkpoints.

``COMITY_LOG_KEY_FILE`` names a file holding a Go-format note signer key
(``PRIVATE+KEY+<name>+<key id>+<base64 key>``, see :mod:`comity.ledger.note`). When it is
not set, the node uses ``<user data dir>/comity/log.key`` and creates it (mode 0600) at first
use, named after ``COMITY_NODE_NAME``. The key name is the origin line of every checkpoint,
so it must equal the node's name.
"""

from __future__ import annotations

from pathlib import Path

from comity.config import Settings
from comity.errors import ConfigurationError, ValidationFailed
from comity.ledger.note import Ed25519Signer
from comity.services.secret_files import create_secret_file, data_dir_file, read_secret_text

__all__ = ["default_key_path", "load_log_signer", "read_signer", "write_new_key"]


def default_key_path() -> Path:
    """``<user data dir>/comity/log.key``, beside the default database."""
    return data_dir_file("log.key")


def write_new_key(path: Path, name: str) -> Ed25519Signer:
    """Create a new key named ``name`` in a new file (mode 0600); never overwrites a file."""
    signer = Ed25519Signer.generate(name)
    create_secret_file(path, signer.skey + "\n")
    return signer


def read_signer(path: Path) -> Ed25519Signer:
    """The signer key in ``path``; :class:`ConfigurationError` naming the file if unusable."""
    text = read_secret_text(path, "log key")
    try:
        return Ed25519Signer.from_skey(text)
    except ValidationFailed as exc:
        raise ConfigurationError(f"{path}: {exc}") from None


def load_log_signer(settings: Settings) -> Ed25519Signer:
    """The node's log key (created at the default path if no key file is configured)."""
    if settings.log_key_file is not None:
        signer = read_signer(settings.log_key_file)
    else:
        path = default_key_path()
        try:
            signer = write_new_key(path, settings.node_name)
        except ConfigurationError:
            signer = read_signer(path)
    if signer.name != settings.node_name:
        raise ConfigurationError(
            f"the log key is named {signer.name!r} but COMITY_NODE_NAME is "
            f"{settings.node_name!r}; the checkpoint origin must be the node's name"
        )
    return signer
