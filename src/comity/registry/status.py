"""The status of the Convention on a given day, as the registry reports it.

:func:`status` computes, from the treaty actions known by the end of ``as_of``
(:func:`comity.registry.entry_into_force.known_on`), the figures of Art 64 and Art 65 and the
list of Parties. :meth:`RegistryStatus.to_json` gives the shape shared by the command line and
the API::

    {"instrument": "uncc", "as_of": "2026-07-31", "data_as_of": "2026-07-31",
     "signatories": 20, "signatories_undetermined": 57, "instruments_counted": 0,
     "threshold": 40, "in_force": false, "entry_into_force": null,
     "parties": [{"participant": "...", "instrument": "ratification",
                  "deposited": "2027-01-01", "party_from": null}],
     "denunciations": [{"participant": "...", "received": "...", "effective": "..."}]}

``entry_into_force`` is the general date once the fortieth instrument is deposited, even if the
date lies after ``as_of``; ``in_force`` says whether that date has come. ``parties`` lists every
instrument deposited by ``as_of`` whose denunciation has not taken effect by then; its
``party_from`` is null while the general date is not yet known. ``signatories`` counts
signatures certainly made by ``as_of``; ``signatories_undetermined`` counts those recorded
without an exact date that may or may not have been made by then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from comity.registry.actions import ActionKind, TreatyAction
from comity.registry.entry_into_force import (
    UNCC_ART_65,
    EntryIntoForceRule,
    Membership,
    counted_instruments,
    general_entry_into_force,
    known_on,
    memberships,
)

__all__ = ["RegistryStatus", "status"]


@dataclass(frozen=True)
class RegistryStatus:
    """The status of the Convention on ``as_of`` (see the module docstring)."""

    as_of: date
    data_as_of: date | None
    signatories: int
    signatories_undetermined: int
    instruments_counted: int
    threshold: int
    entry_into_force: date | None
    parties: tuple[Membership, ...]
    denounced: tuple[Membership, ...]
    instrument: str = "uncc"

    @property
    def in_force(self) -> bool:
        """True if the Convention is in force (generally) on ``as_of``."""
        return self.entry_into_force is not None and self.entry_into_force <= self.as_of

    def to_json(self) -> dict[str, Any]:
        """The JSON shape in the module docstring."""
        return {
            "instrument": self.instrument,
            "as_of": self.as_of.isoformat(),
            "data_as_of": _iso(self.data_as_of),
            "signatories": self.signatories,
            "signatories_undetermined": self.signatories_undetermined,
            "instruments_counted": self.instruments_counted,
            "threshold": self.threshold,
            "in_force": self.in_force,
            "entry_into_force": _iso(self.entry_into_force),
            "parties": [
                {
                    "participant": m.participant,
                    "instrument": m.instrument.value,
                    "deposited": m.deposited.isoformat(),
                    "party_from": _iso(m.party_from),
                }
                for m in self.parties
            ],
            "denunciations": [
                {
                    "participant": m.participant,
                    "received": _iso(m.denunciation_received),
                    "effective": _iso(m.party_until),
                }
                for m in (*self.parties, *self.denounced)
                if m.party_until is not None
            ],
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def status(
    actions: Iterable[TreatyAction],
    as_of: date,
    rule: EntryIntoForceRule = UNCC_ART_65,
    *,
    data_as_of: date | None = None,
) -> RegistryStatus:
    """The status on ``as_of`` from the actions known by the end of that day.

    ``data_as_of`` is carried into the result so that a reader sees how current the data is.
    """
    everything = tuple(actions)
    known = known_on(everything, as_of)
    signatures = [a for a in everything if a.action is ActionKind.SIGNATURE]
    surely = sum(1 for a in signatures if a.date.surely_on_or_before(as_of))
    maybe = sum(
        1
        for a in signatures
        if a.date.possibly_on_or_before(as_of) and not a.date.surely_on_or_before(as_of)
    )
    all_memberships = memberships(known, rule)
    current = tuple(m for m in all_memberships if m.party_until is None or as_of < m.party_until)
    ended = tuple(m for m in all_memberships if m not in current)
    return RegistryStatus(
        as_of=as_of,
        data_as_of=data_as_of,
        signatories=surely,
        signatories_undetermined=maybe,
        instruments_counted=len(counted_instruments(known, rule)),
        threshold=rule.threshold,
        entry_into_force=general_entry_into_force(known, rule),
        parties=current,
        denounced=ended,
    )
