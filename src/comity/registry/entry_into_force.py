"""Entry into force (Art 65) and denunciation (Art 67), as pure functions of the treaty actions.

Art 65(1): the Convention enters into force on the ninetieth day after the date of deposit of
the fortieth instrument of ratification, acceptance, approval or accession; an instrument
deposited by a regional economic integration organisation is not counted as additional to those
of its member States. Art 65(2): for a State or organisation depositing after the fortieth
instrument, it enters into force on the thirtieth day after its own deposit or on the date of
general entry into force, whichever is later. Art 67: a denunciation takes effect one year
after the Secretary-General receives it; an organisation ceases to be a Party when all its
member States have denounced.

Decisions (docs/decisions/0002-entry-into-force.md):

- "The Nth day after D" is D + N calendar days (:func:`comity.registry.dates.nth_day_after`).
- An organisation's instrument is never counted towards the threshold (the organisation still
  becomes a Party, on the date Art 65(2) gives).
- Each State is counted once, with its first instrument; denunciations do not reduce the count.
- ``party_from = max(deposit + later_days, general date)`` for every instrument: for one
  deposited on or before the day of the fortieth this is the general date.

The threshold and the day counts are parameters (:class:`EntryIntoForceRule`), so that real
histories of other UN treaties with the same clause can be checked, e.g. UNCAC Art 68 (30
instruments): the thirtieth was deposited on 15 September 2005, UNCAC entered into force on
14 December 2005.

>>> from comity.registry.actions import ActionKind, TreatyAction
>>> from comity.registry.dates import DateSpan
>>> def deposit(code, day):
...     return TreatyAction(code, ActionKind.RATIFICATION, DateSpan.on(day))
>>> codes = ["AUT", "BEL", "BRA", "CHL", "CHN"]
>>> rule = EntryIntoForceRule(threshold=3)
>>> history = [deposit(c, date(2026, 1, 1 + i)) for i, c in enumerate(codes)]
>>> general_entry_into_force(history, rule)  # 3rd deposit on 3 January + 90 days
datetime.date(2026, 4, 3)
>>> [(m.participant, m.party_from) for m in memberships(history, rule)][-1]
('CHN', datetime.date(2026, 4, 3))
>>> late = [*history, deposit("FRA", date(2026, 6, 1))]
>>> memberships(late, rule)[-1].party_from  # thirtieth day after its own deposit
datetime.date(2026, 7, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from comity.registry.actions import ActionKind, TreatyAction, sort_actions
from comity.registry.dates import nth_day_after, one_year_after
from comity.registry.participants import participant

__all__ = [
    "UNCAC_ART_68",
    "UNCC_ART_65",
    "UNTOC_ART_38",
    "EntryIntoForceRule",
    "Membership",
    "counted_instruments",
    "general_entry_into_force",
    "is_party",
    "known_on",
    "memberships",
]


@dataclass(frozen=True)
class EntryIntoForceRule:
    """The parameters of an Art 65-style entry-into-force clause."""

    threshold: int = 40
    general_days: int = 90
    later_days: int = 30

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.general_days < 0 or self.later_days < 0:
            raise ValueError("threshold must be positive and day counts non-negative")


#: UN Convention against Cybercrime, Art 65: 40 instruments, 90th day, 30th day.
UNCC_ART_65 = EntryIntoForceRule(threshold=40, general_days=90, later_days=30)
#: UN Convention against Corruption, Art 68: 30 instruments, 90th day, 30th day.
UNCAC_ART_68 = EntryIntoForceRule(threshold=30, general_days=90, later_days=30)
#: UN Convention against Transnational Organized Crime, Art 38: 40 instruments, 90th, 30th day.
UNTOC_ART_38 = EntryIntoForceRule(threshold=40, general_days=90, later_days=30)


@dataclass(frozen=True)
class Membership:
    """One instrument of one participant and the period in which it binds that participant.

    ``party_from`` is None while the general date of entry into force is unknown (fewer than
    ``threshold`` instruments counted). ``party_until`` is the first day on which the
    participant is no longer bound (Art 67), or None.
    """

    participant: str
    instrument: ActionKind
    deposited: date
    counted: bool
    party_from: date | None
    denunciation_received: date | None
    party_until: date | None

    def binds_on(self, day: date) -> bool:
        """True if the Convention is in force for this participant on ``day``."""
        if self.party_from is None or day < self.party_from:
            return False
        return self.party_until is None or day < self.party_until


def known_on(actions: Iterable[TreatyAction], day: date) -> tuple[TreatyAction, ...]:
    """The actions that had certainly happened by the end of ``day`` (the history as known
    then). An action whose date is not known exactly is kept only if its latest possible day is
    on or before ``day``."""
    return tuple(a for a in actions if a.date.surely_on_or_before(day))


def counted_instruments(
    actions: Iterable[TreatyAction], rule: EntryIntoForceRule = UNCC_ART_65
) -> tuple[TreatyAction, ...]:
    """The instruments counted towards ``rule.threshold`` (Art 65(1)), in deposit order.

    Only States' instruments count; each State counts once, with its first instrument.
    """
    del rule  # the counting itself does not depend on the parameters
    seen: set[str] = set()
    counted: list[TreatyAction] = []
    for action in sort_actions(actions):
        if not action.is_instrument or action.participant in seen:
            continue
        if participant(action.participant).is_organisation:
            continue
        seen.add(action.participant)
        counted.append(action)
    return tuple(counted)


def general_entry_into_force(
    actions: Iterable[TreatyAction], rule: EntryIntoForceRule = UNCC_ART_65
) -> date | None:
    """The date of general entry into force (Art 65(1)), or None while fewer than
    ``rule.threshold`` instruments are counted."""
    counted = counted_instruments(actions, rule)
    if len(counted) < rule.threshold:
        return None
    return nth_day_after(counted[rule.threshold - 1].on, rule.general_days)


def memberships(
    actions: Iterable[TreatyAction], rule: EntryIntoForceRule = UNCC_ART_65
) -> tuple[Membership, ...]:
    """Every instrument with the period in which it binds its participant (Arts 65, 67)."""
    ordered = sort_actions(actions)
    general = general_entry_into_force(ordered, rule)
    counted = {(a.participant, a.on) for a in counted_instruments(ordered, rule)}
    result: list[Membership] = []
    for action in ordered:
        if action.is_instrument:
            party_from = None
            if general is not None:
                party_from = max(nth_day_after(action.on, rule.later_days), general)
            result.append(
                Membership(
                    participant=action.participant,
                    instrument=action.action,
                    deposited=action.on,
                    counted=(action.participant, action.on) in counted,
                    party_from=party_from,
                    denunciation_received=None,
                    party_until=None,
                )
            )
        elif action.action is ActionKind.DENUNCIATION:
            for i in range(len(result) - 1, -1, -1):
                m = result[i]
                if m.participant == action.participant and m.denunciation_received is None:
                    result[i] = _denounced(m, action.on, one_year_after(action.on))
                    break
    return tuple(_organisations_cease(result))


def _denounced(m: Membership, received: date | None, effective: date) -> Membership:
    return Membership(
        participant=m.participant,
        instrument=m.instrument,
        deposited=m.deposited,
        counted=m.counted,
        party_from=m.party_from,
        denunciation_received=received if received is not None else m.denunciation_received,
        party_until=effective if m.party_until is None else min(m.party_until, effective),
    )


def _organisations_cease(result: Sequence[Membership]) -> list[Membership]:
    """Art 67(2): an organisation ceases to be a Party when all its member States have
    denounced (on the day the last of those denunciations takes effect)."""
    last: dict[str, Membership] = {}
    for m in result:
        last[m.participant] = m
    out: list[Membership] = []
    for m in result:
        who = participant(m.participant)
        if who.is_organisation and last[m.participant] is m:
            ends = [last[c].party_until if c in last else None for c in sorted(who.members)]
            if ends and all(end is not None for end in ends):
                m = _denounced(m, None, max(end for end in ends if end is not None))
        out.append(m)
    return out


def is_party(
    actions: Iterable[TreatyAction],
    code: str,
    on: date,
    rule: EntryIntoForceRule = UNCC_ART_65,
) -> bool:
    """True if the Convention is in force for ``code`` on ``on``, on the actions as given."""
    return any(m.participant == code and m.binds_on(on) for m in memberships(actions, rule))
