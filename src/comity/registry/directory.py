"""The directory of authorities: who answers for a State, how to reach them, and their keys.

Each entry names one authority (a central authority, Art 40; a 24/7 point of contact, Art 41;
a competent authority; or a review body) with its State, contact details, accepted languages,
hours, public keys, validity period and the day the entry was last confirmed. An entry not
confirmed for more than :data:`STALE_AFTER_DAYS` days is stale and is shown as such.

Keys are strings: ``signing_key`` is the standard base64 (RFC 4648 §4) of the 32-byte Ed25519
public key (RFC 8032 §5.1.5); ``age_recipient`` is an age X25519 recipient (C2SP age v1,
``age1...``, Bech32 per BIP 173). Both are checked by decoding them with pyca/cryptography.
JSON format: docs/formats/registry-directory.md.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from comity.errors import ImportRejected, NotFound
from comity.evidence import bech32
from comity.registry.actions import Located, load_json_object
from comity.registry.dates import parse_iso_date
from comity.registry.participants import participant

__all__ = [
    "DIRECTORY_FORMAT",
    "STALE_AFTER_DAYS",
    "Authority",
    "AuthorityRole",
    "directory_to_json",
    "located_authorities_from_json",
    "parse_directory_json",
]

DIRECTORY_FORMAT = "comity.registry.directory/1"
#: An entry last confirmed more than this many days before the day asked about is stale.
STALE_AFTER_DAYS = 365

_CONTACT_KEYS = frozenset({"email", "phone", "address", "url"})
_REQUIRED = (
    "id", "participant", "role", "name", "contact", "languages", "hours",
    "signing_key", "age_recipient", "valid_from", "confirmed",
)  # fmt: skip
_OPTIONAL = frozenset({"valid_until"})


class AuthorityRole(StrEnum):
    """What an authority in the directory does."""

    CENTRAL_AUTHORITY = "central_authority"
    CONTACT_POINT_24_7 = "contact_point_24_7"
    COMPETENT_AUTHORITY = "competent_authority"
    REVIEW_BODY = "review_body"


@dataclass(frozen=True)
class Authority:
    """One directory entry. ``valid_until`` is the last day of validity (inclusive) or None."""

    id: str
    participant: str
    role: AuthorityRole
    name: str
    contact: tuple[tuple[str, str], ...]
    languages: tuple[str, ...]
    hours: str
    signing_key: str
    age_recipient: str
    valid_from: date
    valid_until: date | None
    confirmed: date

    def is_valid_on(self, day: date) -> bool:
        """True if ``day`` lies in the validity period (both ends included)."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def is_stale_on(self, day: date) -> bool:
        """True if, on ``day``, the entry was last confirmed more than 365 days before."""
        return (day - self.confirmed).days > STALE_AFTER_DAYS

    def ed25519_public_key(self) -> Ed25519PublicKey:
        """The signing key as a pyca/cryptography object."""
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(self.signing_key))

    def x25519_public_key(self) -> X25519PublicKey:
        """The age recipient's X25519 key as a pyca/cryptography object."""
        return X25519PublicKey.from_public_bytes(decode_age_recipient(self.age_recipient))


def decode_age_recipient(text: str) -> bytes:
    """Decode an ``age1...`` recipient to its 32-byte X25519 public key (BIP 173 Bech32).

    Raises :class:`ValueError` with a one-line reason.
    """
    if text != text.lower() or not text.startswith("age1"):
        raise ValueError("an age recipient is lower case and starts with 'age1'")
    try:
        _, key = bech32.decode(text)
    except bech32.Bech32Error as error:
        raise ValueError(f"the age recipient is not valid Bech32: {error}") from None
    if len(key) != 32:
        raise ValueError("an age X25519 recipient encodes exactly 32 bytes")
    return key


def encode_age_recipient(key: bytes) -> str:
    """Encode a 32-byte X25519 public key as an ``age1...`` recipient (BIP 173 Bech32)."""
    if len(key) != 32:
        raise ValueError("an X25519 public key is 32 bytes")
    return bech32.encode("age", key)


def _parse_authority(entry: Any, *, source: str, row: int) -> Authority:
    def reject(message: str) -> ImportRejected:
        return ImportRejected(message, source=source, row=row)

    if not isinstance(entry, dict):
        raise reject("an authority must be an object")
    missing = [k for k in _REQUIRED if k not in entry]
    unknown = sorted(set(entry) - set(_REQUIRED) - _OPTIONAL)
    if missing or unknown:
        raise reject(f"missing fields {missing}, unknown fields {unknown}")
    for name in ("id", "participant", "role", "name", "hours", "signing_key", "age_recipient"):
        if not isinstance(entry[name], str) or not entry[name]:
            raise reject(f'"{name}" must be a non-empty string')
    try:
        participant(entry["participant"])
    except NotFound as error:
        raise reject(str(error)) from None
    try:
        role = AuthorityRole(entry["role"])
    except ValueError:
        allowed = ", ".join(r.value for r in AuthorityRole)
        raise reject(f"unknown role {entry['role']!r}; expected one of {allowed}") from None
    contact = entry["contact"]
    if (
        not isinstance(contact, dict)
        or not contact
        or not set(contact) <= _CONTACT_KEYS
        or not all(isinstance(v, str) and v for v in contact.values())
    ):
        keys = ", ".join(sorted(_CONTACT_KEYS))
        raise reject(f'"contact" must be an object of non-empty strings with keys among {keys}')
    languages = entry["languages"]
    if not isinstance(languages, list) or not languages:
        raise reject('"languages" must be a non-empty list of language tags')
    if not all(isinstance(x, str) and x for x in languages):
        raise reject('"languages" must be a non-empty list of language tags')
    try:
        raw = base64.b64decode(entry["signing_key"], validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise reject('"signing_key" must be the base64 of a 32-byte Ed25519 public key') from None
    try:
        X25519PublicKey.from_public_bytes(decode_age_recipient(entry["age_recipient"]))
    except ValueError as error:
        raise reject(f'"age_recipient": {error}') from None
    valid_from = _date_field(entry, "valid_from", reject)
    confirmed = _date_field(entry, "confirmed", reject)
    valid_until = (
        None if entry.get("valid_until") is None else _date_field(entry, "valid_until", reject)
    )
    if valid_until is not None and valid_until < valid_from:
        raise reject(f"valid_until {valid_until} is before valid_from {valid_from}")
    return Authority(
        id=entry["id"],
        participant=entry["participant"],
        role=role,
        name=entry["name"],
        contact=tuple(sorted(contact.items())),
        languages=tuple(languages),
        hours=entry["hours"],
        signing_key=entry["signing_key"],
        age_recipient=entry["age_recipient"],
        valid_from=valid_from,
        valid_until=valid_until,
        confirmed=confirmed,
    )


def _date_field(entry: Mapping[str, Any], name: str, reject: Callable[[str], Exception]) -> date:
    value = entry.get(name)
    if not isinstance(value, str):
        raise reject(f'"{name}" must be an ISO 8601 date')
    try:
        return parse_iso_date(value)
    except ValueError as error:
        raise reject(f'"{name}": {error}') from None


def located_authorities_from_json(
    document: Mapping[str, Any], *, source: str
) -> list[tuple[Authority, Located]]:
    """The ``authorities`` array of a parsed document, each with its row; ids are unique."""
    entries = document.get("authorities")
    if not isinstance(entries, list):
        raise ImportRejected('"authorities" must be an array', source=source)
    result: list[tuple[Authority, Located]] = []
    seen: set[str] = set()
    for row, entry in enumerate(entries, start=1):
        authority = _parse_authority(entry, source=source, row=row)
        if authority.id in seen:
            raise ImportRejected(f"duplicate authority id {authority.id!r}", source=source, row=row)
        seen.add(authority.id)
        result.append((authority, Located(source, row)))
    return result


def parse_directory_json(text: str, *, source: str) -> tuple[Authority, ...]:
    """Parse ``{"format": "comity.registry.directory/1", "authorities": [...]}``."""
    document = load_json_object(text, source=source, expected_format=DIRECTORY_FORMAT)
    return tuple(a for a, _ in located_authorities_from_json(document, source=source))


def authority_to_record(a: Authority) -> dict[str, Any]:
    """The JSON object of one directory entry."""
    return {
        "id": a.id,
        "participant": a.participant,
        "role": a.role.value,
        "name": a.name,
        "contact": dict(a.contact),
        "languages": list(a.languages),
        "hours": a.hours,
        "signing_key": a.signing_key,
        "age_recipient": a.age_recipient,
        "valid_from": a.valid_from.isoformat(),
        "valid_until": None if a.valid_until is None else a.valid_until.isoformat(),
        "confirmed": a.confirmed.isoformat(),
    }


def directory_to_json(items: Iterable[Authority]) -> dict[str, Any]:
    """The JSON export, ordered by participant, role and id."""
    ordered = sorted(items, key=lambda a: (a.participant, a.role.value, a.id))
    return {"format": DIRECTORY_FORMAT, "authorities": [authority_to_record(a) for a in ordered]}
