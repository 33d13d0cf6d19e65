"""The clocks of a request, and the overdue list per authority.

Calendar semantics are those of :mod:`comity.cases.dates`: UTC calendar dates, "N days after
D" is D + N calendar days, and a clock is overdue the day after its due date. Every clock
names the authority that must act before it runs out, so that each authority gets its own
overdue list (:func:`overdue_by_authority`).

The clocks, and where they come from:

==========================  ================================  ==========================
clock                       rule                              source and confidence
==========================  ================================  ==========================
preservation expiry         until a date >= start + 60 days;  Art 42 [UNVERIFIED, ¶?]
                            never runs while *held* for a
                            pending linked request
requested deadline          the date the requester asks for,  Art 40(26) [UNVERIFIED, ¶?]
                            with reasons
written confirmation        an urgent oral request confirmed  Art 40(14) [UNVERIFIED, ¶?]
                            in writing "forthwith"; the day   says "forthwith" only: the
                            count is a service target         count is Comity's default
additional information      the answer to a request for more  Art 40(16) [UNVERIFIED, ¶?]
                            information; day count is a       gives no period: the count
                            service target                    is Comity's default
service targets             an authority's own target for     the authority's choice
                            how long a request may stay in
                            a state
==========================  ================================  ==========================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from comity.cases._cite import Cite
from comity.cases.dates import days_after, earliest_preservation_end, is_overdue, utc_date
from comity.cases.document import RequestDocument
from comity.cases.lifecycle import RequestHistory
from comity.cases.transitions import Action, RequestState
from comity.errors import ValidationFailed

__all__ = [
    "DEFAULT_ADDITIONAL_INFORMATION_DAYS",
    "DEFAULT_WRITTEN_CONFIRMATION_DAYS",
    "Clock",
    "ClockKind",
    "ServiceTarget",
    "additional_information_clock",
    "overdue",
    "overdue_by_authority",
    "preservation_clock",
    "request_clocks",
    "requested_deadline_clock",
    "written_confirmation_clock",
]

DEFAULT_WRITTEN_CONFIRMATION_DAYS = 3
"""Days to confirm an urgent oral request in writing. Art 40(14) [UNVERIFIED, ¶?] says only
"forthwith": three days is Comity's service target, not a treaty rule; authorities may set
their own."""

DEFAULT_ADDITIONAL_INFORMATION_DAYS = 30
"""Days to answer a request for additional information. Art 40(16) [UNVERIFIED, ¶?] sets no
period: thirty days is Comity's service target, not a treaty rule."""

_OPEN_AFTER_SENDING = frozenset(
    {
        RequestState.SENT,
        RequestState.ACKNOWLEDGED,
        RequestState.INFORMATION_REQUESTED,
        RequestState.UNDER_REVIEW,
        RequestState.IN_CONSULTATION,
        RequestState.POSTPONED,
    }
)
_PRESERVING = frozenset({RequestState.PRESERVED, RequestState.EXTENDED, RequestState.HELD})


class ClockKind(StrEnum):
    """What a clock measures."""

    PRESERVATION_EXPIRY = "preservation_expiry"
    REQUESTED_DEADLINE = "requested_deadline"
    WRITTEN_CONFIRMATION = "written_confirmation"
    ADDITIONAL_INFORMATION = "additional_information"
    SERVICE_TARGET = "service_target"
    DELAYED_NOTIFICATION = "delayed_notification"


@dataclass(frozen=True, slots=True)
class Clock:
    """A date by which ``authority`` must act on ``request``, or a suspended clock.

    ``due`` is the last day in time (inclusive); ``None`` means the clock is suspended (a
    preservation held for a pending linked request) and can never be overdue.
    """

    kind: ClockKind
    request: str
    authority: str
    started: dt.date
    due: dt.date | None
    label: str
    cites: tuple[Cite, ...] = ()

    @property
    def suspended(self) -> bool:
        """Whether the clock is stopped (it then never becomes overdue)."""
        return self.due is None

    def is_overdue(self, today: dt.date) -> bool:
        """Whether the act is late on ``today`` (the day after ``due`` and later)."""
        return self.due is not None and is_overdue(self.due, today)

    def days_left(self, today: dt.date) -> int | None:
        """Days from ``today`` to ``due`` (0 on the due day, negative when late)."""
        return None if self.due is None else (self.due - today).days


@dataclass(frozen=True, slots=True)
class ServiceTarget:
    """An authority's own target: a request should not stay in ``state`` more than ``days``."""

    authority: str
    state: RequestState
    days: int
    label: str


def preservation_clock(
    request: str, authority: str, began: dt.date, until: dt.date, *, held: bool = False
) -> Clock:
    """The preservation's end: ``until`` (at least 60 days after ``began``), or suspended.

    ``authority`` is the requesting authority, which must send its follow-up request in
    time. While the preservation is held for a pending linked request the data stays
    preserved pending a decision (Art 42 [UNVERIFIED, ¶?]), so the clock is suspended.

    >>> c = preservation_clock("FR-2026-000001", "FR-CA", dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    >>> c.due, c.is_overdue(dt.date(2026, 4, 30)), c.is_overdue(dt.date(2026, 5, 1))
    (datetime.date(2026, 4, 30), False, True)
    """
    earliest = earliest_preservation_end(began)
    if until < earliest:
        raise ValidationFailed(f"preservation until {until} is shorter than 60 days ({earliest})")
    label = "preservation held while the linked request is pending" if held else "preserved until"
    cites = (Cite("UNCC Art 42", "unverified"),)
    return Clock(
        ClockKind.PRESERVATION_EXPIRY,
        request,
        authority,
        began,
        None if held else until,
        label,
        cites,
    )


def requested_deadline_clock(
    request: str, authority: str, sent_on: dt.date, deadline: dt.date
) -> Clock:
    """The deadline the requester asked for; ``authority`` is the requested authority."""
    cites = (Cite("UNCC Art 40(26)", "paragraph_uncertain"),)
    return Clock(
        ClockKind.REQUESTED_DEADLINE,
        request,
        authority,
        sent_on,
        deadline,
        "requested deadline",
        cites,
    )


def written_confirmation_clock(
    request: str,
    authority: str,
    oral_at: dt.datetime,
    days: int = DEFAULT_WRITTEN_CONFIRMATION_DAYS,
) -> Clock:
    """Confirm an urgent oral request in writing within ``days`` of making it.

    >>> at = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    >>> written_confirmation_clock("R", "FR-CA", at).due  # 2 March UTC + 3 days
    datetime.date(2026, 3, 5)
    """
    start = utc_date(oral_at)
    cites = (Cite("UNCC Art 40(14)", "paragraph_uncertain"),)
    label = f"written confirmation of the oral request (service target: {days} days)"
    return Clock(
        ClockKind.WRITTEN_CONFIRMATION,
        request,
        authority,
        start,
        days_after(start, days),
        label,
        cites,
    )


def additional_information_clock(
    request: str,
    authority: str,
    asked_at: dt.datetime,
    days: int = DEFAULT_ADDITIONAL_INFORMATION_DAYS,
) -> Clock:
    """Answer a request for additional information within ``days`` (a service target)."""
    start = utc_date(asked_at)
    cites = (Cite("UNCC Art 40(16)", "paragraph_uncertain"),)
    label = f"answer to the request for additional information (service target: {days} days)"
    return Clock(
        ClockKind.ADDITIONAL_INFORMATION,
        request,
        authority,
        start,
        days_after(start, days),
        label,
        cites,
    )


def _entered(history: RequestHistory) -> dt.date | None:
    """The UTC date the request entered its current state, if its history says."""
    return utc_date(history.events[-1].at) if history.events else None


def request_clocks(
    reference: str,
    history: RequestHistory,
    document: RequestDocument | None,
    *,
    requesting: str,
    requested: str,
    targets: Sequence[ServiceTarget] = (),
    confirmation_days: int = DEFAULT_WRITTEN_CONFIRMATION_DAYS,
    information_days: int = DEFAULT_ADDITIONAL_INFORMATION_DAYS,
) -> list[Clock]:
    """Every clock running on a request now, from its history and its document.

    ``requesting`` and ``requested`` are the two authorities' keys: each clock names the one
    that must act. Clocks stop by themselves when the state moves on: the requested deadline
    runs only while the request is open after sending, the written confirmation only until the
    request is sent in writing, the additional-information clock only while it is asked for.
    """
    clocks: list[Clock] = []
    state = history.state
    began, until = history.preserved_since, history.preserved_until
    if state in _PRESERVING and began is not None and until is not None:
        held = state is RequestState.HELD
        clocks.append(preservation_clock(reference, requesting, began, until, held=held))
    deadline = document.deadline if document is not None else None
    sent = next((e for e in history.events if e.action is Action.SEND), None)
    if deadline and deadline.date and state in _OPEN_AFTER_SENDING and sent is not None:
        clocks.append(
            requested_deadline_clock(reference, requested, utc_date(sent.at), deadline.date)
        )
    urgency = document.urgency if document is not None else None
    if (
        urgency
        and urgency.oral_request_at
        and state in (RequestState.DRAFTED, RequestState.APPROVED)
    ):
        clocks.append(
            written_confirmation_clock(
                reference, requesting, urgency.oral_request_at, confirmation_days
            )
        )
    if state is RequestState.INFORMATION_REQUESTED and history.events:
        asked = history.events[-1].at
        clocks.append(additional_information_clock(reference, requesting, asked, information_days))
    entered = _entered(history)
    for target in targets:
        if target.state is state and target.authority in (requesting, requested) and entered:
            clocks.append(
                Clock(
                    ClockKind.SERVICE_TARGET,
                    reference,
                    target.authority,
                    entered,
                    days_after(entered, target.days),
                    target.label,
                )
            )
    return clocks


def overdue(clocks: Iterable[Clock], today: dt.date, authority: str | None = None) -> list[Clock]:
    """The clocks late on ``today`` (for ``authority`` only, if given), most overdue first."""
    late = [c for c in clocks if c.is_overdue(today) and authority in (None, c.authority)]
    return sorted(late, key=lambda c: (c.due, c.request, c.kind))


def overdue_by_authority(clocks: Iterable[Clock], today: dt.date) -> dict[str, list[Clock]]:
    """The overdue list of each authority that has one, keys sorted."""
    result: dict[str, list[Clock]] = {}
    for clock in overdue(clocks, today):
        result.setdefault(clock.authority, []).append(clock)
    return dict(sorted(result.items()))
