"""SQL for the use records of request copies (append-only; see models.use_records)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from comity.storage.authority_store import aware
from comity.storage.models import requests, use_records

__all__ = ["UseRow", "insert_use_record", "load_use_records", "requests_with_records"]


@dataclass(frozen=True, slots=True)
class UseRow:
    """One use record of a copy, as stored."""

    request_id: str
    sequence: int
    record: str
    item: str | None
    side: str
    authority: str
    officer: str
    at: dt.datetime
    data: dict[str, Any]
    event_seq: int


def insert_use_record(connection: Connection, row: UseRow) -> None:
    """Append a use record."""
    values = {name: getattr(row, name) for name in UseRow.__slots__}
    connection.execute(use_records.insert().values(**values))


def load_use_records(connection: Connection, request_id: str) -> list[UseRow]:
    """The use records of a copy, in order."""
    rows = connection.execute(
        sa.select(use_records)
        .where(use_records.c.request_id == request_id)
        .order_by(use_records.c.sequence)
    )
    return [UseRow(**{**dict(r._mapping), "at": aware(r.at), "data": dict(r.data)}) for r in rows]


def requests_with_records(
    connection: Connection, authority_id: str, records: tuple[str, ...]
) -> list[str]:
    """Ids of ``authority_id``'s copies that hold a use record of one of ``records``."""
    query = (
        sa.select(use_records.c.request_id)
        .join(requests, requests.c.id == use_records.c.request_id)
        .where(requests.c.authority_id == authority_id, use_records.c.record.in_(records))
        .distinct()
    )
    return [str(r) for r in connection.execute(query).scalars()]
