"""SQL for request copies, their transitions, signed messages and idempotency keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from comity.cases.lifecycle import Actor, Event
from comity.cases.transitions import Action, RequestState, Side
from comity.errors import StorageError
from comity.storage.authority_store import aware
from comity.storage.models import idempotency_keys, messages, request_transitions, requests

__all__ = [
    "RequestRow",
    "StoredResponse",
    "claim_idempotent",
    "find_request",
    "get_idempotent",
    "insert_message",
    "insert_request",
    "insert_transition",
    "list_messages",
    "list_messages_any",
    "list_requests",
    "load_events",
    "message_seen",
    "next_reference",
    "request_row",
    "set_message_status",
    "set_parties",
    "store_idempotent",
    "update_request",
]


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One side's copy of a request, as stored."""

    id: str
    authority_id: str
    side: str
    reference: str
    kind: str
    requesting_authority: str
    requested_authority: str | None
    requesting_state: str
    requested_state: str | None
    initial_state: str
    state: str
    version: int
    document: dict[str, Any]
    message_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


def request_row(row: sa.Row[Any]) -> RequestRow:
    m = dict(row._mapping)
    m["created_at"], m["updated_at"] = aware(m["created_at"]), aware(m["updated_at"])
    return RequestRow(**m)


def next_reference(connection: Connection, state: str, year: int) -> str:
    """The next free human reference ``<STATE>-<YEAR>-<NNNNNN>`` on this node."""
    prefix = f"{state}-{year:04d}-"
    last = connection.execute(
        sa.select(sa.func.max(requests.c.reference)).where(requests.c.reference.like(prefix + "%"))
    ).scalar_one()
    number = int(str(last)[-6:]) + 1 if last else 1
    if number > 999_999:
        raise StorageError(f"no reference left for {state} in {year}")
    return f"{prefix}{number:06d}"


def insert_request(connection: Connection, row: RequestRow) -> None:
    """Insert a new request copy."""
    connection.execute(requests.insert().values(**_values(row)))


def _values(row: RequestRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in RequestRow.__slots__}


def find_request(connection: Connection, authority_id: str, key: str) -> RequestRow | None:
    """The copy held by ``authority_id`` whose id or reference is ``key``; ``None`` for any
    other authority's copy (an authority sees only what it sent or received)."""
    column = requests.c.id if len(key) == 36 else requests.c.reference
    row = connection.execute(
        sa.select(requests).where(requests.c.authority_id == authority_id, column == key)
    ).first()
    return None if row is None else request_row(row)


def list_requests(
    connection: Connection,
    authority_id: str,
    *,
    states: Sequence[str] | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[RequestRow]:
    """The copies held by ``authority_id``, newest first, optionally by state and kind."""
    query = sa.select(requests).where(requests.c.authority_id == authority_id)
    if states:
        query = query.where(requests.c.state.in_(list(states)))
    if kind:
        query = query.where(requests.c.kind == kind)
    query = query.order_by(requests.c.created_at.desc(), requests.c.reference.desc())
    return [request_row(r) for r in connection.execute(query.limit(limit).offset(offset))]


def update_request(
    connection: Connection,
    row: RequestRow,
    *,
    state: str,
    at: dt.datetime,
    document: dict[str, Any] | None = None,
    message_id: str | None = None,
) -> RequestRow:
    """Store a new state (and document), bumping the version; fails if the row moved on."""
    values: dict[str, Any] = {"state": state, "version": row.version + 1, "updated_at": at}
    if document is not None:
        values["document"] = document
    if message_id is not None:
        values["message_id"] = message_id
    result = connection.execute(
        requests.update()
        .where(requests.c.id == row.id, requests.c.version == row.version)
        .values(**values)
    )
    if result.rowcount != 1:
        raise StorageError(f"request {row.reference} changed while it was being updated")
    changed = {**_values(row), **values}
    return RequestRow(**changed)


def set_parties(
    connection: Connection, request_id: str, requested_authority: str | None, state: str | None
) -> None:
    """Record the requested authority and State a draft now names."""
    connection.execute(
        requests.update()
        .where(requests.c.id == request_id)
        .values(requested_authority=requested_authority, requested_state=state)
    )


def insert_transition(connection: Connection, request_id: str, event: Event, seq: int) -> None:
    """Append a lifecycle event of a copy, with the journal event that records it."""
    connection.execute(
        request_transitions.insert().values(
            request_id=request_id,
            sequence=event.sequence,
            action=event.action.value,
            from_state=event.from_state.value,
            to_state=event.to_state.value,
            side=event.actor.side.value,
            authority=event.actor.authority,
            officer=event.actor.officer,
            at=event.at,
            reasons=event.reasons,
            documents=list(event.documents),
            preserved_until=event.preserved_until,
            linked_request=event.linked_request,
            event_seq=seq,
        )
    )


def load_events(connection: Connection, request_id: str) -> list[Event]:
    """The events of a copy, in order."""
    rows = connection.execute(
        sa.select(request_transitions)
        .where(request_transitions.c.request_id == request_id)
        .order_by(request_transitions.c.sequence)
    )
    return [
        Event(
            sequence=int(r.sequence),
            action=Action(r.action),
            from_state=RequestState(r.from_state),
            to_state=RequestState(r.to_state),
            actor=Actor(Side(r.side), r.authority, r.officer),
            at=aware(r.at),
            reasons=r.reasons,
            documents=tuple(r.documents),
            preserved_until=r.preserved_until,
            linked_request=r.linked_request,
        )
        for r in rows
    ]


def insert_message(
    connection: Connection,
    *,
    message_id: str,
    direction: str,
    sender: str,
    recipient: str,
    envelope: Any,
    status: str,
    reason: str | None,
    at: dt.datetime,
) -> int:
    """Record a message of the outbox (``out``) or inbox (``in``); its sequence number."""
    return int(
        connection.execute(
            messages.insert()
            .values(
                message_id=message_id,
                direction=direction,
                sender=sender,
                recipient=recipient,
                envelope=envelope,
                status=status,
                reason=reason,
                created_at=at,
            )
            .returning(messages.c.seq)
        ).scalar_one()
    )


def set_message_status(connection: Connection, seq: int, status: str, reason: str | None) -> None:
    """Record what became of a message (delivered, rejected ...)."""
    connection.execute(
        messages.update().where(messages.c.seq == seq).values(status=status, reason=reason)
    )


def message_seen(connection: Connection, message_id: str, recipient: str) -> bool:
    """Whether ``recipient`` already accepted the message ``message_id``."""
    found = connection.execute(
        sa.select(messages.c.seq).where(
            messages.c.message_id == message_id,
            messages.c.recipient == recipient,
            messages.c.direction == "in",
            messages.c.status == "accepted",
        )
    ).first()
    return found is not None


def list_messages(
    connection: Connection, authority_id: str, *, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Messages ``authority_id`` sent or received (its outbox and inbox), newest first."""
    mine = sa.or_(
        sa.and_(messages.c.direction == "out", messages.c.sender == authority_id),
        sa.and_(messages.c.direction == "in", messages.c.recipient == authority_id),
    )
    query = sa.select(messages).where(mine)
    if status:
        query = query.where(messages.c.status == status)
    rows = connection.execute(query.order_by(messages.c.seq.desc()).limit(limit))
    return [{**dict(r._mapping), "created_at": aware(r.created_at)} for r in rows]


def list_messages_any(connection: Connection, *, direction: str) -> list[dict[str, Any]]:
    """Every message of one direction on this node, oldest first (for retries)."""
    rows = connection.execute(
        sa.select(messages).where(messages.c.direction == direction).order_by(messages.c.seq)
    )
    return [dict(r._mapping) for r in rows]


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The response stored for an idempotency key."""

    request_sha256: str
    status_code: int
    body: Any
    headers: dict[str, str]


def get_idempotent(connection: Connection, authority_id: str, key: str) -> StoredResponse | None:
    """The stored response for ``key`` of ``authority_id``, or ``None``."""
    row = connection.execute(
        sa.select(idempotency_keys).where(
            idempotency_keys.c.authority_id == authority_id, idempotency_keys.c.key == key
        )
    ).first()
    if row is None:
        return None
    return StoredResponse(row.request_sha256, int(row.status_code), row.response, dict(row.headers))


def claim_idempotent(
    connection: Connection, authority_id: str, key: str, digest: str, at: dt.datetime
) -> bool:
    """Claim ``key`` for a request with SHA-256 ``digest``; ``False`` if it is already taken.

    ``INSERT ... ON CONFLICT DO NOTHING``: when another transaction holds an uncommitted claim
    of the same key, PostgreSQL waits for it to end (SQLite's writer lock already did). The
    claimed row has status 0 until :func:`store_idempotent` fills in the response.
    """
    values = {
        "authority_id": authority_id,
        "key": key,
        "request_sha256": digest,
        "status_code": 0,
        "response": {},
        "headers": {},
        "created_at": at,
    }
    insert = (
        postgresql_insert(idempotency_keys)
        if connection.dialect.name == "postgresql"
        else sqlite_insert(idempotency_keys)
    )
    claimed = connection.execute(
        insert.values(**values)
        .on_conflict_do_nothing(index_elements=["authority_id", "key"])
        .returning(idempotency_keys.c.key)
    ).first()
    return claimed is not None


def store_idempotent(
    connection: Connection, authority_id: str, key: str, stored: StoredResponse
) -> None:
    """Keep the response to a POST made with a claimed ``Idempotency-Key``."""
    connection.execute(
        idempotency_keys.update()
        .where(idempotency_keys.c.authority_id == authority_id, idempotency_keys.c.key == key)
        .values(
            request_sha256=stored.request_sha256,
            status_code=stored.status_code,
            response=stored.body,
            headers=stored.headers,
        )
    )
