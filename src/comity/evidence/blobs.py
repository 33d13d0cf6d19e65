"""Content-addressed blob storage for packages: the :class:`BlobStore` Protocol and a file store.

Blobs are named by the lower-case hex SHA-256 of their bytes. A put streams the bytes in and
checks the digest before the blob becomes visible; an interrupted upload can be resumed from
the offset the store reports (:meth:`BlobStore.upload_offset`), as the server's resumable
upload will do. :class:`FileBlobStore` keeps blobs as ``<root>/sha256/ab/<digest>`` and partial
uploads under ``<root>/partial/<digest>``, and publishes a blob with an atomic rename.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from comity.errors import Conflict, NotFound, PackageIntegrityError

__all__ = ["BlobStore", "FileBlobStore"]

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_PIECE = 1 << 20


def _check_digest(digest: str) -> str:
    if not _DIGEST.match(digest):
        raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
    return digest


@runtime_checkable
class BlobStore(Protocol):
    """Where packages are kept, by SHA-256."""

    def has(self, digest: str) -> bool:
        """True if the complete blob ``digest`` is stored."""

    def put(self, digest: str, src: BinaryIO) -> None:
        """Store all of ``src`` as ``digest``; refuse (and keep nothing) if it hashes otherwise."""

    def open(self, digest: str) -> BinaryIO:
        """A binary stream of the blob; NotFound if absent."""

    def upload_offset(self, digest: str) -> int:
        """How many bytes of an interrupted upload of ``digest`` are already stored (0 if none)."""

    def append(self, digest: str, offset: int, src: BinaryIO, *, complete: bool) -> int:
        """Continue an upload at ``offset`` (Conflict if it is not the stored length).

        With ``complete``, the digest is checked and the blob published (or the upload
        discarded and PackageIntegrityError raised). Returns the new offset.
        """

    def discard(self, digest: str) -> None:
        """Delete the bytes of an unfinished upload of ``digest`` (none: nothing to do)."""


class FileBlobStore:
    """A :class:`BlobStore` in a directory of the file system."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "sha256").mkdir(parents=True, exist_ok=True)
        (root / "partial").mkdir(parents=True, exist_ok=True)

    def _path(self, digest: str) -> Path:
        digest = _check_digest(digest)
        return self.root / "sha256" / digest[:2] / digest

    def _partial(self, digest: str) -> Path:
        return self.root / "partial" / _check_digest(digest)

    def has(self, digest: str) -> bool:
        """See :meth:`BlobStore.has`."""
        return self._path(digest).is_file()

    def open(self, digest: str) -> BinaryIO:
        """See :meth:`BlobStore.open`."""
        try:
            return self._path(digest).open("rb")
        except FileNotFoundError:
            raise NotFound(f"no blob {digest}") from None

    def upload_offset(self, digest: str) -> int:
        """See :meth:`BlobStore.upload_offset`."""
        partial = self._partial(digest)
        return partial.stat().st_size if partial.exists() else 0

    def discard(self, digest: str) -> None:
        """See :meth:`BlobStore.discard`."""
        self._partial(digest).unlink(missing_ok=True)

    def put(self, digest: str, src: BinaryIO) -> None:
        """See :meth:`BlobStore.put`."""
        if self.has(digest):
            return
        self._partial(digest).unlink(missing_ok=True)
        self.append(digest, 0, src, complete=True)

    def append(self, digest: str, offset: int, src: BinaryIO, *, complete: bool) -> int:
        """See :meth:`BlobStore.append`."""
        partial = self._partial(digest)
        stored = self.upload_offset(digest)
        if offset != stored:
            raise Conflict(f"upload of {digest} is at offset {stored}, not {offset}")
        with open(partial, "ab") as out:
            for piece in _pieces(src):
                out.write(piece)
            out.flush()
            os.fsync(out.fileno())
            size = out.tell()
        if not complete:
            return size
        sha = hashlib.sha256()
        with partial.open("rb") as stored_file:
            for piece in _pieces(stored_file):
                sha.update(piece)
        if sha.hexdigest() != digest:
            partial.unlink()
            raise PackageIntegrityError(f"the uploaded bytes do not hash to {digest}")
        final = self._path(digest)
        final.parent.mkdir(exist_ok=True)
        os.replace(partial, final)
        return size


def _pieces(src: BinaryIO) -> Iterator[bytes]:
    while piece := src.read(_PIECE):
        yield piece
