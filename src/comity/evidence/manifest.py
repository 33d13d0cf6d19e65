"""The manifest of an evidence package (``manifest.json``), RFC 8785 canonical JSON.

It names the package, the request it answers, the producing authority and the recipients, and
for each item its name, size, media type, SHA-256 and, where known, its acquisition (method,
time and hash at acquisition). The producer signs its exact bytes with Ed25519 (``manifest.sig``
in the archive). ``docs/formats/evidence-package.md`` is the normative description.
"""

from __future__ import annotations

import json
import posixpath
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from comity.evidence.signing import canonical

__all__ = [
    "MANIFEST_FORMAT",
    "Acquisition",
    "Item",
    "Manifest",
    "Party",
    "Recipient",
    "check_item_name",
    "check_request",
    "format_time",
]

MANIFEST_FORMAT = "comity-evidence-manifest/v1"
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KEY_ID = re.compile(r"^[0-9a-f]{32}$")
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_AGE_RECIPIENT = re.compile(r"^age1[02-9ac-hj-np-z]+$")


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second (``2026-05-01T12:00:00Z``)."""
    if moment.tzinfo is None:
        raise ValueError("a time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError("a time must be ISO 8601 UTC, e.g. 2026-05-01T12:00:00Z")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def check_item_name(name: str) -> str:
    """Return ``name`` if it is a safe item name, else raise ValueError saying why.

    An item name is one path component: 1-255 UTF-8 bytes, no ``/``, ``\\``, control characters,
    and not ``.`` or ``..``. A name that would leave the output directory is reported as such.
    """
    normal = posixpath.normpath(name.replace("\\", "/")) if name else ""
    if name.startswith(("/", "\\")) or normal == ".." or normal.startswith("../"):
        raise ValueError(f"path {name!r} escapes the output directory")
    if not name or name in {".", ".."} or len(name.encode("utf-8")) > 255:
        raise ValueError(f"bad item name {name!r}")
    if "/" in name or "\\" in name:
        raise ValueError(f"item name {name!r} has a directory part")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Cs"} for c in name):
        raise ValueError(f"item name {name!r} has a control character")
    return name


def _text(value: Any, what: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value or len(value) > 1000:
        raise ValueError(f"{what} must be a non-empty string")
    if pattern is not None and not pattern.match(value):
        raise ValueError(f"{what} is malformed: {value!r}")
    return value


def check_request(request: str) -> str:
    """Return ``request`` if it can name the request in a manifest, else raise ValueError."""
    return _text(request, "request")


def _optional(value: Any, what: str, pattern: re.Pattern[str] | None = None) -> str | None:
    return None if value is None else _text(value, what, pattern)


def _object(raw: Any, cls: type, what: str) -> dict[str, Any]:
    """Check that ``raw`` is an object with only ``cls``'s members and all required ones."""
    if not isinstance(raw, dict):
        raise ValueError(f"{what} must be an object")
    names = {f.name for f in fields(cls)}
    unknown = set(raw) - names
    if unknown:
        raise ValueError(f"{what} has an unknown member {sorted(unknown)[0]!r}")
    return raw


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


@dataclass(frozen=True)
class Acquisition:
    """How and when an item was acquired, and its SHA-256 then (each where known)."""

    method: str | None = None
    time: str | None = None
    sha256: str | None = None

    def __post_init__(self) -> None:
        _optional(self.method, "acquisition method")
        if self.time is not None:
            _check_time(_text(self.time, "acquisition time"))
        _optional(self.sha256, "acquisition sha256", _HEX64)

    @classmethod
    def from_json(cls, raw: Any) -> Acquisition:
        """Parse the JSON object."""
        raw = _object(raw, cls, "acquisition")
        return cls(raw.get("method"), raw.get("time"), raw.get("sha256"))


@dataclass(frozen=True)
class Item:
    """One item of evidence; ``name`` is also its file name under ``items/`` in the archive."""

    name: str
    size: int
    media_type: str
    sha256: str
    acquisition: Acquisition | None = None

    def __post_init__(self) -> None:
        check_item_name(_text(self.name, "item name"))
        if type(self.size) is not int or not 0 <= self.size < 2**53:
            raise ValueError(f"item {self.name!r} has a bad size")
        _text(self.media_type, "media type", _MEDIA_TYPE)
        _text(self.sha256, "item sha256", _HEX64)

    @classmethod
    def from_json(cls, raw: Any) -> Item:
        """Parse the JSON object."""
        raw = _object(raw, cls, "item")
        acquisition = raw.get("acquisition")
        return cls(
            raw.get("name"),  # checked in __post_init__
            raw.get("size"),
            raw.get("media_type"),
            raw.get("sha256"),
            None if acquisition is None else Acquisition.from_json(acquisition),
        )


@dataclass(frozen=True)
class Party:
    """A signing authority: name, key id and raw Ed25519 public key in base64."""

    name: str
    key_id: str
    ed25519_public_key: str

    def __post_init__(self) -> None:
        _text(self.name, "producer name")
        _text(self.key_id, "producer key_id", _KEY_ID)
        _text(self.ed25519_public_key, "producer ed25519_public_key")

    @classmethod
    def from_json(cls, raw: Any) -> Party:
        """Parse the JSON object."""
        raw = _object(raw, cls, "producer")
        return cls(raw.get("name"), raw.get("key_id"), raw.get("ed25519_public_key"))


@dataclass(frozen=True)
class Recipient:
    """A recipient: its age recipient, and its name and key id where known."""

    age_recipient: str
    name: str | None = None
    key_id: str | None = None

    def __post_init__(self) -> None:
        _text(self.age_recipient, "age_recipient", _AGE_RECIPIENT)
        _optional(self.name, "recipient name")
        _optional(self.key_id, "recipient key_id", _KEY_ID)

    @classmethod
    def from_json(cls, raw: Any) -> Recipient:
        """Parse the JSON object."""
        raw = _object(raw, cls, "recipient")
        return cls(raw.get("age_recipient"), raw.get("name"), raw.get("key_id"))


@dataclass(frozen=True)
class Manifest:
    """The manifest; see the module docstring. Construction validates every member."""

    package_id: str
    request: str
    producer: Party
    recipients: tuple[Recipient, ...]
    created: str
    items: tuple[Item, ...]
    format: str = field(default=MANIFEST_FORMAT)

    def __post_init__(self) -> None:
        if self.format != MANIFEST_FORMAT:
            raise ValueError(f"not a {MANIFEST_FORMAT} manifest")
        _text(self.package_id, "package_id")
        check_request(self.request)
        _check_time(_text(self.created, "created"))
        if not self.recipients:
            raise ValueError("a manifest needs at least one recipient")
        names = [item.name for item in self.items]
        if len(set(names)) != len(names):
            raise ValueError("two items have the same name")

    def to_json(self) -> dict[str, Any]:
        """The manifest as a JSON object (absent optional members are omitted)."""
        doc = asdict(self)
        doc["recipients"] = list(doc["recipients"])
        doc["items"] = list(doc["items"])
        result: dict[str, Any] = _drop_none(doc)
        return result

    def canonical(self) -> bytes:
        """The exact bytes of ``manifest.json`` (RFC 8785)."""
        return canonical(self.to_json())

    @classmethod
    def from_json(cls, raw: Any) -> Manifest:
        """Build a manifest from its JSON object; raise ValueError saying what is wrong."""
        raw = _object(raw, cls, "manifest")
        recipients = raw.get("recipients")
        items = raw.get("items")
        if not isinstance(recipients, list) or not isinstance(items, list):
            raise ValueError("recipients and items must be arrays")
        return cls(
            package_id=raw.get("package_id"),
            request=raw.get("request"),
            producer=Party.from_json(raw.get("producer")),
            recipients=tuple(Recipient.from_json(r) for r in recipients),
            created=raw.get("created"),
            items=tuple(Item.from_json(i) for i in items),
            format=raw.get("format"),
        )

    @classmethod
    def parse(cls, data: bytes) -> Manifest:
        """Parse ``manifest.json``; raise ValueError unless it is a valid, canonical manifest."""
        try:
            manifest = cls.from_json(json.loads(data.decode("utf-8")))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"invalid manifest: {exc}") from None
        if manifest.canonical() != data:
            raise ValueError("invalid manifest: not in RFC 8785 canonical form")
        return manifest
