"""Strict YAML reading for the Convention data: no duplicate keys, and a line for every node.

PyYAML's ``SafeLoader`` silently keeps the last of two equal keys; a treaty data file where a
provision is accidentally written twice must instead fail loudly. :func:`parse_yaml` composes the
document with a ``SafeLoader`` subclass, rejects duplicate keys, and returns the plain data
together with a map from each node's location (the tuple of keys and indices leading to it, as
pydantic reports it in ``loc``) to its 1-based line number, so every later error can name the
file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from comity.errors import TreatyDataError

__all__ = ["Location", "SourceFile", "parse_yaml"]

#: A path into a parsed document: mapping keys and sequence indices, outermost first.
Location = tuple[str | int, ...]


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:
    # libyaml's parser when available (several times faster); same safe constructor either way.
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
    """A ``SafeLoader`` that refuses duplicate mapping keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _DuplicateKey(key, line, seen[key])
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


class _DuplicateKey(Exception):
    """Raised inside the loader; turned into a :class:`TreatyDataError` by :func:`read_yaml`."""

    def __init__(self, key: object, line: int, first: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line
        self.first = first


@dataclass(frozen=True)
class SourceFile:
    """A parsed data file: its name for messages, its data, and the line of every node."""

    path: str
    data: Any
    lines: Mapping[Location, int] = field(default_factory=dict)

    def line(self, loc: Location) -> int | None:
        """The line of the deepest node on ``loc`` that exists in the file.

        A missing key has no line of its own, so the line of the mapping that should hold it is
        the most useful place to point at.
        """
        for end in range(len(loc), 0, -1):
            found = self.lines.get(loc[:end])
            if found is not None:
                return found
        return self.lines.get(())

    def error(self, message: str, loc: Location = ()) -> TreatyDataError:
        """A :class:`TreatyDataError` naming this file and the line of ``loc``."""
        return TreatyDataError(message, path=self.path, line=self.line(loc))


def _walk(node: yaml.Node, loc: Location, lines: dict[Location, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_loc = (*loc, str(key_node.value))
            # Point at the key: that is where a reader looks for "unknown key" or a bad value.
            lines[key_loc] = key_node.start_mark.line + 1
            _walk(value_node, key_loc, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, index), lines)


def parse_yaml(text: str, name: str) -> SourceFile:
    """Parse one YAML document strictly; ``name`` is the file named in errors.

    Raises :class:`TreatyDataError` (with file and line) for malformed YAML, a duplicate key, an
    empty document, or more than one document.
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise TreatyDataError("the file is empty", path=name, line=1)
        data = loader.construct_document(node)
    except _DuplicateKey as dup:
        raise TreatyDataError(
            f"duplicate key {dup.key!r} (first at line {dup.first})", path=name, line=dup.line
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "cannot parse"
        if exc.problem and exc.context and exc.context_mark is not None:
            problem += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        raise TreatyDataError(f"malformed YAML: {problem}", path=name, line=line) from None
    except yaml.YAMLError as exc:
        raise TreatyDataError(f"malformed YAML: {exc}", path=name) from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    _walk(node, (), lines)
    return SourceFile(path=name, data=data, lines=lines)
