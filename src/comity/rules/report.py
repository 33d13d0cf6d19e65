"""The screening report attached to every request, the reviewer's decisions, and re-screening.

A :class:`ScreeningReport` records the findings and what they were computed from: the rules
version and digest, the registry digest, the profiles digest, the day and the side. When any of
these change the request is screened again and :func:`diff_reports` shows what changed.

A reviewer decides on each finding: ``accepted`` or ``overridden`` (with reasons: an override
without reasons raises :class:`comity.errors.ValidationFailed`). Every override becomes an event
(:func:`override_events`). :func:`can_grant` is false while a ``blocks`` finding stands (not
overridden) or a ``needs_review`` or ``ground_for_refusal`` finding has no decision;
:func:`require_grantable` raises :class:`comity.errors.SafeguardViolation` naming them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import rfc8785
from cryptography.hazmat.primitives import hashes

from comity.errors import SafeguardViolation, ValidationFailed
from comity.registry import Registry
from comity.rules.model import Finding, Outcome, Side

__all__ = [
    "Decision",
    "ReportDiff",
    "ScreeningReport",
    "Verdict",
    "can_grant",
    "decide",
    "diff_reports",
    "override_events",
    "registry_digest",
    "require_grantable",
    "unresolved",
]


def registry_digest(registry: Registry) -> str:
    """SHA-256 (hex) of the registry snapshot's canonical JSON (RFC 8785)."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(rfc8785.dumps(registry.to_json()))
    return digest.finalize().hex()


@dataclass(frozen=True)
class ScreeningReport:
    """The findings on one request and what they were computed from."""

    findings: tuple[Finding, ...]
    side: Side
    on_date: dt.date
    rules_version: str
    rules_digest: str
    registry_digest: str
    profiles_digest: str
    instrument_version: str
    screened_at: dt.datetime

    @property
    def clean(self) -> bool:
        """True when no finding blocks the request or names a ground for refusal."""
        return not any(
            f.outcome in (Outcome.BLOCKS, Outcome.GROUND_FOR_REFUSAL) for f in self.findings
        )

    def finding(self, finding_id: str) -> Finding | None:
        """The finding with this id, if any."""
        return next((f for f in self.findings if f.id == finding_id), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data; :meth:`from_dict` reads it back."""
        return {
            "side": self.side.value,
            "on_date": self.on_date.isoformat(),
            "rules_version": self.rules_version,
            "rules_digest": self.rules_digest,
            "registry_digest": self.registry_digest,
            "profiles_digest": self.profiles_digest,
            "instrument_version": self.instrument_version,
            "screened_at": self.screened_at.isoformat(),
            "findings": [f.as_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScreeningReport:
        """Read back :meth:`as_dict`."""
        return cls(
            findings=tuple(Finding.from_dict(f) for f in data["findings"]),
            side=Side(data["side"]),
            on_date=dt.date.fromisoformat(data["on_date"]),
            rules_version=data["rules_version"],
            rules_digest=data["rules_digest"],
            registry_digest=data["registry_digest"],
            profiles_digest=data["profiles_digest"],
            instrument_version=data["instrument_version"],
            screened_at=dt.datetime.fromisoformat(data["screened_at"]),
        )


@dataclass(frozen=True)
class ReportDiff:
    """What re-screening changed: findings added, removed, or changed in outcome or data."""

    added: tuple[Finding, ...]
    removed: tuple[Finding, ...]
    changed: tuple[tuple[Finding, Finding], ...]
    inputs: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """True when the findings are the same."""
        return not (self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        """The differences in words, one per line."""
        out = [f"changed input: {name}" for name in self.inputs]
        out += [f"+ {f.id} ({f.outcome.value}): {f.title}" for f in self.added]
        out += [f"- {f.id} ({f.outcome.value}): {f.title}" for f in self.removed]
        for old, new in self.changed:
            what = (
                f"{old.outcome.value} -> {new.outcome.value}"
                if old.outcome is not new.outcome
                else "the data or citations it rests on changed"
            )
            out.append(f"~ {new.id}: {what}")
        return out


def diff_reports(old: ScreeningReport, new: ScreeningReport) -> ReportDiff:
    """The differences between two screenings of the same request."""
    before = {f.id: f for f in old.findings}
    after = {f.id: f for f in new.findings}
    inputs = tuple(
        name
        for name in ("rules_digest", "registry_digest", "profiles_digest", "instrument_version")
        if getattr(old, name) != getattr(new, name)
    )
    return ReportDiff(
        added=tuple(f for k, f in after.items() if k not in before),
        removed=tuple(f for k, f in before.items() if k not in after),
        changed=tuple(
            (before[k], f)
            for k, f in after.items()
            if k in before
            and (before[k].outcome, before[k].rests_on, before[k].citations, before[k].ground)
            != (f.outcome, f.rests_on, f.citations, f.ground)
        ),
        inputs=inputs,
    )


class Verdict(StrEnum):
    """A reviewer's decision on a finding."""

    ACCEPTED = "accepted"
    OVERRIDDEN = "overridden"


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one finding: who, when, and (for an override) why."""

    finding_id: str
    verdict: Verdict
    by: str
    at: dt.datetime
    reasons: str = ""


def decide(
    report: ScreeningReport,
    finding_id: str,
    verdict: Verdict | str,
    *,
    by: str,
    at: dt.datetime,
    reasons: str = "",
) -> Decision:
    """Record a decision on a finding of ``report``.

    Raises :class:`ValidationFailed` for an unknown finding, a missing reviewer, or an
    override without reasons.
    """
    verdict = Verdict(verdict)
    if report.finding(finding_id) is None:
        raise ValidationFailed(f"no finding {finding_id!r} in this screening report")
    if not by.strip():
        raise ValidationFailed("a decision on a finding names the reviewer who made it")
    if verdict is Verdict.OVERRIDDEN and not reasons.strip():
        raise ValidationFailed(
            f"overriding finding {finding_id!r} needs reasons",
            ["every decision records its reasons; an override without them is refused"],
        )
    return Decision(finding_id, verdict, by.strip(), at, reasons.strip())


def _latest(decisions: Iterable[Decision]) -> dict[str, Decision]:
    latest: dict[str, Decision] = {}
    for d in sorted(decisions, key=lambda d: d.at):
        latest[d.finding_id] = d
    return latest


def unresolved(report: ScreeningReport, decisions: Sequence[Decision]) -> tuple[str, ...]:
    """The ids of findings that stop a grant: a standing ``blocks`` finding, or a
    ``needs_review`` or ``ground_for_refusal`` finding without a decision (latest wins)."""
    latest = _latest(decisions)
    stuck: list[str] = []
    for f in report.findings:
        d = latest.get(f.id)
        standing_block = f.outcome is Outcome.BLOCKS and (
            d is None or d.verdict is not Verdict.OVERRIDDEN
        )
        undecided = f.outcome in (Outcome.NEEDS_REVIEW, Outcome.GROUND_FOR_REFUSAL) and d is None
        if standing_block or undecided:
            stuck.append(f.id)
    return tuple(stuck)


def can_grant(report: ScreeningReport, decisions: Sequence[Decision]) -> bool:
    """Whether the request may be granted given the decisions made on its findings."""
    return not unresolved(report, decisions)


def require_grantable(report: ScreeningReport, decisions: Sequence[Decision]) -> None:
    """Raise :class:`SafeguardViolation` naming every finding that stops a grant."""
    stuck = unresolved(report, decisions)
    if stuck:
        raise SafeguardViolation(f"cannot grant: unresolved findings {', '.join(stuck)}")


def override_events(report: ScreeningReport, decisions: Sequence[Decision]) -> list[dict[str, Any]]:
    """One event per override, for the request's history: what was overridden, by whom, why."""
    events = []
    for d in sorted(decisions, key=lambda d: d.at):
        if d.verdict is not Verdict.OVERRIDDEN:
            continue
        finding = report.finding(d.finding_id)
        events.append(
            {
                "type": "screening.finding_overridden",
                "finding": d.finding_id,
                "outcome": None if finding is None else finding.outcome.value,
                "citations": [] if finding is None else [c.label for c in finding.citations],
                "by": d.by,
                "at": d.at.isoformat(),
                "reasons": d.reasons,
                "rules_digest": report.rules_digest,
            }
        )
    return events
