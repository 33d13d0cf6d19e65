"""The condition language: combinators over predicates, compiled once into closures.

A condition is a mapping with exactly one key: ``all`` or ``any`` (a non-empty list of
conditions), ``not`` (one condition), or the name of a predicate from
:data:`comity.rules.predicates.PREDICATES` with its parameter. ``all: []`` and ``any: []`` are
errors: a combinator never holds (or fails) vacuously. Nothing is evaluated from text.

The compiled condition returns the data it rests on (the union of what its parts rest on for
``all``; the first part that holds for ``any``; nothing for ``not``) or None.
"""

from __future__ import annotations

from typing import Any

from comity.rules._load import fail
from comity.rules.context import ScreeningContext
from comity.rules.model import Evidence
from comity.rules.predicates import PREDICATES, Check, ParamError
from comity.treaty import Instrument
from comity.treaty._yaml import Location, SourceFile

__all__ = ["compile_condition", "condition_predicates"]

_COMBINATORS = ("all", "any", "not")


def _all(parts: tuple[Check, ...]) -> Check:
    def check(ctx: ScreeningContext) -> Evidence | None:
        found: list[tuple[str, str]] = []
        for part in parts:
            hit = part(ctx)
            if hit is None:
                return None
            found.extend(hit)
        return tuple(dict.fromkeys(found))

    return check


def _any(parts: tuple[Check, ...]) -> Check:
    def check(ctx: ScreeningContext) -> Evidence | None:
        for part in parts:
            hit = part(ctx)
            if hit is not None:
                return hit
        return None

    return check


def _not(part: Check) -> Check:
    def check(ctx: ScreeningContext) -> Evidence | None:
        return () if part(ctx) is None else None

    return check


def compile_condition(
    node: Any, instrument: Instrument, source: SourceFile, loc: Location
) -> Check:
    """Compile the condition at ``loc`` of ``source``; errors name the file and line."""
    if not isinstance(node, dict) or len(node) != 1:
        raise fail(
            source,
            "a condition is a mapping with exactly one key: all, any, not, or a predicate",
            loc,
        )
    ((name, value),) = node.items()
    here: Location = (*loc, name)
    if name in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise fail(source, f"'{name}' needs a non-empty list of conditions", here)
        parts = tuple(
            compile_condition(item, instrument, source, (*here, i)) for i, item in enumerate(value)
        )
        return _all(parts) if name == "all" else _any(parts)
    if name == "not":
        return _not(compile_condition(value, instrument, source, here))
    predicate = PREDICATES.get(name)
    if predicate is None:
        raise fail(source, f"unknown predicate {name!r}", here)
    try:
        return predicate.compile(value, instrument)
    except ParamError as error:
        raise fail(source, str(error), here) from None


def condition_predicates(node: Any) -> set[str]:
    """The predicate names a (valid) condition uses."""
    ((name, value),) = node.items()
    if name in ("all", "any"):
        return set().union(*(condition_predicates(v) for v in value))
    if name == "not":
        return condition_predicates(value)
    return {name}
