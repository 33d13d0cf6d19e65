"""Handing a hosted authority its own keys, to seal and open evidence off the node.

The node generates a hosted authority's Ed25519 signing key and X25519 (age) key and keeps
them sealed with the node secret (:mod:`comity.services.authorities`). To seal a package whose
receipt verifies against the directory, or to open a package sealed to the directory's age
recipient (with ``comity evidence open`` or with ``age -d``), the authority's custodian needs
them as key files (:mod:`comity.evidence.keys`). The node operator exports them; the export is
recorded in the journal (and so in the ledger) in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from comity.config import Settings
from comity.evidence.age_header import AgeIdentity
from comity.evidence.keys import AuthorityKeys
from comity.services.authorities import private_keys
from comity.services.journal import record_event
from comity.storage.engine import write_transaction

__all__ = ["export_keys"]


def export_keys(
    engine: Engine, settings: Settings, authority_id: str, *, at: dt.datetime | None = None
) -> AuthorityKeys:
    """The hosted authority's private keys, named by its id; the export is a journal event."""
    at = at or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as connection:
        raw = private_keys(connection, settings, authority_id)
        keys = AuthorityKeys(
            authority_id, Ed25519PrivateKey.from_private_bytes(raw[:32]), AgeIdentity(raw[32:64])
        )
        record_event(
            connection, tag="authority.keys_exported", authority=authority_id,
            subject=f"authority/{authority_id}", payload={"key_id": keys.public.key_id},
            header_values={}, at=at,
        )  # fmt: skip
    return keys
