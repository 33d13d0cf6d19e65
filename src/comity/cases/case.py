"""A case: the requests of one investigation, linked, with every clock in one view.

A typical chain: a **preservation** (Art 42) keeps the data; the **follow-up** request for it
(stored data Art 44, mutual legal assistance Art 40(3), or the disclosure of preserved traffic
data Art 43) asks for it; **evidence packages** come back; an **extradition** request (Art 37)
may follow. A :class:`Case` holds the requests with their histories and documents, the links
between them and references to the evidence packages; :func:`case_view` shows the chain in
order with each request's state and clocks, every clock of the case, what is overdue, and
warnings where the links and states disagree (e.g. a preservation still held although the
request it waits for has been decided, Art 42 [UNVERIFIED, ¶?]).

All values are immutable; the functions return new cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from comity.cases.deadlines import Clock, ServiceTarget, overdue, request_clocks
from comity.cases.document import RequestDocument
from comity.cases.lifecycle import RequestHistory
from comity.cases.transitions import RequestState
from comity.cases.use import DelayedNotification
from comity.errors import NotFound, ValidationFailed

__all__ = [
    "FOLLOW_UP_KINDS",
    "Case",
    "CaseRequest",
    "CaseView",
    "ChainEntry",
    "EvidenceRef",
    "Link",
    "LinkKind",
    "add_evidence",
    "add_request",
    "case_view",
    "link",
]

FOLLOW_UP_KINDS = frozenset({"traffic_data_disclosure", "stored_data", "mutual_legal_assistance"})
"""Kinds that may follow a preservation: Art 42 anticipates a request to search, seize or
disclose the data (Art 44, Art 40(3)); Art 43 disclosure arises while executing it."""

_DECIDED = frozenset(
    {
        RequestState.EXECUTED,
        RequestState.PARTIALLY_EXECUTED,
        RequestState.REFUSED,
        RequestState.WITHDRAWN,
        RequestState.CLOSED,
    }
)


class LinkKind(StrEnum):
    """How two requests of a case relate."""

    FOLLOW_UP = "follow_up"
    EXTRADITION = "extradition"
    RELATED = "related"


@dataclass(frozen=True, slots=True)
class CaseRequest:
    """A request in a case: its reference, history, document and the two authorities."""

    reference: str
    history: RequestHistory
    requesting: str
    requested: str
    document: RequestDocument | None = None

    @property
    def kind(self) -> str:
        """The request's kind key."""
        return self.history.kind


@dataclass(frozen=True, slots=True)
class Link:
    """``source`` leads to ``target`` (e.g. a preservation to its follow-up request)."""

    source: str
    target: str
    kind: LinkKind


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """An evidence package returned in answer to a request (the package is stored elsewhere)."""

    package: str
    request: str
    received_on: dt.date


@dataclass(frozen=True, slots=True)
class Case:
    """The requests, links, evidence and delayed notifications of one investigation."""

    reference: str
    title: str
    requests: tuple[CaseRequest, ...] = ()
    links: tuple[Link, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    notifications: tuple[DelayedNotification, ...] = ()

    def request(self, reference: str) -> CaseRequest:
        """The request with that reference, or :class:`~comity.errors.NotFound`."""
        for item in self.requests:
            if item.reference == reference:
                return item
        raise NotFound(f"request {reference} is not in case {self.reference}")


def add_request(case: Case, request: CaseRequest) -> Case:
    """The case with ``request`` added (its reference must be new), or a replaced version.

    Replacing a request with the same reference records its new history or document.
    """
    others = tuple(r for r in case.requests if r.reference != request.reference)
    if len(others) == len(case.requests):
        return replace(case, requests=(*case.requests, request))
    position = [r.reference for r in case.requests].index(request.reference)
    updated = list(case.requests)
    updated[position] = request
    return replace(case, requests=tuple(updated))


def link(case: Case, source: str, target: str, kind: LinkKind) -> Case:
    """The case with ``source`` linked to ``target``; the link must make sense.

    A follow-up link goes from a preservation to a follow-up kind (:data:`FOLLOW_UP_KINDS`);
    an extradition link goes to an extradition request; no request links to itself, no
    link is recorded twice, and links never form a cycle.
    """
    first, second = case.request(source), case.request(target)
    if source == target:
        raise ValidationFailed(f"request {source} cannot be linked to itself")
    if kind is LinkKind.FOLLOW_UP and (
        first.kind != "preservation" or second.kind not in FOLLOW_UP_KINDS
    ):
        raise ValidationFailed(
            f"a follow-up link goes from a preservation to one of {sorted(FOLLOW_UP_KINDS)}, "
            f"not from {first.kind} to {second.kind}"
        )
    if kind is LinkKind.EXTRADITION and second.kind != "extradition":
        raise ValidationFailed(f"an extradition link must end at an extradition request: {target}")
    if any(x.source == source and x.target == target for x in case.links):
        raise ValidationFailed(f"{source} is already linked to {target}")
    if source in _descendants(case.links, target):
        raise ValidationFailed(f"linking {source} to {target} would make a cycle")
    return replace(case, links=(*case.links, Link(source, target, kind)))


def add_evidence(case: Case, evidence: EvidenceRef) -> Case:
    """The case with a returned evidence package recorded against its request."""
    case.request(evidence.request)
    if any(e.package == evidence.package for e in case.evidence):
        raise ValidationFailed(f"evidence package {evidence.package} is already in the case")
    return replace(case, evidence=(*case.evidence, evidence))


def _descendants(links: Sequence[Link], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        for x in links:
            if x.source == node and x.target not in seen:
                seen.add(x.target)
                stack.append(x.target)
    return seen


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """One request in the case's chain: how deep it sits, its state, evidence and clocks."""

    reference: str
    kind: str
    state: RequestState
    depth: int
    linked_from: tuple[str, ...]
    evidence: tuple[str, ...]
    clocks: tuple[Clock, ...]


@dataclass(frozen=True, slots=True)
class CaseView:
    """The chain in order, every clock (soonest first, suspended last), the overdue ones."""

    reference: str
    chain: tuple[ChainEntry, ...]
    clocks: tuple[Clock, ...]
    overdue: tuple[Clock, ...]
    warnings: tuple[str, ...]


def _warnings(case: Case) -> list[str]:
    found = []
    for item in case.requests:
        history = item.history
        if history.state is RequestState.HELD and history.linked_request:
            try:
                pending = case.request(history.linked_request)
            except NotFound:
                found.append(
                    f"{item.reference} is held for {history.linked_request}, "
                    "which is not in this case"
                )
                continue
            if pending.history.state in _DECIDED:
                found.append(
                    f"{item.reference} is still held although {pending.reference} is "
                    f"{pending.history.state}: release the preservation (UNCC Art 42)"
                )
    return found


def case_view(case: Case, today: dt.date, targets: Sequence[ServiceTarget] = ()) -> CaseView:
    """The whole chain of ``case`` and every clock, as of ``today`` (a UTC date).

    The chain is a depth-first walk from the requests nothing links to, in the order they
    were added; a request linked from several places appears once, at its first place.
    """
    incoming: dict[str, list[str]] = {}
    for x in case.links:
        incoming.setdefault(x.target, []).append(x.source)
    per_request: dict[str, tuple[Clock, ...]] = {
        r.reference: tuple(
            request_clocks(
                r.reference,
                r.history,
                r.document,
                requesting=r.requesting,
                requested=r.requested,
                targets=targets,
            )
        )
        for r in case.requests
    }
    chain: list[ChainEntry] = []
    seen: set[str] = set()

    def visit(reference: str, depth: int) -> None:
        if reference in seen:
            return
        seen.add(reference)
        item = case.request(reference)
        chain.append(
            ChainEntry(
                reference,
                item.kind,
                item.history.state,
                depth,
                tuple(incoming.get(reference, ())),
                tuple(e.package for e in case.evidence if e.request == reference),
                per_request[reference],
            )
        )
        for x in case.links:
            if x.source == reference:
                visit(x.target, depth + 1)

    for item in case.requests:
        if item.reference not in incoming:
            visit(item.reference, 0)
    notices = [n.clock() for n in case.notifications]
    clocks = [c for cs in per_request.values() for c in cs] + [c for c in notices if c]
    ordered = sorted(clocks, key=lambda c: (c.due is None, c.due or today, c.request, c.kind))
    return CaseView(
        case.reference,
        tuple(chain),
        tuple(ordered),
        tuple(overdue(clocks, today)),
        tuple(_warnings(case)),
    )
