"""Screening: run the rules that apply to a request and produce its :class:`ScreeningReport`.

Pure and deterministic: the same request, side, day, registry, profiles and rules give the same
findings in the same order (rule file order), whatever the time of screening. The digests of
the inputs are computed once per :class:`Inputs` so that re-screening many requests against the
same registry and profiles does not recompute them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from comity.cases.document import RequestDocument
from comity.registry import Registry
from comity.rules.context import Annotations, ProposedRefusal, ScreeningContext
from comity.rules.model import Finding, Side
from comity.rules.profiles import LawProfile, profiles_digest
from comity.rules.report import ScreeningReport, registry_digest
from comity.rules.ruleset import RuleSet

__all__ = ["Inputs", "screen"]


@dataclass(frozen=True)
class Inputs:
    """What every screening on a node shares: the rules, the registry and the profiles."""

    rules: RuleSet
    registry: Registry
    profiles: Mapping[str, LawProfile] = field(default_factory=dict)

    @cached_property
    def registry_digest(self) -> str:
        """The registry's digest (computed once)."""
        return registry_digest(self.registry)

    @cached_property
    def profiles_digest(self) -> str:
        """The profiles' digest (computed once)."""
        return profiles_digest(self.profiles)


def screen(
    inputs: Inputs,
    document: RequestDocument,
    *,
    side: Side | str,
    on_date: dt.date,
    screened_at: dt.datetime,
    annotations: Annotations | None = None,
    proposed_refusal: ProposedRefusal | None = None,
    locale: str = "en",
) -> ScreeningReport:
    """Screen ``document`` as ``side`` on ``on_date``; ``screened_at`` is recorded, not used."""
    side = Side(side)
    context = ScreeningContext(
        document=document,
        side=side,
        on_date=on_date,
        registry=inputs.registry,
        profiles=inputs.profiles,
        instrument=inputs.rules.instrument,
        annotations=annotations or Annotations(),
        proposed_refusal=proposed_refusal,
    )
    findings: list[Finding] = []
    for rule in inputs.rules.applicable(side, document.kind, on_date):
        hit = rule.condition(context)
        if hit is None:
            continue
        findings.append(
            Finding(
                id=rule.id,
                rule_id=rule.id,
                outcome=rule.outcome,
                title=rule.text("title", locale),
                explanation=rule.text("explanation", locale),
                citations=rule.citations,
                rests_on=hit,
                ground=rule.ground,
                look_at=rule.text("look_at", locale) or None,
            )
        )
    return ScreeningReport(
        findings=tuple(findings),
        side=side,
        on_date=on_date,
        rules_version=inputs.rules.version,
        rules_digest=inputs.rules.digest,
        registry_digest=inputs.registry_digest,
        profiles_digest=inputs.profiles_digest,
        instrument_version=inputs.rules.instrument.info.version,
        screened_at=screened_at,
    )
