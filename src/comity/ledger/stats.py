"""Transparency statistics that anyone can recompute from the public entry headers alone.

Counts are keyed by calendar quarter, event type, State pair (requesting, requested), request
kind and outcome; a field a node does not publish, or an entry does not carry, counts as
``None``. Published figures are RFC 8785 canonical JSON (:func:`statistics_json`), so an
auditor who ran :func:`~comity.ledger.verify.verify_log` can recompute them byte for byte.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass

import rfc8785

from comity.ledger.entry import LedgerEntry, period_quarter

__all__ = ["StatKey", "compute_statistics", "sent_and_received", "statistics_json"]


@dataclass(frozen=True, slots=True)
class StatKey:
    """One cell of the statistics table."""

    quarter: str | None
    event: str | None
    requesting_state: str | None
    requested_state: str | None
    kind: str | None
    outcome: str | None

    def sort_key(self) -> tuple[str, ...]:
        """Order with ``None`` first in every column."""
        return tuple("" if v is None else "~" + v for v in asdict(self).values())


def _key(header: Mapping[str, str]) -> StatKey:
    return StatKey(
        period_quarter(header),
        header.get("event"),
        header.get("requesting_state"),
        header.get("requested_state"),
        header.get("kind"),
        header.get("outcome"),
    )


def compute_statistics(
    entries: Iterable[bytes | LedgerEntry], *, events: Collection[str] | None = None
) -> Counter[StatKey]:
    """Count entries per :class:`StatKey`; ``events`` restricts to those event types."""
    counts: Counter[StatKey] = Counter()
    for item in entries:
        entry = LedgerEntry.decode(item) if isinstance(item, bytes) else item
        if events is not None and entry.header.get("event") not in events:
            continue
        counts[_key(entry.header)] += 1
    return counts


def sent_and_received(counts: Mapping[StatKey, int], state: str) -> dict[str, int]:
    """Totals for one State: entries it requested (``sent``) and was asked (``received``)."""
    sent = sum(n for k, n in counts.items() if k.requesting_state == state)
    received = sum(n for k, n in counts.items() if k.requested_state == state)
    return {"sent": sent, "received": received}


def statistics_json(counts: Mapping[StatKey, int]) -> bytes:
    """RFC 8785 JSON: ``{"rows": [{...key fields..., "count": n}, ...]}`` in a fixed order."""
    rows = [
        {**asdict(key), "count": counts[key]}
        for key in sorted(counts, key=StatKey.sort_key)
        if counts[key]
    ]
    return rfc8785.dumps({"rows": rows})
