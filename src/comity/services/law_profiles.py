"""Use cases of national law profiles on a node: import, export, and the current profiles.

Mirrors :mod:`comity.services.registry`. An import is all or nothing: every file is parsed and
checked strictly first (:func:`comity.rules.load_profiles`; a bad file raises
:class:`~comity.rules.RulesDataError` naming the file and line, and nothing is written). The
profiles it brings replace the node's profiles of the same States; the others are kept. The
result is stored as a new snapshot (a JSON array of ``comity.law-profile/1`` documents ordered
by State, identified by :func:`~comity.rules.profiles.profiles_digest`) with its
``law_profiles.imported`` event, in one transaction. A change of profiles is a reason to
re-screen (``comity screening rescreen-all``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from comity.rules import LawProfile, load_profiles, parse_profile
from comity.rules.profiles import profile_to_json, profiles_digest
from comity.services.journal import record_event
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.screening_store import insert_profile_snapshot, latest_profile_snapshot

__all__ = [
    "ProfilesImport",
    "StoredProfiles",
    "import_files",
    "import_profiles",
    "node_profiles",
    "profiles_in",
]


@dataclass(frozen=True)
class ProfilesImport:
    """What an import stored: the snapshot, its digest, all profiles, the States replaced."""

    seq: int
    sha256: str
    profiles: Mapping[str, LawProfile]
    replaced: tuple[str, ...]
    added: tuple[str, ...]


@dataclass(frozen=True)
class StoredProfiles:
    """The node's current profiles: snapshot ``seq`` and its digest."""

    seq: int
    sha256: str
    profiles: Mapping[str, LawProfile]


def _document(profiles: Mapping[str, LawProfile]) -> str:
    return json.dumps(
        [profile_to_json(profiles[code]) for code in sorted(profiles)],
        ensure_ascii=False,
        sort_keys=True,
    )


def profiles_in(connection: Connection) -> StoredProfiles | None:
    """The newest snapshot read inside the caller's transaction, or ``None``."""
    latest = latest_profile_snapshot(connection)
    if latest is None:
        return None
    seq, sha256, document = latest
    profiles = {}
    for i, data in enumerate(json.loads(document)):
        profile = parse_profile(json.dumps(data), f"law profile snapshot {seq} item {i}")
        profiles[profile.state] = profile
    return StoredProfiles(seq, sha256, profiles)


def node_profiles(engine: Engine) -> StoredProfiles | None:
    """The node's current profiles, or ``None`` when none was ever imported."""
    with read_transaction(engine) as connection:
        return profiles_in(connection)


def import_profiles(
    engine: Engine,
    incoming: Mapping[str, LawProfile],
    *,
    sources: Sequence[str],
    at: datetime | None = None,
) -> ProfilesImport:
    """Store ``incoming`` over the node's profiles (same States replaced), with its event."""
    at = at or datetime.now(UTC)
    with write_transaction(engine) as connection:
        current = profiles_in(connection)
        merged = dict(current.profiles) if current else {}
        replaced = tuple(sorted(code for code in incoming if code in merged))
        added = tuple(sorted(code for code in incoming if code not in merged))
        merged.update(incoming)
        digest = profiles_digest(merged)
        seq = insert_profile_snapshot(connection, _document(merged), digest, sources, at)
        record_event(
            connection,
            tag="law_profiles.imported",
            authority=None,
            subject=f"law-profiles/{seq}",
            payload={
                "snapshot": seq,
                "sha256": digest,
                "sources": list(sources),
                "replaced": list(replaced),
                "added": list(added),
                "states": sorted(merged),
            },
            header_values={},
            at=at,
        )
    return ProfilesImport(seq, digest, merged, replaced, added)


def import_files(engine: Engine, paths: Sequence[Path]) -> ProfilesImport:
    """Load ``paths`` strictly (all or nothing), then :func:`import_profiles` them."""
    incoming = load_profiles(paths)
    return import_profiles(engine, incoming, sources=[Path(p).name for p in paths])
