"""The registry snapshot: treaty actions, notifications, the directory and their sources.

:func:`parse_files` reads any mix of the registry's files and returns one complete, validated
:class:`Registry`, or raises :class:`comity.errors.ImportRejected` naming the file, the row and
the reason; it never returns part of the input. A store that persists the result therefore
writes either everything or nothing.

File kinds, by suffix and then by the JSON ``format`` member:

=================================  ============================================
``*.csv``                          treaty actions (docs/formats/registry-actions.md)
``comity.registry.actions/1``      treaty actions as JSON
``comity.registry.notifications/1``  notifications and reservations
``comity.registry.directory/1``    directory of authorities
``comity.registry.sources/1``      dataset metadata: as_of, sources, citations
``comity.registry/1``              a whole snapshot (:meth:`Registry.to_json`)
=================================  ============================================
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from comity.errors import ImportRejected
from comity.registry.actions import (
    ACTIONS_FORMAT,
    ActionKind,
    Located,
    TreatyAction,
    action_to_record,
    actions_to_csv,
    check_actions,
    located_actions_from_json,
    located_csv_actions,
    sort_actions,
)
from comity.registry.dates import parse_iso_date
from comity.registry.directory import (
    DIRECTORY_FORMAT,
    Authority,
    authority_to_record,
    located_authorities_from_json,
)
from comity.registry.notifications import (
    NOTIFICATIONS_FORMAT,
    Notification,
    located_notifications_from_json,
    notification_to_record,
    sort_notifications,
)

__all__ = [
    "CONFIDENCE_TAGS",
    "REGISTRY_FORMAT",
    "SOURCES_FORMAT",
    "Citation",
    "Milestone",
    "Registry",
    "Source",
    "parse_files",
    "parse_texts",
]

REGISTRY_FORMAT = "comity.registry/1"
SOURCES_FORMAT = "comity.registry.sources/1"
CONFIDENCE_TAGS = frozenset({"verified", "corroborated", "unverified", "paragraph_uncertain"})


@dataclass(frozen=True)
class Source:
    """A public source the data relies on."""

    id: str
    title: str
    url: str = ""


@dataclass(frozen=True)
class Milestone:
    """A dated event of the treaty itself (adoption, opening for signature...), with sources."""

    event: str
    date: date
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Citation:
    """The sources and confidence for one treaty action (participant and action kind)."""

    participant: str
    action: str
    sources: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class Registry:
    """Everything the registry knows, as of ``as_of`` (None: no statement of completeness)."""

    actions: tuple[TreatyAction, ...] = ()
    notifications: tuple[Notification, ...] = ()
    authorities: tuple[Authority, ...] = ()
    as_of: date | None = None
    as_of_basis: str = ""
    sources: tuple[Source, ...] = ()
    citations: tuple[Citation, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The whole snapshot as a JSON-ready dict (format ``comity.registry/1``), canonical
        order, so that equal registries export equal bytes."""
        return {
            "format": REGISTRY_FORMAT,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "as_of_basis": self.as_of_basis,
            "actions": [action_to_record(a) for a in sort_actions(self.actions)],
            "notifications": [
                notification_to_record(n) for n in sort_notifications(self.notifications)
            ],
            "authorities": [
                authority_to_record(a)
                for a in sorted(self.authorities, key=lambda a: (a.participant, a.id))
            ],
            "sources": [
                {"id": s.id, "title": s.title, "url": s.url}
                for s in sorted(self.sources, key=lambda s: s.id)
            ],
            "citations": [
                {
                    "participant": c.participant,
                    "action": c.action,
                    "sources": list(c.sources),
                    "confidence": c.confidence,
                }
                for c in sorted(self.citations, key=lambda c: (c.participant, c.action))
            ],
            "milestones": [
                {
                    "event": m.event,
                    "date": m.date.isoformat(),
                    "text": m.text,
                    "sources": list(m.sources),
                }
                for m in sorted(self.milestones, key=lambda m: (m.date, m.event))
            ],
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, text: str, *, source: str = "registry.json") -> Registry:
        """Parse a snapshot written by :meth:`to_json` (all or nothing)."""
        return parse_texts([(source, text)], suffixes=[".json"])

    def actions_csv(self) -> str:
        """The treaty actions as CSV (docs/formats/registry-actions.md)."""
        return actions_to_csv(self.actions)


@dataclass
class _Collected:
    actions: list[tuple[TreatyAction, Located]] = field(default_factory=list)
    notifications: list[tuple[Notification, Located]] = field(default_factory=list)
    authorities: list[tuple[Authority, Located]] = field(default_factory=list)
    as_of: list[tuple[date, str]] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    citations: list[tuple[Citation, Located]] = field(default_factory=list)
    milestones: list[tuple[Milestone, Located]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_files(paths: Sequence[Path | str]) -> Registry:
    """Read and validate every file, then the whole; all or nothing (module docstring)."""
    texts: list[tuple[str, str]] = []
    for path in map(Path, paths):
        try:
            texts.append((path.name if path.suffix else str(path), path.read_text("utf-8")))
        except (OSError, UnicodeDecodeError) as error:
            raise ImportRejected(f"cannot read the file: {error}", source=str(path)) from None
    return parse_texts(texts, suffixes=[Path(p).suffix.lower() for p in paths])


def parse_texts(
    texts: Sequence[tuple[str, str]], *, suffixes: Sequence[str] | None = None
) -> Registry:
    """Like :func:`parse_files` for ``(source name, text)`` pairs already read.

    A text is CSV when its suffix (or the source name's) is ``.csv``, JSON otherwise.
    """
    collected = _Collected()
    for i, (source, text) in enumerate(texts):
        suffix = suffixes[i] if suffixes is not None else Path(source).suffix.lower()
        if suffix == ".csv":
            collected.actions.extend(located_csv_actions(text, source=source))
        else:
            _collect_json(collected, text, source=source)
    return _assemble(collected)


def _collect_json(collected: _Collected, text: str, *, source: str) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected(f"not JSON: {error}", source=source) from None
    if not isinstance(document, dict):
        raise ImportRejected("the document must be a JSON object", source=source)
    kind = document.get("format")
    sections: dict[str, tuple[str, ...]] = {
        ACTIONS_FORMAT: ("actions",),
        NOTIFICATIONS_FORMAT: ("notifications",),
        DIRECTORY_FORMAT: ("authorities",),
        SOURCES_FORMAT: ("metadata",),
        REGISTRY_FORMAT: ("actions", "notifications", "authorities", "metadata"),
    }
    if kind not in sections:
        known = ", ".join(sorted(sections))
        raise ImportRejected(f'unknown "format" {kind!r}; expected one of {known}', source=source)
    for section in sections[str(kind)]:
        if section == "actions":
            collected.actions.extend(located_actions_from_json(document, source=source))
        elif section == "notifications":
            found = located_notifications_from_json(document, source=source)
            collected.notifications.extend(found)
        elif section == "authorities":
            collected.authorities.extend(located_authorities_from_json(document, source=source))
        else:
            _collect_metadata(collected, document, source=source)


def _collect_metadata(collected: _Collected, document: Mapping[str, Any], *, source: str) -> None:
    as_of = document.get("as_of")
    if as_of is not None:
        if not isinstance(as_of, str):
            raise ImportRejected('"as_of" must be an ISO 8601 date or null', source=source)
        try:
            collected.as_of.append((parse_iso_date(as_of), str(document.get("as_of_basis", ""))))
        except ValueError as error:
            raise ImportRejected(f'"as_of": {error}', source=source) from None
    for row, entry in enumerate(_array(document, "sources", source), start=1):
        if not (
            isinstance(entry, dict)
            and set(entry) <= {"id", "title", "url"}
            and all(isinstance(entry.get(k, ""), str) for k in ("id", "title", "url"))
            and entry.get("id")
            and entry.get("title")
        ):
            raise ImportRejected(
                'a source is {"id", "title", "url"} with non-empty id and title',
                source=source,
                row=row,
            )
        if entry["id"] in collected.sources:
            raise ImportRejected(f"duplicate source id {entry['id']!r}", source=source, row=row)
        collected.sources[entry["id"]] = Source(entry["id"], entry["title"], entry.get("url", ""))
    for row, entry in enumerate(_array(document, "citations", source), start=1):
        collected.citations.append(
            (_parse_citation(entry, source=source, row=row), Located(source, row))
        )
    for row, entry in enumerate(_array(document, "milestones", source), start=1):
        collected.milestones.append(
            (_parse_milestone(entry, source=source, row=row), Located(source, row))
        )
    for note in _array(document, "notes", source):
        if not isinstance(note, str):
            raise ImportRejected('"notes" must be an array of strings', source=source)
        collected.notes.append(note)


def _array(document: Mapping[str, Any], name: str, source: str) -> list[Any]:
    value = document.get(name, [])
    if not isinstance(value, list):
        raise ImportRejected(f'"{name}" must be an array', source=source)
    return value


def _parse_milestone(entry: Any, *, source: str, row: int) -> Milestone:
    def reject(message: str) -> ImportRejected:
        return ImportRejected(message, source=source, row=row)

    if not isinstance(entry, dict) or set(entry) != {"event", "date", "text", "sources"}:
        raise reject('a milestone is {"event", "date", "text", "sources"}')
    if not all(isinstance(entry[k], str) for k in ("event", "date", "text")):
        raise reject('"event", "date" and "text" must be strings')
    sources = entry["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise reject('"sources" must be a list of source ids')
    try:
        day = parse_iso_date(entry["date"])
    except ValueError as error:
        raise reject(f"bad date: {error}") from None
    return Milestone(entry["event"], day, entry["text"], tuple(sources))


def _parse_citation(entry: Any, *, source: str, row: int) -> Citation:
    def reject(message: str) -> ImportRejected:
        return ImportRejected(message, source=source, row=row)

    if not isinstance(entry, dict) or set(entry) != {
        "participant",
        "action",
        "sources",
        "confidence",
    }:
        raise reject('a citation is {"participant", "action", "sources", "confidence"}')
    sources = entry["sources"]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise reject('"sources" must be a non-empty list of source ids')
    if entry["confidence"] not in CONFIDENCE_TAGS:
        raise reject(f"confidence must be one of {', '.join(sorted(CONFIDENCE_TAGS))}")
    try:
        ActionKind(entry["action"])
    except ValueError:
        raise reject(f"unknown action {entry['action']!r}") from None
    return Citation(
        participant=str(entry["participant"]),
        action=str(entry["action"]),
        sources=tuple(sources),
        confidence=str(entry["confidence"]),
    )


def _assemble(collected: _Collected) -> Registry:
    check_actions(collected.actions)
    _check_withdrawals(collected.actions, collected.notifications)
    _check_unique(collected.notifications, "notification")
    ids: set[str] = set()
    for authority, where in collected.authorities:
        if authority.id in ids:
            raise ImportRejected(
                f"duplicate authority id {authority.id!r}", source=where.source, row=where.row
            )
        ids.add(authority.id)
    cited = {(a.participant, a.action.value) for a, _ in collected.actions}
    for citation, where in collected.citations:
        unknown = [s for s in citation.sources if s not in collected.sources]
        if unknown:
            raise ImportRejected(
                f"citation names unknown sources {unknown}", source=where.source, row=where.row
            )
        if (citation.participant, citation.action) not in cited:
            raise ImportRejected(
                f"citation for {citation.participant} {citation.action}, which no action records",
                source=where.source,
                row=where.row,
            )
    for milestone, where in collected.milestones:
        unknown = [s for s in milestone.sources if s not in collected.sources]
        if unknown:
            raise ImportRejected(
                f"milestone names unknown sources {unknown}", source=where.source, row=where.row
            )
    as_of = min(collected.as_of, default=None)
    return Registry(
        actions=sort_actions(a for a, _ in collected.actions),
        notifications=sort_notifications(n for n, _ in collected.notifications),
        authorities=tuple(a for a, _ in collected.authorities),
        as_of=None if as_of is None else as_of[0],
        as_of_basis="" if as_of is None else as_of[1],
        sources=tuple(collected.sources.values()),
        citations=tuple(c for c, _ in collected.citations),
        milestones=tuple(m for m, _ in collected.milestones),
        notes=tuple(collected.notes),
    )


def _check_withdrawals(
    actions: Iterable[tuple[TreatyAction, Located]],
    notifications: Sequence[tuple[Notification, Located]],
) -> None:
    for action, where in actions:
        if action.action is not ActionKind.RESERVATION_WITHDRAWAL:
            continue
        if not any(
            n.participant == action.participant
            and n.kind.value == action.note
            and n.date <= action.on
            for n, _ in notifications
        ):
            raise ImportRejected(
                f"{action.participant} withdraws {action.note} on {action.on}, but no such "
                "reservation was notified on or before that day",
                source=where.source,
                row=where.row,
            )


def _check_unique(items: Sequence[tuple[Notification, Located]], what: str) -> None:
    seen: set[Notification] = set()
    for item, where in items:
        if item in seen:
            raise ImportRejected(f"duplicate {what}", source=where.source, row=where.row)
        seen.add(item)
