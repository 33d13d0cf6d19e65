"""Use cases of cases, deadlines and the preservation tick.

A case belongs to one authority and holds that authority's copies of the requests of one
investigation: a preservation (Art 42), the request that follows it, the evidence returned,
an extradition (Art 37). Links are checked by the core (:func:`comity.cases.case.link`) and the
case view (:func:`comity.cases.case.case_view`) shows the chain and every clock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from comity.cases.case import (
    Case,
    CaseRequest,
    EvidenceRef,
    LinkKind,
    add_evidence,
    add_request,
    case_view,
    link,
)
from comity.cases.deadlines import Clock, overdue, request_clocks
from comity.cases.document import RequestDocument
from comity.cases.transitions import Action
from comity.config import Settings
from comity.errors import Error, NotFound, ValidationFailed
from comity.services.authorities import HostedAuthority, get_authority, list_authorities
from comity.services.journal import record_event
from comity.services.request_steps import history_of
from comity.services.requests import act, clock_json
from comity.services.use_steps import NOTIFICATION_RECORDS, notification_clocks
from comity.storage import case_store, use_store
from comity.storage import request_store as store
from comity.storage.engine import read_transaction, write_transaction
from comity.transport import Transport

__all__ = [
    "add_case_evidence",
    "add_case_request",
    "create_case",
    "expire_due",
    "link_requests",
    "list_cases",
    "overdue_clocks",
    "show_case",
]

_OPEN = (
    "drafted",
    "approved",
    "sent",
    "acknowledged",
    "information_requested",
    "under_review",
    "in_consultation",
    "postponed",
    "preserved",
    "extended",
    "held",
)


def _own_case(
    connection: Connection, authority: HostedAuthority, case_id: str
) -> case_store.CaseRow:
    found = case_store.get_case(connection, authority.id, case_id)
    if found is None:
        raise NotFound(f"case {case_id} does not exist or is not {authority.id}'s")
    return found


def _own_request(connection: Connection, authority: HostedAuthority, key: str) -> store.RequestRow:
    row = store.find_request(connection, authority.id, key)
    if row is None:
        raise NotFound(f"request {key} does not exist or is not {authority.id}'s")
    return row


def _document(row: store.RequestRow) -> RequestDocument | None:
    try:
        return RequestDocument.model_validate(row.document)
    except ValidationError:
        return None


def _core_case(connection: Connection, found: case_store.CaseRow) -> Case:
    members, links, evidence = case_store.case_contents(connection, found.id)
    by_id = {m.id: m for m in members}
    case = Case(found.id, found.title)
    for m in members:
        case = add_request(
            case,
            CaseRequest(
                m.reference,
                history_of(connection, m),
                m.requesting_authority,
                m.requested_authority or "",
                _document(m),
            ),
        )
    for x in links:
        case = link(
            case,
            by_id[x["source_id"]].reference,
            by_id[x["target_id"]].reference,
            LinkKind(x["kind"]),
        )
    for item in evidence:
        case = add_evidence(
            case,
            EvidenceRef(item["package"], by_id[item["request_id"]].reference, item["received_on"]),
        )
    return case


def _event(
    connection: Connection,
    authority: HostedAuthority,
    tag: str,
    case_id: str,
    payload: dict[str, Any],
    at: dt.datetime,
) -> None:
    record_event(
        connection,
        tag=tag,
        authority=authority.id,
        subject=f"case/{case_id}",
        payload=payload,
        header_values={},
        at=at,
    )


def create_case(
    engine: Engine,
    authority: HostedAuthority,
    title: str,
    requests: Sequence[str] = (),
    at: dt.datetime | None = None,
) -> str:
    """A new case of ``authority`` holding its ``requests``; the case id."""
    at = at or dt.datetime.now(dt.UTC)
    if not title.strip():
        raise ValidationFailed("a case needs a title")
    case_id = str(uuid.uuid4())
    with write_transaction(engine) as connection:
        case_store.insert_case(connection, case_store.CaseRow(case_id, authority.id, title, at))
        for key in requests:
            case_store.add_case_request(
                connection, case_id, _own_request(connection, authority, key).id
            )
        _event(connection, authority, "case.created", case_id, {"title": title}, at)
    return case_id


def add_case_request(
    engine: Engine,
    authority: HostedAuthority,
    case_id: str,
    key: str,
    at: dt.datetime | None = None,
) -> None:
    """Put one of ``authority``'s requests in its case."""
    at = at or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as connection:
        _own_case(connection, authority, case_id)
        row = _own_request(connection, authority, key)
        case_store.add_case_request(connection, case_id, row.id)
        _event(
            connection, authority, "case.request_added", case_id, {"reference": row.reference}, at
        )


def link_requests(
    engine: Engine,
    authority: HostedAuthority,
    case_id: str,
    source: str,
    target: str,
    kind: str = "follow_up",
    at: dt.datetime | None = None,
) -> None:
    """Link ``source`` to ``target`` in the case (both are added to it if needed)."""
    at = at or dt.datetime.now(dt.UTC)
    try:
        link_kind = LinkKind(kind)
    except ValueError:
        raise ValidationFailed(
            f"unknown link kind {kind!r}; expected one of {[k.value for k in LinkKind]}"
        ) from None
    with write_transaction(engine) as connection:
        found = _own_case(connection, authority, case_id)
        first = _own_request(connection, authority, source)
        second = _own_request(connection, authority, target)
        case_store.add_case_request(connection, case_id, first.id)
        case_store.add_case_request(connection, case_id, second.id)
        link(_core_case(connection, found), first.reference, second.reference, link_kind)
        case_store.insert_link(connection, case_id, first.id, second.id, link_kind.value, at)
        _event(
            connection,
            authority,
            "case.linked",
            case_id,
            {"source": first.reference, "target": second.reference, "kind": link_kind.value},
            at,
        )


def add_case_evidence(
    engine: Engine,
    authority: HostedAuthority,
    case_id: str,
    package: str,
    key: str,
    received_on: dt.date,
    at: dt.datetime | None = None,
) -> None:
    """Record an evidence package returned for one of the case's requests."""
    at = at or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as connection:
        found = _own_case(connection, authority, case_id)
        row = _own_request(connection, authority, key)
        case_store.add_case_request(connection, case_id, row.id)
        add_evidence(
            _core_case(connection, found), EvidenceRef(package, row.reference, received_on)
        )
        case_store.insert_evidence(connection, case_id, package, row.id, received_on)
        _event(
            connection,
            authority,
            "case.evidence_added",
            case_id,
            {"package": package, "reference": row.reference},
            at,
        )


def list_cases(engine: Engine, authority: HostedAuthority) -> list[dict[str, Any]]:
    """``authority``'s cases."""
    with read_transaction(engine) as connection:
        return [
            {"id": c.id, "title": c.title, "created_at": c.created_at.isoformat()}
            for c in case_store.list_cases(connection, authority.id)
        ]


def show_case(
    engine: Engine, authority: HostedAuthority, case_id: str, today: dt.date | None = None
) -> dict[str, Any]:
    """The case view: the chain of requests, every clock, what is overdue, warnings."""
    day = today or dt.datetime.now(dt.UTC).date()
    with read_transaction(engine) as connection:
        found = _own_case(connection, authority, case_id)
        view = case_view(_core_case(connection, found), day)
    return {
        "id": found.id,
        "title": found.title,
        "chain": [
            {
                "reference": e.reference,
                "kind": e.kind,
                "state": e.state.value,
                "depth": e.depth,
                "linked_from": list(e.linked_from),
                "evidence": list(e.evidence),
                "clocks": [clock_json(c, day) for c in e.clocks],
            }
            for e in view.chain
        ],
        "clocks": [clock_json(c, day) for c in view.clocks],
        "overdue": [clock_json(c, day) for c in view.overdue],
        "warnings": list(view.warnings),
    }


def overdue_clocks(
    engine: Engine, authority: HostedAuthority, today: dt.date | None = None
) -> list[Clock]:
    """The clocks ``authority`` must act on that are late on ``today``, most overdue first,
    with the notifications of persons it delayed past the date their reason ended."""
    day = today or dt.datetime.now(dt.UTC).date()
    clocks: list[Clock] = []
    with read_transaction(engine) as connection:
        for row in store.list_requests(connection, authority.id, states=_OPEN, limit=1_000_000):
            clocks += request_clocks(
                row.reference,
                history_of(connection, row),
                _document(row),
                requesting=row.requesting_authority,
                requested=row.requested_authority or "",
            )
        # Delayed notifications of the person concerned stay due after the request closed.
        for request_id in use_store.requests_with_records(
            connection, authority.id, NOTIFICATION_RECORDS
        ):
            found = store.find_request(connection, authority.id, request_id)
            if found is not None:
                clocks += notification_clocks(connection, found)
    return overdue(clocks, day, authority.id)


def expire_due(
    engine: Engine, settings: Settings, transport: Transport, today: dt.date | None = None
) -> list[str]:
    """Expire every hosted preservation past its last day, unless a linked request is pending.

    Returns one line per preservation: expired, or kept because of the pending request.
    """
    day = today or dt.datetime.now(dt.UTC).date()
    at = dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)
    lines = []
    for hosted in list_authorities(engine):
        with read_transaction(engine) as connection:
            rows = store.list_requests(
                connection,
                hosted.id,
                states=("preserved", "extended"),
                kind="preservation",
                limit=1_000_000,
            )
            due = [
                r.reference
                for r in rows
                if r.side == "requested"
                and (h := history_of(connection, r)).preserved_until is not None
                and h.preserved_until < day
            ]
        authority = get_authority(engine, hosted.id)
        for reference in due:
            try:
                act(
                    engine,
                    settings,
                    authority,
                    reference,
                    Action.EXPIRE.value,
                    transport=transport,
                    officer="comity (expiry tick)",
                    at=max(at, dt.datetime.now(dt.UTC)),
                )
                lines.append(f"{hosted.id} {reference}: expired")
            except Error as error:
                lines.append(f"{hosted.id} {reference}: kept ({error})")
    return lines
