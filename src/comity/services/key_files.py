"""Secret files the node creates for itself: written once, mode 0600, never overwritten.

Both the log key (:mod:`comity.services.log_key`) and the node secret
(:mod:`comity.services.node_secret`) live beside the default database in
``<user data dir>/comity/`` unless a ``COMITY_*_FILE`` setting names another file.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from comity.errors import ConfigurationError

__all__ = ["create_private_file", "default_secret_path"]


def default_secret_path(name: str) -> Path:
    """``<user data dir>/comity/<name>``, beside the default database."""
    return Path(platformdirs.user_data_dir("comity", appauthor=False)) / name


def create_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a *new* file readable by its owner only (mode 0600), durably.

    Raises :class:`ConfigurationError` if the file exists: a key is never overwritten.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigurationError(f"{path} already exists; refusing to overwrite a key") from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
