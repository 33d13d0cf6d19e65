"""The use records of a request copy: folding them into a state, and committing a new one.

The records of a copy (storage ``use_records``, append-only) are the history of what the
evidence of the request may be used for. :func:`use_state` folds them with the pure core
(:mod:`comity.cases.use`), which refuses what is not allowed (deciding a consent twice,
renewing a delay after the person was notified ...; a record of the wrong side or authority
is :class:`~comity.errors.PermissionDenied`); :func:`commit_use_record` is the only
place a record is added: it applies the record to the folded state first (a refusal leaves
nothing), then records its journal event and appends the row naming that event, on the
caller's write transaction. The local path (:mod:`comity.services.use`) and the receiving
side of a signed message (:mod:`comity.services.messaging`) both go through it.

Who may record what (re-checked on the receiving side, so a forged side is refused):

======================  =====================  =========================================
record                  side                   rule
======================  =====================  =========================================
``limitation``          requested              Art 40(19) [UNVERIFIED, ¶?]: the purposes
                                               and the conditions of the grant
``consent_requested``   requesting             Art 40(19): consent to a new use
``consent_decided``     requested              granted, or refused with reasons
``onward_authorised``   requested              Art 36(3) [UNVERIFIED]: prior authorisation
``notification_*``      the notifying          the authority that delays the notice of the
``person_notified``     authority              person renews it and records the notice
======================  =====================  =========================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from comity.cases.deadlines import Clock
from comity.cases.transitions import Side
from comity.cases.use import (
    ConsentRequest,
    DelayedNotification,
    OnwardTransferAuthorisation,
    UseLimitation,
    decide_consent,
)
from comity.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from comity.services.journal import record_event
from comity.services.request_steps import header_values
from comity.storage import request_store as store
from comity.storage import use_store
from comity.storage.use_store import UseRow

__all__ = [
    "NOTIFICATION_RECORDS",
    "RECORDS",
    "UseState",
    "commit_use_record",
    "notification_clocks",
    "use_state",
]

#: Each record, its journal tag and the side that may make it (``None``: either side).
RECORDS: dict[str, tuple[str, Side | None]] = {
    "limitation": ("request.use_limited", Side.REQUESTED),
    "consent_requested": ("request.consent_requested", Side.REQUESTING),
    "consent_decided": ("request.consent_decided", Side.REQUESTED),
    "onward_authorised": ("request.onward_transfer_authorised", Side.REQUESTED),
    "notification_delayed": ("request.notification_delayed", None),
    "notification_renewed": ("request.notification_renewed", None),
    "person_notified": ("request.person_notified", None),
}
NOTIFICATION_RECORDS = ("notification_delayed", "notification_renewed", "person_notified")


@dataclass
class UseState:
    """What the records of one copy add up to."""

    reference: str
    stated_purposes: tuple[str, ...]
    limitation: UseLimitation
    consents: dict[str, ConsentRequest] = field(default_factory=dict)
    authorisations: dict[str, OnwardTransferAuthorisation] = field(default_factory=dict)
    notifications: dict[str, DelayedNotification] = field(default_factory=dict)
    records: list[UseRow] = field(default_factory=list)


def _text(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{name} must be a non-empty text")
    return value.strip()


def _texts(data: dict[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationFailed(f"{name} must be a list of non-empty texts")
    return tuple(v.strip() for v in value)


def _date(data: dict[str, Any], name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(data[name]))
    except (KeyError, ValueError):
        raise ValidationFailed(f"{name} must be an ISO 8601 date") from None


def _item(state: UseState, items: dict[str, Any], record: UseRow, what: str) -> Any:
    if record.item is None or record.item not in items:
        raise NotFound(f"{state.reference} has no {what} {record.item}")
    return items[record.item]


def _apply(state: UseState, record: UseRow) -> None:
    """Apply one record to ``state`` through the core, or raise why it is not allowed."""
    data, day = record.data, record.at.date()
    if record.record not in RECORDS:
        raise ValidationFailed(f"unknown use record {record.record!r}")
    side = RECORDS[record.record][1]
    if side is not None and record.side != side:
        raise PermissionDenied(f"only the {side.value} side may record {record.record}")
    if record.record == "limitation":
        purposes = _texts(data, "purposes") or state.stated_purposes
        state.limitation = UseLimitation(state.reference, purposes, _texts(data, "conditions"))
    elif record.record == "consent_requested":
        if record.item is None or record.item in state.consents:
            raise ValidationFailed("a consent request needs a new id")
        state.consents[record.item] = ConsentRequest(
            state.reference, str(_text(data, "purpose")), day, reasons=_text(data, "reasons",
                                                                              required=False)
        )  # fmt: skip
    elif record.record == "consent_decided":
        granted = data.get("granted")
        if not isinstance(granted, bool):
            raise ValidationFailed("granted must be true or false")
        consent = _item(state, state.consents, record, "consent request")
        state.consents[str(record.item)] = decide_consent(
            consent, granted, day, _text(data, "reasons", required=False),
            _texts(data, "conditions"),
        )  # fmt: skip
    elif record.record == "onward_authorised":
        if record.item is None or record.item in state.authorisations:
            raise ValidationFailed("an authorisation needs a new id")
        state.authorisations[record.item] = OnwardTransferAuthorisation(
            state.reference, str(_text(data, "recipient")), str(data.get("recipient_kind")),
            record.authority, day, bool(data.get("in_writing")), _texts(data, "conditions"),
        )  # fmt: skip
    elif record.record == "notification_delayed":
        _delay(state, record)
    else:
        notice = _item(state, state.notifications, record, "delayed notification")
        if notice.authority != record.authority:
            raise PermissionDenied(
                f"only {notice.authority}, which delayed the notification, may {record.record}"
            )
        if record.record == "notification_renewed":
            notice = notice.renew(_date(data, "reason_ends"), str(_text(data, "reason")))
        elif (on := _date(data, "on")) > record.at.date():
            raise ValidationFailed(f"the person cannot have been notified on {on}, a later day")
        else:
            notice = notice.notify(on)
        state.notifications[str(record.item)] = notice
    state.records.append(record)


def _delay(state: UseState, record: UseRow) -> None:
    data = record.data
    if record.item is None or record.item in state.notifications:
        raise ValidationFailed("a delayed notification needs a new id")
    days = data.get("days", 7)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise ValidationFailed("days must be a whole number from 1 to 365")
    ends = _date(data, "reason_ends")
    if ends < record.at.date():
        raise ValidationFailed(f"the reason for delay cannot end ({ends}) before today")
    state.notifications[record.item] = DelayedNotification(
        state.reference, str(_text(data, "person")), str(_text(data, "reason")), ends,
        record.authority, days,
    )  # fmt: skip


def _stated(row: store.RequestRow) -> tuple[str, ...]:
    """The purposes the request states: its ``purpose``, and the proceeding it serves (its
    case number, else its nature; Art 40(15)(b) [¶?])."""
    proceeding = row.document.get("proceeding")
    proceeding = proceeding if isinstance(proceeding, dict) else {}
    found = [row.document.get("purpose"),
             proceeding.get("case_number") or proceeding.get("nature")]  # fmt: skip
    return tuple(p.strip() for p in found if isinstance(p, str) and p.strip())


def use_state(connection: Connection, row: store.RequestRow) -> UseState:
    """The copy's use records folded into its use state (re-checked by the core)."""
    stated = _stated(row)
    state = UseState(row.reference, stated, UseLimitation(row.reference, stated))
    for record in use_store.load_use_records(connection, row.id):
        _apply(state, record)
    return state


def notification_clocks(connection: Connection, row: store.RequestRow) -> list[Clock]:
    """The clocks of the copy's delayed notifications not yet given."""
    state = use_state(connection, row)
    return [c for n in state.notifications.values() if (c := n.clock()) is not None]


def commit_use_record(
    connection: Connection,
    row: store.RequestRow,
    record: str,
    item: str | None,
    side: Side,
    authority: str,
    officer: str,
    at: dt.datetime,
    data: dict[str, Any],
) -> tuple[UseState, UseRow]:
    """Apply and store one use record of ``row`` with its one journal event (module doc)."""
    if row.message_id is None:
        raise InvalidTransition(
            f"{row.reference} has not been sent: use limitations follow a sent request"
        )
    state = use_state(connection, row)
    candidate = UseRow(row.id, len(state.records) + 1, record, item, side.value, authority,
                       officer, at, data, 0)  # fmt: skip
    _apply(state, candidate)
    tag = RECORDS[record][0]
    if record == "consent_decided":
        tag = "request.consent_granted" if data.get("granted") else "request.consent_refused"
    recorded = record_event(
        connection, tag=tag, authority=row.authority_id, subject=f"request/{row.id}",
        payload={"reference": row.reference, "copy": row.side, "sequence": candidate.sequence,
                 "record": record, "item": item, "by": {"side": side.value,
                 "authority": authority, "officer": officer}, "data": data},
        header_values=header_values(row), at=at,
    )  # fmt: skip
    stored = UseRow(**{**{n: getattr(candidate, n) for n in UseRow.__slots__},
                       "event_seq": recorded.seq})  # fmt: skip
    use_store.insert_use_record(connection, stored)
    state.records[-1] = stored
    return state, stored
