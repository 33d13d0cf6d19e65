"""Custody events on the node: signed like the CLI's, chained per package, and in the ledger.

Each handling of a package held by the node (``received`` when an upload is accepted,
``transferred`` for every download) is one ``comity-custody-event/v1`` document
(docs/formats/evidence-package.md): the package's SHA-256, the action, the hosted authority
that signs it (with its key, unsealed by the node only to sign), the person who acted, the
time, and ``previous``, the SHA-256 of the event before it. On the node a package's chain
starts at its first handling there, with ``seq`` 0.

The same transaction records the journal event ``evidence.<action>``: its public header holds
the event type, the two States and the request kind; the package digest, the person and the
custody line's hash stay in the private payload (docs/formats/ledger-event.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from comity.config import Settings
from comity.evidence.custody import CUSTODY_FORMAT
from comity.evidence.keys import AuthorityKeys, PublicAuthority
from comity.evidence.manifest import format_time
from comity.evidence.signing import canonical, sign_document, verify_document
from comity.services.authorities import HostedAuthority, signing_key
from comity.services.journal import record_event
from comity.storage import evidence_store as store

__all__ = ["custody_jsonl", "record_custody", "verify_chain"]


def record_custody(
    connection: Connection,
    settings: Settings,
    package: store.PackageRow,
    action: str,
    *,
    authority: HostedAuthority,
    person: str,
    at: dt.datetime,
    header_values: Mapping[str, str | None],
    note: str | None = None,
) -> store.CustodyRow:
    """Sign, chain and store one custody event and its journal event, on the caller's
    write transaction (so the handling, its custody row and its ledger entry commit together).
    """
    before = store.custody_of(connection, package.id)
    keys = AuthorityKeys(authority.id, signing_key(connection, settings, authority.id))
    document: dict[str, Any] = {
        "format": CUSTODY_FORMAT,
        "seq": len(before),
        "package_sha256": package.package_sha256,
        "action": action,
        "authority": keys.public.party(),
        "person": person,
        "time": format_time(at),
    }
    if before:
        document["previous"] = before[-1].line_sha256
    if note:
        document["note"] = note
    line = canonical(sign_document(document, keys))
    line_sha256 = hashlib.sha256(line).hexdigest()
    payload: dict[str, Any] = {
        "package": package.id,
        "package_sha256": package.package_sha256,
        "custody_seq": len(before),
        "custody_line_sha256": line_sha256,
        "person": person,
    }
    if note:
        payload["note"] = note
    recorded = record_event(
        connection, tag=f"evidence.{action}", authority=authority.id,
        subject=f"evidence/{package.id}", payload=payload, header_values=header_values, at=at,
    )  # fmt: skip
    row = store.CustodyRow(
        package.id, len(before), action, authority.id, person, at, line.decode("utf-8"),
        line_sha256, recorded.seq,
    )  # fmt: skip
    store.insert_custody(connection, row)
    return row


def custody_jsonl(rows: list[store.CustodyRow]) -> str:
    """The node's chain of a package as JSON Lines (one signed event a line)."""
    return "".join(row.line + "\n" for row in rows)


def verify_chain(rows: list[store.CustodyRow]) -> None:
    """Check each stored event's signature, sequence and link to the one before it.

    Raises :class:`~comity.errors.SignatureInvalid` or ``ValueError`` naming the event.
    """
    previous: str | None = None
    for number, row in enumerate(rows):
        document = json.loads(row.line)
        signer = PublicAuthority.from_party(document["authority"])
        verify_document(document, signer, f"custody event {number}")
        if document["seq"] != number or document.get("previous") != previous:
            raise ValueError(f"custody event {number} does not chain to the one before it")
        if hashlib.sha256(row.line.encode("utf-8")).hexdigest() != row.line_sha256:
            raise ValueError(f"custody event {number} was altered")
        previous = row.line_sha256
