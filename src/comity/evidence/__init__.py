"""Sealed evidence packages: age v1 encryption, a signed manifest, a receipt and custody.

A package is one age v1 file (C2SP age, X25519 recipients) whose plaintext is a POSIX tar of
the items, ``manifest.json`` (RFC 8785) and ``manifest.sig`` (Ed25519, RFC 8032). Beside it lie
``PACKAGE.receipt.json`` (signed by the producer, checkable without any key) and
``PACKAGE.custody.jsonl`` (the signed, hash-chained chain of custody). The normative format is
``docs/formats/evidence-package.md``. This package is pure: files only, no database or web.
"""

from __future__ import annotations

from comity.evidence.age_header import AgeIdentity, AgeRecipient
from comity.evidence.blobs import BlobStore, FileBlobStore
from comity.evidence.case_export import to_case
from comity.evidence.custody import ACTIONS, CustodyEvent, CustodyLog, custody_path
from comity.evidence.keys import (
    AuthorityKeys,
    PublicAuthority,
    key_id,
    load_identities,
    load_public,
    load_signing_keys,
)
from comity.evidence.manifest import Acquisition, Item, Manifest
from comity.evidence.receipt import Receipt, check_package, load_receipt, receipt_path
from comity.evidence.seal import ItemSource, SealedPackage, seal
from comity.evidence.unseal import OpenedPackage, open_package

__all__ = [
    "ACTIONS",
    "Acquisition",
    "AgeIdentity",
    "AgeRecipient",
    "AuthorityKeys",
    "BlobStore",
    "CustodyEvent",
    "CustodyLog",
    "FileBlobStore",
    "Item",
    "ItemSource",
    "Manifest",
    "OpenedPackage",
    "PublicAuthority",
    "Receipt",
    "SealedPackage",
    "check_package",
    "custody_path",
    "key_id",
    "load_identities",
    "load_public",
    "load_receipt",
    "load_signing_keys",
    "open_package",
    "receipt_path",
    "seal",
    "to_case",
]
