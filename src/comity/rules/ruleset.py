"""Rules as data: the strict loader of rule files, and the compiled :class:`RuleSet`.

A rule file (format ``comity.rules/1``, docs/formats/rules.md) declares the instrument it
enforces, a version, and its rules. Each rule has an id, a title and explanation by language
(``en`` required), the citations it enforces, the request kinds and sides it applies to, the
dates it is in force, a condition (:mod:`comity.rules.conditions`) and an outcome. The loader
checks every rule against the Convention data: a citation to a provision not in the data, a
refusal ground that is not one, or a ground that is not open to one of the rule's kinds is an
error naming the file and line. An empty rule set is an error, never a pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from cryptography.hazmat.primitives import hashes
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from comity.cases.document import REQUEST_KINDS, parse_language
from comity.errors import NotFound
from comity.rules._load import fail, read_text, validate
from comity.rules.conditions import compile_condition
from comity.rules.model import FindingCitation, Outcome, RulesDataError, Side
from comity.rules.predicates import Check
from comity.treaty import Citation, Instrument, load_instrument
from comity.treaty._yaml import SourceFile

__all__ = ["RULES_FORMAT", "Rule", "RuleSet", "load_rules", "parse_rules", "shipped_rules"]

RULES_FORMAT = "comity.rules/1"

RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", max_length=80)]
Translated = dict[str, Annotated[str, Field(min_length=1)]]


def _check_translated(value: Translated) -> Translated:
    if "en" not in value:
        raise ValueError("needs an 'en' text (other languages are optional)")
    for tag in value:
        parse_language(tag)
    return value


class _InForce(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    since: dt.date = Field(alias="from")
    until: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> _InForce:
        if self.until is not None and self.until <= self.since:
            raise ValueError("'until' must be after 'from'")
        return self


class _RuleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RuleId
    title: Translated
    explanation: Translated
    cites: Annotated[tuple[str, ...], Field(min_length=1)]
    kinds: Literal["all"] | Annotated[tuple[str, ...], Field(min_length=1)]
    sides: Annotated[tuple[Side, ...], Field(min_length=1)]
    in_force: _InForce
    when: dict[str, Any]
    outcome: Outcome
    ground: str | None = None
    look_at: Translated | None = None

    _translated = field_validator("title", "explanation", "look_at")(
        lambda v: v if v is None else _check_translated(v)
    )

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: Any) -> Any:
        if value == "all":
            return value
        for kind in value:
            if kind not in REQUEST_KINDS:
                raise ValueError(f"unknown request kind {kind!r}")
        if len(set(value)) != len(value):
            raise ValueError("lists a request kind twice")
        return value

    @model_validator(mode="after")
    def _outcome_parts(self) -> _RuleEntry:
        if (self.ground is not None) != (self.outcome is Outcome.GROUND_FOR_REFUSAL):
            raise ValueError("'ground' is required for ground_for_refusal, and only for it")
        if (self.look_at is not None) != (self.outcome is Outcome.NEEDS_REVIEW):
            raise ValueError("'look_at' is required for needs_review, and only for it")
        return self


class _RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["comity.rules/1"]
    instrument: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    version: Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")]
    rules: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Rule:
    """A loaded, checked and compiled rule."""

    id: str
    title: dict[str, str]
    explanation: dict[str, str]
    citations: tuple[FindingCitation, ...]
    kinds: frozenset[str]
    sides: frozenset[Side]
    since: dt.date
    until: dt.date | None
    outcome: Outcome
    ground: str | None
    look_at: dict[str, str] | None
    condition: Check
    source: str

    def in_force(self, on: dt.date) -> bool:
        """Whether the rule applies on ``on`` (``until`` is the first day it no longer does)."""
        return self.since <= on and (self.until is None or on < self.until)

    def text(self, which: Literal["title", "explanation", "look_at"], locale: str = "en") -> str:
        """A translated text, falling back from ``fr-CA`` to ``fr`` to ``en``."""
        texts = getattr(self, which) or {}
        for tag in (locale, locale.split("-")[0], "en"):
            if tag in texts:
                return str(texts[tag])
        return ""


@dataclass(frozen=True)
class RuleSet:
    """The compiled rules, indexed by side and kind, with the version and digest of the data."""

    rules: tuple[Rule, ...]
    version: str
    digest: str
    instrument: Instrument
    _index: dict[tuple[Side, str], tuple[Rule, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.rules:
            raise RulesDataError("the rule set is empty: screening with no rules is never a pass")
        index = self._index
        for side in Side:
            for kind in REQUEST_KINDS:
                index[(side, kind)] = tuple(
                    r for r in self.rules if side in r.sides and kind in r.kinds
                )

    def applicable(self, side: Side, kind: str, on: dt.date) -> tuple[Rule, ...]:
        """The rules for ``side`` and ``kind`` in force on ``on``, in file order."""
        return tuple(r for r in self._index[(side, kind)] if r.in_force(on))

    def rule(self, rule_id: str) -> Rule:
        """The rule ``rule_id``; :class:`NotFound` if there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise NotFound(f"no rule {rule_id!r}")


def _citations(
    entry: _RuleEntry, instrument: Instrument, source: SourceFile, loc: tuple[str | int, ...]
) -> tuple[FindingCitation, ...]:
    found: list[FindingCitation] = []
    for i, text in enumerate(entry.cites):
        here = (*loc, "cites", i)
        try:
            cite = Citation.model_validate(text, context={"instrument": instrument.key})
            provision = instrument.resolve(cite)
        except ValidationError as error:
            message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
            raise fail(source, f"unknown provision {text!r}: {message}", here) from None
        except NotFound as error:
            raise fail(source, f"unknown provision {text!r}: {error}", here) from None
        if cite.item is not None and cite.item not in provision.items:
            raise fail(source, f"unknown provision {text!r}: no item ({cite.item})", here)
        found.append(FindingCitation(instrument.label(cite), provision.confidence.value))
    return tuple(found)


def _rule(raw: Any, index: int, instrument: Instrument, source: SourceFile) -> Rule:
    loc: tuple[str | int, ...] = ("rules", index)
    entry = validate(_RuleEntry, source, raw, loc)
    kinds = frozenset(REQUEST_KINDS if entry.kinds == "all" else entry.kinds)
    if entry.ground is not None:
        grounds = {g.key: g for g in instrument.grounds}
        ground = grounds.get(entry.ground)
        if ground is None:
            raise fail(source, f"unknown refusal ground {entry.ground!r}", (*loc, "ground"))
        closed = sorted(kinds - set(ground.applies_to))
        if closed:
            raise fail(
                source,
                f"ground {entry.ground!r} is not open to {', '.join(closed)}",
                (*loc, "ground"),
            )
    if len(set(entry.sides)) != len(entry.sides):
        raise fail(source, "lists a side twice", (*loc, "sides"))
    condition = compile_condition(entry.when, instrument, source, (*loc, "when"))
    return Rule(
        id=entry.id,
        title=dict(entry.title),
        explanation=dict(entry.explanation),
        citations=_citations(entry, instrument, source, loc),
        kinds=kinds,
        sides=frozenset(entry.sides),
        since=entry.in_force.since,
        until=entry.in_force.until,
        outcome=entry.outcome,
        ground=entry.ground,
        look_at=None if entry.look_at is None else dict(entry.look_at),
        condition=condition,
        source=f"{source.path}:{source.line(loc)}",
    )


def parse_rules(
    texts: Sequence[tuple[str, str]], *, instrument: Instrument | None = None
) -> RuleSet:
    """Load a rule set from ``(name, text)`` pairs (one or more rule files)."""
    digest = hashes.Hash(hashes.SHA256())
    rules: list[Rule] = []
    versions: list[str] = []
    seen: dict[str, str] = {}
    loaded = instrument
    for name, text in sorted(texts):
        digest.update(f"{len(name)}:{name}{len(text.encode())}:".encode() + text.encode())
        source = read_text(text, name)
        header = validate(_RuleFile, source)
        if loaded is None:
            try:
                loaded = load_instrument(header.instrument)
            except NotFound as error:
                raise fail(source, str(error), ("instrument",)) from None
        elif loaded.key != header.instrument:
            raise fail(
                source, f"rules for {header.instrument!r}, not {loaded.key!r}", ("instrument",)
            )
        versions.append(header.version)
        for i, raw in enumerate(header.rules):
            rule = _rule(raw, i, loaded, source)
            if rule.id in seen:
                raise fail(
                    source,
                    f"duplicate rule id {rule.id!r} (first at {seen[rule.id]})",
                    ("rules", i, "id"),
                )
            seen[rule.id] = rule.source
            rules.append(rule)
    if not rules or loaded is None:
        where = texts[0][0] if texts else None
        raise RulesDataError(
            "the rule set is empty: screening with no rules is never a pass", path=where
        )
    return RuleSet(tuple(rules), "+".join(sorted(set(versions))), digest.finalize().hex(), loaded)


def load_rules(paths: Iterable[Path], *, instrument: Instrument | None = None) -> RuleSet:
    """Load rule files and directories of ``*.yaml`` rule files."""
    texts: list[tuple[str, str]] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            try:
                texts.append((str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as error:
                raise RulesDataError(f"cannot read the file: {error}", path=str(file)) from None
    return parse_rules(texts, instrument=instrument)


def shipped_rules() -> RuleSet:
    """The rule set shipped with Comity (``comity/rules/data/*.yaml``)."""
    folder = resources.files("comity.rules") / "data"
    texts = [
        (f"comity/rules/data/{entry.name}", entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]
    return parse_rules(texts)
