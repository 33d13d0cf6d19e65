"""SQL for hosted authorities and their API tokens (tables in :mod:`comity.storage.models`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from comity.storage.models import api_tokens, hosted_authorities

__all__ = [
    "HostedRow",
    "aware",
    "find_by_token_hash",
    "get_hosted",
    "insert_hosted",
    "insert_token",
    "list_hosted",
]


def aware(moment: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite returns naive UTC values)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class HostedRow:
    """One hosted authority as stored (the private keys still sealed)."""

    id: str
    participant: str
    role: str
    name: str
    languages: tuple[str, ...]
    signing_key: str
    age_recipient: str
    sealed_private_keys: bytes
    created_at: dt.datetime


def _row(row: sa.Row[tuple[object, ...]]) -> HostedRow:
    m = row._mapping
    return HostedRow(
        id=str(m["id"]),
        participant=str(m["participant"]),
        role=str(m["role"]),
        name=str(m["name"]),
        languages=tuple(m["languages"]),
        signing_key=str(m["signing_key"]),
        age_recipient=str(m["age_recipient"]),
        sealed_private_keys=bytes(m["sealed_private_keys"]),
        created_at=aware(m["created_at"]),
    )


def insert_hosted(connection: Connection, row: HostedRow) -> None:
    """Insert a hosted authority (its id must be new)."""
    connection.execute(
        hosted_authorities.insert().values(
            id=row.id,
            participant=row.participant,
            role=row.role,
            name=row.name,
            languages=list(row.languages),
            signing_key=row.signing_key,
            age_recipient=row.age_recipient,
            sealed_private_keys=row.sealed_private_keys,
            created_at=row.created_at,
        )
    )


def get_hosted(connection: Connection, authority_id: str) -> HostedRow | None:
    """The hosted authority ``authority_id``, or ``None``."""
    row = connection.execute(
        sa.select(hosted_authorities).where(hosted_authorities.c.id == authority_id)
    ).first()
    return None if row is None else _row(row)


def list_hosted(connection: Connection) -> list[HostedRow]:
    """Every hosted authority, by id."""
    rows = connection.execute(sa.select(hosted_authorities).order_by(hosted_authorities.c.id))
    return [_row(r) for r in rows]


def insert_token(
    connection: Connection, authority_id: str, token_sha256: str, at: dt.datetime
) -> None:
    """Keep the SHA-256 of a new API token of ``authority_id``."""
    connection.execute(
        api_tokens.insert().values(
            token_sha256=token_sha256, authority_id=authority_id, created_at=at
        )
    )


def find_by_token_hash(connection: Connection, token_sha256: str) -> HostedRow | None:
    """The authority holding the token with this SHA-256, or ``None``."""
    row = connection.execute(
        sa.select(hosted_authorities)
        .join(api_tokens, api_tokens.c.authority_id == hosted_authorities.c.id)
        .where(api_tokens.c.token_sha256 == token_sha256)
    ).first()
    return None if row is None else _row(row)
