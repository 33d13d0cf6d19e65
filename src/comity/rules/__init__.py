"""Comity's safeguards engine: rules as data, national law profiles, screening, patterns.

PURE core (no database, no web). Every request is screened when it is drafted (a self-check for
the requesting State) and when it is received (for the requested State's reviewers); a human
decides on every finding, and every decision records its reasons.

* :mod:`~comity.rules.ruleset`: the strict loader of rule files and the compiled rule set;
* :mod:`~comity.rules.conditions` and :mod:`~comity.rules.predicates`: the condition language;
* :mod:`~comity.rules.profiles`: national law profiles (offences, privileges, data protection);
* :mod:`~comity.rules.engine`: :func:`screen`, one request against the rules;
* :mod:`~comity.rules.report`: the screening report, decisions, re-screening differences;
* :mod:`~comity.rules.patterns`: patterns across requests, over keyed hashes;
* :mod:`~comity.rules.scenarios`: scenario files that lawyers can read, and their runner.
"""

from __future__ import annotations

from comity.rules.context import Annotations, ProposedRefusal, ScreeningContext
from comity.rules.engine import Inputs, screen
from comity.rules.model import Finding, FindingCitation, Outcome, RulesDataError, Side
from comity.rules.patterns import (
    PatternThresholds,
    RequestSummary,
    find_patterns,
    identifier_key,
    person_key,
)
from comity.rules.profiles import LawProfile, load_profile, load_profiles, parse_profile
from comity.rules.report import (
    Decision,
    ReportDiff,
    ScreeningReport,
    Verdict,
    can_grant,
    decide,
    diff_reports,
    override_events,
    require_grantable,
    unresolved,
)
from comity.rules.ruleset import Rule, RuleSet, load_rules, parse_rules, shipped_rules

__all__ = [
    "Annotations",
    "Decision",
    "Finding",
    "FindingCitation",
    "Inputs",
    "LawProfile",
    "Outcome",
    "PatternThresholds",
    "ProposedRefusal",
    "ReportDiff",
    "RequestSummary",
    "Rule",
    "RuleSet",
    "RulesDataError",
    "ScreeningContext",
    "ScreeningReport",
    "Side",
    "Verdict",
    "can_grant",
    "decide",
    "diff_reports",
    "find_patterns",
    "identifier_key",
    "load_profile",
    "load_profiles",
    "load_rules",
    "override_events",
    "parse_profile",
    "parse_rules",
    "person_key",
    "require_grantable",
    "screen",
    "shipped_rules",
    "unresolved",
]
