"""The detached receipt ``PACKAGE.receipt.json``: who sealed which bytes, for whom, and when.

A receipt is a signed JSON document (:mod:`comity.evidence.signing`) by the producer naming the
package's SHA-256 and size, its id, the request, the recipients and the time. Anyone holding the
package but not the key (a courier, a custodian, the ledger) checks that the file is the one
that was sent by hashing it: :func:`check_package`.
"""

from __future__ import annotations

import hashlib
import mmap
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from comity.datafiles import read_json
from comity.errors import PackageIntegrityError, SignatureInvalid
from comity.evidence.keys import AuthorityKeys, PublicAuthority
from comity.evidence.manifest import Manifest
from comity.evidence.signing import sign_document, verify_document

__all__ = [
    "RECEIPT_FORMAT",
    "Receipt",
    "check_package",
    "load_receipt",
    "make_receipt",
    "parse_receipt",
    "receipt_path",
]

RECEIPT_FORMAT = "comity-evidence-receipt/v1"
_READ_SIZE = 1 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def receipt_path(package: Path) -> Path:
    """``PACKAGE.receipt.json`` beside the package."""
    return package.with_name(package.name + ".receipt.json")


@dataclass(frozen=True)
class Receipt:
    """A verified receipt: the signed document and its producer."""

    document: dict[str, Any]
    producer: PublicAuthority

    @property
    def package_sha256(self) -> str:
        """The SHA-256 of the package file, lower-case hex."""
        return str(self.document["package_sha256"])

    @property
    def package_size(self) -> int:
        """The size of the package file in bytes."""
        return int(self.document["package_size"])


def make_receipt(manifest: Manifest, sha256: str, size: int, keys: AuthorityKeys) -> dict[str, Any]:
    """The signed receipt of a package sealed by ``keys`` with ``manifest``."""
    document = {
        "format": RECEIPT_FORMAT,
        "package_id": manifest.package_id,
        "package_sha256": sha256,
        "package_size": size,
        "request": manifest.request,
        "recipients": [r.age_recipient for r in manifest.recipients],
        "producer": keys.public.party(),
        "created": manifest.created,
    }
    return sign_document(document, keys)


_KEYS = {
    "format",
    "package_id",
    "package_sha256",
    "package_size",
    "request",
    "recipients",
    "producer",
    "created",
    "signature",
}


def load_receipt(path: Path, producers: Sequence[PublicAuthority] | None = None) -> Receipt:
    """Load and verify a receipt's signature; with ``producers``, its signer must be one.

    A file that is not JSON is a :class:`~comity.errors.DataFileError`; an :class:`OSError`
    is the caller's.
    """
    return parse_receipt(read_json(path), producers, name=path.name)


def parse_receipt(
    document: Any, producers: Sequence[PublicAuthority] | None = None, *, name: str = "receipt"
) -> Receipt:
    """Verify a receipt document (already parsed JSON) as :func:`load_receipt` does."""
    if not isinstance(document, dict) or set(document) != _KEYS:
        raise PackageIntegrityError(f"the receipt {name} is not a {RECEIPT_FORMAT} document")
    if document["format"] != RECEIPT_FORMAT:
        raise PackageIntegrityError(f"the receipt {name} is not a {RECEIPT_FORMAT} document")
    try:
        size = document["package_size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError("package_size is not a byte count")
        digest = document["package_sha256"]
        if not isinstance(digest, str) or not _HEX64.match(digest):
            raise ValueError("package_sha256 is not a lower-case hex SHA-256")
        producer = PublicAuthority.from_party(document["producer"])
        verify_document(document, producer, "receipt")
    except (ValueError, SignatureInvalid) as exc:
        raise PackageIntegrityError(f"the receipt does not verify: {exc}") from None
    if producers is not None and producer.key_id not in {p.key_id for p in producers}:
        raise PackageIntegrityError(
            f"the receipt is signed by {producer.name} <{producer.key_id}>, "
            "who is not the expected producer"
        )
    return Receipt(document, producer)


def check_package(
    package: Path, receipt: Receipt, progress: Callable[[int], None] | None = None
) -> None:
    """Hash ``package`` in a stream and raise unless its size and SHA-256 match ``receipt``."""
    size = package.stat().st_size
    if size != receipt.package_size:
        raise PackageIntegrityError(
            f"the package is {size} bytes but the receipt says {receipt.package_size}"
        )
    digest = hashlib.sha256()
    # A page-aligned buffer: reading into a bytearray that malloc placed off a page boundary
    # runs at a quarter of the speed (performance.md §1.2.3).
    with (
        mmap.mmap(-1, _READ_SIZE) as buf,
        memoryview(buf) as view,
        package.open("rb", buffering=0) as src,
    ):
        while n := src.readinto(buf):
            digest.update(view[:n])
            if progress is not None:
                progress(n)
    if digest.hexdigest() != receipt.package_sha256:
        raise PackageIntegrityError(
            "the package's SHA-256 does not match its receipt: it is not the package that was sent"
        )
