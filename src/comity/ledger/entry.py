"""The ledger entry: a public header and a salted commitment to the private event.

Each log leaf (an entry of the tlog-tiles entry bundles) is the RFC 8785 canonical JSON of::

    {"commitment":"<64 lowercase hex>","header":{...},"v":1}

* ``header`` holds only what the node publishes for statistics, each value a short string.
  The fields are chosen per node by a :class:`HeaderPolicy`; the default is coarse: event type,
  requesting State, requested State (ISO 3166-1 alpha-3), request kind, outcome and the ISO 8601
  week (``2026-W48``). A field that does not apply (an outcome before one exists) is omitted.
* ``commitment`` is ``SHA-256("comity/ledger/commitment/v1" || 0x00 || salt || JCS(event))``
  where ``salt`` is 32 random bytes kept privately with the event and ``JCS`` is RFC 8785
  canonical JSON. The label separates this hash from every other Comity hash, and the fixed
  salt length makes the encoding unambiguous. Without the salt the commitment reveals nothing
  guessable about the event; with event and salt anyone can recompute it and, with an
  inclusion proof, show that the event was logged at that index (see :func:`verify_event_proof`).

The format is documented with vectors in ``docs/formats/ledger-entry.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785

from comity.errors import LogConsistencyError, NotFound, ValidationFailed
from comity.ledger.checkpoint import SignedCheckpoint
from comity.ledger.merkle import leaf_hash, verify_inclusion
from comity.ledger.tiles import MAX_ENTRY_SIZE
from comity.treaty.kinds import REQUEST_KINDS as _KINDS

__all__ = [
    "COMMITMENT_LABEL",
    "DEFAULT_HEADER_FIELDS",
    "ENTRY_VERSION",
    "HEADER_FIELDS",
    "REQUEST_KINDS",
    "SALT_SIZE",
    "EventProof",
    "HeaderPolicy",
    "LedgerEntry",
    "canonical_event",
    "check_header",
    "commitment",
    "find_commitment",
    "new_salt",
    "period_quarter",
    "verify_event_proof",
]

ENTRY_VERSION = 1
SALT_SIZE = 32
COMMITMENT_LABEL = b"comity/ledger/commitment/v1\x00"

REQUEST_KINDS = frozenset(_KINDS)
"""Request kinds of the Convention (Arts 37, 40(3), 40(4), 41(3), 42-46)."""

_TOKEN = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,63}")
_STATE = re.compile(r"[A-Z]{3}")
_PERIODS = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "week": re.compile(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])"),
    "month": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
    "quarter": re.compile(r"\d{4}-Q[1-4]"),
}
HEADER_FIELDS: dict[str, re.Pattern[str]] = {
    "event": _TOKEN,
    "requesting_state": _STATE,
    "requested_state": _STATE,
    "kind": _TOKEN,
    "outcome": _TOKEN,
    **_PERIODS,
}
"""Every field a node may publish, with the syntax of its value."""
DEFAULT_HEADER_FIELDS = ("event", "requesting_state", "requested_state", "kind", "outcome", "week")


def new_salt() -> bytes:
    """32 bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(SALT_SIZE)


def canonical_event(event: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of a private event; :class:`ValidationFailed` if impossible."""
    try:
        return rfc8785.dumps(dict(event))
    except (rfc8785.CanonicalizationError, TypeError) as exc:
        raise ValidationFailed(f"event cannot be written as RFC 8785 JSON: {exc}") from exc


def commitment(event: Mapping[str, Any], salt: bytes) -> bytes:
    """``SHA-256(COMMITMENT_LABEL || salt || JCS(event))``; the salt must be 32 bytes."""
    if len(salt) != SALT_SIZE:
        raise ValidationFailed(f"commitment salt is {len(salt)} bytes, not {SALT_SIZE}")
    return hashlib.sha256(COMMITMENT_LABEL + salt + canonical_event(event)).digest()


def _period(field: str, at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValidationFailed("event time must be timezone-aware (UTC)")
    day = at.astimezone(dt.UTC).date()
    if field == "day":
        return day.isoformat()
    if field == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if field == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def period_quarter(header: Mapping[str, str]) -> str | None:
    """The calendar quarter (``2026-Q4``) of an entry from its time field, or None.

    An ISO week counts in the quarter of its Thursday, as ISO 8601 assigns a week to the
    year of its Thursday.
    """
    if "quarter" in header:
        return header["quarter"]
    if "day" in header:
        day = dt.date.fromisoformat(header["day"])
    elif "month" in header:
        day = dt.date.fromisoformat(header["month"] + "-01")
    elif "week" in header:
        year, week = header["week"].split("-W")
        day = dt.date.fromisocalendar(int(year), int(week), 4)
    else:
        return None
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class HeaderPolicy:
    """Which fields a node publishes. At most one time field; the default is coarse."""

    fields: tuple[str, ...] = DEFAULT_HEADER_FIELDS

    def __post_init__(self) -> None:
        unknown = [f for f in self.fields if f not in HEADER_FIELDS]
        if unknown:
            raise ValidationFailed(f"unknown ledger header fields: {', '.join(unknown)}")
        if len(set(self.fields)) != len(self.fields):
            raise ValidationFailed("ledger header fields repeat")
        if sum(f in _PERIODS for f in self.fields) > 1:
            raise ValidationFailed("a ledger header has at most one time field")

    def header(self, *, at: dt.datetime, **values: str | None) -> dict[str, str]:
        """The public header of an event at time ``at``: the policy's fields only.

        Values for fields outside the policy are dropped, never published; ``None`` omits a
        field. Raises :class:`ValidationFailed` on a malformed value.
        """
        header: dict[str, str] = {}
        for name in self.fields:
            value = _period(name, at) if name in _PERIODS else values.get(name)
            if value is not None:
                header[name] = value
        check_header(header)
        return header


def check_header(header: Mapping[str, object]) -> None:
    """Check every field name and value of a header against :data:`HEADER_FIELDS`."""
    problems = []
    for name, value in header.items():
        pattern = HEADER_FIELDS.get(name)
        if pattern is None:
            problems.append(f"{name}: not a ledger header field")
        elif not isinstance(value, str) or not pattern.fullmatch(value):
            problems.append(f"{name}: malformed value {value!r}")
        elif name == "kind" and value not in REQUEST_KINDS:
            problems.append(f"kind: {value!r} is not a request kind of the Convention")
    if sum(name in _PERIODS for name in header) > 1:
        problems.append("more than one time field")
    if problems:
        raise ValidationFailed("invalid ledger header", problems)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One leaf: public header and commitment. ``encode()`` gives the exact leaf bytes."""

    header: Mapping[str, str]
    commitment: bytes

    def __post_init__(self) -> None:
        check_header(self.header)
        if len(self.commitment) != 32:
            raise ValidationFailed(f"commitment is {len(self.commitment)} bytes, not 32")

    @classmethod
    def for_event(
        cls, event: Mapping[str, Any], salt: bytes, header: Mapping[str, str]
    ) -> LedgerEntry:
        """The entry that logs ``event`` with ``salt`` under a public ``header``."""
        return cls(dict(header), commitment(event, salt))

    def encode(self) -> bytes:
        """RFC 8785 JSON of ``{"v": 1, "header": ..., "commitment": hex}``."""
        data = rfc8785.dumps(
            {"v": ENTRY_VERSION, "header": dict(self.header), "commitment": self.commitment.hex()}
        )
        if len(data) > MAX_ENTRY_SIZE:
            raise ValidationFailed(f"ledger entry is {len(data)} bytes, above {MAX_ENTRY_SIZE}")
        return data

    @classmethod
    def decode(cls, data: bytes) -> LedgerEntry:
        """Parse leaf bytes, accepting only the exact canonical form Comity writes."""
        try:
            obj = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed("ledger entry is not JSON") from exc
        if not isinstance(obj, dict) or set(obj) != {"v", "header", "commitment"}:
            raise ValidationFailed("ledger entry needs exactly the keys v, header, commitment")
        if obj["v"] != ENTRY_VERSION or isinstance(obj["v"], bool):
            raise ValidationFailed(f"ledger entry version {obj['v']!r} is not {ENTRY_VERSION}")
        text = obj["commitment"]
        if not isinstance(text, str) or not re.fullmatch(r"[0-9a-f]{64}", text):
            raise ValidationFailed("ledger entry commitment is not 64 lowercase hex digits")
        if not isinstance(obj["header"], dict):
            raise ValidationFailed("ledger entry header is not an object")
        entry = cls(obj["header"], bytes.fromhex(text))
        if entry.encode() != data:
            raise ValidationFailed("ledger entry is not in RFC 8785 canonical form")
        return entry


@dataclass(frozen=True, slots=True)
class EventProof:
    """Proof that an event was logged: its entry, index, audit path and a checkpoint."""

    index: int
    entry: bytes
    inclusion: tuple[bytes, ...]
    checkpoint: SignedCheckpoint


def verify_event_proof(event: Mapping[str, Any], salt: bytes, proof: EventProof) -> LedgerEntry:
    """Check that ``event`` with ``salt`` is committed in ``proof.entry`` and that the entry
    is leaf ``proof.index`` of the (already signature-verified) checkpoint's tree
    (RFC 9162 §2.1.3.2). Returns the entry, whose header says when it was logged."""
    entry = LedgerEntry.decode(proof.entry)
    if entry.commitment != commitment(event, salt):
        raise LogConsistencyError("the event and salt do not match the entry's commitment")
    cp = proof.checkpoint.checkpoint
    verify_inclusion(leaf_hash(proof.entry), proof.index, cp.size, proof.inclusion, cp.root)
    return entry


def find_commitment(entries: Sequence[bytes], target: bytes) -> int:
    """Index of the first entry whose commitment is ``target``; :class:`NotFound` if none."""
    needle = target.hex().encode()
    for i, data in enumerate(entries):
        if needle in data and LedgerEntry.decode(data).commitment == target:
            return i
    raise NotFound("no ledger entry carries that commitment")
