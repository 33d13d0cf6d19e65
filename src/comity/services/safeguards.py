"""Where the Convention's safeguards bite in a request's life: one place, called by both sides.

* Before a request leaves (``send`` on the requesting side) it is screened as a self-check; a
  ``blocks`` finding that no reviewer overrode with reasons stops it (``SafeguardViolation``).
* When a request arrives, the requested side's copy is screened and its report stored, with the
  patterns across earlier requests, before anyone acts on it.
* Before the requested side grants it (``execute``, ``execute_partially``, ``preserve``), every
  ``needs_review`` and ``ground_for_refusal`` finding must have a reviewer's decision and every
  ``blocks`` finding an override with reasons.
* A refusal or a grant is written into the pattern index, so that the same person asked for
  again after a refusal is seen.

Each call runs in the caller's write transaction: the screening report, its event and the
action commit together, or not at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Connection

from comity.cases.document import RequestDocument
from comity.cases.transitions import Action, Side
from comity.config import Settings
from comity.services import screening
from comity.services.node_secret import load_node_secret
from comity.storage import pattern_store

__all__ = ["GRANTS", "before_action", "on_receipt"]

#: The actions by which the requested side grants a request.
GRANTS = frozenset({Action.EXECUTE, Action.EXECUTE_PARTIALLY, Action.PRESERVE})
_OUTCOMES = {
    Action.REFUSE: "refused",
    Action.EXECUTE: "granted",
    Action.EXECUTE_PARTIALLY: "granted",
    Action.PRESERVE: "granted",
}


def before_action(
    connection: Connection,
    settings: Settings,
    *,
    request_id: str,
    side: str,
    document: dict[str, Any],
    action: Action,
    at: dt.datetime,
) -> None:
    """Screen, or check the screening of, one side's copy before ``action`` is committed."""
    if side == Side.REQUESTING.value and action is Action.SEND:
        screening.screen_and_store(
            connection,
            request_id,
            RequestDocument.model_validate(document),
            Side.REQUESTING.value,
            secret=load_node_secret(settings),
            at=at,
        )
        screening.require_sendable(connection, request_id)
    if side == Side.REQUESTED.value:
        if action in GRANTS:
            screening.require_grantable(connection, request_id)
        if action in _OUTCOMES:
            pattern_store.set_outcome(connection, request_id, _OUTCOMES[action])


def on_receipt(
    connection: Connection,
    settings: Settings,
    *,
    request_id: str,
    document: dict[str, Any],
    at: dt.datetime,
) -> None:
    """Screen a request that has just arrived, for the requested State's reviewers."""
    screening.screen_and_store(
        connection,
        request_id,
        RequestDocument.model_validate(document),
        Side.REQUESTED.value,
        secret=load_node_secret(settings),
        at=at,
    )
