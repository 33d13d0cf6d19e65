"""Whether the Convention binds two States on a given day, and why not, in plain words.

:func:`applicable` answers for a requesting and a requested participant on a day, optionally
for one kind of request. ``applies`` is True when the Convention is in force for both on that
day (Arts 64, 65, 67). ``reasons`` explains the answer in words a central authority officer
understands, each with its article. ``limits`` lists the reservations in effect that bear on the
kind of request: a reservation does not stop the Convention from applying, but it lets a State
refuse such a request on a stated ground (the requested State's own reservation, or the
requesting State's, which the requested State may apply in return: Vienna Convention on the Law
of Treaties, Art 21(1)(b)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from comity.errors import NotFound
from comity.registry.actions import ActionKind, TreatyAction
from comity.registry.entry_into_force import (
    UNCC_ART_65,
    EntryIntoForceRule,
    counted_instruments,
    general_entry_into_force,
    known_on,
    memberships,
)
from comity.registry.notifications import (
    REQUEST_KINDS,
    RESERVATION_BEARS_ON,
    RESERVATION_EXPLAINED,
    Notification,
    reservations_in_effect,
)
from comity.registry.participants import display_name, participant
from comity.registry.snapshot import Registry

__all__ = ["Applicability", "applicable"]


@dataclass(frozen=True)
class Applicability:
    """The answer of :func:`applicable`."""

    applies: bool
    requesting: str
    requested: str
    on: date
    kind: str | None
    reasons: tuple[str, ...]
    limits: tuple[str, ...] = ()


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _name(code: str) -> str:
    return f"{display_name(code, 'en')} ({code})"


def _bound_reason(
    actions: Sequence[TreatyAction], code: str, on: date, rule: EntryIntoForceRule
) -> tuple[bool, str]:
    """Whether ``code`` is bound on ``on``, and the reason in words."""
    known = known_on(actions, on)
    who = _name(code)
    mine = [m for m in memberships(actions, rule) if m.participant == code]
    current = next((m for m in mine if m.binds_on(on)), None)
    if current is not None:
        if current.party_until is not None:
            return True, (
                f"The Convention binds {who} on {_day(on)}. Its denunciation (received on "
                f"{_day(current.denunciation_received or on)}) takes effect on "
                f"{_day(current.party_until)} (Art 67)."
            )
        return True, (
            f"The Convention binds {who} on {_day(on)}: in force for it since "
            f"{_day(current.party_from or on)} (Art 65)."
        )
    past = [(m, m.party_until) for m in mine if m.party_until is not None and m.party_until <= on]
    if past:
        m, until = past[-1]
        received = (
            f"notification received on {_day(m.denunciation_received)}"
            if m.denunciation_received is not None
            else "all its member States have denounced it"
        )
        return False, (
            f"{who} denounced the Convention ({received}); it has not been bound since "
            f"{_day(until)} (Art 67)."
        )
    deposited = [m for m in mine if m.deposited <= on]
    if deposited:
        m = deposited[-1]
        general = general_entry_into_force(actions, rule)
        if m.party_from is not None and general is not None:
            if m.party_from > general:
                why = f"the thirtieth day after it deposited its instrument on {_day(m.deposited)}"
            else:
                why = (
                    "the day the Convention itself enters into force, the ninetieth day after "
                    "the fortieth instrument"
                )
            return False, (
                f"{who} has deposited its instrument, but the Convention is in force for it "
                f"only from {_day(m.party_from)}, {why} (Art 65)."
            )
        count = len(counted_instruments(known, rule))
        return False, (
            f"{who} deposited its instrument of {m.instrument.value.replace('_', ' ')} on "
            f"{_day(m.deposited)}, but the Convention is not yet in force: {count} of the "
            f"{rule.threshold} instruments needed had been deposited by {_day(on)} (Art 65(1))."
        )
    signature = next(
        (a for a in known if a.participant == code and a.action is ActionKind.SIGNATURE),
        None,
    )
    if signature is not None:
        return False, (
            f"{who} has signed the Convention but has not ratified, accepted or approved it; "
            "a signature alone does not bind a State (Art 64)."
        )
    return False, (
        f"{who} is not a Party: it has deposited no instrument of ratification, acceptance, "
        "approval or accession (Art 64)."
    )


def applicable(
    history: Registry | Sequence[TreatyAction],
    requesting: str,
    requested: str,
    on: date,
    kind: str | None = None,
    *,
    notifications: Sequence[Notification] = (),
    rule: EntryIntoForceRule = UNCC_ART_65,
) -> Applicability:
    """Whether the Convention binds both ``requesting`` and ``requested`` on ``on``.

    ``history`` is a :class:`Registry` (whose notifications supply the reservations) or a
    sequence of treaty actions (then pass ``notifications``). ``kind`` is a request kind of the
    shared vocabulary (e.g. ``preservation``); an unknown kind or participant raises
    :class:`comity.errors.NotFound`.
    """
    if isinstance(history, Registry):
        actions: Sequence[TreatyAction] = history.actions
        notifications = (*history.notifications, *notifications)
    else:
        actions = tuple(history)
    participant(requesting)
    participant(requested)
    if kind is not None and kind not in REQUEST_KINDS:
        raise NotFound(f"unknown request kind {kind!r}; expected one of {', '.join(REQUEST_KINDS)}")
    reasons: list[str] = []
    applies = True
    for code in dict.fromkeys((requesting, requested)):
        bound, reason = _bound_reason(actions, code, on, rule)
        applies = applies and bound
        reasons.append(reason)
    limits: list[str] = []
    if kind is not None:
        for code, role in ((requested, "requested"), (requesting, "requesting")):
            for reservation in reservations_in_effect(notifications, actions, code, on):
                if kind not in RESERVATION_BEARS_ON[reservation]:
                    continue
                article = reservation.value.removeprefix("reservation_art_")
                consequence = (
                    f"{_name(code)} may refuse this {kind.replace('_', ' ')} request on that ground"
                    if role == "requested"
                    else f"{_name(requested)} may apply the same limitation to this request "
                    "in return (Vienna Convention on the Law of Treaties, Art 21(1)(b))"
                )
                limits.append(
                    f"Reservation under Article {article} by the {role} State {_name(code)}: "
                    f"{RESERVATION_EXPLAINED[reservation]}; {consequence}."
                )
    if applies:
        reasons.insert(
            0, f"The Convention applies between {requesting} and {requested} on {_day(on)}."
        )
    else:
        reasons.insert(
            0, f"The Convention does not apply between {requesting} and {requested} on {_day(on)}."
        )
    return Applicability(
        applies=applies,
        requesting=requesting,
        requested=requested,
        on=on,
        kind=kind,
        reasons=tuple(reasons),
        limits=tuple(limits),
    )
