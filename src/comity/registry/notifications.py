"""Notifications, declarations and reservations of each participant, and what they bear on.

Kinds (the Convention data's vocabulary): ``central_authority`` (Art 40), ``contact_point_24_7``
(Art 41), ``accepted_languages`` (Art 40), ``extradition_legal_basis`` (Art 37), and the
reservations the text allows: ``reservation_art_11`` (Art 11(3)), ``reservation_art_23``
(Art 23(3)), ``reservation_art_42`` (Art 42) and ``reservation_art_63`` (Art 63).

A reservation takes effect on the day it is notified and ends on the day of a
``reservation_withdrawal`` treaty action naming it. :data:`RESERVATION_BEARS_ON` maps each
reservation to the request kinds it can limit; the limit is conditional (it depends on the
offence or the system concerned), so a reservation never by itself means the Convention does
not apply. JSON format: docs/formats/registry-directory.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from comity.errors import ImportRejected, NotFound
from comity.registry.actions import ActionKind, Located, TreatyAction, load_json_object
from comity.registry.dates import parse_iso_date
from comity.registry.participants import participant

__all__ = [
    "NOTIFICATIONS_FORMAT",
    "REQUEST_KINDS",
    "RESERVATION_BEARS_ON",
    "RESERVATION_EXPLAINED",
    "Notification",
    "NotificationKind",
    "located_notifications_from_json",
    "notifications_to_json",
    "parse_notifications_json",
    "reservations_in_effect",
]

NOTIFICATIONS_FORMAT = "comity.registry.notifications/1"

#: Request kinds (shared vocabulary) with the article that provides for them.
REQUEST_KINDS: Mapping[str, str] = {
    "preservation": "Art 42",
    "traffic_data_disclosure": "Art 43",
    "stored_data": "Art 44",
    "realtime_traffic_data": "Art 45",
    "interception": "Art 46",
    "mutual_legal_assistance": "Art 40(3)",
    "assistance_24_7": "Art 41(3)",
    "extradition": "Art 37",
    "spontaneous_information": "Art 40(4)",
}


class NotificationKind(StrEnum):
    """Kinds of notification, declaration and reservation a participant makes."""

    CENTRAL_AUTHORITY = "central_authority"
    CONTACT_POINT_24_7 = "contact_point_24_7"
    ACCEPTED_LANGUAGES = "accepted_languages"
    EXTRADITION_LEGAL_BASIS = "extradition_legal_basis"
    RESERVATION_ART_11 = "reservation_art_11"
    RESERVATION_ART_23 = "reservation_art_23"
    RESERVATION_ART_42 = "reservation_art_42"
    RESERVATION_ART_63 = "reservation_art_63"

    @property
    def is_reservation(self) -> bool:
        """True for a reservation."""
        return self.value.startswith("reservation_")


#: The request kinds each reservation can limit.
RESERVATION_BEARS_ON: Mapping[NotificationKind, frozenset[str]] = {
    # Art 11(3): the State does not criminalise all of Art 11(1); dual criminality may fail.
    NotificationKind.RESERVATION_ART_11: frozenset({"extradition", "mutual_legal_assistance"}),
    # Art 23(3)(a) limits real-time traffic collection to specified offences; (b) excludes
    # closed-user-group systems from real-time traffic collection and interception.
    NotificationKind.RESERVATION_ART_23: frozenset({"realtime_traffic_data", "interception"}),
    # Art 42: preservation may be refused where dual criminality cannot be met at disclosure,
    # for offences other than those established by the Convention.
    NotificationKind.RESERVATION_ART_42: frozenset({"preservation"}),
    # Art 63: settlement of disputes between States Parties; no request kind.
    NotificationKind.RESERVATION_ART_63: frozenset(),
}

#: What each reservation allows, in words for a central authority officer.
RESERVATION_EXPLAINED: Mapping[NotificationKind, str] = {
    NotificationKind.RESERVATION_ART_11: (
        "it does not apply Article 11(1) (misuse of devices) in full, so a request about such "
        "an offence may fail for lack of dual criminality"
    ),
    NotificationKind.RESERVATION_ART_23: (
        "under Article 23(3) it limits real-time collection of traffic data to the offences it "
        "specified, or excludes closed systems that do not use public networks"
    ),
    NotificationKind.RESERVATION_ART_42: (
        "under Article 42 it may refuse preservation, for offences not established by the "
        "Convention, where dual criminality cannot be met when the data is to be disclosed"
    ),
    NotificationKind.RESERVATION_ART_63: (
        "it is not bound by Article 63 on arbitration and the International Court of Justice"
    ),
}

_FIELDS = frozenset({"participant", "kind", "date", "text", "languages", "uses_convention"})
_FIELDS_OPTIONAL = frozenset({"reference", "note"})


@dataclass(frozen=True)
class Notification:
    """A notification, declaration or reservation, as received by the depositary on ``date``.

    ``languages`` (BCP 47 tags) is set for ``accepted_languages``; ``uses_convention`` for
    ``extradition_legal_basis`` (Art 37: whether the Convention is the legal basis for
    extradition); ``reference`` is the depositary notification (e.g. ``C.N.196.2025...``).
    """

    participant: str
    kind: NotificationKind
    date: date
    text: str = ""
    languages: tuple[str, ...] = ()
    uses_convention: bool | None = None
    reference: str = ""


def _parse_notification(entry: Any, *, source: str, row: int) -> Notification:
    def reject(message: str) -> ImportRejected:
        return ImportRejected(message, source=source, row=row)

    if not isinstance(entry, dict):
        raise reject("a notification must be an object")
    unknown = sorted(set(entry) - _FIELDS - _FIELDS_OPTIONAL)
    if unknown:
        raise reject(f"unknown fields {unknown}")
    for name in ("participant", "kind", "date"):
        if not isinstance(entry.get(name), str):
            raise reject(f'"{name}" must be a string')
    try:
        participant(entry["participant"])
    except NotFound as error:
        raise reject(str(error)) from None
    try:
        kind = NotificationKind(entry["kind"])
    except ValueError:
        allowed = ", ".join(k.value for k in NotificationKind)
        raise reject(f"unknown kind {entry['kind']!r}; expected one of {allowed}") from None
    try:
        day = parse_iso_date(entry["date"])
    except ValueError as error:
        raise reject(f"bad date: {error}") from None
    text = entry.get("text", "")
    reference = entry.get("reference", "")
    if not isinstance(text, str) or not isinstance(reference, str):
        raise reject('"text" and "reference" must be strings')
    languages = entry.get("languages", [])
    if kind is NotificationKind.ACCEPTED_LANGUAGES:
        if (
            not isinstance(languages, list)
            or not languages
            or not all(isinstance(x, str) and x for x in languages)
        ):
            raise reject("accepted_languages needs a non-empty list of language tags")
    elif "languages" in entry:
        raise reject(f'"languages" belongs to accepted_languages, not {kind.value}')
    uses = entry.get("uses_convention")
    if kind is NotificationKind.EXTRADITION_LEGAL_BASIS:
        if not isinstance(uses, bool):
            raise reject('extradition_legal_basis needs "uses_convention": true or false')
    elif "uses_convention" in entry:
        raise reject(f'"uses_convention" belongs to extradition_legal_basis, not {kind.value}')
    return Notification(
        participant=entry["participant"],
        kind=kind,
        date=day,
        text=text,
        languages=tuple(languages),
        uses_convention=uses,
        reference=reference,
    )


def located_notifications_from_json(
    document: Mapping[str, Any], *, source: str
) -> list[tuple[Notification, Located]]:
    """The ``notifications`` array of a parsed document, each with its 1-based row."""
    entries = document.get("notifications")
    if not isinstance(entries, list):
        raise ImportRejected('"notifications" must be an array', source=source)
    return [
        (_parse_notification(entry, source=source, row=row), Located(source, row))
        for row, entry in enumerate(entries, start=1)
    ]


def parse_notifications_json(text: str, *, source: str) -> tuple[Notification, ...]:
    """Parse ``{"format": "comity.registry.notifications/1", "notifications": [...]}``."""
    document = load_json_object(text, source=source, expected_format=NOTIFICATIONS_FORMAT)
    return tuple(n for n, _ in located_notifications_from_json(document, source=source))


def notification_to_record(n: Notification) -> dict[str, Any]:
    """The JSON object of one notification."""
    record: dict[str, Any] = {
        "participant": n.participant,
        "kind": n.kind.value,
        "date": n.date.isoformat(),
        "text": n.text,
    }
    if n.kind is NotificationKind.ACCEPTED_LANGUAGES:
        record["languages"] = list(n.languages)
    if n.kind is NotificationKind.EXTRADITION_LEGAL_BASIS:
        record["uses_convention"] = n.uses_convention
    if n.reference:
        record["reference"] = n.reference
    return record


def sort_notifications(items: Iterable[Notification]) -> tuple[Notification, ...]:
    """Canonical order: by date, participant, kind, text."""
    return tuple(sorted(items, key=lambda n: (n.date, n.participant, n.kind.value, n.text)))


def notifications_to_json(items: Iterable[Notification]) -> dict[str, Any]:
    """The JSON export in canonical order."""
    return {
        "format": NOTIFICATIONS_FORMAT,
        "notifications": [notification_to_record(n) for n in sort_notifications(items)],
    }


def reservations_in_effect(
    notifications: Iterable[Notification],
    actions: Sequence[TreatyAction],
    code: str,
    on: date,
) -> tuple[NotificationKind, ...]:
    """The reservations of ``code`` in effect on ``on``: notified on or before that day and not
    withdrawn (a ``reservation_withdrawal`` action takes effect on its date)."""
    withdrawn = {
        a.note: a.on
        for a in actions
        if a.action is ActionKind.RESERVATION_WITHDRAWAL and a.participant == code
    }
    kinds = {
        n.kind
        for n in notifications
        if n.participant == code
        and n.kind.is_reservation
        and n.date <= on
        and (n.kind.value not in withdrawn or on < withdrawn[n.kind.value])
    }
    return tuple(sorted(kinds))
