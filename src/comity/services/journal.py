"""Recording an event in the transaction of the change it records."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from comity.storage.models import events

__all__ = ["record_event"]


def record_event(
    connection: Connection,
    *,
    tag: str,
    authority: str | None,
    subject: str | None,
    payload: Mapping[str, Any],
    header_values: Mapping[str, str | None],
    at: datetime,
) -> str:
    """Append the event to the journal inside ``connection``'s transaction; its id."""
    del header_values
    event_id = str(uuid.uuid4())
    connection.execute(
        events.insert().values(
            event_id=event_id,
            occurred_at=at,
            tag=tag,
            authority=authority,
            subject=subject,
            payload=dict(payload),
        )
    )
    return event_id
