"""Secret files in the node's data directory: created once (mode 0600), never overwritten.

The node's log key (:mod:`comity.services.log_key`) and its secret for keyed hashes
(:mod:`comity.services.node_secret`) are files. When the administrator names none, the node
creates each under ``<user data dir>/comity/`` at first need; :func:`create_secret_file`
refuses to replace an existing file, so a secret, once used, stays the same.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from comity.errors import ConfigurationError

__all__ = ["create_secret_file", "data_dir_file", "read_secret_text"]


def data_dir_file(name: str) -> Path:
    """``<user data dir>/comity/<name>``, beside the default database."""
    return Path(platformdirs.user_data_dir("comity", appauthor=False)) / name


def create_secret_file(path: Path, text: str) -> None:
    """Write ``text`` to a new file (mode 0600, fsynced); never overwrites a file.

    Raises :class:`ConfigurationError` when ``path`` already exists.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigurationError(f"{path} already exists; refusing to overwrite a key") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def read_secret_text(path: Path, what: str) -> str:
    """The stripped ASCII contents of ``path``; :class:`ConfigurationError` naming ``what``."""
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read the {what} {path}: {exc}") from None
