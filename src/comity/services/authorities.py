"""Authorities hosted on this node: their keys, their API tokens, and who a token is.

A hosted authority has an Ed25519 signing key (RFC 8032) for the messages it sends and an
X25519 key (age recipient) for the evidence sent to it. Both private keys are generated here
and stored sealed with the node secret (:mod:`comity.services.node_secret`). Its public
directory entry is published in the node's registry so that receivers verify its messages
against the directory (docs/formats/signed-message.md).

API tokens are 32 random bytes (``secrets.token_urlsafe``); only their SHA-256 is stored and a
token is shown once, when it is issued.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy.engine import Connection, Engine

from comity.config import Settings
from comity.errors import Conflict, NotFound, ValidationFailed
from comity.registry.directory import Authority, AuthorityRole, encode_age_recipient
from comity.registry.participants import participant
from comity.registry.snapshot import Registry
from comity.services.errors import Unauthenticated
from comity.services.journal import record_event
from comity.services.node_secret import load_node_secret, seal, unseal
from comity.services.registry import current_registry, import_registry
from comity.storage import authority_store as store
from comity.storage.engine import read_transaction, write_transaction

__all__ = [
    "HostedAuthority",
    "add_authority",
    "authenticate",
    "get_authority",
    "issue_token",
    "list_authorities",
    "private_keys",
    "signing_key",
]

_PURPOSE = "hosted authority private keys v1"


@dataclass(frozen=True, slots=True)
class HostedAuthority:
    """A hosted authority's public facts (never its private keys)."""

    id: str
    participant: str
    role: str
    name: str
    languages: tuple[str, ...]
    signing_key: str
    age_recipient: str

    def to_json(self) -> dict[str, object]:
        """The authority as JSON for the API and ``--json`` outputs."""
        return {
            "id": self.id,
            "participant": self.participant,
            "role": self.role,
            "name": self.name,
            "languages": list(self.languages),
            "signing_key": self.signing_key,
            "age_recipient": self.age_recipient,
        }


def _public(row: store.HostedRow) -> HostedAuthority:
    return HostedAuthority(
        row.id, row.participant, row.role, row.name, row.languages, row.signing_key,
        row.age_recipient,
    )  # fmt: skip


def add_authority(
    engine: Engine,
    settings: Settings,
    *,
    authority_id: str,
    state: str,
    role: str,
    name: str,
    languages: Sequence[str],
    contact_email: str,
    at: dt.datetime | None = None,
    publish: bool = True,
) -> HostedAuthority:
    """Host a new authority: generate and seal its keys, and (``publish``) add its entry to
    the node's directory, so that other authorities can verify what it signs."""
    at = at or dt.datetime.now(dt.UTC)
    participant(state)
    try:
        role_value = AuthorityRole(role)
    except ValueError:
        allowed = ", ".join(r.value for r in AuthorityRole)
        raise ValidationFailed(f"unknown role {role!r}; expected one of {allowed}") from None
    if not authority_id.strip() or not name.strip() or not languages:
        raise ValidationFailed("an authority needs an id, a name and at least one language")
    signing = Ed25519PrivateKey.generate()
    decrypting = X25519PrivateKey.generate()
    raw_private = signing.private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    ) + decrypting.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public_b64 = base64.b64encode(
        signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode("ascii")
    recipient = encode_age_recipient(
        decrypting.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    sealed = seal(load_node_secret(settings), _PURPOSE, raw_private, authority_id)
    row = store.HostedRow(
        authority_id, state, role_value.value, name, tuple(languages), public_b64, recipient,
        sealed, at,
    )  # fmt: skip
    with write_transaction(engine) as connection:
        if store.get_hosted(connection, authority_id) is not None:
            raise Conflict(f"authority {authority_id} is already hosted on this node")
        store.insert_hosted(connection, row)
        record_event(
            connection,
            tag="authority.hosted",
            authority=authority_id,
            subject=f"authority/{authority_id}",
            payload={"participant": state, "role": role_value.value, "signing_key": public_b64},
            header_values={},
            at=at,
        )
    if publish:
        _publish(engine, row, contact_email, at.date())
    return _public(row)


def _publish(engine: Engine, row: store.HostedRow, email: str, day: dt.date) -> None:
    entry = Authority(
        id=row.id,
        participant=row.participant,
        role=AuthorityRole(row.role),
        name=row.name,
        contact=(("email", email),),
        languages=row.languages,
        hours="24/7" if row.role == AuthorityRole.CONTACT_POINT_24_7 else "office hours",
        signing_key=row.signing_key,
        age_recipient=row.age_recipient,
        valid_from=day,
        valid_until=None,
        confirmed=day,
    )
    existing = [a for a in current_registry(engine).registry.authorities if a.id != row.id]
    import_registry(
        engine, Registry(authorities=(*existing, entry)), sources=[f"hosted authority {row.id}"]
    )


def list_authorities(engine: Engine) -> list[HostedAuthority]:
    """Every authority hosted on this node."""
    with read_transaction(engine) as connection:
        return [_public(r) for r in store.list_hosted(connection)]


def get_authority(engine: Engine, authority_id: str) -> HostedAuthority:
    """The hosted authority ``authority_id``, or :class:`NotFound`."""
    with read_transaction(engine) as connection:
        row = store.get_hosted(connection, authority_id)
    if row is None:
        raise NotFound(f"no authority {authority_id} is hosted on this node")
    return _public(row)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(engine: Engine, authority_id: str, at: dt.datetime | None = None) -> str:
    """A new API token for ``authority_id``; only its SHA-256 is kept, so show it now."""
    at = at or dt.datetime.now(dt.UTC)
    token = "comity_" + secrets.token_urlsafe(32)
    with write_transaction(engine) as connection:
        if store.get_hosted(connection, authority_id) is None:
            raise NotFound(f"no authority {authority_id} is hosted on this node")
        store.insert_token(connection, authority_id, _hash(token), at)
        record_event(
            connection,
            tag="authority.token_issued",
            authority=authority_id,
            subject=f"authority/{authority_id}",
            payload={},
            header_values={},
            at=at,
        )
    return token


def authenticate(engine: Engine, token: str | None) -> HostedAuthority:
    """The authority a bearer token belongs to, or :class:`Unauthenticated`."""
    if not token:
        raise Unauthenticated("an API token is required: send 'Authorization: Bearer <token>'")
    with read_transaction(engine) as connection:
        row = store.find_by_token_hash(connection, _hash(token))
    if row is None:
        raise Unauthenticated("the API token is not valid on this node")
    return _public(row)


def private_keys(connection: Connection, settings: Settings, authority_id: str) -> bytes:
    """A hosted authority's private keys, unsealed: the Ed25519 signing key (32 bytes) then
    the X25519 age identity (32 bytes). Keep them no longer than needed."""
    row = store.get_hosted(connection, authority_id)
    if row is None:
        raise NotFound(f"no authority {authority_id} is hosted on this node")
    return unseal(load_node_secret(settings), _PURPOSE, row.sealed_private_keys, authority_id)


def signing_key(connection: Connection, settings: Settings, authority_id: str) -> Ed25519PrivateKey:
    """The unsealed Ed25519 private key of a hosted authority (used to sign, then dropped)."""
    return Ed25519PrivateKey.from_private_bytes(
        private_keys(connection, settings, authority_id)[:32]
    )
