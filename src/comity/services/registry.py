"""Use cases of the treaty registry on a node: import, export, and the current registry.

An import is all or nothing. The files are parsed and validated completely before anything is
written (a bad row raises :class:`~comity.errors.ImportRejected` naming the file and row); the
sections they bring replace the node's sections of the same kind, the whole result is validated
again, and it is stored as a new snapshot together with its event, in one transaction.

Which sections an import replaces: treaty actions, notifications and the directory each
replace the node's when the import holds at least one entry of that kind; the data's
``as_of``, sources, citations and milestones replace the node's when the import states an
``as_of``. Sections the import does not bring are kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from comity.registry.shipped import shipped_registry
from comity.registry.snapshot import Registry, parse_files, parse_texts
from comity.services.journal import record_event
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.models import registry_snapshots

__all__ = [
    "ImportResult",
    "RegistrySource",
    "current_registry",
    "import_files",
    "import_registry",
    "merge",
    "node_registry",
    "registry_in",
]

_METADATA_FIELDS = ("as_of", "as_of_basis", "sources", "citations", "milestones", "notes")


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: the snapshot's sequence number, digest and contents."""

    seq: int
    sha256: str
    registry: Registry
    replaced: tuple[str, ...]


@dataclass(frozen=True)
class RegistrySource:
    """A registry and where it came from: ``node`` (snapshot ``seq``) or ``shipped``."""

    registry: Registry
    source: str
    seq: int | None = None


def merge(current: Registry, incoming: Registry) -> tuple[Registry, tuple[str, ...]]:
    """``current`` with the sections that ``incoming`` brings replaced (module docstring)."""
    changes: dict[str, object] = {}
    for section in ("actions", "notifications", "authorities"):
        if getattr(incoming, section):
            changes[section] = getattr(incoming, section)
    if incoming.as_of is not None:
        changes.update({name: getattr(incoming, name) for name in _METADATA_FIELDS})
    replaced = tuple(
        name for name in changes if name in ("actions", "notifications", "authorities")
    )
    if incoming.as_of is not None:
        replaced += ("metadata",)
    merged = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
    # Validate the whole again: a notification may now refer to a participant without actions.
    document = json.dumps(merged.to_json(), ensure_ascii=False)
    return parse_texts([("merged registry", document)], suffixes=[".json"]), replaced


def _canonical(registry: Registry) -> tuple[str, str]:
    document = json.dumps(registry.to_json(), ensure_ascii=False, sort_keys=True)
    return document, hashlib.sha256(document.encode("utf-8")).hexdigest()


def _latest(connection: Connection) -> tuple[int, Registry] | None:
    row = connection.execute(
        sa.select(registry_snapshots.c.seq, registry_snapshots.c.document)
        .order_by(registry_snapshots.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return int(row.seq), Registry.from_json(row.document, source=f"snapshot {row.seq}")


def import_registry(
    engine: Engine, incoming: Registry, *, sources: Sequence[str], at: datetime | None = None
) -> ImportResult:
    """Store ``incoming`` merged into the node's registry, with its event; all or nothing."""
    at = at or datetime.now(UTC)
    with write_transaction(engine) as connection:
        latest = _latest(connection)
        merged, replaced = merge(latest[1] if latest else Registry(), incoming)
        document, digest = _canonical(merged)
        seq = connection.execute(
            registry_snapshots.insert()
            .values(imported_at=at, sha256=digest, document=document, sources=list(sources))
            .returning(registry_snapshots.c.seq)
        ).scalar_one()
        record_event(
            connection,
            tag="registry.imported",
            authority=None,
            subject=f"registry/{seq}",
            payload={
                "snapshot": seq,
                "sha256": digest,
                "sources": list(sources),
                "replaced": list(replaced),
                "counts": {
                    "actions": len(merged.actions),
                    "notifications": len(merged.notifications),
                    "authorities": len(merged.authorities),
                },
            },
            header_values={},
            at=at,
        )
    return ImportResult(int(seq), digest, merged, replaced)


def import_files(engine: Engine, paths: Sequence[Path]) -> ImportResult:
    """Parse ``paths`` (all or nothing), then :func:`import_registry` them."""
    incoming = parse_files(paths)
    return import_registry(engine, incoming, sources=[Path(p).name for p in paths])


def node_registry(engine: Engine) -> RegistrySource | None:
    """The node's current registry, or ``None`` when nothing was ever imported."""
    with read_transaction(engine) as connection:
        latest = _latest(connection)
    return None if latest is None else RegistrySource(latest[1], "node", latest[0])


def current_registry(engine: Engine | None) -> RegistrySource:
    """The node's registry when it holds one, otherwise the data shipped with Comity."""
    found = node_registry(engine) if engine is not None else None
    return found or RegistrySource(shipped_registry(), "shipped")


def registry_in(connection: Connection) -> Registry:
    """The node's current registry read inside the caller's transaction, else the shipped data."""
    latest = _latest(connection)
    return latest[1] if latest is not None else shipped_registry()
