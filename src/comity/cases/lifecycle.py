"""Applying the lifecycle table to a request's history: one action, one event, or a refusal.

:func:`apply` is pure: it takes a :class:`RequestHistory` (the kind, the current state and the
events so far), an action, who performs it, when and why, and returns a :class:`Transition`
holding the new history and the single :class:`Event` it appended. Nothing else changes; the
storage layer persists the event, and :func:`replay` rebuilds (and re-checks) a history from
stored events.

An action is refused with :class:`~comity.errors.InvalidTransition` listing the actions
allowed from the current state when the table (:mod:`comity.cases.transitions`) has no row
for it, or when a guard fails:

* refusal and postponement only after a consultation in this request's history
  (Art 40(28) [UNVERIFIED, paragraph uncertain]);
* a preservation expires only after its last day, and never while it is held for a pending
  linked request (Art 42 [UNVERIFIED, paragraph uncertain]).

Missing reasons for refusal (Art 40(25) [¶?]), postponement, withdrawal and the other actions
that need them, a preservation shorter than 60 days (Art 42), naive or backward timestamps
raise :class:`~comity.errors.ValidationFailed`; an actor of the wrong side raises
:class:`~comity.errors.PermissionDenied`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from comity.cases.dates import earliest_preservation_end, utc_date
from comity.cases.transitions import (
    ACTIONS,
    TRACK_OF_KIND,
    Action,
    RequestState,
    Side,
    Track,
    transition_table,
)
from comity.errors import InvalidTransition, PermissionDenied, ValidationFailed

__all__ = [
    "Actor",
    "Event",
    "RequestHistory",
    "Transition",
    "allowed_actions",
    "apply",
    "replay",
]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the side, the authority (its directory key) and the officer."""

    side: Side
    authority: str
    officer: str


@dataclass(frozen=True, slots=True)
class Event:
    """One committed transition: who, when, why, with which documents.

    ``sequence`` is the event's 1-based position in the request's history. ``at`` is UTC.
    ``preserved_until`` and ``linked_request`` carry the parameters of preservation actions.
    """

    sequence: int
    action: Action
    from_state: RequestState
    to_state: RequestState
    actor: Actor
    at: dt.datetime
    reasons: str | None = None
    documents: tuple[str, ...] = ()
    preserved_until: dt.date | None = None
    linked_request: str | None = None


@dataclass(frozen=True, slots=True)
class RequestHistory:
    """A request's kind, current state and events, plus the preservation facts they set.

    A history may start from any state with no events (e.g. a request imported from paper);
    guards then only know what the state itself proves.
    """

    kind: str
    state: RequestState = RequestState.DRAFTED
    events: tuple[Event, ...] = ()
    preserved_since: dt.date | None = None
    preserved_until: dt.date | None = None
    linked_request: str | None = None
    _track: Track = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        track = TRACK_OF_KIND.get(self.kind)
        if track is None:
            raise ValidationFailed(f"unknown request kind {self.kind!r}")
        object.__setattr__(self, "_track", track)

    @property
    def track(self) -> Track:
        """The rows of the transition table this kind follows."""
        return self._track

    @property
    def consulted(self) -> bool:
        """Whether the requested side has consulted the requesting side (Art 40(28) [¶?])."""
        return self.state is RequestState.IN_CONSULTATION or any(
            e.action is Action.CONSULT for e in self.events
        )


@dataclass(frozen=True, slots=True)
class Transition:
    """The result of :func:`apply`: the new history and the one event appended to it."""

    history: RequestHistory
    event: Event


def _guard(history: RequestHistory, action: Action, today: dt.date | None) -> str | None:
    """Why ``action`` is not allowed now although the table has a row for it, or ``None``."""
    if ACTIONS[action].needs_consultation and not history.consulted:
        return (
            f"cannot {action} before consulting the requesting State on terms and conditions "
            "(UNCC Art 40(28), paragraph uncertain)"
        )
    if action is Action.EXPIRE:
        until = history.preserved_until
        if until is None:
            return "cannot expire: the preservation has no end date"
        if today is not None and today <= until:
            return f"cannot expire: the data is preserved until {until} inclusive"
    return None


def allowed_actions(
    history: RequestHistory, side: Side | None = None, *, today: dt.date | None = None
) -> list[Action]:
    """The actions allowed from the current state (for ``side`` only, if given).

    Guards are applied (no refusal before a consultation; with ``today``, no expiry before
    the end date); reasons and parameters are not, since they come with the action.
    """
    table = transition_table(history.track)
    return [
        action
        for action in Action
        if (history.state, action) in table
        and (side is None or side in ACTIONS[action].sides)
        and _guard(history, action, today) is None
    ]


def _refuse(history: RequestHistory, message: str, at: dt.date) -> InvalidTransition:
    allowed = [a.value for a in allowed_actions(history, today=at)]
    return InvalidTransition(message, allowed=allowed)


def _preservation_parameters(
    history: RequestHistory,
    action: Action,
    day: dt.date,
    until: dt.date | None,
    linked_request: str | None,
) -> RequestHistory:
    """Check the parameters of a preservation action and record them in the history."""
    if action is Action.PRESERVE:
        earliest = earliest_preservation_end(day)
        if until is None or until < earliest:
            raise ValidationFailed(
                f"preserve needs 'until' on or after {earliest}: preservation lasts not less "
                "than 60 days (UNCC Art 42, paragraph uncertain)"
            )
        return replace(history, preserved_since=day, preserved_until=until)
    if action is Action.EXTEND:
        current = history.preserved_until
        if until is None or (current is not None and until <= current):
            raise ValidationFailed(f"extend needs 'until' later than the current end {current}")
        return replace(history, preserved_until=until)
    if action is Action.HOLD:
        if not (linked_request and linked_request.strip()):
            raise ValidationFailed("hold needs the reference of the linked pending request")
        return replace(history, linked_request=linked_request.strip())
    return history


def apply(
    history: RequestHistory,
    action: Action,
    actor: Actor,
    at: dt.datetime,
    reasons: str | None = None,
    documents: Sequence[str] = (),
    *,
    until: dt.date | None = None,
    linked_request: str | None = None,
) -> Transition:
    """Apply ``action`` by ``actor`` at ``at``; the new history and its one new event.

    ``until`` is the end date (inclusive, UTC) for ``preserve`` and ``extend``;
    ``linked_request`` the pending follow-up request for ``hold``. ``documents`` are
    references of the documents attached to the event (notes, orders, evidence packages).
    """
    day = utc_date(at)
    moment = at.astimezone(dt.UTC)
    if history.events and moment < history.events[-1].at:
        raise ValidationFailed(
            f"{action} at {moment.isoformat()} is before the last event "
            f"({history.events[-1].at.isoformat()})"
        )
    table = transition_table(history.track)
    target = table.get((history.state, action))
    if target is None:
        raise _refuse(history, f"cannot {action} a request that is {history.state}", day)
    reason = _guard(history, action, day)
    if reason is not None:
        raise _refuse(history, reason, day)
    spec = ACTIONS[action]
    if actor.side not in spec.sides:
        raise PermissionDenied(f"the {actor.side} side may not {action} a request")
    text = reasons.strip() if reasons else None
    if spec.reasons_required and not text:
        raise ValidationFailed(f"{action} needs reasons")
    updated = _preservation_parameters(history, action, day, until, linked_request)
    event = Event(
        sequence=len(history.events) + 1,
        action=action,
        from_state=history.state,
        to_state=target,
        actor=actor,
        at=moment,
        reasons=text or None,
        documents=tuple(documents),
        preserved_until=until if action in (Action.PRESERVE, Action.EXTEND) else None,
        linked_request=updated.linked_request if action is Action.HOLD else None,
    )
    new = replace(updated, state=target, events=(*history.events, event))
    return Transition(new, event)


def replay(kind: str, events: Sequence[Event]) -> RequestHistory:
    """Rebuild a history from stored events, re-checking every one of them from ``drafted``.

    Raises the error :func:`apply` would have raised at the first event that does not fit,
    or :class:`~comity.errors.ValidationFailed` if a stored event disagrees with its replay.
    """
    history = RequestHistory(kind)
    for stored in events:
        result = apply(
            history,
            stored.action,
            stored.actor,
            stored.at,
            stored.reasons,
            stored.documents,
            until=stored.preserved_until,
            linked_request=stored.linked_request,
        )
        if result.event != stored:
            raise ValidationFailed(f"stored event {stored.sequence} does not match its replay")
        history = result.history
    return history
