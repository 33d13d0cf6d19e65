"""Use cases of screening on a node: screen and store, decisions, reports, grantability.

The requests services call :func:`screen_and_store` when a request is drafted (side
``requesting``, the self-check) and when one is received (side ``requested``), inside their own
write transaction, with the request's identifier string; they call :func:`require_grantable`
before a grant and :func:`comity.storage.pattern_store.set_outcome` when a request is refused
or granted (the outcome feeds the "asked again after refusal" pattern).

What is stored, per request and side: every report (append-only; a re-screening adds one, and
the event records the differences with the previous one), every reviewer's decision
(append-only), and the screening's subject (the document, day and annotations) sealed with
ChaCha20-Poly1305 (RFC 8439) under a key derived by HKDF-SHA-256 (RFC 5869) from the node
secret, for re-screening (:mod:`comity.services.rescreen`). Findings never carry an
identifier or a person's name in clear: the data they rest on names them by their place in
the document (``identifiers[0]``, ``persons[1]``).

A decision counts for the current report when it was made on it, or on an earlier report whose
finding of the same id is unchanged (outcome, data, citations, ground): re-screening does not
undo a reviewer's decision unless the finding itself changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import Connection

from comity.cases.document import RequestDocument
from comity.errors import NotFound, SafeguardViolation, StorageError
from comity.rules import (
    Annotations,
    Decision,
    Finding,
    Inputs,
    Outcome,
    PatternThresholds,
    RuleSet,
    Side,
    Verdict,
    decide,
    diff_reports,
    override_events,
    screen,
    shipped_rules,
    unresolved,
)
from comity.rules import require_grantable as require_grantable_report
from comity.services.journal import record_event
from comity.services.law_profiles import profiles_in
from comity.services.registry import registry_in
from comity.services.screening_patterns import patterns_for, summarise
from comity.storage import pattern_store
from comity.storage.screening_store import (
    StoredReport,
    decisions_of,
    insert_decision,
    insert_report,
    latest_report,
    put_subject,
    reports_of,
)

__all__ = [
    "ScreeningView",
    "Subject",
    "effective_decisions",
    "node_inputs",
    "record_decision",
    "redact",
    "report_history",
    "require_grantable",
    "require_sendable",
    "screen_and_store",
    "screening_view",
    "seal_subject",
    "unseal_subject",
]


def node_inputs(connection: Connection, rules: RuleSet | None = None) -> Inputs:
    """The node's current rules (shipped unless given), registry and law profiles."""
    stored = profiles_in(connection)
    return Inputs(
        rules or shipped_rules(), registry_in(connection), stored.profiles if stored else {}
    )


@dataclass(frozen=True)
class Subject:
    """What a screening looked at: the document, the day, the reviewer's annotations."""

    document: RequestDocument
    on_date: dt.date
    annotations: Annotations


def _subject_key(secret: bytes) -> ChaCha20Poly1305:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"comity screening subject v1"
    ).derive(secret)
    return ChaCha20Poly1305(key)


def seal_subject(secret: bytes, request_id: str, side: str, subject: Subject) -> bytes:
    """The subject as JSON, sealed (nonce || ciphertext), bound to the request and side."""
    data = {
        "document": subject.document.model_dump(mode="json", by_alias=True, exclude_none=True),
        "on_date": subject.on_date.isoformat(),
        "annotations": {
            str(i): sorted(c) for i, c in subject.annotations.person_categories.items()
        },
    }
    nonce = secrets.token_bytes(12)
    aad = f"{request_id}\n{side}".encode()
    return nonce + _subject_key(secret).encrypt(nonce, json.dumps(data).encode(), aad)


def unseal_subject(secret: bytes, request_id: str, side: str, sealed: bytes) -> Subject:
    """Open :func:`seal_subject`; :class:`StorageError` if it was altered or the secret differs."""
    aad = f"{request_id}\n{side}".encode()
    try:
        plain = _subject_key(secret).decrypt(sealed[:12], sealed[12:], aad)
    except InvalidTag:
        raise StorageError(
            f"the screening subject of {request_id!r} does not open with this node secret"
        ) from None
    data = json.loads(plain)
    return Subject(
        RequestDocument.model_validate(data["document"]),
        dt.date.fromisoformat(data["on_date"]),
        Annotations({int(i): frozenset(c) for i, c in data["annotations"].items()}),
    )


def redact(findings: Sequence[Finding], document: RequestDocument) -> tuple[Finding, ...]:
    """``findings`` with identifiers and person names in their data named by their place."""
    clear = {p.name: f"persons[{n}]" for n, p in enumerate(document.persons) if p.name}
    for n, identifier in enumerate(document.identifiers):
        clear[identifier.normalised()] = f"identifiers[{n}]"
    out = []
    for f in findings:
        rests_on = tuple((clear.get(w, w), clear.get(v, v)) for w, v in f.rests_on)
        out.append(f if rests_on == f.rests_on else dataclasses.replace(f, rests_on=rests_on))
    return tuple(out)


def screen_and_store(
    connection: Connection,
    request_id: str,
    document: RequestDocument,
    side: Side | str,
    *,
    secret: bytes,
    at: dt.datetime,
    inputs: Inputs | None = None,
    on_date: dt.date | None = None,
    annotations: Annotations | None = None,
    outcome: str = "pending",
    thresholds: PatternThresholds | None = None,
) -> StoredReport:
    """Screen ``document`` (request ``request_id``) and store the report, in the caller's
    write transaction, with its ``screening.screened`` event.

    On the ``requested`` side the request's summary is stored in the pattern index (keyed
    hashes only) and the pattern findings that concern it are added to the report.
    ``inputs`` defaults to :func:`node_inputs`; ``on_date`` to the UTC day of ``at``.
    """
    side = Side(side)
    inputs = inputs or node_inputs(connection)
    day = on_date or at.astimezone(dt.UTC).date()
    notes = annotations or Annotations()
    report = screen(inputs, document, side=side, on_date=day, screened_at=at, annotations=notes)
    findings = report.findings
    if side is Side.REQUESTED:
        summary = summarise(
            request_id,
            document,
            secret=secret,
            at=at,
            outcome=outcome,
            profiles=dict(inputs.profiles),
            annotations=notes,
        )
        pattern_store.store_summary(connection, summary)
        findings += patterns_for(connection, summary, inputs.rules.instrument, thresholds)
    report = dataclasses.replace(report, findings=redact(findings, document))
    previous = latest_report(connection, request_id, side.value)
    seq = insert_report(connection, request_id, side.value, report)
    put_subject(
        connection,
        request_id,
        side.value,
        seal_subject(secret, request_id, side.value, Subject(document, day, notes)),
        at,
    )
    payload: dict[str, Any] = {
        "request": request_id,
        "side": side.value,
        "report": seq,
        "findings": [{"id": f.id, "outcome": f.outcome.value} for f in report.findings],
        "rules_version": report.rules_version,
        "rules_digest": report.rules_digest,
        "registry_digest": report.registry_digest,
        "profiles_digest": report.profiles_digest,
    }
    if previous is not None:
        payload["previous_report"] = previous.seq
        payload["changes"] = diff_reports(previous.report, report).lines()
    record_event(
        connection,
        tag="screening.screened",
        authority=None,
        subject=f"screening/{request_id}",
        payload=payload,
        header_values={
            "requesting_state": document.requesting_state,
            "requested_state": document.requested_state,
            "kind": document.kind,
        },
        at=at,
    )
    return StoredReport(seq, request_id, side.value, report)


def _same(a: Finding | None, b: Finding | None) -> bool:
    return (
        a is not None
        and b is not None
        and (a.outcome, a.rests_on, a.citations, a.ground)
        == (b.outcome, b.rests_on, b.citations, b.ground)
    )


def effective_decisions(
    reports: Sequence[StoredReport], decisions: Sequence[tuple[int, Decision]]
) -> tuple[Decision, ...]:
    """The decisions that count for the newest of ``reports`` (see the module docstring)."""
    if not reports:
        return ()
    latest = reports[-1]
    by_seq = {r.seq: r.report for r in reports}
    kept = []
    for report_seq, d in decisions:
        earlier = by_seq.get(report_seq)
        if report_seq == latest.seq or (
            earlier is not None
            and _same(earlier.finding(d.finding_id), latest.report.finding(d.finding_id))
        ):
            kept.append(d)
    return tuple(kept)


@dataclass(frozen=True)
class ScreeningView:
    """A request's current report on one side, the decisions on it, what stops a grant."""

    current: StoredReport
    decisions: tuple[Decision, ...]
    unresolved: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data (the API and ``comity screening show --json``)."""
        latest: dict[str, Decision] = {}
        for d in sorted(self.decisions, key=lambda d: d.at):
            latest[d.finding_id] = d
        return {
            "request": self.current.request_id,
            "side": self.current.side,
            "report_seq": self.current.seq,
            "report": self.current.report.as_dict(),
            "decisions": [_decision_json(d) for d in self.decisions],
            "status": {
                f.id: ("unresolved" if f.id in self.unresolved else None)
                or (latest[f.id].verdict.value if f.id in latest else "no decision needed")
                for f in self.current.report.findings
            },
            "unresolved": list(self.unresolved),
            "grantable": not self.unresolved,
        }


def _decision_json(d: Decision) -> dict[str, str]:
    return {
        "finding": d.finding_id,
        "verdict": d.verdict.value,
        "by": d.by,
        "at": d.at.isoformat(),
        "reasons": d.reasons,
    }


def _reports(connection: Connection, request_id: str, side: str) -> list[StoredReport]:
    reports = reports_of(connection, request_id, side)
    if not reports:
        raise NotFound(f"request {request_id!r} has no screening report on the {side} side")
    return reports


def screening_view(
    connection: Connection, request_id: str, side: Side | str = Side.REQUESTED
) -> ScreeningView:
    """The current report of a request, with decisions; :class:`NotFound` if never screened."""
    reports = _reports(connection, request_id, Side(side).value)
    kept = effective_decisions(reports, decisions_of(connection, request_id))
    return ScreeningView(reports[-1], kept, unresolved(reports[-1].report, kept))


def report_history(
    connection: Connection, request_id: str, side: Side | str = Side.REQUESTED
) -> list[dict[str, Any]]:
    """Every report of a request, oldest first, each with its differences from the one before."""
    reports = _reports(connection, request_id, Side(side).value)
    out: list[dict[str, Any]] = []
    for before, stored in zip([None, *reports[:-1]], reports, strict=True):
        diff = None if before is None else diff_reports(before.report, stored.report)
        out.append(
            {
                "seq": stored.seq,
                "report": stored.report.as_dict(),
                "changes": None if diff is None else diff.lines(),
            }
        )
    return out


def record_decision(
    connection: Connection,
    request_id: str,
    finding_id: str,
    verdict: Verdict | str,
    *,
    reviewer: str,
    reasons: str,
    at: dt.datetime,
    side: Side | str = Side.REQUESTED,
) -> Decision:
    """Record a reviewer's decision on a finding of the current report, with its event.

    Raises :class:`ValidationFailed` for an unknown finding, a missing reviewer or an override
    without reasons (nothing is written), :class:`NotFound` if the request was never screened.
    """
    current = _reports(connection, request_id, Side(side).value)[-1]
    decision = decide(current.report, finding_id, verdict, by=reviewer, at=at, reasons=reasons)
    insert_decision(connection, request_id, current.seq, decision)
    if decision.verdict is Verdict.OVERRIDDEN:
        tag = "screening.finding_overridden"
        payload: Mapping[str, Any] = override_events(current.report, [decision])[0]
    else:
        tag = "screening.finding_accepted"
        found = current.report.finding(finding_id)
        payload = {
            "finding": finding_id,
            "outcome": None if found is None else found.outcome.value,
            "by": decision.by,
            "at": decision.at.isoformat(),
            "reasons": decision.reasons,
        }
    record_event(
        connection,
        tag=tag,
        authority=None,
        subject=f"screening/{request_id}",
        payload={**payload, "request": request_id, "report": current.seq},
        header_values={},
        at=at,
    )
    return decision


def require_sendable(connection: Connection, request_id: str) -> None:
    """Raise :class:`SafeguardViolation` while a ``blocks`` finding of the request's current
    requesting-side report stands (not overridden with reasons): such a request cannot be sent
    as it stands. The other outcomes are for the requesting State's own judgement."""
    reports = reports_of(connection, request_id, Side.REQUESTING.value)
    if not reports:
        raise SafeguardViolation(f"cannot send: request {request_id!r} was never screened")
    kept = {
        d.finding_id: d for d in effective_decisions(reports, decisions_of(connection, request_id))
    }
    standing = [
        f
        for f in reports[-1].report.findings
        if f.outcome is Outcome.BLOCKS
        and (f.id not in kept or kept[f.id].verdict is not Verdict.OVERRIDDEN)
    ]
    if standing:
        described = "; ".join(
            f"{f.id} ({', '.join(c.label for c in f.citations)})" for f in standing
        )
        raise SafeguardViolation(
            f"cannot send: screening blocks the request as it stands: {described}"
        )


def require_grantable(connection: Connection, request_id: str) -> None:
    """Raise :class:`SafeguardViolation` unless the request may be granted: it was screened on
    the requested side and no finding of its current report stops a grant (a standing
    ``blocks`` finding, or a ``needs_review`` / ``ground_for_refusal`` one without a decision).
    """
    reports = reports_of(connection, request_id, Side.REQUESTED.value)
    if not reports:
        raise SafeguardViolation(f"cannot grant: request {request_id!r} was never screened")
    kept = effective_decisions(reports, decisions_of(connection, request_id))
    require_grantable_report(reports[-1].report, kept)
