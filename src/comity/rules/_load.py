"""Shared strict reading for the rules' data files: YAML (or JSON) in, validated models out.

Reuses the Convention data's strict reader (:mod:`comity.treaty._yaml`: no duplicate keys, a
line for every node) and turns every problem into a :class:`RulesDataError` naming the file and
the line of the offending node.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from comity.errors import TreatyDataError
from comity.rules.model import RulesDataError
from comity.treaty._yaml import Location, SourceFile, parse_yaml

__all__ = ["fail", "read_source", "read_text", "validate"]

M = TypeVar("M", bound=BaseModel)


def read_text(text: str, name: str) -> SourceFile:
    """Parse ``text`` strictly; errors name ``name`` and the line."""
    try:
        return parse_yaml(text, name)
    except TreatyDataError as error:
        raise RulesDataError.from_treaty(error) from None


def read_source(path: Path) -> SourceFile:
    """Read and parse the file at ``path`` strictly."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RulesDataError(f"cannot read the file: {error}", path=str(path)) from None
    return read_text(text, str(path))


def fail(source: SourceFile, message: str, loc: Location = ()) -> RulesDataError:
    """A :class:`RulesDataError` at the line of ``loc`` in ``source``."""
    return RulesDataError(message, path=source.path, line=source.line(loc))


def _dotted(loc: Location) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _describe(error: Any) -> str:
    loc: Location = tuple(p for p in error["loc"] if not isinstance(p, str) or p[:1] != "_")
    name = loc[-1] if loc else ""
    parent = _dotted(loc[:-1])
    where = f" in {parent}" if parent else ""
    if error["type"] == "extra_forbidden":
        return f"unknown key {name!r}{where}"
    if error["type"] == "missing":
        return f"missing key {name!r}{where}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{_dotted(loc) or 'document'}: {message}"


def validate(model: type[M], source: SourceFile, data: Any = None, loc: Location = ()) -> M:
    """Validate ``data`` (default: the whole file) against ``model``; the first error by line."""
    try:
        return model.model_validate(source.data if data is None else data)
    except ValidationError as exc:
        errors = exc.errors()
        first = min(errors, key=lambda e: source.line((*loc, *e["loc"])) or 0)
        raise fail(source, _describe(first), (*loc, *first["loc"])) from None
