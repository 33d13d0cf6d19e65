"""The private form of a journal event that a ledger entry commits to, pure.

A node records each event (drafted, sent, received, screened, decided, evidence sealed,
delivered, opened, registry changed) as a row of its journal. The ledger entry's commitment
(:func:`comity.ledger.entry.commitment`) is computed over :func:`journal_event` of that row:
an object with exactly the keys ``event_id``, ``at``, ``tag``, ``authority``, ``subject`` and
``payload``. The time is written in UTC with microseconds (``2026-11-26T09:00:00.000000Z``) so
that a database which returns it naive (SQLite) or aware (PostgreSQL) yields the same bytes.

Anyone given the event (for example in the file ``comity ledger export-event`` writes) and its
salt can recompute the commitment and check it against the public entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from comity.errors import ValidationFailed

__all__ = ["JOURNAL_EVENT_KEYS", "format_time", "journal_event", "parse_time"]

JOURNAL_EVENT_KEYS = frozenset({"event_id", "at", "tag", "authority", "subject", "payload"})


def format_time(at: dt.datetime) -> str:
    """UTC ISO 8601 with microseconds and ``Z``; a naive time is taken to be UTC already."""
    utc = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> dt.datetime:
    """The aware UTC time written by :func:`format_time`; :class:`ValidationFailed` otherwise."""
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise ValidationFailed(f"event time {text!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ") from exc


def journal_event(
    *,
    event_id: str,
    at: dt.datetime,
    tag: str,
    authority: str | None,
    subject: str | None,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """The event object a ledger entry commits to (see the module docstring)."""
    if not isinstance(payload, Mapping):
        raise ValidationFailed("an event payload is a JSON object")
    return {
        "event_id": event_id,
        "at": format_time(at),
        "tag": tag,
        "authority": authority,
        "subject": subject,
        "payload": dict(payload),
    }
