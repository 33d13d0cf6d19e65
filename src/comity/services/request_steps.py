"""The steps every change of a request copy takes, shared by the local and mirrored paths.

:func:`commit_transition` is the only place where a copy changes state: it applies the
action with the pure core (:func:`comity.cases.lifecycle.apply`, which refuses what the
transition table does not allow), records the journal event, appends the transition row
naming that event, and stores the new state, all on the caller's write transaction. So a
committed transition always has exactly one event, and a refused one leaves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from comity.cases.lifecycle import Actor, Event, RequestHistory, apply
from comity.cases.transitions import Action, RequestState
from comity.services.journal import record_event
from comity.storage import request_store as store

__all__ = [
    "OUTCOMES",
    "TAGS",
    "Committed",
    "commit_transition",
    "event_json",
    "header_values",
    "history_of",
]

#: The journal tag of each action (the public ``event`` header field).
TAGS: dict[Action, str] = {
    Action.APPROVE: "request.approved",
    Action.RETURN_TO_DRAFT: "request.returned_to_draft",
    Action.SEND: "request.sent",
    Action.ACKNOWLEDGE: "request.acknowledged",
    Action.START_REVIEW: "request.review_started",
    Action.REQUEST_INFORMATION: "request.information_requested",
    Action.PROVIDE_INFORMATION: "request.information_provided",
    Action.CONSULT: "request.consulted",
    Action.ACCEPT_CONDITIONS: "request.conditions_accepted",
    Action.END_CONSULTATION: "request.consultation_ended",
    Action.POSTPONE: "request.postponed",
    Action.RESUME: "request.resumed",
    Action.REFUSE: "request.refused",
    Action.EXECUTE: "request.executed",
    Action.EXECUTE_PARTIALLY: "request.partially_executed",
    Action.PRESERVE: "request.preserved",
    Action.EXTEND: "request.extended",
    Action.HOLD: "request.held",
    Action.RELEASE: "request.released",
    Action.EXPIRE: "request.expired",
    Action.WITHDRAW: "request.withdrawn",
    Action.CLOSE: "request.closed",
}

#: Actions whose result is an outcome worth publishing in the ledger header.
OUTCOMES: dict[Action, str] = {
    Action.REFUSE: "refused",
    Action.EXECUTE: "executed",
    Action.EXECUTE_PARTIALLY: "partially_executed",
    Action.PRESERVE: "preserved",
    Action.POSTPONE: "postponed",
    Action.WITHDRAW: "withdrawn",
    Action.EXPIRE: "expired",
}


def history_of(connection: Connection, row: store.RequestRow) -> RequestHistory:
    """The copy's history, rebuilt from its stored events and re-checked by the core."""
    history = RequestHistory(row.kind, state=RequestState(row.initial_state))
    for event in store.load_events(connection, row.id):
        history = apply(
            history, event.action, event.actor, event.at, event.reasons, event.documents,
            until=event.preserved_until, linked_request=event.linked_request,
        ).history  # fmt: skip
    return history


def header_values(row: store.RequestRow, outcome: str | None = None) -> dict[str, str | None]:
    """The public header values offered for an event of ``row`` (the policy picks)."""
    return {
        "requesting_state": row.requesting_state,
        "requested_state": row.requested_state,
        "kind": row.kind,
        "outcome": outcome,
    }


@dataclass(frozen=True, slots=True)
class Committed:
    """A committed transition: the updated copy, its history and the one new event."""

    row: store.RequestRow
    history: RequestHistory
    event: Event


def commit_transition(
    connection: Connection,
    row: store.RequestRow,
    history: RequestHistory,
    action: Action,
    actor: Actor,
    at: dt.datetime,
    *,
    reasons: str | None = None,
    documents: Sequence[str] = (),
    until: dt.date | None = None,
    linked_request: str | None = None,
    tag: str | None = None,
    message_id: str | None = None,
    document: dict[str, Any] | None = None,
) -> Committed:
    """Apply ``action`` to ``row`` and store it with its one journal event (module doc)."""
    result = apply(
        history, action, actor, at, reasons, documents, until=until, linked_request=linked_request
    )
    event = result.event
    recorded = record_event(
        connection,
        tag=tag or TAGS[action],
        authority=row.authority_id,
        subject=f"request/{row.id}",
        payload={
            "reference": row.reference,
            "copy": row.side,
            "sequence": event.sequence,
            "action": event.action.value,
            "from": event.from_state.value,
            "to": event.to_state.value,
            "by": {
                "side": actor.side.value,
                "authority": actor.authority,
                "officer": actor.officer,
            },
            "reasons": event.reasons,
            "documents": list(event.documents),
            "preserved_until": None if until is None else until.isoformat(),
            "linked_request": event.linked_request,
        },
        header_values=header_values(row, OUTCOMES.get(action)),
        at=event.at,
    )
    store.insert_transition(connection, row.id, event, recorded.seq)
    updated = store.update_request(
        connection,
        row,
        state=event.to_state.value,
        at=event.at,
        document=document,
        message_id=message_id,
    )
    return Committed(updated, result.history, event)


def event_json(event: Event) -> dict[str, Any]:
    """A lifecycle event as JSON: in a copy's history and in the message that mirrors it."""
    return {
        "sequence": event.sequence,
        "action": event.action.value,
        "from": event.from_state.value,
        "to": event.to_state.value,
        "side": event.actor.side.value,
        "authority": event.actor.authority,
        "officer": event.actor.officer,
        "at": event.at.isoformat(),
        "reasons": event.reasons,
        "documents": list(event.documents),
        "preserved_until": None if event.preserved_until is None else str(event.preserved_until),
        "linked_request": event.linked_request,
    }
