"""Recording an event: the one function every use case calls, in its own transaction.

:func:`record_event` inserts the event row and, in the same transaction, its private salt and
its public ledger entry (header chosen by the node's :class:`HeaderPolicy`, commitment over the
:func:`~comity.ledger.journal.journal_event` form of the row). Because both rows are written by
one transaction, the database holds either both or neither: an event without its entry, or an
entry without its event, cannot be committed (docs/decisions/0004-ledger-sequencing.md). The
sequencer (:mod:`comity.services.sequencer`) later gives the entry its position in the log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from comity.errors import StorageError, ValidationFailed
from comity.ledger.entry import HeaderPolicy, LedgerEntry, new_salt
from comity.ledger.journal import journal_event
from comity.storage.models import event_entries, events

__all__ = ["DEFAULT_POLICY", "RecordedEvent", "record_event"]

DEFAULT_POLICY = HeaderPolicy()


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """What was written: the journal sequence number, the private event and its entry."""

    seq: int
    event: dict[str, Any]
    salt: bytes
    entry: bytes


def record_event(
    connection: Connection,
    *,
    tag: str,
    authority: str | None,
    subject: str | None,
    payload: Mapping[str, Any],
    header_values: Mapping[str, str | None],
    at: dt.datetime,
    policy: HeaderPolicy = DEFAULT_POLICY,
) -> RecordedEvent:
    """Insert an event and its ledger entry inside the caller's (write) transaction.

    ``tag`` names the event (``request.sent``, ``evidence.sealed`` ...) and is its public
    ``event`` header field; ``header_values`` offers the other public fields (States, kind,
    outcome), of which the policy publishes only its own. ``at`` must be timezone-aware.
    """
    if at.tzinfo is None:
        raise ValidationFailed("event time must be timezone-aware (UTC)")
    at = at.astimezone(dt.UTC)
    event_id = str(uuid.uuid4())
    event = journal_event(
        event_id=event_id, at=at, tag=tag, authority=authority, subject=subject, payload=payload
    )
    header = policy.header(at=at, **{**dict(header_values), "event": tag})
    salt = new_salt()
    entry = LedgerEntry.for_event(event, salt, header).encode()
    result = connection.execute(
        events.insert().values(
            event_id=event_id,
            occurred_at=at.replace(tzinfo=None) if connection.dialect.name == "sqlite" else at,
            tag=tag,
            authority=authority,
            subject=subject,
            payload=event["payload"],
        )
    )
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - an INSERT always reports its key
        raise StorageError("the database did not report the new event's sequence number")
    seq = int(key[0])
    connection.execute(event_entries.insert().values(event_seq=seq, salt=salt, entry=entry))
    return RecordedEvent(seq, event, salt, entry)
