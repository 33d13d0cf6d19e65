"""Sealing: items in, one age-encrypted, signed package out, each byte read once.

The plaintext of the package is a POSIX tar archive written in this order (documented in
``docs/formats/evidence-package.md``)::

    items/<name> ...      each item, hashed with SHA-256 while it streams through
    manifest.json         RFC 8785 canonical JSON, written last because it holds the hashes
    manifest.sig          the producer's 64-byte Ed25519 signature of manifest.json
    two zero blocks       end of archive

The archive is never materialised: a source thread reads each item into page-aligned buffers
and hashes it, the calling thread encrypts 64 KiB age chunks with ``encrypt_into``, one thread
hashes the ciphertext (for the receipt) and another writes it (:mod:`comity.evidence.pipeline`),
starting the disk writes as it goes. The package is written to a temporary file beside the
output, flushed to disk (fsync), and linked into place only when complete, then the receipt
and the first custody event are written beside it.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from comity.errors import ValidationFailed
from comity.evidence import tarstream
from comity.evidence.age_header import FILE_KEY_SIZE, AgeRecipient, write_header
from comity.evidence.age_stream import (
    CHUNK_SIZE,
    CIPHER_CHUNK_SIZE,
    NONCE_SIZE,
    StreamEncryptor,
    payload_key,
)
from comity.evidence.keys import AuthorityKeys, PublicAuthority
from comity.evidence.manifest import (
    Acquisition,
    Item,
    Manifest,
    Party,
    Recipient,
    check_item_name,
    format_time,
)
from comity.evidence.pipeline import Pipeline
from comity.evidence.receipt import make_receipt, receipt_path
from comity.evidence.signing import canonical

__all__ = ["BUFFER_CHUNKS", "ItemSource", "SealedPackage", "seal"]

#: age chunks per buffer handed between threads: 16 x 64 KiB = 1 MiB (performance.md §5.3).
BUFFER_CHUNKS = 16

#: The package is handed to the disk every this many bytes as it is written, so that the final
#: fsync finds little left to write instead of the whole package at once.
WRITEBACK_STEP = 8 << 20


def _start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to start writing a just-written range of ``fd`` to disk, without waiting.

    On Linux, ``POSIX_FADV_DONTNEED`` starts the writeback of the range's dirty pages and drops
    only pages that are already clean, so the package stays cached; PostgreSQL's
    ``pg_flush_data`` uses the same call where ``sync_file_range`` is missing. Where the call
    does not exist it is skipped, and the final fsync does all the writing.
    """
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)


@dataclass(frozen=True)
class ItemSource:
    """A file to seal, with its item name, media type and acquisition where known."""

    path: Path
    name: str | None = None
    media_type: str | None = None
    acquisition: Acquisition | None = None

    @property
    def item_name(self) -> str:
        """The name in the package: ``name``, or the file's own name."""
        return self.name if self.name is not None else self.path.name


@dataclass(frozen=True)
class SealedPackage:
    """What sealing produced: the package and receipt paths, the manifest and the receipt."""

    path: Path
    receipt_path: Path
    manifest: Manifest
    receipt: dict[str, Any]

    @property
    def sha256(self) -> str:
        """The SHA-256 of the package file."""
        return str(self.receipt["package_sha256"])


def _recipient(spec: PublicAuthority | AgeRecipient) -> tuple[AgeRecipient, Recipient]:
    if isinstance(spec, AgeRecipient):
        return spec, Recipient(str(spec))
    if spec.age_recipient is None:
        raise ValidationFailed(f"the recipient {spec.name} has no age recipient key")
    return spec.age_recipient, Recipient(str(spec.age_recipient), spec.name, spec.key_id)


class _PlainWriter:
    """Fills pipeline buffers with the tar stream; hands a buffer on only when more follows."""

    def __init__(self, pipe: Pipeline, progress: Callable[[int], None] | None) -> None:
        self._pipe = pipe
        self._progress = progress
        self._buf = pipe.acquire()
        self._view = memoryview(self._buf)
        self._pos = 0
        self._cap = len(self._buf)

    def _room(self) -> int:
        if self._pos == self._cap:
            self._pipe.emit(self._buf, self._cap, final=False)
            self._buf = self._pipe.acquire()
            self._view = memoryview(self._buf)
            self._pos = 0
        return self._cap - self._pos

    def write(self, data: bytes) -> None:
        offset = 0
        while offset < len(data):
            take = min(self._room(), len(data) - offset)
            self._view[self._pos : self._pos + take] = data[offset : offset + take]
            self._pos += take
            offset += take

    def copy(self, src: BinaryIO, size: int, digest: Any, name: str) -> None:
        left = size
        while left:
            take = min(self._room(), left)
            piece = self._view[self._pos : self._pos + take]
            n = src.readinto(piece)  # type: ignore[attr-defined]
            if not n:
                raise ValidationFailed(f"item {name!r} shrank while it was being sealed")
            digest.update(piece[:n])
            self._pos += n
            left -= n
            if self._progress is not None:
                self._progress(n)
        if src.read(1):
            raise ValidationFailed(f"item {name!r} grew while it was being sealed")

    def close(self) -> None:
        self._pipe.emit(self._buf, self._pos, final=True)


def _check_items(items: Sequence[ItemSource]) -> list[tuple[ItemSource, str, int, str]]:
    problems: list[str] = []
    checked = []
    seen: set[str] = set()
    for source in items:
        name = source.item_name
        try:
            check_item_name(name)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if name in seen:
            problems.append(f"two items are named {name!r}")
        seen.add(name)
        if not source.path.is_file():
            problems.append(f"{source.path} is not a readable file")
            continue
        media = source.media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        checked.append((source, name, source.path.stat().st_size, media))
    if not items:
        problems.append("a package needs at least one item")
    if problems:
        raise ValidationFailed("cannot seal these items", problems)
    return checked


def seal(
    items: Sequence[ItemSource],
    *,
    request: str,
    producer: AuthorityKeys,
    recipients: Sequence[PublicAuthority | AgeRecipient],
    output: Path,
    person: str,
    created: datetime | None = None,
    package_id: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> SealedPackage:
    """Seal ``items`` for ``recipients`` into ``output``; write the receipt and custody log.

    ``progress`` is called (from a worker thread) with the number of item bytes just read.
    Nothing is left behind on failure; an existing ``output`` is never overwritten.
    """
    from comity.evidence.custody import CustodyLog, custody_path

    for path in (output, receipt_path(output), custody_path(output)):
        if path.exists():
            raise ValidationFailed(f"{path} already exists; a package is never overwritten")
    if not output.parent.is_dir():
        raise ValidationFailed(f"cannot write {output}: {output.parent} is not a directory")
    checked = _check_items(items)
    if not recipients:
        raise ValidationFailed("a package needs at least one recipient")
    pairs = [_recipient(r) for r in recipients]
    moment = created or datetime.now(UTC)
    mtime = int(moment.timestamp())
    file_key = os.urandom(FILE_KEY_SIZE)
    nonce = os.urandom(NONCE_SIZE)
    manifest_box: list[Manifest] = []

    def source(pipe: Pipeline) -> None:
        writer = _PlainWriter(pipe, progress)
        listed = []
        for item_source, name, size, media in checked:
            digest = hashlib.sha256()
            writer.write(tarstream.member_header(f"items/{name}", size, mtime))
            with item_source.path.open("rb", buffering=0) as src:
                writer.copy(src, size, digest, name)
            writer.write(tarstream.padding(size))
            sha = digest.hexdigest()
            acquired = item_source.acquisition
            if acquired is not None and acquired.sha256 not in (None, sha):
                raise ValidationFailed(
                    f"item {name!r} no longer has the SHA-256 it had at acquisition"
                )
            listed.append(Item(name, size, media, sha, acquired))
        manifest = Manifest(
            package_id=package_id or str(uuid.uuid4()),
            request=request,
            producer=Party(**producer.public.party()),
            recipients=tuple(r for _, r in pairs),
            created=format_time(moment),
            items=tuple(listed),
        )
        body = manifest.canonical()
        signature = producer.sign(body)
        for name, data in (("manifest.json", body), ("manifest.sig", signature)):
            writer.write(tarstream.member_header(name, len(data), mtime))
            writer.write(data + tarstream.padding(len(data)))
        writer.write(tarstream.END_OF_ARCHIVE)
        writer.close()
        manifest_box.append(manifest)

    tmp = output.with_name(f".{output.name}.partial-{uuid.uuid4().hex[:12]}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:  # report the file the user asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, str(output)) from None
    digest = hashlib.sha256()
    size = 0
    try:
        with open(fd, "wb", 0) as out:

            def hash_cipher(view: memoryview, final: bool) -> None:
                nonlocal size
                digest.update(view)
                size += len(view)

            written = flushed = 0

            def write(view: memoryview, final: bool) -> None:
                nonlocal written, flushed
                out.write(view)
                written += len(view)
                if written - flushed >= WRITEBACK_STEP:
                    _start_writeback(out.fileno(), flushed, written - flushed)
                    flushed = written

            head = io.BytesIO()
            write_header(head, file_key, [a for a, _ in pairs])
            head.write(nonce)
            with head.getbuffer() as view:
                hash_cipher(view, False)
                write(view, False)
            encryptor = StreamEncryptor(payload_key(file_key, nonce))
            pipe = Pipeline(
                in_size=BUFFER_CHUNKS * CHUNK_SIZE, out_size=BUFFER_CHUNKS * CIPHER_CHUNK_SIZE
            )
            pipe.run(source, lambda s, d, f: encryptor.seal(s, d, final=f), hash_cipher, write)
            os.fsync(out.fileno())
        os.link(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    manifest = manifest_box[0]
    receipt = make_receipt(manifest, digest.hexdigest(), size, producer)
    rpath = receipt_path(output)
    with open(os.open(rpath, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), "wb") as rfile:
        rfile.write(canonical(receipt) + b"\n")
    CustodyLog.beside(output).append(
        "sealed", package_sha256=digest.hexdigest(), keys=producer, person=person, time=moment
    )
    return SealedPackage(output, rpath, manifest, receipt)
