"""Signed messages between authorities: the outbox of the sender, the inbox of the receiver.

Every action on a request after it is sent is mirrored to the other side's copy, so both
authorities see the same state (docs/decisions/0005-two-sided-requests.md):

1. the acting side commits its transition and, in the same transaction, puts a signed
   envelope in its outbox (:func:`queue_message`);
2. after the commit, a :class:`~comity.transport.Transport` carries the envelope;
3. the receiver (:func:`receive_message`) looks the sender up in the node's directory,
   verifies the signature (:func:`comity.signed.verify_json`), and applies the same
   transition to its own copy, with its own journal event, in one transaction. A message that
   fails (bad signature, unknown sender, a transition the receiver's copy does not allow) is
   rejected: it is recorded in the inbox with the reason, with a ``message.rejected`` event,
   and nothing else changes;
4. the sender records the delivery (:func:`record_delivery`); undelivered messages stay in
   the outbox for :func:`deliver_pending`.

Use records (the use limitation, consents to a new use, authorisations of onward transfer,
delayed notifications: :mod:`comity.services.use_steps`) travel the same way, as messages of
type :data:`USE_MESSAGE_TYPE` (:func:`queue_use_message`); the receiver applies them to its
copy with :func:`~comity.services.use_steps.commit_use_record`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection, Engine

from comity.cases.lifecycle import Actor, Event, RequestHistory
from comity.cases.transitions import Action, RequestState, Side
from comity.config import Settings
from comity.errors import Error, NotFound, SignatureInvalid, ValidationFailed
from comity.registry.directory import Authority
from comity.services import safeguards
from comity.services.authorities import signing_key
from comity.services.journal import record_event
from comity.services.registry import current_registry
from comity.services.request_steps import commit_transition, event_json, history_of
from comity.services.use_steps import commit_use_record
from comity.signed import sign_json, verify_json
from comity.storage import authority_store
from comity.storage import request_store as store
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.use_store import UseRow
from comity.transport import Delivery, Transport

__all__ = [
    "MESSAGE_TYPE",
    "USE_MESSAGE_TYPE",
    "deliver_pending",
    "directory_entry",
    "list_messages_of",
    "queue_message",
    "queue_use_message",
    "receive_message",
    "record_delivery",
]

MESSAGE_TYPE = "comity.request.transition/1"
USE_MESSAGE_TYPE = "comity.request.use/1"


def queue_message(
    connection: Connection,
    settings: Settings,
    row: store.RequestRow,
    event: Event,
    *,
    message_id: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """Sign the message that mirrors ``event`` to the other side and put it in the outbox.

    The sent request's document travels with the ``send`` event only. Returns the outbox
    row's sequence number and the envelope.
    """
    payload: dict[str, Any] = {"type": MESSAGE_TYPE, "event": event_json(event)}
    if event.action is Action.SEND:
        payload["document"] = row.document
    return _queue(connection, settings, row, payload, message_id, event.at)


def queue_use_message(
    connection: Connection, settings: Settings, row: store.RequestRow, record: UseRow
) -> tuple[int, dict[str, Any]]:
    """Sign the message that mirrors a use record to the other side; put it in the outbox."""
    payload: dict[str, Any] = {
        "type": USE_MESSAGE_TYPE,
        "record": {
            "record": record.record, "item": record.item, "side": record.side,
            "authority": record.authority, "officer": record.officer,
            "at": record.at.isoformat(), "data": record.data,
        },
    }  # fmt: skip
    return _queue(connection, settings, row, payload, None, record.at)


def _queue(
    connection: Connection,
    settings: Settings,
    row: store.RequestRow,
    body: dict[str, Any],
    message_id: str | None,
    at: dt.datetime,
) -> tuple[int, dict[str, Any]]:
    recipient = row.requested_authority if row.side == Side.REQUESTING else row.requesting_authority
    if recipient is None:
        raise ValidationFailed(f"request {row.reference} names no requested authority")
    message_id = message_id or str(uuid.uuid4())
    payload: dict[str, Any] = {
        **body,
        "message_id": message_id,
        "request_message_id": row.message_id or message_id,
        "sender": row.authority_id,
        "recipient": recipient,
        "reference": row.reference,
        "kind": row.kind,
        "requesting_authority": row.requesting_authority,
        "requested_authority": row.requested_authority,
        "requesting_state": row.requesting_state,
        "requested_state": row.requested_state,
    }
    envelope = sign_json(
        payload, signing_key(connection, settings, row.authority_id), signer=row.authority_id
    )
    seq = store.insert_message(
        connection, message_id=message_id, direction="out", sender=row.authority_id,
        recipient=recipient, envelope=envelope, status="pending", reason=None, at=at,
    )  # fmt: skip
    return seq, envelope


def record_delivery(engine: Engine, seq: int, delivery: Delivery) -> None:
    """Record in the outbox what the transport reported."""
    status = "delivered" if delivery.status in ("accepted", "duplicate") else delivery.status
    with write_transaction(engine) as connection:
        store.set_message_status(connection, seq, status, delivery.reason)


def deliver_pending(engine: Engine, transport: Transport) -> list[Delivery]:
    """Try again every outbox message not yet delivered; what became of each."""
    with read_transaction(engine) as connection:
        pending = [
            m
            for m in store.list_messages_any(connection, direction="out")
            if m["status"] in ("pending", "undeliverable")
        ]
    results = []
    for message in pending:
        delivery = transport.deliver(message["envelope"])
        record_delivery(engine, int(message["seq"]), delivery)
        results.append(delivery)
    return results


def list_messages_of(
    engine: Engine, authority_id: str, *, status: str | None = None
) -> list[dict[str, Any]]:
    """Messages ``authority_id`` sent or received, newest first, as JSON."""
    with read_transaction(engine) as connection:
        found = store.list_messages(connection, authority_id, status=status)
    return [{**m, "created_at": m["created_at"].isoformat()} for m in found]


def directory_entry(engine: Engine, authority_id: str, on: dt.date) -> Authority:
    """The directory entry of ``authority_id`` valid on ``on``, or :class:`NotFound`."""
    for entry in current_registry(engine).registry.authorities:
        if entry.id == authority_id and entry.is_valid_on(on):
            return entry
    raise NotFound(f"authority {authority_id!r} is not in the node's directory on {on}")


def _field(payload: Mapping[str, Any], name: str) -> Any:
    if name not in payload:
        raise ValidationFailed(f"the message has no {name!r}")
    return payload[name]


def receive_message(engine: Engine, settings: Settings, envelope: Mapping[str, Any]) -> Delivery:
    """Verify ``envelope`` against the directory and apply it to the recipient's copy.

    Raises the cause (:class:`SignatureInvalid`, :class:`NotFound`, ...) after recording the
    rejection; nothing but the rejection is stored then.
    """
    now = dt.datetime.now(dt.UTC)
    signer = envelope.get("signer") if isinstance(envelope, Mapping) else None
    payload_guess = envelope.get("payload") if isinstance(envelope, Mapping) else None
    recipient = payload_guess.get("recipient") if isinstance(payload_guess, Mapping) else None
    message_id = payload_guess.get("message_id") if isinstance(payload_guess, Mapping) else None
    try:
        if not isinstance(signer, str):
            raise SignatureInvalid("the envelope names no signer")
        entry = directory_entry(engine, signer, now.date())
        payload = verify_json(envelope, entry.ed25519_public_key())
        kind = payload.get("type")
        if kind not in (MESSAGE_TYPE, USE_MESSAGE_TYPE) or payload.get("sender") != signer:
            raise SignatureInvalid("the message's type or sender does not match its signer")
        with write_transaction(engine) as connection:
            if kind == MESSAGE_TYPE:
                return _accept(connection, settings, payload, dict(envelope), now)
            return _accept_use(connection, payload, dict(envelope), now)
    except Error as error:
        _reject(engine, envelope, signer, recipient, message_id, str(error), now)
        raise


def _reject(
    engine: Engine,
    envelope: Mapping[str, Any],
    signer: object,
    recipient: object,
    message_id: object,
    reason: str,
    at: dt.datetime,
) -> None:
    with write_transaction(engine) as connection:
        store.insert_message(
            connection,
            message_id=str(message_id or "")[:36] or str(uuid.uuid4()),
            direction="in",
            sender=str(signer or "unknown")[:100],
            recipient=str(recipient or "unknown")[:100],
            envelope=dict(envelope) if isinstance(envelope, Mapping) else {},
            status="rejected",
            reason=reason,
            at=at,
        )
        hosted = isinstance(recipient, str) and authority_store.get_hosted(connection, recipient)
        record_event(
            connection,
            tag="message.rejected",
            authority=recipient if hosted and isinstance(recipient, str) else None,
            subject=f"message/{message_id}" if isinstance(message_id, str) else None,
            payload={"sender": str(signer), "reason": reason},
            header_values={},
            at=at,
        )


def _actor_event(payload: Mapping[str, Any]) -> tuple[Action, Actor, dict[str, Any]]:
    event = _field(payload, "event")
    if not isinstance(event, Mapping):
        raise ValidationFailed("the message's event is not an object")
    try:
        action = Action(event["action"])
        actor = Actor(Side(event["side"]), str(event["authority"]), str(event["officer"]))
    except (KeyError, ValueError) as error:
        raise ValidationFailed(f"the message's event is malformed: {error}") from None
    if actor.authority != payload["sender"]:
        raise SignatureInvalid("the event's actor is not the message's signer")
    return action, actor, dict(event)


def _unseen(connection: Connection, payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """The hosted recipient and the id of a message not received before; ``None`` for a
    message already received (a retried delivery). :class:`NotFound` for a stranger."""
    recipient = str(_field(payload, "recipient"))
    if authority_store.get_hosted(connection, recipient) is None:
        raise NotFound(f"authority {recipient!r} is not hosted on this node")
    message_id = str(_field(payload, "message_id"))
    if store.message_seen(connection, message_id, recipient):
        return None
    return recipient, message_id


def _accept(
    connection: Connection,
    settings: Settings,
    payload: dict[str, Any],
    envelope: dict[str, Any],
    now: dt.datetime,
) -> Delivery:
    unseen = _unseen(connection, payload)
    if unseen is None:
        return Delivery("duplicate")
    recipient, message_id = unseen
    action, actor, event = _actor_event(payload)
    try:
        at = dt.datetime.fromisoformat(event["at"])
        until = (
            dt.date.fromisoformat(event["preserved_until"]) if event["preserved_until"] else None
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationFailed(f"the message's event is malformed: {error}") from None
    reference = str(_field(payload, "reference"))
    if action is Action.SEND:
        row = _new_copy(connection, payload, recipient, reference, RequestState(event["from"]), at)
        safeguards.on_receipt(connection, settings, request_id=row.id, document=row.document, at=at)
        tag = "request.received"
    else:
        found = store.find_request(connection, recipient, reference)
        if found is None or found.message_id != payload.get("request_message_id"):
            raise NotFound(
                f"authority {recipient} holds no request {reference} from {actor.authority}"
            )
        row, tag = found, None
    history = history_of(connection, row) if action is not Action.SEND else (
        RequestHistory(row.kind, state=RequestState(row.initial_state))
    )  # fmt: skip
    if history.state.value != event.get("from"):
        raise ValidationFailed(
            f"message for {reference} moves it from {event.get('from')}, "
            f"but the recipient's copy is {history.state}"
        )
    commit_transition(
        connection, row, history, action, actor, at, reasons=event.get("reasons"),
        documents=tuple(event.get("documents") or ()), until=until,
        linked_request=event.get("linked_request"), tag=tag,
    )  # fmt: skip
    store.insert_message(
        connection, message_id=message_id, direction="in", sender=actor.authority,
        recipient=recipient, envelope=envelope, status="accepted", reason=None, at=now,
    )  # fmt: skip
    return Delivery("accepted")


def _new_copy(
    connection: Connection,
    payload: Mapping[str, Any],
    recipient: str,
    reference: str,
    initial: RequestState,
    at: dt.datetime,
) -> store.RequestRow:
    if payload.get("requested_authority") != recipient:
        raise ValidationFailed(f"the request is addressed to {payload.get('requested_authority')}")
    if store.find_request(connection, recipient, reference) is not None:
        raise ValidationFailed(f"authority {recipient} already holds a request {reference}")
    document = _field(payload, "document")
    if not isinstance(document, dict):
        raise ValidationFailed("the sent request carries no document")
    row = store.RequestRow(
        id=str(uuid.uuid4()), authority_id=recipient, side=Side.REQUESTED.value,
        reference=reference, kind=str(_field(payload, "kind")),
        requesting_authority=str(payload["sender"]), requested_authority=recipient,
        requesting_state=str(_field(payload, "requesting_state")),
        requested_state=payload.get("requested_state"), initial_state=initial.value,
        state=initial.value, version=1, document=document,
        message_id=str(_field(payload, "request_message_id")), created_at=at, updated_at=at,
    )  # fmt: skip
    store.insert_request(connection, row)
    return row


def _accept_use(
    connection: Connection, payload: dict[str, Any], envelope: dict[str, Any], now: dt.datetime
) -> Delivery:
    unseen = _unseen(connection, payload)
    if unseen is None:
        return Delivery("duplicate")
    recipient, message_id = unseen
    record = _field(payload, "record")
    sender, reference = str(payload["sender"]), str(_field(payload, "reference"))
    found = store.find_request(connection, recipient, reference)
    if found is None or found.message_id != payload.get("request_message_id"):
        raise NotFound(f"authority {recipient} holds no request {reference} from {sender}")
    counterpart = (
        found.requesting_authority if found.side == Side.REQUESTED else found.requested_authority
    )
    try:
        side, authority = Side(record["side"]), str(record["authority"])
        at = dt.datetime.fromisoformat(record["at"])
        data, item, kind = dict(record["data"]), record["item"], str(record["record"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationFailed(f"the message's use record is malformed: {error}") from None
    if authority != sender or sender != counterpart or side.value == found.side:
        raise SignatureInvalid("the use record's author is not the other side of the request")
    commit_use_record(connection, found, kind, None if item is None else str(item), side,
                      authority, str(record.get("officer", "")), at, data)  # fmt: skip
    store.insert_message(
        connection, message_id=message_id, direction="in", sender=sender,
        recipient=recipient, envelope=envelope, status="accepted", reason=None, at=now,
    )  # fmt: skip
    return Delivery("accepted")
