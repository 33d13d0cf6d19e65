"""Scenario files that lawyers can read (format ``comity.scenario/1``, docs/formats/scenarios.md).

A scenario names the registry and law profiles it needs, the side and the day, a request (in
full, or ``based_on`` another request file with ``changes`` and ``remove``), and the findings it
expects (by rule, with citations and optionally the outcome) and those that must not appear.
``expect_clean: true`` states that no finding blocks the request or names a ground for refusal.

:func:`run_paths` runs scenario files and directories and returns one result per scenario; a
failure says why in one line. Paths inside a scenario are relative to its file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from comity.cases.document import RequestDocument
from comity.errors import Error
from comity.registry import Registry, parse_texts
from comity.rules._load import fail, read_source, validate
from comity.rules.context import Annotations, ProposedRefusal
from comity.rules.engine import Inputs, screen
from comity.rules.model import Outcome, RulesDataError, Side
from comity.rules.profiles import PRIVILEGE_CATEGORIES, LawProfile, load_profile
from comity.rules.report import ScreeningReport
from comity.rules.ruleset import RuleSet
from comity.treaty._yaml import SourceFile

__all__ = ["SCENARIO_FORMAT", "Result", "Scenario", "load_scenario", "run_paths", "run_scenario"]

SCENARIO_FORMAT = "comity.scenario/1"
_SCREENED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expected(_Model):
    """A finding a scenario expects: the rule, the citations it must carry, its outcome."""

    rule: Annotated[str, Field(min_length=1)]
    cites: tuple[str, ...] = ()
    outcome: Outcome | None = None


class Refusal(_Model):
    """A refusal the reviewer proposes (see :class:`comity.rules.ProposedRefusal`)."""

    grounds: tuple[str, ...]
    reasons: str = ""
    consulted: bool = False


class Scenario(_Model):
    """One scenario file."""

    format: Annotated[str, Field(pattern=r"^comity\.scenario/1$")]
    name: Annotated[str, Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]
    side: Side
    date: dt.date
    registry: tuple[str, ...] = ()
    notifications: tuple[dict[str, Any], ...] = ()
    profiles: tuple[str, ...] = ()
    persons: dict[int, tuple[str, ...]] = {}
    proposed_refusal: Refusal | None = None
    request: dict[str, Any] | None = None
    based_on: str | None = None
    changes: dict[str, Any] = {}
    remove: tuple[str, ...] = ()
    expect: tuple[Expected, ...] = ()
    expect_absent: tuple[str, ...] = ()
    expect_clean: bool = False


@dataclass(frozen=True)
class Result:
    """The result of one scenario: its path and name, and the failures (none: passed)."""

    path: str
    name: str
    failures: tuple[str, ...]
    report: ScreeningReport | None = None

    @property
    def passed(self) -> bool:
        """True when nothing failed."""
        return not self.failures


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` replace whole top-level fields: what a scenario shows is what is screened."""
    return {**base, **changes}


def _remove(data: dict[str, Any], dotted: str) -> None:
    *parents, last = dotted.split(".")
    node: Any = data
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(last, None)


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _request(scenario: Scenario, base: Path, source: SourceFile) -> RequestDocument:
    if (scenario.request is None) == (scenario.based_on is None):
        raise fail(source, "a scenario has either 'request' or 'based_on', not both")
    loc: tuple[str | int, ...] = ()
    if scenario.request is not None:
        data, where, loc = scenario.request, source, ("request",)
    elif scenario.based_on is not None:
        where = read_source(base / scenario.based_on)
        if not isinstance(where.data, dict):
            raise fail(where, "a request file holds a mapping")
        data = _merge(where.data, scenario.changes)
        for dotted in scenario.remove:
            _remove(data, dotted)
    try:
        return RequestDocument.model_validate(json.loads(json.dumps(data, default=_json_default)))
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        raise fail(where, f"request: {path}: {first['msg']}", (*loc, *first["loc"])) from None


def _registry(scenario: Scenario, base: Path) -> Registry:
    texts: list[tuple[str, str]] = []
    for name in scenario.registry:
        path = base / name
        try:
            texts.append((path.name, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as error:
            raise RulesDataError(
                f"cannot read the registry file: {error}", path=str(path)
            ) from None
    if scenario.notifications:
        document = {
            "format": "comity.registry.notifications/1",
            "notifications": list(scenario.notifications),
        }
        texts.append(("scenario notifications", json.dumps(document, default=_json_default)))
    return parse_texts(texts, suffixes=[Path(n).suffix.lower() or ".json" for n, _ in texts])


def load_scenario(path: Path) -> tuple[Scenario, SourceFile]:
    """Read one scenario file strictly."""
    source = read_source(path)
    scenario = validate(Scenario, source)
    for index, categories in scenario.persons.items():
        for category in categories:
            if category not in PRIVILEGE_CATEGORIES:
                raise fail(source, f"unknown privilege category {category!r}", ("persons", index))
    return scenario, source


def run_scenario(path: Path, rules: RuleSet) -> Result:
    """Run one scenario; a broken scenario file is a failure with the error as its reason."""
    try:
        scenario, source = load_scenario(path)
    except Error as error:
        return Result(str(path), path.stem, (str(error),))
    base = path.parent
    try:
        document = _request(scenario, base, source)
        registry = _registry(scenario, base)
        profiles: dict[str, LawProfile] = {}
        for name in scenario.profiles:
            profile = load_profile(base / name)
            profiles[profile.state] = profile
        known = {rule.id for rule in rules.rules}
        for i, wanted in enumerate(scenario.expect):
            if wanted.rule not in known:
                raise fail(source, f"unknown rule {wanted.rule!r}", ("expect", i, "rule"))
        for i, rule_id in enumerate(scenario.expect_absent):
            if rule_id not in known:
                raise fail(source, f"unknown rule {rule_id!r}", ("expect_absent", i))
    except Error as error:
        return Result(str(path), scenario.name, (str(error),))
    refusal = scenario.proposed_refusal
    report = screen(
        Inputs(rules, registry, profiles),
        document,
        side=scenario.side,
        on_date=scenario.date,
        screened_at=_SCREENED_AT,
        annotations=Annotations({i: frozenset(c) for i, c in scenario.persons.items()}),
        proposed_refusal=None
        if refusal is None
        else ProposedRefusal(refusal.grounds, refusal.reasons, refusal.consulted),
    )
    return Result(str(path), scenario.name, tuple(_check(scenario, report)), report)


def _check(scenario: Scenario, report: ScreeningReport) -> Iterable[str]:
    found = {f.rule_id: f for f in report.findings}
    for wanted in scenario.expect:
        finding = found.get(wanted.rule)
        if finding is None:
            fired = ", ".join(sorted(found)) or "none"
            yield f"expected {wanted.rule}, which did not fire (fired: {fired})"
            continue
        missing = [c for c in wanted.cites if c not in finding.cites]
        if missing:
            cited = ", ".join(finding.cites)
            yield f"{wanted.rule} does not cite {', '.join(missing)} (cites {cited})"
        if wanted.outcome is not None and wanted.outcome is not finding.outcome:
            yield f"{wanted.rule} is {finding.outcome.value}, expected {wanted.outcome.value}"
    for rule_id in scenario.expect_absent:
        if rule_id in found:
            data = "; ".join(f"{w}: {v}" for w, v in found[rule_id].rests_on)
            yield f"{rule_id} fired, expected absent ({data})"
    if scenario.expect_clean and not report.clean:
        bad = [
            f.rule_id
            for f in report.findings
            if f.outcome in (Outcome.BLOCKS, Outcome.GROUND_FOR_REFUSAL)
        ]
        yield f"expected a clean request, got {', '.join(bad)}"


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """The scenario files in ``paths``: files as given, ``*.yaml`` in directories (not in
    ``fixtures`` subdirectories, which hold what scenarios refer to)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*.yaml") if "fixtures" not in p.relative_to(path).parts
                )
            )
        elif path.exists():
            found.append(path)
        else:
            raise RulesDataError("no such file or directory", path=str(path))
    return found


def run_paths(paths: Iterable[Path], rules: RuleSet) -> list[Result]:
    """Run every scenario in ``paths``."""
    return [run_scenario(path, rules) for path in scenario_files(paths)]
