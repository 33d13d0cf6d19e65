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
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from comity.evidence.signing import canonical

__all__ = [
    "MANIFEST_FORMAT",
    "Acquisition",
    "Item",
    "Manifest",
    "Party",
    "Recipient",
    "check_item_name",
    "format_time",
]

MANIFEST_FORMAT = "comity-evidence-manifest/v1"
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
KeyId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]


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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Acquisition(_Strict):
    """How and when an item was acquired, and its SHA-256 then (each where known)."""

    method: str | None = None
    time: str | None = None
    sha256: Hex64 | None = None

    _time = field_validator("time")(lambda v: v if v is None else _check_time(v))


class Item(_Strict):
    """One item of evidence; ``name`` is also its file name under ``items/`` in the archive."""

    name: str
    size: Annotated[int, Field(ge=0, lt=2**53)]
    media_type: Annotated[str, Field(pattern=r"^[\w.+-]+/[\w.+-]+$")]
    sha256: Hex64
    acquisition: Acquisition | None = None

    _name = field_validator("name")(check_item_name)


class Party(_Strict):
    """A signing authority: name, key id and raw Ed25519 public key in base64."""

    name: str
    key_id: KeyId
    ed25519_public_key: str


class Recipient(_Strict):
    """A recipient: its age recipient, and its name and key id where known."""

    age_recipient: Annotated[str, Field(pattern=r"^age1[02-9ac-hj-np-z]+$")]
    name: str | None = None
    key_id: KeyId | None = None


class Manifest(_Strict):
    """The manifest; see the module docstring."""

    format: Literal["comity-evidence-manifest/v1"] = "comity-evidence-manifest/v1"
    package_id: Annotated[str, Field(min_length=1, max_length=200)]
    request: Annotated[str, Field(min_length=1, max_length=200)]
    producer: Party
    recipients: Annotated[list[Recipient], Field(min_length=1)]
    created: str
    items: list[Item]

    _created = field_validator("created")(_check_time)

    def to_json(self) -> dict[str, Any]:
        """The manifest as a JSON object (absent optional members are omitted)."""
        return self.model_dump(exclude_none=True)

    def canonical(self) -> bytes:
        """The exact bytes of ``manifest.json`` (RFC 8785)."""
        return canonical(self.to_json())

    @classmethod
    def parse(cls, data: bytes) -> Manifest:
        """Parse ``manifest.json``; raise ValueError unless it is a valid, canonical manifest."""
        try:
            raw = json.loads(data.decode("utf-8"))
            manifest = cls.model_validate(raw)
        except (ValueError, ValidationError) as exc:
            first = str(exc).splitlines()
            raise ValueError(f"invalid manifest: {' '.join(first[:3])}") from None
        names = [item.name for item in manifest.items]
        if len(set(names)) != len(names):
            raise ValueError("invalid manifest: two items have the same name")
        if manifest.canonical() != data:
            raise ValueError("invalid manifest: not in RFC 8785 canonical form")
        return manifest
