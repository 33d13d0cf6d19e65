"""SQL of screening: reports, decisions, sealed subjects and law profile snapshots.

Rows are keyed by a request's identifier string (no foreign key to a requests table). Times
are stored in UTC: aware on PostgreSQL, naive on SQLite (which keeps no zone), and read back
aware.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from comity.rules import Decision, ScreeningReport, Verdict
from comity.storage.models import (
    finding_decisions,
    law_profile_snapshots,
    screening_reports,
    screening_subjects,
)

__all__ = [
    "StoredReport",
    "db_time",
    "decisions_of",
    "from_db_time",
    "insert_decision",
    "insert_profile_snapshot",
    "insert_report",
    "latest_profile_snapshot",
    "latest_report",
    "latest_reports",
    "put_subject",
    "reports_of",
    "subjects_after",
]


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A report as stored: its sequence number, request and side."""

    seq: int
    request_id: str
    side: str
    report: ScreeningReport


def db_time(connection: Connection, at: dt.datetime) -> dt.datetime:
    """``at`` in UTC as the database stores it (naive on SQLite)."""
    at = at.astimezone(dt.UTC)
    return at.replace(tzinfo=None) if connection.dialect.name == "sqlite" else at


def from_db_time(value: dt.datetime) -> dt.datetime:
    """A stored time, aware (UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def insert_report(
    connection: Connection, request_id: str, side: str, report: ScreeningReport
) -> int:
    """Store ``report``; its sequence number."""
    return int(
        connection.execute(
            screening_reports.insert()
            .values(
                request_id=request_id,
                side=side,
                report=json.dumps(report.as_dict(), ensure_ascii=False, sort_keys=True),
                rules_version=report.rules_version,
                rules_digest=report.rules_digest,
                registry_digest=report.registry_digest,
                profiles_digest=report.profiles_digest,
                screened_at=db_time(connection, report.screened_at),
            )
            .returning(screening_reports.c.seq)
        ).scalar_one()
    )


def _stored(row: Any) -> StoredReport:
    return StoredReport(
        int(row.seq), row.request_id, row.side, ScreeningReport.from_dict(json.loads(row.report))
    )


_REPORT_COLUMNS = (
    screening_reports.c.seq,
    screening_reports.c.request_id,
    screening_reports.c.side,
    screening_reports.c.report,
)


def reports_of(connection: Connection, request_id: str, side: str) -> list[StoredReport]:
    """Every report of a request on one side, oldest first."""
    rows = connection.execute(
        sa.select(*_REPORT_COLUMNS)
        .where(screening_reports.c.request_id == request_id, screening_reports.c.side == side)
        .order_by(screening_reports.c.seq)
    )
    return [_stored(row) for row in rows]


def latest_report(connection: Connection, request_id: str, side: str) -> StoredReport | None:
    """The newest report of a request on one side, or ``None``."""
    row = connection.execute(
        sa.select(*_REPORT_COLUMNS)
        .where(screening_reports.c.request_id == request_id, screening_reports.c.side == side)
        .order_by(screening_reports.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else _stored(row)


def latest_reports(
    connection: Connection, request_ids: Sequence[str], side: str
) -> dict[str, StoredReport]:
    """The newest report of each of ``request_ids`` on one side (absent when none)."""
    if not request_ids:
        return {}
    newest = (
        sa.select(sa.func.max(screening_reports.c.seq))
        .where(
            screening_reports.c.request_id.in_(list(request_ids)),
            screening_reports.c.side == side,
        )
        .group_by(screening_reports.c.request_id)
    )
    rows = connection.execute(
        sa.select(*_REPORT_COLUMNS).where(screening_reports.c.seq.in_(newest))
    )
    return {row.request_id: _stored(row) for row in rows}


def insert_decision(
    connection: Connection, request_id: str, report_seq: int, decision: Decision
) -> int:
    """Store a reviewer's decision on a finding of report ``report_seq``."""
    return int(
        connection.execute(
            finding_decisions.insert()
            .values(
                request_id=request_id,
                report_seq=report_seq,
                finding_id=decision.finding_id,
                verdict=decision.verdict.value,
                reviewer=decision.by,
                reasons=decision.reasons,
                decided_at=db_time(connection, decision.at),
            )
            .returning(finding_decisions.c.seq)
        ).scalar_one()
    )


def decisions_of(connection: Connection, request_id: str) -> list[tuple[int, Decision]]:
    """Every decision on the request's findings, oldest first, with its report's number."""
    rows = connection.execute(
        sa.select(finding_decisions)
        .where(finding_decisions.c.request_id == request_id)
        .order_by(finding_decisions.c.seq)
    )
    return [
        (
            int(row.report_seq),
            Decision(
                row.finding_id,
                Verdict(row.verdict),
                row.reviewer,
                from_db_time(row.decided_at),
                row.reasons,
            ),
        )
        for row in rows
    ]


def put_subject(
    connection: Connection, request_id: str, side: str, sealed: bytes, at: dt.datetime
) -> None:
    """Store (or replace) the sealed subject of a request's screening on one side."""
    key = (screening_subjects.c.request_id == request_id) & (screening_subjects.c.side == side)
    values = {"sealed": sealed, "stored_at": db_time(connection, at)}
    updated = connection.execute(screening_subjects.update().where(key).values(**values))
    if updated.rowcount == 0:
        connection.execute(
            screening_subjects.insert().values(request_id=request_id, side=side, **values)
        )


def subjects_after(
    connection: Connection, after: tuple[str, str] | None, limit: int
) -> list[tuple[str, str, bytes]]:
    """Up to ``limit`` sealed subjects ordered by (request, side), after ``after``."""
    query = sa.select(
        screening_subjects.c.request_id, screening_subjects.c.side, screening_subjects.c.sealed
    )
    if after is not None:
        query = query.where(
            sa.tuple_(screening_subjects.c.request_id, screening_subjects.c.side)
            > sa.tuple_(sa.literal(after[0]), sa.literal(after[1]))
        )
    rows = connection.execute(
        query.order_by(screening_subjects.c.request_id, screening_subjects.c.side).limit(limit)
    )
    return [(row.request_id, row.side, bytes(row.sealed)) for row in rows]


def insert_profile_snapshot(
    connection: Connection, document: str, sha256: str, sources: Sequence[str], at: dt.datetime
) -> int:
    """Store a law profile snapshot; its sequence number."""
    return int(
        connection.execute(
            law_profile_snapshots.insert()
            .values(
                imported_at=db_time(connection, at),
                sha256=sha256,
                document=document,
                sources=list(sources),
            )
            .returning(law_profile_snapshots.c.seq)
        ).scalar_one()
    )


def latest_profile_snapshot(connection: Connection) -> tuple[int, str, str] | None:
    """The newest snapshot: (seq, sha256, document), or ``None``."""
    row = connection.execute(
        sa.select(
            law_profile_snapshots.c.seq,
            law_profile_snapshots.c.sha256,
            law_profile_snapshots.c.document,
        )
        .order_by(law_profile_snapshots.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row.seq), row.sha256, row.document)
