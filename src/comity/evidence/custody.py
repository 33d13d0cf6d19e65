"""The chain of custody of a package: ``PACKAGE.custody.jsonl`` beside it.

Each line is one signed custody event (:mod:`comity.evidence.signing`) in RFC 8785 canonical
JSON: the package's SHA-256, the action (``sealed``, ``sent``, ``received``, ``verified``,
``opened``, ``copied``, ``transferred``), the authority that signs it, the person who acted,
the time and an optional note. Event *n* carries ``seq = n`` and ``previous``, the SHA-256 of
line *n - 1*'s bytes, so removing, reordering or editing a line breaks the chain. The first
event is always ``sealed``. The same events are later written to the ledger.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from comity.errors import PackageIntegrityError, SignatureInvalid
from comity.evidence.keys import AuthorityKeys, PublicAuthority
from comity.evidence.manifest import format_time
from comity.evidence.signing import canonical, sign_document, verify_document

__all__ = [
    "ACTIONS",
    "CUSTODY_FORMAT",
    "CustodyEvent",
    "CustodyLog",
    "check_person",
    "custody_path",
]

CUSTODY_FORMAT = "comity-custody-event/v1"
ACTIONS = ("sealed", "sent", "received", "verified", "opened", "copied", "transferred")
_REQUIRED = {"format", "seq", "package_sha256", "action", "authority", "person", "time"}
_OPTIONAL = {"previous", "note", "signature"}


def check_person(person: str) -> str:
    """Return ``person`` if it can name who acted in a custody event, else raise ValueError."""
    if not person.strip():
        raise ValueError("a custody event must name the person who acted")
    return person


def custody_path(package: Path) -> Path:
    """``PACKAGE.custody.jsonl`` beside the package."""
    return package.with_name(package.name + ".custody.jsonl")


@dataclass(frozen=True)
class CustodyEvent:
    """One verified event and the SHA-256 of its line."""

    document: dict[str, Any]
    authority: PublicAuthority
    line_sha256: str

    @property
    def action(self) -> str:
        """What was done."""
        return str(self.document["action"])

    @property
    def person(self) -> str:
        """Who did it."""
        return str(self.document["person"])

    @property
    def time(self) -> str:
        """When, ISO 8601 UTC."""
        return str(self.document["time"])

    @property
    def seq(self) -> int:
        """Position in the chain, from 0."""
        return int(self.document["seq"])


@dataclass(frozen=True)
class CustodyLog:
    """The custody log file of one package."""

    path: Path

    @classmethod
    def beside(cls, package: Path) -> CustodyLog:
        """The log of ``package``."""
        return cls(custody_path(package))

    def read(self) -> list[CustodyEvent]:
        """Every event, after checking each signature and the hash chain; [] if no log."""
        if not self.path.exists():
            return []
        events: list[CustodyEvent] = []
        for number, line in enumerate(self.path.read_bytes().splitlines(), start=1):
            events.append(self._check(line, number, events))
        return events

    def _check(self, line: bytes, number: int, before: list[CustodyEvent]) -> CustodyEvent:
        where = f"{self.path.name} line {number}"
        try:
            doc = json.loads(line)
            if not isinstance(doc, dict):
                raise ValueError("not an object")
            if canonical(doc) != line:
                raise ValueError("not in RFC 8785 canonical form")
            keys = set(doc)
            if not _REQUIRED <= keys <= _REQUIRED | _OPTIONAL or doc["format"] != CUSTODY_FORMAT:
                raise ValueError(f"not a {CUSTODY_FORMAT} event")
            authority = PublicAuthority.from_party(doc["authority"])
            verify_document(doc, authority, "custody event")
        except (ValueError, SignatureInvalid) as exc:
            raise PackageIntegrityError(f"custody log broken at {where}: {exc}") from None
        if doc["seq"] != len(before):
            raise PackageIntegrityError(f"custody log broken at {where}: event out of sequence")
        expected_previous = before[-1].line_sha256 if before else None
        if doc.get("previous") != expected_previous:
            raise PackageIntegrityError(
                f"custody log broken at {where}: it does not chain to the event before it"
            )
        if doc["action"] not in ACTIONS or (not before) != (doc["action"] == "sealed"):
            raise PackageIntegrityError(f"custody log broken at {where}: unexpected action")
        if before and doc["package_sha256"] != before[0].document["package_sha256"]:
            raise PackageIntegrityError(f"custody log broken at {where}: another package")
        return CustodyEvent(doc, authority, hashlib.sha256(line).hexdigest())

    def append(
        self,
        action: str,
        *,
        package_sha256: str,
        keys: AuthorityKeys,
        person: str,
        time: datetime | None = None,
        note: str | None = None,
    ) -> CustodyEvent:
        """Sign and append an event after checking the chain so far."""
        if action not in ACTIONS:
            raise ValueError(f"unknown custody action {action!r}; one of {', '.join(ACTIONS)}")
        check_person(person)
        events = self.read()
        if events and events[0].document["package_sha256"] != package_sha256:
            raise PackageIntegrityError("the custody log belongs to another package")
        doc: dict[str, Any] = {
            "format": CUSTODY_FORMAT,
            "seq": len(events),
            "package_sha256": package_sha256,
            "action": action,
            "authority": keys.public.party(),
            "person": person,
            "time": format_time(time or datetime.now(UTC)),
        }
        if events:
            doc["previous"] = events[-1].line_sha256
        if note:
            doc["note"] = note
        line = canonical(sign_document(doc, keys))
        event = self._check(line, len(events) + 1, events)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | (0 if events else os.O_EXCL)
        with open(os.open(self.path, flags, 0o644), "ab") as out:
            out.write(line + b"\n")
        return event
