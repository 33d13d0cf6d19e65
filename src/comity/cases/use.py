"""Use limitations and data protection: what received evidence may be used for, and by whom.

* **Use limitation (speciality)**, Art 40(19) [UNVERIFIED, paragraph uncertain]: the
  requesting State may not use or transmit evidence for proceedings other than those stated
  in the request without the requested State's prior consent; exculpatory material may be
  disclosed, with prior notice (or notice without delay when prior notice is impossible).
* **Onward transfer**, Art 36(3) [UNVERIFIED]: personal data received may go on to a third
  country or an international organisation only with the prior authorisation of the State
  that transferred it, which may require the authorisation in writing.
* **Delayed notification of the person concerned.** The Convention does not require that the
  person be told (Art 24 leaves it to domestic law [UNVERIFIED]); where domestic law or the
  authority's policy does, a "do not notify" instruction (Art 42 item (g) [¶?]) delays notice
  until the reason for the delay ends. Comity records that date and makes it a clock.

All functions are pure; decisions are values with the reason and the citation behind them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from comity.cases._cite import Cite
from comity.cases.dates import days_after
from comity.cases.deadlines import Clock, ClockKind
from comity.errors import InvalidTransition, ValidationFailed

__all__ = [
    "DEFAULT_NOTIFICATION_DAYS",
    "ConsentRequest",
    "ConsentStatus",
    "DelayedNotification",
    "OnwardTransferAuthorisation",
    "UseLimitation",
    "Verdict",
    "decide_consent",
    "may_transfer_onward",
    "may_use",
]

ART_40_19 = Cite("UNCC Art 40(19)", "paragraph_uncertain")
ART_36_3 = Cite("UNCC Art 36(3)", "unverified")

DEFAULT_NOTIFICATION_DAYS = 7
"""Days to notify the person once the reason for delay ends: Comity's service target."""


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether something is allowed, why, and what must be done first (e.g. a notice)."""

    allowed: bool
    reason: str
    cites: tuple[Cite, ...]
    notice_required: bool = False


@dataclass(frozen=True, slots=True)
class UseLimitation:
    """The purposes (proceedings) stated in the request, and the conditions of the grant."""

    request: str
    purposes: tuple[str, ...]
    conditions: tuple[str, ...] = ()


class ConsentStatus(StrEnum):
    """Where a request for consent to a new use stands."""

    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    """A request to the requested State for consent to use evidence for a new purpose."""

    request: str
    purpose: str
    asked_on: dt.date
    status: ConsentStatus = ConsentStatus.PENDING
    decided_on: dt.date | None = None
    reasons: str | None = None
    conditions: tuple[str, ...] = ()


def decide_consent(
    consent: ConsentRequest,
    granted: bool,
    on: dt.date,
    reasons: str | None = None,
    conditions: Sequence[str] = (),
) -> ConsentRequest:
    """Record the requested State's decision. A refusal needs reasons (Comity's rule).

    A decision is final: deciding twice raises :class:`~comity.errors.InvalidTransition`.
    """
    if consent.status is not ConsentStatus.PENDING:
        raise InvalidTransition(f"consent for {consent.purpose!r} is already {consent.status}")
    if on < consent.asked_on:
        raise ValidationFailed(f"consent decided on {on}, before it was asked ({consent.asked_on})")
    if not granted and not (reasons and reasons.strip()):
        raise ValidationFailed("a refusal of consent needs reasons")
    status = ConsentStatus.GRANTED if granted else ConsentStatus.REFUSED
    return replace(
        consent, status=status, decided_on=on, reasons=reasons, conditions=tuple(conditions)
    )


def may_use(
    limitation: UseLimitation,
    purpose: str,
    consents: Iterable[ConsentRequest] = (),
    *,
    exculpatory: bool = False,
) -> Verdict:
    """Whether evidence received under ``limitation`` may be used for ``purpose``.

    Allowed when the purpose is stated in the request, or when the requested State granted
    consent for it; exculpatory use is allowed with prior notice (Art 40(19) [¶?]).

    >>> limit = UseLimitation("FR-2026-000123", ("investigation FR-PNC-2026-17",))
    >>> may_use(limit, "tax audit").allowed
    False
    """
    cites = (ART_40_19,)
    if any(_same(purpose, p) for p in limitation.purposes):
        return Verdict(True, "the purpose is stated in the request", cites)
    relevant = [
        c for c in consents if c.request == limitation.request and _same(c.purpose, purpose)
    ]
    granted = [c for c in relevant if c.status is ConsentStatus.GRANTED]
    if granted:
        return Verdict(True, f"the requested State consented on {granted[0].decided_on}", cites)
    if exculpatory:
        return Verdict(
            True,
            "exculpatory material: notify the requested State first (or without delay "
            "if prior notice is impossible)",
            cites,
            notice_required=True,
        )
    if any(c.status is ConsentStatus.PENDING for c in relevant):
        return Verdict(False, "consent for this purpose is pending", cites)
    if relevant:
        return Verdict(False, "the requested State refused consent for this purpose", cites)
    return Verdict(False, "the purpose is not stated in the request; ask for consent", cites)


@dataclass(frozen=True, slots=True)
class OnwardTransferAuthorisation:
    """The original transferring State's authorisation to pass data on (Art 36(3))."""

    request: str
    recipient: str
    recipient_kind: str  # "state" or "international_organisation"
    authorised_by: str
    authorised_on: dt.date
    in_writing: bool
    conditions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.recipient_kind not in ("state", "international_organisation"):
            raise ValidationFailed(
                f"recipient_kind {self.recipient_kind!r} must be 'state' or "
                "'international_organisation'"
            )


def may_transfer_onward(
    request: str,
    recipient: str,
    on: dt.date,
    authorisations: Iterable[OnwardTransferAuthorisation],
    *,
    writing_required: bool = False,
) -> Verdict:
    """Whether data received for ``request`` may go on to ``recipient`` on date ``on``.

    Needs an authorisation for that recipient given on or before ``on`` (it must be *prior*),
    in writing when the transferring State requires it (Art 36(3) [UNVERIFIED]).
    """
    cites = (ART_36_3,)
    matching = [
        a
        for a in authorisations
        if a.request == request and _same(a.recipient, recipient) and a.authorised_on <= on
    ]
    if writing_required:
        matching = [a for a in matching if a.in_writing]
    if not matching:
        need = "a prior written authorisation" if writing_required else "a prior authorisation"
        return Verdict(False, f"onward transfer to {recipient} needs {need}", cites)
    first = min(matching, key=lambda a: a.authorised_on)
    return Verdict(True, f"authorised by {first.authorised_by} on {first.authorised_on}", cites)


@dataclass(frozen=True, slots=True)
class DelayedNotification:
    """Notice to a person concerned, delayed until the reason for delay ends.

    ``reason_ends`` is the date on which the reason for delay ends (inclusive); the person is
    to be notified within ``days`` after it. ``renewals`` keeps each earlier end date.
    """

    request: str
    person: str
    reason: str
    reason_ends: dt.date
    authority: str
    days: int = DEFAULT_NOTIFICATION_DAYS
    notified_on: dt.date | None = None
    renewals: tuple[dt.date, ...] = ()

    def status(self, today: dt.date) -> str:
        """``notified``, ``delayed`` (until the reason ends), or ``due`` (notice is owed)."""
        if self.notified_on is not None:
            return "notified"
        return "delayed" if today <= self.reason_ends else "due"

    def renew(self, reason_ends: dt.date, reason: str) -> DelayedNotification:
        """Extend the delay to a later date, with the reason that still holds."""
        if self.notified_on is not None:
            raise InvalidTransition("the person has already been notified")
        if reason_ends <= self.reason_ends or not reason.strip():
            raise ValidationFailed(
                f"a renewal needs a reason and an end after {self.reason_ends}, got {reason_ends}"
            )
        renewals = (*self.renewals, self.reason_ends)
        return replace(self, reason=reason, reason_ends=reason_ends, renewals=renewals)

    def notify(self, on: dt.date) -> DelayedNotification:
        """Record that the person was notified on ``on`` (early notice is always allowed)."""
        if self.notified_on is not None:
            raise InvalidTransition("the person has already been notified")
        return replace(self, notified_on=on)

    def clock(self) -> Clock | None:
        """The clock for the notice, or ``None`` once the person has been notified."""
        if self.notified_on is not None:
            return None
        return Clock(
            ClockKind.DELAYED_NOTIFICATION,
            self.request,
            self.authority,
            self.reason_ends,
            days_after(self.reason_ends, self.days),
            f"notify the person concerned (service target: {self.days} days after the delay)",
        )
