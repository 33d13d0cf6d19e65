"""SQL of the pattern index: request summaries, their keyed hashes and flags, running counts.

The pattern inputs of one request are computed with indexed queries, never by loading the
history: the earlier refused requests sharing a hash (``request_summary_hashes`` by hash), an
authority's counts against all (``pattern_counts``: one row per authority, kept with each
summary), the requests of a requesting State with a flag (``request_summary_flags`` by key),
the requests of one investigation (``ix_request_summaries_investigation``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from comity.rules import RequestSummary
from comity.storage.models import (
    pattern_counts,
    request_summaries,
    request_summary_flags,
    request_summary_hashes,
)
from comity.storage.screening_store import db_time, from_db_time

__all__ = [
    "authority_counts",
    "emergency_refs",
    "flag_refs",
    "insert_summaries",
    "investigation_requests",
    "refused_earlier",
    "set_outcome",
    "store_summary",
]

_s = request_summaries.c
_h = request_summary_hashes.c
_f = request_summary_flags.c
_n = pattern_counts.c


def _summary_row(connection: Connection, s: RequestSummary) -> dict[str, Any]:
    return {
        "request_id": s.ref,
        "requested_state": s.requested_state,
        "requesting_state": s.requesting_state,
        "requesting_authority": s.requesting_authority,
        "kind": s.kind,
        "urgency": s.urgency,
        "outcome": s.outcome,
        "offence_key": s.offence_key,
        "investigation_hash": s.investigation_ref,
        "identifier_count": s.identifier_count,
        "at": db_time(connection, s.at),
    }


def _hash_rows(s: RequestSummary) -> list[dict[str, str]]:
    rows = [{"hash": h, "request_id": s.ref, "kind": "i"} for h in sorted(s.identifier_hashes)]
    rows += [{"hash": h, "request_id": s.ref, "kind": "p"} for h in sorted(s.person_hashes)]
    return rows


def _flag_rows(s: RequestSummary) -> list[dict[str, str]]:
    return [
        {
            "requested_state": s.requested_state,
            "requesting_state": s.requesting_state,
            "flag": flag,
            "request_id": s.ref,
        }
        for flag in sorted(s.flags)
    ]


def _add_counts(connection: Connection, deltas: Counter[tuple[str, str, bool]]) -> None:
    totals: Counter[tuple[str, str]] = Counter()
    emergencies: Counter[tuple[str, str]] = Counter()
    for (state, authority, emergency), n in deltas.items():
        totals[(state, authority)] += n
        if emergency:
            emergencies[(state, authority)] += n
    keys = sorted(k for k in totals if totals[k] or emergencies[k])
    if not keys:
        return
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert
    statement = insert(pattern_counts)
    statement = statement.on_conflict_do_update(
        index_elements=[_n.requested_state, _n.requesting_authority],
        set_={
            "total": _n.total + statement.excluded.total,
            "emergencies": _n.emergencies + statement.excluded.emergencies,
        },
    )
    connection.execute(
        statement,
        [
            {
                "requested_state": state,
                "requesting_authority": authority,
                "total": totals[(state, authority)],
                "emergencies": emergencies[(state, authority)],
            }
            for state, authority in keys
        ],
    )


def store_summary(connection: Connection, summary: RequestSummary) -> None:
    """Store the summary of one request, replacing an earlier one of the same request."""
    deltas: Counter[tuple[str, str, bool]] = Counter()
    old = connection.execute(
        sa.select(_s.requested_state, _s.requesting_authority, _s.urgency).where(
            _s.request_id == summary.ref
        )
    ).first()
    if old is not None:
        deltas[(old.requested_state, old.requesting_authority, old.urgency == "emergency")] -= 1
        connection.execute(request_summary_hashes.delete().where(_h.request_id == summary.ref))
        connection.execute(request_summary_flags.delete().where(_f.request_id == summary.ref))
        connection.execute(
            request_summaries.update()
            .where(_s.request_id == summary.ref)
            .values(**_summary_row(connection, summary))
        )
    else:
        connection.execute(request_summaries.insert().values(**_summary_row(connection, summary)))
    if hashes := _hash_rows(summary):
        connection.execute(request_summary_hashes.insert(), hashes)
    if flags := _flag_rows(summary):
        connection.execute(request_summary_flags.insert(), flags)
    deltas[
        (summary.requested_state, summary.requesting_authority, summary.urgency == "emergency")
    ] += 1
    _add_counts(connection, deltas)


def insert_summaries(connection: Connection, summaries: Iterable[RequestSummary]) -> int:
    """Insert the summaries of new requests in batches (executemany); how many were inserted.

    For loading a history at once (a migration from another system, a benchmark); the requests
    must not be in the index yet.
    """
    rows: list[dict[str, Any]] = []
    hashes: list[dict[str, str]] = []
    flags: list[dict[str, str]] = []
    deltas: Counter[tuple[str, str, bool]] = Counter()
    for s in summaries:
        rows.append(_summary_row(connection, s))
        hashes += _hash_rows(s)
        flags += _flag_rows(s)
        deltas[(s.requested_state, s.requesting_authority, s.urgency == "emergency")] += 1
    if rows:
        connection.execute(request_summaries.insert(), rows)
    if hashes:
        connection.execute(request_summary_hashes.insert(), hashes)
    if flags:
        connection.execute(request_summary_flags.insert(), flags)
    _add_counts(connection, deltas)
    return len(rows)


def set_outcome(connection: Connection, request_id: str, outcome: str) -> bool:
    """Record that a request was refused, granted ... ; False if it has no summary."""
    result = connection.execute(
        request_summaries.update().where(_s.request_id == request_id).values(outcome=outcome)
    )
    return bool(result.rowcount)


def refused_earlier(
    connection: Connection,
    requested_state: str,
    hashes: Sequence[str],
    before: dt.datetime,
    exclude: str,
) -> dict[str, str]:
    """Refused requests to ``requested_state`` made before ``before`` that share one of
    ``hashes``: request id -> requesting State."""
    if not hashes:
        return {}
    # By primary key only, filtered here: given more conditions, a planner without statistics
    # may start from the requested State's index, which spans the whole history.
    sharing = connection.execute(
        sa.select(_h.request_id).distinct().where(_h.hash.in_(sorted(hashes)))
    ).scalars()
    candidates = sorted(set(sharing) - {exclude})
    if not candidates:
        return {}
    rows = connection.execute(
        sa.select(_s.request_id, _s.requesting_state, _s.requested_state, _s.outcome, _s.at).where(
            _s.request_id.in_(candidates)
        )
    )
    limit = from_db_time(db_time(connection, before))
    return {
        row.request_id: row.requesting_state
        for row in rows
        if row.requested_state == requested_state
        and row.outcome == "refused"
        and from_db_time(row.at) < limit
    }


def authority_counts(
    connection: Connection, requested_state: str, authority: str
) -> tuple[int, int, int, int]:
    """(total, emergencies) of ``authority`` and of all authorities, to ``requested_state``."""
    mine = connection.execute(
        sa.select(_n.total, _n.emergencies).where(
            _n.requested_state == requested_state, _n.requesting_authority == authority
        )
    ).first()
    everyone = connection.execute(
        sa.select(sa.func.sum(_n.total), sa.func.sum(_n.emergencies)).where(
            _n.requested_state == requested_state
        )
    ).one()
    return (
        int(mine.total) if mine else 0,
        int(mine.emergencies) if mine else 0,
        int(everyone[0] or 0),
        int(everyone[1] or 0),
    )


def emergency_refs(
    connection: Connection, requested_state: str, authority: str, limit: int
) -> list[str]:
    """The authority's emergency requests (the ``limit`` most recent)."""
    rows = connection.execute(
        sa.select(_s.request_id)
        .where(
            _s.requested_state == requested_state,
            _s.requesting_authority == authority,
            _s.urgency == "emergency",
        )
        .order_by(_s.at.desc(), _s.request_id)
        .limit(limit)
    )
    return [row.request_id for row in rows]


def flag_refs(
    connection: Connection, requested_state: str, requesting_state: str, flag: str, limit: int
) -> tuple[int, list[str]]:
    """How many requests from ``requesting_state`` carry ``flag``, and up to ``limit`` of them."""
    key = (
        (_f.requested_state == requested_state)
        & (_f.requesting_state == requesting_state)
        & (_f.flag == flag)
    )
    count = connection.execute(
        sa.select(sa.func.count()).select_from(request_summary_flags).where(key)
    ).scalar_one()
    refs = connection.execute(
        sa.select(_f.request_id).where(key).order_by(_f.request_id).limit(limit)
    )
    return int(count), [row.request_id for row in refs]


def investigation_requests(
    connection: Connection, requested_state: str, requesting_state: str, investigation: str
) -> tuple[list[str], int, int]:
    """The requests of one investigation: their ids, the most identifiers one names, and the
    number of distinct identifier hashes they name together."""
    key = (
        (_s.requested_state == requested_state)
        & (_s.requesting_state == requesting_state)
        & (_s.investigation_hash == investigation)
    )
    rows = connection.execute(sa.select(_s.request_id, _s.identifier_count).where(key)).all()
    if not rows:
        return [], 0, 0
    distinct = connection.execute(
        sa.select(sa.func.count(sa.distinct(_h.hash)))
        .select_from(request_summary_hashes.join(request_summaries, _s.request_id == _h.request_id))
        .where(key, _h.kind == "i")
    ).scalar_one()
    return [r.request_id for r in rows], max(r.identifier_count for r in rows), int(distinct)
