"""Requests and cases: the pure core Comity's services, API and CLI build on.

* :mod:`~comity.cases.identifiers`: typed identifiers (e-mail, E.164 phone, IP with time,
  domain, URL, account, virtual-asset address) and their normalised forms;
* :mod:`~comity.cases.document`: the request document a drafter writes, its JSON Schema;
* :mod:`~comity.cases.completeness`: every missing or invalid item, with its citation;
* :mod:`~comity.cases.transitions` and :mod:`~comity.cases.lifecycle`: the lifecycle as a
  transition table, and :func:`apply`, which turns one action into exactly one event;
* :mod:`~comity.cases.dates` and :mod:`~comity.cases.deadlines`: calendar rules and clocks;
* :mod:`~comity.cases.case`: linked requests and the case view;
* :mod:`~comity.cases.use`: use limitations, onward transfer, delayed notification.

No database and no web: everything here is values and pure functions.
"""

from __future__ import annotations

from comity.cases.case import Case, CaseRequest, CaseView, LinkKind, case_view
from comity.cases.completeness import (
    Problem,
    RequiredItem,
    check_completeness,
    raise_if_problems,
    validate_draft,
)
from comity.cases.deadlines import Clock, ClockKind, ServiceTarget, overdue, request_clocks
from comity.cases.document import RequestDocument, filled_fields, request_json_schema
from comity.cases.identifiers import Identifier
from comity.cases.lifecycle import Actor, Event, RequestHistory, Transition, apply, replay
from comity.cases.transitions import Action, RequestState, Side, Track, transition_table

__all__ = [
    "Action",
    "Actor",
    "Case",
    "CaseRequest",
    "CaseView",
    "Clock",
    "ClockKind",
    "Event",
    "Identifier",
    "LinkKind",
    "Problem",
    "RequestDocument",
    "RequestHistory",
    "RequestState",
    "RequiredItem",
    "ServiceTarget",
    "Side",
    "Track",
    "Transition",
    "apply",
    "case_view",
    "check_completeness",
    "filled_fields",
    "overdue",
    "raise_if_problems",
    "replay",
    "request_clocks",
    "request_json_schema",
    "transition_table",
    "validate_draft",
]
