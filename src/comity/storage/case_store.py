"""SQL for cases: their requests, links and returned evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from comity.storage.authority_store import aware
from comity.storage.models import case_evidence, case_links, case_requests, cases, requests
from comity.storage.request_store import RequestRow, request_row

__all__ = [
    "DECIDED_STATES",
    "CaseRow",
    "add_case_request",
    "case_contents",
    "get_case",
    "insert_case",
    "insert_evidence",
    "insert_link",
    "list_cases",
    "pending_follow_ups",
]

#: States in which a follow-up request is no longer pending (Art 42 [UNVERIFIED, ¶?]).
DECIDED_STATES = ("executed", "partially_executed", "refused", "withdrawn", "closed")


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case as stored."""

    id: str
    authority_id: str
    title: str
    created_at: dt.datetime


def insert_case(connection: Connection, row: CaseRow) -> None:
    """Insert a new case."""
    connection.execute(
        cases.insert().values(
            id=row.id, authority_id=row.authority_id, title=row.title, created_at=row.created_at
        )
    )


def get_case(connection: Connection, authority_id: str, case_id: str) -> CaseRow | None:
    """The case ``case_id`` of ``authority_id``, or ``None`` (also for another's case)."""
    row = connection.execute(
        sa.select(cases).where(cases.c.id == case_id, cases.c.authority_id == authority_id)
    ).first()
    return (
        None if row is None else CaseRow(row.id, row.authority_id, row.title, aware(row.created_at))
    )


def list_cases(connection: Connection, authority_id: str) -> list[CaseRow]:
    """The cases of ``authority_id``, newest first."""
    rows = connection.execute(
        sa.select(cases)
        .where(cases.c.authority_id == authority_id)
        .order_by(cases.c.created_at.desc())
    )
    return [CaseRow(r.id, r.authority_id, r.title, aware(r.created_at)) for r in rows]


def add_case_request(connection: Connection, case_id: str, request_id: str) -> None:
    """Put a request in a case (at the end), unless it is there already."""
    exists = connection.execute(
        sa.select(case_requests.c.position).where(
            case_requests.c.case_id == case_id, case_requests.c.request_id == request_id
        )
    ).first()
    if exists is not None:
        return
    position = connection.execute(
        sa.select(sa.func.count())
        .select_from(case_requests)
        .where(case_requests.c.case_id == case_id)
    ).scalar_one()
    connection.execute(
        case_requests.insert().values(case_id=case_id, request_id=request_id, position=position)
    )


def insert_link(
    connection: Connection, case_id: str, source_id: str, target_id: str, kind: str, at: dt.datetime
) -> None:
    """Record that ``source`` leads to ``target`` in the case."""
    connection.execute(
        case_links.insert().values(
            case_id=case_id, source_id=source_id, target_id=target_id, kind=kind, at=at
        )
    )


def insert_evidence(
    connection: Connection, case_id: str, package: str, request_id: str, received_on: dt.date
) -> None:
    """Record an evidence package returned for a request of the case."""
    connection.execute(
        case_evidence.insert().values(
            case_id=case_id, package=package, request_id=request_id, received_on=received_on
        )
    )


def case_contents(
    connection: Connection, case_id: str
) -> tuple[list[RequestRow], list[dict[str, Any]], list[dict[str, Any]]]:
    """The case's request copies in order, its links and its evidence."""
    rows = connection.execute(
        sa.select(requests)
        .join(case_requests, case_requests.c.request_id == requests.c.id)
        .where(case_requests.c.case_id == case_id)
        .order_by(case_requests.c.position)
    )
    members = [request_row(r) for r in rows]
    links = [
        dict(r._mapping)
        for r in connection.execute(
            sa.select(case_links).where(case_links.c.case_id == case_id).order_by(case_links.c.at)
        )
    ]
    evidence = [
        dict(r._mapping)
        for r in connection.execute(
            sa.select(case_evidence)
            .where(case_evidence.c.case_id == case_id)
            .order_by(case_evidence.c.received_on, case_evidence.c.package)
        )
    ]
    return members, links, evidence


def pending_follow_ups(
    connection: Connection, row: RequestRow, linked_reference: str | None
) -> list[str]:
    """References of the requests linked to the preservation ``row`` that are still pending:
    its follow-ups in any case of its authority, the requests whose document names it as
    their ``linked_request``, and the request it is held for."""
    targets = sa.select(case_links.c.target_id).where(
        case_links.c.source_id == row.id, case_links.c.kind == "follow_up"
    )
    declared = requests.c.document["linked_request"].as_string() == row.reference
    condition: sa.ColumnElement[bool] = sa.or_(requests.c.id.in_(targets), declared)
    if linked_reference:
        condition = sa.or_(condition, requests.c.reference == linked_reference)
    found = connection.execute(
        sa.select(requests.c.reference).where(
            requests.c.authority_id == row.authority_id,
            condition,
            requests.c.state.not_in(DECIDED_STATES),
        )
    )
    return sorted(str(r) for r in found.scalars())
