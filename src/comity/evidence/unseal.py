"""Verifying and opening packages in one streaming pass, revealing nothing unless all is well.

:func:`open_package` reads the package once: a source thread reads 16-chunk buffers and hashes
the ciphertext (to check the receipt), the calling thread authenticates and decrypts each age
chunk, a third thread parses the tar stream and hashes each item and, when opening, a fourth
writes the items into a private temporary directory beside the output. Only after the archive
ends, the manifest signature verifies against the producer, and every item matches the manifest
(and the receipt matches the file) is the temporary directory renamed to the output. Otherwise
it is removed and :class:`~comity.errors.PackageIntegrityError` names the first fault.
Verifying is the same pass with nothing written at all.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from comity.errors import PackageIntegrityError
from comity.evidence.age_header import AgeIdentity, b64encode, read_header, unwrap_file_key
from comity.evidence.age_stream import (
    CHUNK_SIZE,
    CIPHER_CHUNK_SIZE,
    NONCE_SIZE,
    StreamDecryptor,
    payload_key,
)
from comity.evidence.keys import PublicAuthority
from comity.evidence.manifest import Manifest, check_item_name
from comity.evidence.pipeline import Pipeline
from comity.evidence.receipt import Receipt, load_receipt, receipt_path
from comity.evidence.seal import BUFFER_CHUNKS
from comity.evidence.tarstream import TarReader

__all__ = ["OpenedPackage", "open_package"]

_MAX_MANIFEST = 16 << 20
_SIGNATURE_SIZE = 64


@dataclass(frozen=True)
class OpenedPackage:
    """A package that verified: its manifest, producer, file digest, and the receipt if any."""

    manifest: Manifest
    producer: PublicAuthority
    sha256: str
    size: int
    receipt: Receipt | None
    output: Path | None


@dataclass
class _Unpacker:
    """Tar callbacks: track members and hash items; with a directory, queue their writes.

    Writes are not done here but listed per buffer (:meth:`take_writes`) for a writer stage,
    so that hashing the next buffer overlaps writing this one.
    """

    directory: Path | None
    items: dict[str, tuple[int, str]] = field(default_factory=dict)
    manifest: bytearray | None = None
    signature: bytearray | None = None
    _current: str | None = None
    _digest: Any = None
    _file: BinaryIO | None = None
    _meta: bytearray | None = None
    _writes: list[tuple[BinaryIO, memoryview | None]] = field(default_factory=list)
    _opened: list[BinaryIO] = field(default_factory=list)

    def start(self, name: str, size: int) -> None:
        if self.signature is not None:
            raise PackageIntegrityError(f"unexpected member {name!r} after the manifest signature")
        if name in ("manifest.json", "manifest.sig"):
            expected = "manifest.sig" if self.manifest is not None else "manifest.json"
            if name != expected:
                raise PackageIntegrityError(f"member {name!r} is out of order in the archive")
            if size > (_MAX_MANIFEST if name == "manifest.json" else _SIGNATURE_SIZE):
                raise PackageIntegrityError(f"member {name!r} is too large")
            self._meta = bytearray()
            if name == "manifest.json":
                self.manifest = self._meta
            else:
                self.signature = self._meta
            return
        if self.manifest is not None:
            raise PackageIntegrityError(f"unexpected member {name!r} after the manifest")
        if not name.startswith("items/"):
            raise PackageIntegrityError(f"unexpected member {name!r} in the archive")
        item = name[len("items/") :]
        try:
            check_item_name(item)
        except ValueError as exc:
            raise PackageIntegrityError(str(exc)) from None
        if item in self.items or item == self._current:
            raise PackageIntegrityError(f"item {item!r} appears twice in the archive")
        self._current = item
        self._digest = hashlib.sha256()
        self._size = 0
        if self.directory is not None:
            path = self.directory / "items" / item
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            self._file = open(fd, "wb", 0)  # noqa: SIM115 - closed by the writer or close()
            self._opened.append(self._file)

    def data(self, piece: memoryview) -> None:
        if self._meta is not None:
            self._meta += piece
            return
        self._digest.update(piece)
        self._size += len(piece)
        if self._file is not None:
            self._writes.append((self._file, piece))

    def end(self) -> None:
        if self._meta is not None:
            self._meta = None
            return
        if self._current is None:
            raise PackageIntegrityError("malformed archive in the package: data outside a member")
        if self._file is not None:
            self._writes.append((self._file, None))
            self._file = None
        self.items[self._current] = (self._size, self._digest.hexdigest())
        self._current = None

    def take_writes(self) -> list[tuple[BinaryIO, memoryview | None]]:
        """The writes queued since the last call: (file, data), or (file, None) to close it."""
        writes, self._writes = self._writes, []
        return writes

    def close(self) -> None:
        for file in self._opened:
            file.close()


def _check_contents(
    unpacker: _Unpacker,
    producers: Sequence[PublicAuthority] | None,
    identities: Sequence[AgeIdentity],
) -> tuple[Manifest, PublicAuthority]:
    if unpacker.manifest is None or unpacker.signature is None:
        raise PackageIntegrityError("the package has no signed manifest")
    try:
        manifest = Manifest.parse(bytes(unpacker.manifest))
        producer = PublicAuthority.from_party(asdict(manifest.producer))
    except ValueError as exc:
        raise PackageIntegrityError(f"the manifest was tampered with: {exc}") from None
    if not producer.verify(bytes(unpacker.signature), bytes(unpacker.manifest)):
        raise PackageIntegrityError(
            f"manifest signature is not by the producer {producer.name} <{producer.key_id}>"
        )
    if producers is not None and producer.key_id not in {p.key_id for p in producers}:
        expected = ", ".join(f"<{p.key_id}>" for p in producers)
        raise PackageIntegrityError(
            f"manifest signature is not by the producer {expected}: "
            f"it is by {producer.name} <{producer.key_id}>"
        )
    listed = {item.name: item for item in manifest.items}
    for name, (size, sha) in unpacker.items.items():
        item = listed.get(name)
        if item is None:
            raise PackageIntegrityError(f"item {name!r} is not in the manifest")
        if item.size != size or item.sha256 != sha:
            raise PackageIntegrityError(f"item {name!r} does not match its SHA-256 in the manifest")
    for name in listed:
        if name not in unpacker.items:
            raise PackageIntegrityError(f"item {name!r} is missing from the package")
    mine = {str(i.recipient()) for i in identities}
    if not mine & {r.age_recipient for r in manifest.recipients}:
        raise PackageIntegrityError("the manifest does not list this identity as a recipient")
    return manifest, producer


def _check_receipt(receipt: Receipt, manifest: Manifest, producer: PublicAuthority) -> None:
    doc = receipt.document
    if receipt.producer.key_id != producer.key_id:
        raise PackageIntegrityError("the receipt and the manifest name different producers")
    if doc["package_id"] != manifest.package_id or doc["request"] != manifest.request:
        raise PackageIntegrityError("the receipt is for another package or request")


def open_package(
    package: Path,
    identities: Sequence[AgeIdentity],
    *,
    output: Path | None = None,
    producers: Sequence[PublicAuthority] | None = None,
    progress: Callable[[int], None] | None = None,
) -> OpenedPackage:
    """Verify ``package`` (and open it into ``output`` if given); see the module docstring.

    The receipt beside the package is checked when present. ``producers``, when given, are the
    only authorities whose signature is accepted. ``progress`` gets package bytes as read.
    """
    if output is not None and output.exists():
        raise PackageIntegrityError(f"{output} already exists; opening never overwrites")
    rpath = receipt_path(package)
    receipt = load_receipt(rpath, producers) if rpath.exists() else None
    staging: Path | None = None
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.partial-", dir=output.parent))
        (staging / "items").mkdir()
    unpacker = _Unpacker(staging)
    try:
        with package.open("rb") as src:
            header = read_header(src)
            file_key = unwrap_file_key(header, list(identities))
            nonce = src.read(NONCE_SIZE)
            if len(nonce) != NONCE_SIZE:
                raise PackageIntegrityError("the package is truncated: no payload")
            digest = hashlib.sha256(header.mac_input + b" " + b64encode(header.mac) + b"\n")
            digest.update(nonce)
            size = header.size + NONCE_SIZE
            decryptor = StreamDecryptor(payload_key(file_key, nonce))
            reader = TarReader(unpacker.start, unpacker.data, unpacker.end)

            def source(pipe: Pipeline) -> None:
                nonlocal size
                pending: tuple[Any, int] | None = None
                while True:
                    buf = pipe.acquire()
                    with memoryview(buf) as view:
                        n = _fill(src, view)
                        digest.update(view[:n])
                    size += n
                    if progress is not None:
                        progress(n)
                    if pending is not None:
                        pipe.emit(pending[0], pending[1], final=n == 0)
                        if n == 0:
                            return
                    elif n == 0:
                        pipe.emit(buf, 0, final=True)
                        return
                    pending = (buf, n)

            writes: deque[list[tuple[BinaryIO, memoryview | None]]] = deque()

            def parse(view: memoryview, final: bool) -> None:
                reader.feed(view)
                if final:
                    reader.close()
                writes.append(unpacker.take_writes())

            def write(view: memoryview, final: bool) -> None:
                for file, piece in writes.popleft():
                    if piece is None:
                        file.close()
                    else:
                        file.write(piece)
                        piece.release()

            pipe = Pipeline(
                in_size=BUFFER_CHUNKS * CIPHER_CHUNK_SIZE, out_size=BUFFER_CHUNKS * CHUNK_SIZE
            )
            sinks = (parse, write) if staging is not None else (parse,)
            pipe.run(source, lambda s, d, f: decryptor.open(s, d, final=f), *sinks)
        unpacker.close()
        manifest, producer = _check_contents(unpacker, producers, identities)
        sha256 = digest.hexdigest()
        if receipt is not None:
            _check_receipt(receipt, manifest, producer)
            if (sha256, size) != (receipt.package_sha256, receipt.package_size):
                raise PackageIntegrityError(
                    "the package's SHA-256 does not match its receipt: "
                    "it is not the package that was sent"
                )
        if staging is not None and output is not None:
            (staging / "manifest.json").write_bytes(bytes(unpacker.manifest or b""))
            (staging / "manifest.sig").write_bytes(bytes(unpacker.signature or b""))
            os.rename(staging, output)
            staging = None
        return OpenedPackage(manifest, producer, sha256, size, receipt, output)
    finally:
        unpacker.close()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _fill(src: Any, view: memoryview) -> int:
    """Read until ``view`` is full or the file ends; return the bytes read."""
    total = 0
    while total < len(view):
        n = src.readinto(view[total:])
        if not n:
            break
        total += n
    return total
