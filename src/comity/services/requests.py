"""Use cases of requests: draft, update, validate, act (approve, send, execute ...), read.

Every accepted action is one write transaction holding its transition row and its journal
event (:func:`comity.services.request_steps.commit_transition`); after sending, the same
transaction queues the signed message that mirrors it to the other side's copy, and the
transport delivers it after the commit (:mod:`comity.services.messaging`). An authority sees
and acts on its own copies only: any other request is :class:`~comity.errors.NotFound`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from comity.cases.completeness import Problem, form_problems
from comity.cases.dates import utc_date
from comity.cases.deadlines import Clock, request_clocks
from comity.cases.document import RequestDocument
from comity.cases.drafting import check_draft
from comity.cases.lifecycle import Actor, RequestHistory, allowed_actions
from comity.cases.transitions import Action, RequestState, Side
from comity.config import Settings
from comity.errors import InvalidTransition, NotFound, ValidationFailed
from comity.services import safeguards
from comity.services.authorities import HostedAuthority
from comity.services.errors import PreconditionFailed, PreconditionRequired
from comity.services.journal import record_event
from comity.services.messaging import directory_entry, queue_message, record_delivery
from comity.services.registry import current_registry
from comity.services.request_steps import (
    commit_transition,
    event_json,
    header_values,
    history_of,
)
from comity.services.use_steps import notification_clocks
from comity.storage import request_store as store
from comity.storage.case_store import pending_follow_ups
from comity.storage.engine import read_transaction, write_transaction
from comity.transport import Delivery, Transport

__all__ = [
    "ActResult",
    "RequestView",
    "act",
    "clock_json",
    "deliver",
    "draft",
    "get_request",
    "list_requests",
    "update_draft",
    "validate",
]


def clock_json(clock: Clock, today: dt.date) -> dict[str, Any]:
    """A clock as JSON, with whether it is overdue on ``today``."""
    return {
        "kind": clock.kind.value,
        "request": clock.request,
        "authority": clock.authority,
        "started": clock.started.isoformat(),
        "due": None if clock.due is None else clock.due.isoformat(),
        "label": clock.label,
        "overdue": clock.is_overdue(today),
        "citations": [c.tagged() for c in clock.cites],
    }


@dataclass(frozen=True, slots=True)
class RequestView:
    """One copy with its history, the actions its side may take now, and its clocks."""

    row: store.RequestRow
    history: RequestHistory
    clocks: tuple[Clock, ...]

    @property
    def etag(self) -> str:
        """The entity tag of this version (RFC 9110 §8.8.3)."""
        return f'"{self.row.id}.{self.row.version}"'

    def to_json(self, today: dt.date | None = None) -> dict[str, Any]:
        """The copy as JSON for the API and ``--json`` outputs."""
        day = today or dt.datetime.now(dt.UTC).date()
        row = self.row
        return {
            "id": row.id,
            "reference": row.reference,
            "kind": row.kind,
            "side": row.side,
            "authority": row.authority_id,
            "requesting_authority": row.requesting_authority,
            "requested_authority": row.requested_authority,
            "requesting_state": row.requesting_state,
            "requested_state": row.requested_state,
            "state": row.state,
            "version": row.version,
            "allowed_actions": [
                a.value for a in allowed_actions(self.history, Side(row.side), today=day)
            ],
            "preserved_until": None
            if self.history.preserved_until is None
            else self.history.preserved_until.isoformat(),
            "document": row.document,
            "history": [event_json(e) for e in self.history.events],
            "clocks": [clock_json(c, day) for c in self.clocks],
            "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(),
        }


def _view(connection: Connection, row: store.RequestRow) -> RequestView:
    history = history_of(connection, row)
    try:
        document: RequestDocument | None = RequestDocument.model_validate(row.document)
    except ValidationError:
        document = None
    clocks = request_clocks(
        row.reference, history, document, requesting=row.requesting_authority,
        requested=row.requested_authority or "",
    )  # fmt: skip
    return RequestView(row, history, (*clocks, *notification_clocks(connection, row)))


def _own(connection: Connection, authority: HostedAuthority, key: str) -> store.RequestRow:
    row = store.find_request(connection, authority.id, key)
    if row is None:
        raise NotFound(f"request {key} does not exist or is not {authority.id}'s")
    return row


def _check_version(row: store.RequestRow, if_match: str | None, *, required: bool) -> None:
    if if_match is None:
        if required:
            raise PreconditionRequired(
                f"updating {row.reference} needs If-Match with its current ETag"
            )
        return
    current = f'"{row.id}.{row.version}"'
    if if_match.strip() not in (current, "*"):
        raise PreconditionFailed(
            f"request {row.reference} has changed: its current ETag is {current}, not {if_match}"
        )


def _parse(authority: HostedAuthority, data: Any, reference: str) -> dict[str, Any]:
    """The draft as stored: form-checked, with the drafting authority and reference set."""
    if not isinstance(data, dict):
        raise ValidationFailed("a request document is a JSON object")
    stated = data.get("requesting_state")
    if stated not in (None, authority.participant):
        raise ValidationFailed(
            f"requesting_state is {stated}, but {authority.id} acts for {authority.participant}"
        )
    requesting = dict(data.get("requesting_authority") or {})
    requesting.setdefault("name", authority.name)
    requesting["identifier"] = authority.id
    merged = {
        **data,
        "reference": reference,
        "requesting_state": authority.participant,
        "requesting_authority": requesting,
    }
    try:
        document = RequestDocument.model_validate(merged)
    except ValidationError as error:
        problems = form_problems(error)
        raise ValidationFailed(
            f"the draft is malformed: {len(problems)} problem(s)", [str(p) for p in problems]
        ) from None
    return document.model_dump(mode="json", by_alias=True, exclude_none=True)


def _requested(document: dict[str, Any]) -> str | None:
    requested = document.get("requested_authority")
    identifier = requested.get("identifier") if isinstance(requested, dict) else None
    return identifier if isinstance(identifier, str) and identifier else None


def draft(
    engine: Engine,
    authority: HostedAuthority,
    data: Any,
    *,
    officer: str,
    at: dt.datetime | None = None,
) -> RequestView:
    """Store a new draft of ``authority`` (form checked, completeness not yet required)."""
    at = at or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as connection:
        reference = store.next_reference(connection, authority.participant, utc_date(at).year)
        document = _parse(authority, data, reference)
        row = store.RequestRow(
            id=str(uuid.uuid4()), authority_id=authority.id, side=Side.REQUESTING.value,
            reference=reference, kind=document["kind"], requesting_authority=authority.id,
            requested_authority=_requested(document),
            requesting_state=authority.participant,
            requested_state=document.get("requested_state"),
            initial_state=RequestState.DRAFTED.value, state=RequestState.DRAFTED.value,
            version=1, document=document, message_id=None, created_at=at, updated_at=at,
        )  # fmt: skip
        store.insert_request(connection, row)
        record_event(
            connection, tag="request.drafted", authority=authority.id,
            subject=f"request/{row.id}",
            payload={"reference": reference, "kind": row.kind, "officer": officer},
            header_values=header_values(row), at=at,
        )  # fmt: skip
        return _view(connection, row)


def update_draft(
    engine: Engine,
    authority: HostedAuthority,
    key: str,
    data: Any,
    *,
    if_match: str | None,
    officer: str,
    at: dt.datetime | None = None,
) -> RequestView:
    """Replace the document of a draft; ``if_match`` must name its current version."""
    at = at or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as connection:
        row = _own(connection, authority, key)
        _check_version(row, if_match, required=True)
        if row.state != RequestState.DRAFTED or row.side != Side.REQUESTING:
            raise InvalidTransition(
                f"only a draft can be edited; {row.reference} is {row.state}",
                allowed=[a.value for a in allowed_actions(history_of(connection, row))],
            )
        document = _parse(authority, data, row.reference)
        if document["kind"] != row.kind:
            raise ValidationFailed(f"a draft keeps its kind ({row.kind})")
        updated = store.update_request(connection, row, state=row.state, at=at, document=document)
        updated = store.RequestRow(
            **{
                **{n: getattr(updated, n) for n in store.RequestRow.__slots__},
                "requested_authority": _requested(document),
                "requested_state": document.get("requested_state"),
            }
        )
        store.set_parties(connection, row.id, updated.requested_authority, updated.requested_state)
        record_event(
            connection, tag="request.updated", authority=authority.id,
            subject=f"request/{row.id}",
            payload={"reference": row.reference, "version": updated.version, "officer": officer},
            header_values=header_values(updated), at=at,
        )  # fmt: skip
        return _view(connection, updated)


def _problems(engine: Engine, document: dict[str, Any], today: dt.date) -> list[Problem]:
    notifications = current_registry(engine).registry.notifications
    return check_draft(document, notifications, today=today)


def validate(
    engine: Engine, authority: HostedAuthority, key: str, today: dt.date | None = None
) -> list[Problem]:
    """Every missing or invalid item of the copy's document, with its citation."""
    with read_transaction(engine) as connection:
        row = _own(connection, authority, key)
    return _problems(engine, row.document, today or dt.datetime.now(dt.UTC).date())


def get_request(engine: Engine, authority: HostedAuthority, key: str) -> RequestView:
    """One of ``authority``'s copies with its history and clocks."""
    with read_transaction(engine) as connection:
        return _view(connection, _own(connection, authority, key))


def list_requests(
    engine: Engine,
    authority: HostedAuthority,
    *,
    states: Sequence[str] | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[store.RequestRow]:
    """``authority``'s copies, newest first."""
    with read_transaction(engine) as connection:
        return store.list_requests(
            connection, authority.id, states=states, kind=kind, limit=limit, offset=offset
        )


@dataclass(frozen=True, slots=True)
class ActResult:
    """An accepted action: the copy afterwards, its mirror message and that one's delivery.

    ``outbox`` is the outbox row and envelope of the mirror message (``None`` when the
    action is not mirrored); ``delivery`` is ``None`` until :func:`deliver` ran.
    """

    view: RequestView
    delivery: Delivery | None
    outbox: tuple[int, dict[str, Any]] | None = None

    def delivery_json(self) -> dict[str, Any] | None:
        """The delivery as JSON: ``pending`` while the message waits in the outbox."""
        if self.delivery is not None:
            return self.delivery.to_json()
        return None if self.outbox is None else {"status": "pending", "reason": None}


def deliver(engine: Engine, transport: Transport, result: ActResult) -> ActResult:
    """Carry the mirror message of a committed action and record what became of it.

    Call it after the action's transaction committed (never inside it): the other side must
    only hear of what is durable here.
    """
    if result.outbox is None or result.delivery is not None:
        return result
    delivery = transport.deliver(result.outbox[1])
    record_delivery(engine, result.outbox[0], delivery)
    return ActResult(result.view, delivery, result.outbox)


def _before_send(engine: Engine, row: store.RequestRow, today: dt.date) -> None:
    """What must hold before a request leaves: complete, and addressed to a known authority."""
    problems = _problems(engine, row.document, today)
    if problems:
        raise ValidationFailed(
            f"{row.reference} cannot be sent: {len(problems)} missing or invalid item(s)",
            [str(p) for p in problems],
        )
    if row.requested_authority is None:
        raise ValidationFailed(
            f"{row.reference} cannot be sent: requested_authority.identifier names no authority"
        )
    directory_entry(engine, row.requested_authority, today)


def act(
    engine: Engine,
    settings: Settings,
    authority: HostedAuthority,
    key: str,
    action: str,
    *,
    transport: Transport,
    officer: str,
    reasons: str | None = None,
    documents: Sequence[str] = (),
    until: dt.date | None = None,
    linked_request: str | None = None,
    if_match: str | None = None,
    at: dt.datetime | None = None,
    deliver_now: bool = True,
) -> ActResult:
    """Perform ``action`` on ``authority``'s copy ``key``: one transaction, one event.

    Refusals come from the core (:class:`InvalidTransition` with the allowed actions,
    :class:`ValidationFailed` for missing reasons); nothing is stored when one is raised.
    With ``deliver_now`` false the mirror message stays in the outbox for :func:`deliver`
    (the caller's unit of work commits first).
    """
    at = at or dt.datetime.now(dt.UTC)
    try:
        verb = Action(action)
    except ValueError:
        raise NotFound(
            f"no action {action!r}; actions: {', '.join(a.value for a in Action)}"
        ) from None
    with read_transaction(engine) as connection:
        before = _own(connection, authority, key)
    if verb is Action.SEND and before.state == RequestState.APPROVED:
        _before_send(engine, before, utc_date(at))
    with write_transaction(engine) as connection:
        row = _own(connection, authority, key)
        _check_version(row, if_match, required=False)
        history = history_of(connection, row)
        if verb is Action.EXPIRE:
            pending = pending_follow_ups(connection, row, history.linked_request)
            if pending:
                raise InvalidTransition(
                    f"cannot expire {row.reference}: its linked request {pending[0]} is pending "
                    "(UNCC Art 42, paragraph uncertain)",
                    allowed=[a.value for a in allowed_actions(history, today=utc_date(at))
                             if a is not Action.EXPIRE],
                )  # fmt: skip
        mirrored = verb is Action.SEND or row.message_id is not None
        message_id = str(uuid.uuid4()) if verb is Action.SEND else None
        committed = commit_transition(
            connection, row, history, verb, Actor(Side(row.side), authority.id, officer), at,
            reasons=reasons, documents=documents, until=until, linked_request=linked_request,
            message_id=message_id,
        )  # fmt: skip
        # After the lifecycle accepted the action, before it commits: the safeguards.
        safeguards.before_action(
            connection, settings, request_id=row.id, side=row.side, document=row.document,
            action=verb, at=at,
        )  # fmt: skip
        outbox = (
            queue_message(connection, settings, committed.row, committed.event,
                          message_id=message_id)
            if mirrored else None
        )  # fmt: skip
        view = _view(connection, committed.row)
    result = ActResult(view, None, outbox)
    return deliver(engine, transport, result) if deliver_now else result
