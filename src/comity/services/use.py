"""Use cases of use limitations and data protection on a request (UNCC Art 40(19), Art 36(3)).

Each function records one use record on the acting authority's own copy (one write
transaction holding the record and its journal event, :func:`commit_use_record`) and, in the
same transaction, queues the signed message that mirrors it to the other side's copy
(:func:`comity.services.messaging.queue_use_message`); the message is delivered after the
commit (:func:`deliver`). An authority acts on and reads its own copies only: any other
request is :class:`~comity.errors.NotFound`. The verdicts (may this evidence be used for that
purpose, may these data go on to that recipient) come from the pure core
(:func:`comity.cases.use.may_use`, :func:`comity.cases.use.may_transfer_onward`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from comity.cases.transitions import Side
from comity.cases.use import DEFAULT_NOTIFICATION_DAYS, Verdict, may_transfer_onward, may_use
from comity.config import Settings
from comity.errors import NotFound
from comity.services.authorities import HostedAuthority
from comity.services.messaging import queue_use_message, record_delivery
from comity.services.use_steps import UseState, commit_use_record, use_state
from comity.storage import request_store as store
from comity.storage.engine import read_transaction, write_transaction
from comity.transport import Delivery, Transport

__all__ = [
    "UseResult",
    "ask_consent",
    "authorise_onward_transfer",
    "decide_consent",
    "delay_notification",
    "deliver",
    "get_use",
    "limit_use",
    "record_person_notified",
    "renew_notification_delay",
    "transfer_verdict",
    "use_json",
    "use_verdict",
    "verdict_json",
]


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """A verdict of the core as JSON."""
    return {
        "allowed": verdict.allowed,
        "reason": verdict.reason,
        "notice_required": verdict.notice_required,
        "citations": [c.tagged() for c in verdict.cites],
    }


def use_json(state: UseState, today: dt.date | None = None) -> dict[str, Any]:
    """A copy's use state as JSON for the API and ``--json`` outputs."""
    day = today or dt.datetime.now(dt.UTC).date()
    limitation = state.limitation
    return {
        "reference": state.reference,
        "limitation": {
            "stated_purposes": list(state.stated_purposes),
            "purposes": list(limitation.purposes),
            "conditions": list(limitation.conditions),
        },
        "consents": [
            {"id": key, "purpose": c.purpose, "asked_on": c.asked_on.isoformat(),
             "status": c.status.value, "reasons": c.reasons, "conditions": list(c.conditions),
             "decided_on": None if c.decided_on is None else c.decided_on.isoformat()}
            for key, c in state.consents.items()
        ],
        "onward_transfers": [
            {"id": key, "recipient": a.recipient, "recipient_kind": a.recipient_kind,
             "authorised_by": a.authorised_by, "authorised_on": a.authorised_on.isoformat(),
             "in_writing": a.in_writing, "conditions": list(a.conditions)}
            for key, a in state.authorisations.items()
        ],
        "notifications_of_person": [
            {"id": key, "person": n.person, "reason": n.reason,
             "reason_ends": n.reason_ends.isoformat(), "authority": n.authority,
             "days": n.days, "status": n.status(day),
             "renewals": [d.isoformat() for d in n.renewals],
             "notified_on": None if n.notified_on is None else n.notified_on.isoformat(),
             "due": None if (c := n.clock()) is None or c.due is None else c.due.isoformat()}
            for key, n in state.notifications.items()
        ],
        "history": [
            {"sequence": r.sequence, "record": r.record, "item": r.item, "side": r.side,
             "authority": r.authority, "officer": r.officer, "at": r.at.isoformat(),
             "data": r.data}
            for r in state.records
        ],
    }  # fmt: skip


def _own(connection: Any, authority: HostedAuthority, key: str) -> store.RequestRow:
    row = store.find_request(connection, authority.id, key)
    if row is None:
        raise NotFound(f"request {key} does not exist or is not {authority.id}'s")
    return row


def get_use(engine: Engine, authority: HostedAuthority, key: str) -> UseState:
    """The use state of one of ``authority``'s copies."""
    with read_transaction(engine) as connection:
        return use_state(connection, _own(connection, authority, key))


def use_verdict(
    engine: Engine, authority: HostedAuthority, key: str, purpose: str, *, exculpatory: bool
) -> Verdict:
    """May the evidence of the request be used for ``purpose`` (Art 40(19))?"""
    state = get_use(engine, authority, key)
    return may_use(state.limitation, purpose, state.consents.values(), exculpatory=exculpatory)


def transfer_verdict(
    engine: Engine,
    authority: HostedAuthority,
    key: str,
    recipient: str,
    on: dt.date,
    *,
    writing_required: bool = False,
) -> Verdict:
    """May the data received for the request go on to ``recipient`` on ``on`` (Art 36(3))?"""
    state = get_use(engine, authority, key)
    return may_transfer_onward(
        state.reference, recipient, on, state.authorisations.values(),
        writing_required=writing_required,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class UseResult:
    """An accepted use record: the use state afterwards, its id, the mirror message."""

    state: UseState
    item: str | None
    outbox: tuple[int, dict[str, Any]]
    delivery: Delivery | None = None

    def delivery_json(self) -> dict[str, Any]:
        """The delivery as JSON: ``pending`` while the message waits in the outbox."""
        if self.delivery is None:
            return {"status": "pending", "reason": None}
        return self.delivery.to_json()


def deliver(engine: Engine, transport: Transport, result: UseResult) -> UseResult:
    """Carry the mirror message after the record's transaction committed."""
    if result.delivery is not None:
        return result
    delivery = transport.deliver(result.outbox[1])
    record_delivery(engine, result.outbox[0], delivery)
    return UseResult(result.state, result.item, result.outbox, delivery)


@dataclass(frozen=True, slots=True)
class _Acting:
    engine: Engine
    settings: Settings
    authority: HostedAuthority
    transport: Transport
    officer: str
    deliver_now: bool
    at: dt.datetime | None


def _record(
    acting: _Acting, key: str, record: str, item: str | None, data: dict[str, Any]
) -> UseResult:
    at = acting.at or dt.datetime.now(dt.UTC)
    with write_transaction(acting.engine) as connection:
        row = _own(connection, acting.authority, key)
        state, stored = commit_use_record(
            connection, row, record, item, Side(row.side), acting.authority.id, acting.officer,
            at, data,
        )  # fmt: skip
        outbox = queue_use_message(connection, acting.settings, row, stored)
    result = UseResult(state, item, outbox)
    return deliver(acting.engine, acting.transport, result) if acting.deliver_now else result


def _acting(
    engine: Engine,
    settings: Settings,
    authority: HostedAuthority,
    transport: Transport,
    officer: str,
    deliver_now: bool,
    at: dt.datetime | None,
) -> _Acting:
    return _Acting(engine, settings, authority, transport, officer, deliver_now, at)


def limit_use(
    engine: Engine, settings: Settings, authority: HostedAuthority, key: str, *,
    transport: Transport, officer: str, purposes: Sequence[str] = (),
    conditions: Sequence[str] = (), deliver_now: bool = True, at: dt.datetime | None = None,
) -> UseResult:  # fmt: skip
    """The requested side states the purposes the evidence may serve (default: those stated
    in the request) and the conditions of its grant (Art 40(19))."""
    acting = _acting(engine, settings, authority, transport, officer, deliver_now, at)
    data = {"purposes": list(purposes), "conditions": list(conditions)}
    return _record(acting, key, "limitation", None, data)


def ask_consent(
    engine: Engine, settings: Settings, authority: HostedAuthority, key: str, purpose: str, *,
    transport: Transport, officer: str, reasons: str | None = None, deliver_now: bool = True,
    at: dt.datetime | None = None,
) -> UseResult:  # fmt: skip
    """The requesting side asks the requested State for consent to a new use (Art 40(19))."""
    acting = _acting(engine, settings, authority, transport, officer, deliver_now, at)
    data = {"purpose": purpose, "reasons": reasons}
    return _record(acting, key, "consent_requested", str(uuid.uuid4()), data)


def decide_consent(
    engine: Engine, settings: Settings, authority: HostedAuthority, key: str, consent: str, *,
    granted: bool, transport: Transport, officer: str, reasons: str | None = None,
    conditions: Sequence[str] = (), deliver_now: bool = True, at: dt.datetime | None = None,
) -> UseResult:  # fmt: skip
    """The requested side grants or refuses (with reasons) a consent; final once made."""
    acting = _acting(engine, settings, authority, transport, officer, deliver_now, at)
    data = {"granted": granted, "reasons": reasons, "conditions": list(conditions)}
    return _record(acting, key, "consent_decided", consent, data)


def authorise_onward_transfer(
    engine: Engine, settings: Settings, authority: HostedAuthority, key: str, recipient: str, *,
    recipient_kind: str, transport: Transport, officer: str, in_writing: bool = True,
    conditions: Sequence[str] = (), deliver_now: bool = True, at: dt.datetime | None = None,
) -> UseResult:  # fmt: skip
    """The requested (transferring) side authorises onward transfer to ``recipient``, a
    ``state`` or an ``international_organisation`` (Art 36(3))."""
    acting = _acting(engine, settings, authority, transport, officer, deliver_now, at)
    data = {"recipient": recipient, "recipient_kind": recipient_kind, "in_writing": in_writing,
            "conditions": list(conditions)}  # fmt: skip
    return _record(acting, key, "onward_authorised", str(uuid.uuid4()), data)


def delay_notification(
    engine: Engine, settings: Settings, authority: HostedAuthority, key: str, *, person: str,
    reason: str, reason_ends: dt.date, transport: Transport, officer: str,
    days: int = DEFAULT_NOTIFICATION_DAYS, deliver_now: bool = True,
    at: dt.datetime | None = None,
) -> UseResult:  # fmt: skip
    """The acting authority, which must notify ``person``, delays the notice until
    ``reason_ends``; it then has ``days`` to notify (a clock in its overdue list)."""
    acting = _acting(engine, settings, authority, transport, officer, deliver_now, at)
    data = {"person": person, "reason": reason, "reason_ends": reason_ends.isoformat(),
            "days": days}  # fmt: skip
    return _record(acting, key, "notification_delayed", str(uuid.uuid4()), data)


def renew_notification_delay(
    engine: Engine, settings: Settings, authority: HostedAuthority, key: str, notification: str,
    *, reason: str, reason_ends: dt.date, transport: Transport, officer: str,
    deliver_now: bool = True, at: dt.datetime | None = None,
) -> UseResult:  # fmt: skip
    """Extend a delay to a later date, with the reason that still holds."""
    acting = _acting(engine, settings, authority, transport, officer, deliver_now, at)
    data = {"reason": reason, "reason_ends": reason_ends.isoformat()}
    return _record(acting, key, "notification_renewed", notification, data)


def record_person_notified(
    engine: Engine, settings: Settings, authority: HostedAuthority, key: str, notification: str,
    *, transport: Transport, officer: str, on: dt.date | None = None, deliver_now: bool = True,
    at: dt.datetime | None = None,
) -> UseResult:  # fmt: skip
    """Record that the person was notified (on ``on``, today by default); the clock stops."""
    acting = _acting(engine, settings, authority, transport, officer, deliver_now, at)
    day = on or (at or dt.datetime.now(dt.UTC)).date()
    return _record(acting, key, "person_notified", notification, {"on": day.isoformat()})
