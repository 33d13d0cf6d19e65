"""Evidence through the node: resumable upload by the producer, download by the recipient.

The producer is the *requested* authority of a request (it returns the evidence); the
recipient is its *requesting* authority. An upload starts with the producer's signed receipt
(docs/formats/evidence-package.md), which is checked at once against the producer's signing
key in the node's directory and against the request. The bytes then arrive in chunks at
stated offsets (docs/formats/evidence-transfer.md) into the blob store's partial area; when
the last byte arrives the store hashes the whole and publishes it under its SHA-256 only if
the digest and the size are the receipt's. Anything else is refused and the partial bytes are
deleted: nothing of a refused package is kept.

Acceptance is one write transaction: the package row, its link to the recipient's cases, the
signed custody event ``received`` and its journal event. Every download is a custody event
``transferred`` with its journal event. Anyone but the two authorities gets
:class:`~comity.errors.NotFound`.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy.engine import Connection, Engine

from comity.cases.transitions import Side
from comity.config import Settings
from comity.errors import (
    Conflict,
    NotFound,
    PackageIntegrityError,
    PermissionDenied,
    ValidationFailed,
)
from comity.evidence.blobs import BlobStore, FileBlobStore
from comity.evidence.receipt import Receipt, parse_receipt
from comity.services.authorities import HostedAuthority
from comity.services.custody import record_custody
from comity.services.messaging import directory_entry
from comity.services.request_steps import header_values
from comity.storage import case_store, request_store
from comity.storage import evidence_store as store
from comity.storage.engine import read_transaction, write_transaction

__all__ = [
    "ByteRange",
    "RangeNotSatisfiable",
    "UploadState",
    "append_chunk",
    "blob_store",
    "create_upload",
    "custody_rows",
    "get_package",
    "list_packages",
    "open_download",
    "package_json",
    "parse_range",
    "upload_state",
]


def blob_store(settings: Settings) -> BlobStore:
    """The node's blob store: :class:`FileBlobStore` in ``COMITY_BLOB_DIR``."""
    return FileBlobStore(settings.blob_dir)


@dataclass(frozen=True, slots=True)
class UploadState:
    """Where an upload stands; ``package`` is set once the package was accepted."""

    id: str
    request: str
    package_sha256: str
    package_size: int
    offset: int
    package: store.PackageRow | None = None

    def to_json(self) -> dict[str, Any]:
        """The upload as JSON for the API."""
        return {
            "id": self.id,
            "request": self.request,
            "package_sha256": self.package_sha256,
            "package_size": self.package_size,
            "offset": self.offset,
            "complete": self.package is not None,
            "package": None if self.package is None else package_json(self.package),
        }


def package_json(row: store.PackageRow) -> dict[str, Any]:
    """An accepted package as JSON for the API (the receipt included)."""
    return {
        "id": row.id,
        "package_id": row.package_id,
        "package_sha256": row.package_sha256,
        "package_size": row.package_size,
        "request": str(row.receipt.get("request")),
        "producer_authority": row.producer_authority,
        "recipient_authority": row.recipient_authority,
        "received_at": row.received_at.isoformat(),
        "receipt": row.receipt,
    }


def _producer_copy(
    connection: Connection, authority: HostedAuthority, key: str
) -> request_store.RequestRow:
    row = request_store.find_request(connection, authority.id, key)
    if row is None:
        raise NotFound(f"request {key} does not exist or is not {authority.id}'s")
    if row.side != Side.REQUESTED.value:
        raise PermissionDenied(
            f"only the requested authority of {row.reference} returns evidence for it"
        )
    return row


def _check_receipt(
    engine: Engine, authority: HostedAuthority, row: request_store.RequestRow, document: Any
) -> Receipt:
    """The receipt, verified: signed by ``authority``'s directory key, for this request."""
    receipt = parse_receipt(document)
    entry = directory_entry(engine, authority.id, dt.datetime.now(dt.UTC).date())
    if base64.b64decode(entry.signing_key) != receipt.producer.signing_key:
        raise PackageIntegrityError(
            f"the receipt is signed by {receipt.producer.name} <{receipt.producer.key_id}>, "
            f"not with {authority.id}'s key in the directory"
        )
    if receipt.document["request"] != row.reference:
        raise ValidationFailed(
            f"the receipt is for request {receipt.document['request']}, not {row.reference}"
        )
    return receipt


def create_upload(
    engine: Engine,
    settings: Settings,
    authority: HostedAuthority,
    key: str,
    receipt_document: Any,
    *,
    officer: str,
    at: dt.datetime | None = None,
) -> UploadState:
    """Start (or, for the same package, find again) the upload of a package for request
    ``key``; the receipt is checked first, and nothing is stored if it does not hold."""
    at = at or dt.datetime.now(dt.UTC)
    with read_transaction(engine) as connection:
        row = _producer_copy(connection, authority, key)
    receipt = _check_receipt(engine, authority, row, receipt_document)
    blobs = blob_store(settings)
    with write_transaction(engine) as connection:
        if store.find_package(connection, row.id, receipt.package_sha256) is not None:
            raise Conflict(f"package {receipt.package_sha256} was already accepted for {key}")
        found = store.upload_for_digest(connection, receipt.package_sha256)
        if found is not None:
            if found.authority_id != authority.id or found.request_id != row.id:
                raise Conflict(f"package {receipt.package_sha256} is being uploaded elsewhere")
            upload = found
        else:
            upload = store.UploadRow(
                str(uuid.uuid4()), authority.id, row.id, receipt.package_sha256,
                receipt.package_size, receipt.document, officer, at,
            )  # fmt: skip
            store.insert_upload(connection, upload)
    offset = blobs.upload_offset(upload.package_sha256)
    return UploadState(upload.id, row.reference, upload.package_sha256, upload.package_size, offset)


def _own_upload(
    connection: Connection, authority: HostedAuthority, upload_id: str
) -> store.UploadRow:
    upload = store.get_upload(connection, authority.id, upload_id)
    if upload is None:
        raise NotFound(f"upload {upload_id} does not exist or is not {authority.id}'s")
    return upload


def upload_state(
    engine: Engine, settings: Settings, authority: HostedAuthority, upload_id: str
) -> UploadState:
    """How many bytes of the upload the node holds (to resume after an interruption)."""
    with read_transaction(engine) as connection:
        upload: store.UploadRow = _own_upload(connection, authority, upload_id)
        row = request_store.find_request(connection, authority.id, upload.request_id)
    reference = row.reference if row is not None else upload.request_id
    offset = blob_store(settings).upload_offset(upload.package_sha256)
    return UploadState(upload.id, reference, upload.package_sha256, upload.package_size, offset)


def _refuse(engine: Engine, settings: Settings, upload: store.UploadRow) -> None:
    """Forget a refused upload and every byte of it."""
    blob_store(settings).discard(upload.package_sha256)
    with write_transaction(engine) as connection:
        store.delete_upload(connection, upload.id)


def append_chunk(
    engine: Engine,
    settings: Settings,
    authority: HostedAuthority,
    upload_id: str,
    offset: int,
    length: int,
    src: BinaryIO,
    *,
    officer: str,
    at: dt.datetime | None = None,
) -> UploadState:
    """Store ``length`` bytes of ``src`` at ``offset`` (:class:`Conflict` unless it is the
    node's offset); with the last byte, check the whole package against its receipt and
    accept it, or refuse it and delete what was received."""
    with read_transaction(engine) as connection:
        upload: store.UploadRow = _own_upload(connection, authority, upload_id)
        row = request_store.find_request(connection, authority.id, upload.request_id)
    if row is None:  # pragma: no cover - the upload row refers to the request copy
        raise NotFound(f"the request of upload {upload_id} is gone")
    end = offset + length
    if end > upload.package_size:
        _refuse(engine, settings, upload)
        raise PackageIntegrityError(
            f"the upload would reach {end} bytes but the receipt says {upload.package_size}; "
            "it is refused and its bytes deleted"
        )
    complete = end == upload.package_size
    blobs = blob_store(settings)
    try:
        stored = blobs.append(upload.package_sha256, offset, src, complete=complete)
    except PackageIntegrityError:
        _refuse(engine, settings, upload)
        raise PackageIntegrityError(
            "the package's SHA-256 does not match its receipt; it is refused and its bytes deleted"
        ) from None
    state = UploadState(upload.id, row.reference, upload.package_sha256, upload.package_size,
                        stored)  # fmt: skip
    if not complete:
        return state
    package = _accept(engine, settings, authority, upload, row, officer=officer, at=at)
    return UploadState(
        upload.id, row.reference, upload.package_sha256, upload.package_size, stored, package
    )


def _accept(
    engine: Engine,
    settings: Settings,
    authority: HostedAuthority,
    upload: store.UploadRow,
    row: request_store.RequestRow,
    *,
    officer: str,
    at: dt.datetime | None,
) -> store.PackageRow:
    """One transaction: the package, its case links, custody ``received`` and its event."""
    at = at or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as connection:
        recipient_copy = request_store.find_request(
            connection, row.requesting_authority, row.reference
        )
        package = store.PackageRow(
            str(uuid.uuid4()), upload.package_sha256, upload.package_size,
            str(upload.receipt["package_id"]), row.id,
            None if recipient_copy is None else recipient_copy.id, authority.id,
            row.requesting_authority, upload.receipt, at,
        )  # fmt: skip
        store.delete_upload(connection, upload.id)
        store.insert_package(connection, package)
        if recipient_copy is not None:
            for case_id in store.cases_holding(connection, recipient_copy.id):
                case_store.insert_evidence(
                    connection, case_id, package.id, recipient_copy.id, at.date()
                )
        record_custody(
            connection, settings, package, "received", authority=authority, person=officer,
            at=at, header_values=header_values(row),
            note=f"uploaded to the node by {authority.id} for {row.requesting_authority}",
        )  # fmt: skip
    return package


def _visible(connection: Connection, authority: HostedAuthority, package: str) -> store.PackageRow:
    found = store.get_package(connection, package)
    if found is None or authority.id not in (found.producer_authority, found.recipient_authority):
        raise NotFound(f"evidence package {package} does not exist or is not {authority.id}'s")
    return found


def get_package(engine: Engine, authority: HostedAuthority, package: str) -> store.PackageRow:
    """A package the acting authority produced or is to receive."""
    with read_transaction(engine) as connection:
        return _visible(connection, authority, package)


def list_packages(engine: Engine, authority: HostedAuthority) -> list[store.PackageRow]:
    """The packages the acting authority produced or is to receive."""
    with read_transaction(engine) as connection:
        return store.packages_of(connection, authority.id)


def custody_rows(
    engine: Engine, authority: HostedAuthority, package: str
) -> list[store.CustodyRow]:
    """The node's custody chain of a package the acting authority may see."""
    with read_transaction(engine) as connection:
        _visible(connection, authority, package)
        return store.custody_of(connection, package)


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes ``first`` to ``last`` inclusive of a package of ``size`` bytes (RFC 9110 §14)."""

    first: int
    last: int
    size: int

    @property
    def length(self) -> int:
        """How many bytes."""
        return self.last - self.first + 1

    @property
    def partial(self) -> bool:
        """True unless the range is the whole package."""
        return self.length != self.size


class RangeNotSatisfiable(Conflict):
    """A ``Range`` that starts at or after the end of the package (HTTP 416)."""


def parse_range(header: str | None, size: int) -> ByteRange:
    """The one byte range of a ``Range`` header (RFC 9110 §14.1.2), or the whole package.

    A header that is not a single ``bytes=`` range is ignored, as RFC 9110 §14.2 allows.
    """
    whole = ByteRange(0, size - 1, size)
    if not header or not header.startswith("bytes=") or "," in header:
        return whole
    first_text, dash, last_text = header[len("bytes=") :].strip().partition("-")
    if not dash or not (first_text.isdigit() or last_text.isdigit()):
        return whole
    if not first_text:
        suffix = int(last_text)
        if suffix == 0:
            raise RangeNotSatisfiable(f"the range {header} selects no byte")
        return ByteRange(max(0, size - suffix), size - 1, size)
    first = int(first_text)
    if last_text and not last_text.isdigit():
        return whole
    last = min(int(last_text), size - 1) if last_text else size - 1
    if first >= size or last < first:
        raise RangeNotSatisfiable(f"the range {header} is outside the {size} bytes")
    return ByteRange(first, last, size)


def open_download(
    engine: Engine,
    settings: Settings,
    authority: HostedAuthority,
    package: str,
    range_header: str | None,
    *,
    officer: str,
    at: dt.datetime | None = None,
) -> tuple[store.PackageRow, ByteRange, BinaryIO]:
    """Open the bytes of a package for its recipient, positioned at the requested range.

    Only the recipient authority downloads (anyone else: :class:`NotFound`). The transfer is
    recorded first, as custody event ``transferred`` naming the byte range, with its journal
    event, in one transaction; then the blob is opened.
    """
    at = at or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as connection:
        found = store.get_package(connection, package)
        if found is None or found.recipient_authority != authority.id:
            raise NotFound(
                f"evidence package {package} does not exist or is not for {authority.id}"
            )
        wanted = parse_range(range_header, found.package_size)
        row = request_store.find_request(connection, authority.id, found.recipient_request_id or "")
        producer_row = request_store.find_request(
            connection, found.producer_authority, found.request_id
        )
        header_row = row or producer_row
        record_custody(
            connection, settings, found, "transferred", authority=authority, person=officer,
            at=at, header_values={} if header_row is None else header_values(header_row),
            note=f"bytes {wanted.first}-{wanted.last} of {wanted.size} downloaded by "
                 f"{authority.id}",
        )  # fmt: skip
    stream = blob_store(settings).open(found.package_sha256)
    stream.seek(wanted.first)
    return found, wanted, stream
