"""The auditor's use cases over a node's public log: verify it, recompute its statistics.

These take a ``fetch(path) -> bytes`` for the log's tlog-tiles paths, so they run the same
over HTTP (``comity ledger verify URL``), over a test client, or over the node's own database.
The last verified checkpoint is kept in a state file (one per log origin), so the next run
checks that the log only grew: a rollback or a fork raises
:class:`~comity.ledger.fork.ForkDetected` carrying both signed checkpoints, and the state file
keeps the earlier one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from comity.errors import LogConsistencyError
from comity.ledger.cosignature import CosignatureVerifier
from comity.ledger.entry import LedgerEntry
from comity.ledger.note import Ed25519Verifier
from comity.ledger.stats import compute_statistics, statistics_json
from comity.ledger.verify import VerifiedLog, load_state, save_state, verify_log

__all__ = ["StatisticsCheck", "audit_log", "check_statistics", "default_state_file"]

Fetch = Callable[[str], bytes]


def default_state_file(origin: str) -> Path:
    """``<user data dir>/comity/verifier/<origin>.checkpoint`` (unsafe characters as ``_``)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", origin)
    base = Path(platformdirs.user_data_dir("comity", appauthor=False))
    return base / "verifier" / f"{safe}.checkpoint"


def audit_log(
    fetch: Fetch,
    vkey: str,
    *,
    state_file: Path | None = None,
    full: bool = True,
    witnesses: tuple[CosignatureVerifier, ...] = (),
    entries: list[bytes] | None = None,
) -> VerifiedLog:
    """Verify the log and its consistency with the state file, then update the state file.

    ``entries``, when given, receives every verified entry (full mode).
    """
    verifier = Ed25519Verifier.from_vkey(vkey)
    path = state_file or default_state_file(verifier.name)
    on_entry = None if entries is None else (lambda _i, e: entries.append(e))
    result = verify_log(
        fetch, verifier, load_state(path), witnesses=witnesses, full=full, on_entry=on_entry
    )
    save_state(path, result.checkpoint.note)
    return result


@dataclass(frozen=True, slots=True)
class StatisticsCheck:
    """The statistics recomputed from the headers and whether they match the node's."""

    tree_size: int
    recomputed: bytes
    published: bytes

    @property
    def matches(self) -> bool:
        """True when the node published exactly the recomputed figures."""
        return self.recomputed == self.published


def check_statistics(
    verified_entries: list[bytes], published: bytes, published_size: int
) -> StatisticsCheck:
    """Recompute the statistics of the first ``published_size`` verified entries."""
    if published_size > len(verified_entries):
        raise LogConsistencyError(
            f"the node published statistics for {published_size} entries but its verified "
            f"log has {len(verified_entries)}"
        )
    recomputed = statistics_json(
        compute_statistics(LedgerEntry.decode(e) for e in verified_entries[:published_size])
    )
    return StatisticsCheck(published_size, recomputed, published)
