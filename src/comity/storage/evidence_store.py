"""SQL for evidence through the node: uploads in progress, accepted packages, custody events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from comity.storage.authority_store import aware
from comity.storage.models import (
    case_requests,
    custody_events,
    evidence_packages,
    evidence_uploads,
)

__all__ = [
    "CustodyRow",
    "PackageRow",
    "UploadRow",
    "cases_holding",
    "custody_of",
    "delete_upload",
    "find_package",
    "get_package",
    "get_upload",
    "insert_custody",
    "insert_package",
    "insert_upload",
    "packages_of",
    "upload_for_digest",
]


@dataclass(frozen=True, slots=True)
class UploadRow:
    """An upload in progress: who uploads which package (by its receipt) for which request."""

    id: str
    authority_id: str
    request_id: str
    package_sha256: str
    package_size: int
    receipt: dict[str, Any]
    officer: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PackageRow:
    """A package the node accepted; its bytes are the blob ``package_sha256``."""

    id: str
    package_sha256: str
    package_size: int
    package_id: str
    request_id: str
    recipient_request_id: str | None
    producer_authority: str
    recipient_authority: str
    receipt: dict[str, Any]
    received_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CustodyRow:
    """One signed custody event of a package on the node."""

    package: str
    seq: int
    action: str
    authority: str
    person: str
    at: dt.datetime
    line: str
    line_sha256: str
    event_seq: int


def _values(row: UploadRow | PackageRow | CustodyRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in type(row).__slots__}


def insert_upload(connection: Connection, row: UploadRow) -> None:
    """Start an upload."""
    connection.execute(evidence_uploads.insert().values(**_values(row)))


def _upload(found: sa.Row[Any] | None) -> UploadRow | None:
    if found is None:
        return None
    m = dict(found._mapping)
    m["created_at"] = aware(m["created_at"])
    return UploadRow(**m)


def get_upload(connection: Connection, authority_id: str, upload_id: str) -> UploadRow | None:
    """``authority_id``'s upload ``upload_id``; ``None`` for anyone else's."""
    query = sa.select(evidence_uploads).where(
        evidence_uploads.c.id == upload_id, evidence_uploads.c.authority_id == authority_id
    )
    return _upload(connection.execute(query).first())


def upload_for_digest(connection: Connection, sha256: str) -> UploadRow | None:
    """The upload in progress of the package ``sha256``, if any."""
    query = sa.select(evidence_uploads).where(evidence_uploads.c.package_sha256 == sha256)
    return _upload(connection.execute(query).first())


def delete_upload(connection: Connection, upload_id: str) -> None:
    """Forget an upload (accepted or refused)."""
    connection.execute(evidence_uploads.delete().where(evidence_uploads.c.id == upload_id))


def insert_package(connection: Connection, row: PackageRow) -> None:
    """Record an accepted package."""
    connection.execute(evidence_packages.insert().values(**_values(row)))


def _package(found: sa.Row[Any] | None) -> PackageRow | None:
    if found is None:
        return None
    m = dict(found._mapping)
    m["received_at"] = aware(m["received_at"])
    return PackageRow(**m)


def get_package(connection: Connection, package: str) -> PackageRow | None:
    """The accepted package ``package`` (its node id)."""
    query = sa.select(evidence_packages).where(evidence_packages.c.id == package)
    return _package(connection.execute(query).first())


def find_package(connection: Connection, request_id: str, sha256: str) -> PackageRow | None:
    """The package ``sha256`` accepted for the request copy ``request_id``."""
    query = sa.select(evidence_packages).where(
        evidence_packages.c.request_id == request_id,
        evidence_packages.c.package_sha256 == sha256,
    )
    return _package(connection.execute(query).first())


def packages_of(connection: Connection, authority_id: str) -> list[PackageRow]:
    """The packages ``authority_id`` produced or is to receive, newest first."""
    query = (
        sa.select(evidence_packages)
        .where(
            sa.or_(
                evidence_packages.c.producer_authority == authority_id,
                evidence_packages.c.recipient_authority == authority_id,
            )
        )
        .order_by(evidence_packages.c.received_at.desc(), evidence_packages.c.id)
    )
    return [p for p in (_package(r) for r in connection.execute(query)) if p is not None]


def insert_custody(connection: Connection, row: CustodyRow) -> None:
    """Append a custody event."""
    connection.execute(custody_events.insert().values(**_values(row)))


def custody_of(connection: Connection, package: str) -> list[CustodyRow]:
    """The custody events of ``package`` in order."""
    query = (
        sa.select(custody_events)
        .where(custody_events.c.package == package)
        .order_by(custody_events.c.seq)
    )
    rows = []
    for found in connection.execute(query):
        m = dict(found._mapping)
        m["at"] = aware(m["at"])
        rows.append(CustodyRow(**m))
    return rows


def cases_holding(connection: Connection, request_id: str) -> list[str]:
    """The ids of the cases that hold the request copy ``request_id``."""
    query = sa.select(case_requests.c.case_id).where(case_requests.c.request_id == request_id)
    return sorted(str(r[0]) for r in connection.execute(query))
