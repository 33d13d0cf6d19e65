"""Treaty actions (Art 64, Art 67) and their strict CSV and JSON forms.

A treaty action is what the depositary records for a participant: a signature, an instrument
of ratification, acceptance, approval, accession or (for an organisation) formal confirmation,
a denunciation (Art 67), or the withdrawal of a reservation. Formats: docs/formats/
registry-actions.md.

Parsing is all-or-nothing: :func:`parse_actions_csv` and :func:`parse_actions_json` return a
complete, validated tuple or raise :class:`comity.errors.ImportRejected` naming the source, the
row (1-based, counting data rows after the CSV header, or entries of the JSON ``actions`` array)
and the reason. :func:`check_actions` applies the rules that span rows; it sorts by date first,
so the verdict does not depend on the order of the rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from comity.errors import ImportRejected, NotFound
from comity.registry.dates import DateSpan, one_year_after
from comity.registry.participants import participant

__all__ = [
    "ACTIONS_FORMAT",
    "CSV_HEADER",
    "INSTRUMENTS",
    "RESERVATION_KINDS",
    "ActionKind",
    "Located",
    "TreatyAction",
    "actions_to_csv",
    "actions_to_json",
    "check_actions",
    "parse_action_record",
    "parse_actions_csv",
    "parse_actions_json",
    "sort_actions",
]

ACTIONS_FORMAT = "comity.registry.actions/1"
CSV_HEADER = ("participant", "action", "date", "note")

#: Notification kinds that are reservations; a ``reservation_withdrawal`` names one in its note.
RESERVATION_KINDS = frozenset(
    {"reservation_art_11", "reservation_art_23", "reservation_art_42", "reservation_art_63"}
)


class ActionKind(StrEnum):
    """The kinds of treaty action (Art 64 consent to be bound, Art 67 denunciation)."""

    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"
    FORMAL_CONFIRMATION = "formal_confirmation"
    DENUNCIATION = "denunciation"
    RESERVATION_WITHDRAWAL = "reservation_withdrawal"


#: Instruments expressing consent to be bound, counted by Art 65(1) when a State deposits them.
INSTRUMENTS = frozenset(
    {
        ActionKind.RATIFICATION,
        ActionKind.ACCEPTANCE,
        ActionKind.APPROVAL,
        ActionKind.ACCESSION,
        ActionKind.FORMAL_CONFIRMATION,
    }
)


@dataclass(frozen=True, order=True)
class TreatyAction:
    """One action of one participant. ``date`` may be inexact only for a signature."""

    participant: str
    action: ActionKind
    date: DateSpan
    note: str = ""

    @property
    def on(self) -> datetime.date:
        """The exact day of the action (deposit, receipt of the notification, signature)."""
        return self.date.exact

    @property
    def is_instrument(self) -> bool:
        """True for an instrument of ratification, acceptance, approval, accession or formal
        confirmation."""
        return self.action in INSTRUMENTS


@dataclass(frozen=True)
class Located:
    """Where a parsed item came from: the source (file name) and its 1-based row."""

    source: str
    row: int


def parse_action_record(
    record: dict[str, Any] | Sequence[str], *, source: str, row: int
) -> TreatyAction:
    """Validate one record (a CSV row in header order, or a JSON object) into an action.

    Row-level rules: known participant code; known action; an ISO 8601 date, which must be
    exact except for a signature (docs/formats/registry-actions.md); formal confirmation only
    by an organisation (Art 64(3)); a reservation withdrawal names the reservation in ``note``.
    """

    def reject(message: str) -> ImportRejected:
        return ImportRejected(message, source=source, row=row)

    if isinstance(record, dict):
        missing = [k for k in CSV_HEADER[:3] if k not in record]
        extra = sorted(set(record) - set(CSV_HEADER))
        if missing or extra:
            raise reject(
                f"fields must be {', '.join(CSV_HEADER)}; missing {missing}, extra {extra}"
            )
        values = [record.get(k, "") for k in CSV_HEADER]
    else:
        values = list(record)
        if len(values) != len(CSV_HEADER):
            raise reject(f"expected {len(CSV_HEADER)} fields, found {len(values)}")
    if not all(isinstance(v, str) for v in values):
        raise reject("every field must be a string")
    code, action_text, date_text, note = (str(v) for v in values)
    for name, value in (("participant", code), ("action", action_text), ("date", date_text)):
        if value != value.strip():
            raise reject(f"{name} {value!r} has surrounding spaces")
    try:
        who = participant(code)
    except NotFound as error:
        raise reject(str(error)) from None
    try:
        kind = ActionKind(action_text)
    except ValueError:
        allowed = ", ".join(k.value for k in ActionKind)
        raise reject(f"unknown action {action_text!r}; expected one of {allowed}") from None
    try:
        span = DateSpan.parse(date_text)
    except ValueError as error:
        raise reject(f"bad date: {error}") from None
    if kind is not ActionKind.SIGNATURE and not span.is_exact:
        raise reject(f"a {kind.value} needs its exact date, found {date_text!r}")
    if kind is ActionKind.FORMAL_CONFIRMATION and not who.is_organisation:
        raise reject(f"formal confirmation is for an organisation; {code} is a State")
    if kind is ActionKind.RESERVATION_WITHDRAWAL and note not in RESERVATION_KINDS:
        kinds = ", ".join(sorted(RESERVATION_KINDS))
        raise reject(f"a reservation withdrawal names the reservation in note: one of {kinds}")
    return TreatyAction(participant=code, action=kind, date=span, note=note)


def check_actions(located: Sequence[tuple[TreatyAction, Located]]) -> None:
    """Rules across rows; raise :class:`ImportRejected` at the first row that breaks one.

    - one signature per participant;
    - a participant deposits no instrument while an earlier one still binds it (a new one is
      allowed once its denunciation has taken effect, Art 67);
    - a denunciation follows an instrument of the same participant (on or before its date),
      and at most one denunciation per instrument;
    - a reservation may be withdrawn once (per participant and reservation kind).

    Rows are examined in date order (ties: signature, instruments, withdrawals, denunciations;
    then participant), so the result does not depend on the order of the rows.
    """
    signed: set[str] = set()
    bound_until: dict[str, date | None] = {}  # participant -> effect of its denunciation
    withdrawn: set[tuple[str, str]] = set()

    for action, where in sorted(located, key=lambda item: _order_key(item[0])):

        def reject(message: str, where: Located = where) -> ImportRejected:
            return ImportRejected(message, source=where.source, row=where.row)

        who = action.participant
        if action.action is ActionKind.SIGNATURE:
            if who in signed:
                raise reject(f"{who} already has a signature")
            signed.add(who)
        elif action.is_instrument:
            if who in bound_until:
                until = bound_until[who]
                if until is None or action.on < until:
                    raise reject(
                        f"{who} deposited an instrument on {action.on} while bound by an earlier "
                        "one (a new instrument needs a denunciation that has taken effect)"
                    )
            bound_until[who] = None
        elif action.action is ActionKind.DENUNCIATION:
            if who not in bound_until:
                raise reject(f"{who} denounces on {action.on} without an earlier instrument")
            if bound_until[who] is not None:
                raise reject(f"{who} has already denounced")
            bound_until[who] = one_year_after(action.on)
        else:
            key = (who, action.note)
            if key in withdrawn:
                raise reject(f"{who} withdraws {action.note} twice")
            withdrawn.add(key)


_KIND_ORDER = {
    ActionKind.SIGNATURE: 0,
    **{kind: 1 for kind in INSTRUMENTS},
    ActionKind.RESERVATION_WITHDRAWAL: 2,
    ActionKind.DENUNCIATION: 3,
}


def _order_key(action: TreatyAction) -> tuple[date, date, int, str, str]:
    lo = action.date.earliest or date.min
    hi = action.date.latest or date.max
    return (lo, hi, _KIND_ORDER[action.action], action.participant, action.note)


def sort_actions(actions: Iterable[TreatyAction]) -> tuple[TreatyAction, ...]:
    """The canonical order: by date, kind, participant (the order of every export)."""
    return tuple(sorted(actions, key=_order_key))


def parse_actions_csv(text: str, *, source: str) -> tuple[TreatyAction, ...]:
    """Parse a CSV (RFC 4180) with the exact header ``participant,action,date,note``.

    A UTF-8 byte order mark before the header is ignored. Blank lines are rejected.
    """
    located = _parse_csv_rows(text, source=source)
    check_actions(located)
    return tuple(action for action, _ in located)


def _parse_csv_rows(text: str, *, source: str) -> list[tuple[TreatyAction, Located]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(header) != CSV_HEADER:
            raise ImportRejected(
                f"the header must be exactly {','.join(CSV_HEADER)}, found {header}",
                source=source,
            )
        located: list[tuple[TreatyAction, Located]] = []
        for row, record in enumerate(reader, start=1):
            if not record:
                raise ImportRejected("empty row", source=source, row=row)
            action = parse_action_record(record, source=source, row=row)
            located.append((action, Located(source, row)))
    except csv.Error as error:
        raise ImportRejected(f"malformed CSV: {error}", source=source) from None
    return located


def parse_actions_json(text: str, *, source: str) -> tuple[TreatyAction, ...]:
    """Parse ``{"format": "comity.registry.actions/1", "actions": [{...}, ...]}``."""
    document = load_json_object(text, source=source, expected_format=ACTIONS_FORMAT)
    located = located_actions_from_json(document, source=source)
    check_actions(located)
    return tuple(action for action, _ in located)


def located_actions_from_json(
    document: dict[str, Any], *, source: str
) -> list[tuple[TreatyAction, Located]]:
    """The ``actions`` array of a parsed JSON document, each with its 1-based row."""
    entries = document.get("actions")
    if not isinstance(entries, list):
        raise ImportRejected('"actions" must be an array', source=source)
    located: list[tuple[TreatyAction, Located]] = []
    for row, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ImportRejected("an action must be an object", source=source, row=row)
        located.append((parse_action_record(entry, source=source, row=row), Located(source, row)))
    return located


def located_csv_actions(text: str, *, source: str) -> list[tuple[TreatyAction, Located]]:
    """The rows of an actions CSV, validated one by one but not across rows."""
    return _parse_csv_rows(text, source=source)


def load_json_object(text: str, *, source: str, expected_format: str) -> dict[str, Any]:
    """Parse JSON text into an object whose ``format`` is ``expected_format``."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected(f"not JSON: {error}", source=source) from None
    if not isinstance(document, dict):
        raise ImportRejected("the document must be a JSON object", source=source)
    if document.get("format") != expected_format:
        raise ImportRejected(
            f'"format" must be "{expected_format}", found {document.get("format")!r}',
            source=source,
        )
    return document


def action_to_record(action: TreatyAction) -> dict[str, str]:
    """The JSON object (and CSV row) of one action."""
    return {
        "participant": action.participant,
        "action": action.action.value,
        "date": str(action.date),
        "note": action.note,
    }


def actions_to_csv(actions: Iterable[TreatyAction]) -> str:
    """The CSV export in canonical order, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for action in sort_actions(actions):
        writer.writerow(action_to_record(action).values())
    return buffer.getvalue()


def actions_to_json(actions: Iterable[TreatyAction]) -> dict[str, Any]:
    """The JSON export (a dict ready for ``json.dumps``) in canonical order."""
    return {
        "format": ACTIONS_FORMAT,
        "actions": [action_to_record(a) for a in sort_actions(actions)],
    }
