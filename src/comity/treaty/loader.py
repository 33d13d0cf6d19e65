"""The strict loader of instrument data: YAML files in, a cross-checked :class:`Instrument` out.

Every problem is a :class:`comity.errors.TreatyDataError` naming the file and line:

- malformed YAML, a duplicate key, an unknown or missing key, a value of the wrong type or
  outside the allowed vocabulary (a bad confidence tag, say), a missing citation;
- a duplicate entry (two provisions for Art 42(7), two kinds with the same key);
- a dangling reference: a citation to a provision or item letter not in ``provisions.yaml``,
  a source id not in ``instrument.yaml``, a request kind, request field or notification key
  that is not defined.

Shipped data lives in ``comity/treaty/data/<key>/`` and is read through
:mod:`importlib.resources`, so it works from a wheel as from a source tree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from comity.errors import NotFound, TreatyDataError
from comity.treaty._yaml import Location, SourceFile, parse_yaml
from comity.treaty.instrument import Instrument
from comity.treaty.models import (
    Article,
    Citation,
    Duty,
    InstrumentInfo,
    NeverGround,
    Notification,
    Offence,
    RefusalGround,
    RequestField,
    RequestKind,
    TimeRule,
)

__all__ = ["DATA_FILES", "available_instruments", "load_instrument", "load_instrument_dir"]

#: The files of an instrument's data directory; no other ``.yaml`` file may be there.
DATA_FILES = (
    "instrument.yaml",
    "provisions.yaml",
    "request_fields.yaml",
    "request_kinds.yaml",
    "offences.yaml",
    "refusal.yaml",
    "time_rules.yaml",
    "notifications.yaml",
)

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_CONFIDENCE_TAGS = "verified, corroborated, unverified, paragraph_uncertain"


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Provisions(_File):
    articles: tuple[Article, ...]


class _Fields(_File):
    fields: tuple[RequestField, ...]


class _Kinds(_File):
    kinds: tuple[RequestKind, ...]


class _Offences(_File):
    offences: tuple[Offence, ...]


class _Refusal(_File):
    grounds: tuple[RefusalGround, ...]
    never_grounds: tuple[NeverGround, ...]
    duties: tuple[Duty, ...]


class _TimeRules(_File):
    rules: tuple[TimeRule, ...]


class _Notifications(_File):
    notifications: tuple[Notification, ...]


M = TypeVar("M", bound=BaseModel)


def _dotted(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _describe(error: Any) -> str:
    """One line for one pydantic error, in the words of the data files."""
    loc: Location = tuple(error["loc"])
    kind: str = error["type"]
    name = loc[-1] if loc else ""
    parent = _dotted(loc[:-1])
    where = f" in {parent}" if parent else ""
    if kind == "extra_forbidden":
        return f"unknown key {name!r}{where}"
    if kind == "missing" and name == "cites":
        return f"missing citation: no 'cites'{where}"
    if kind == "missing":
        return f"missing key {name!r}{where}"
    if kind == "too_short" and name == "cites":
        return f"missing citation: 'cites' is empty{where}"
    if kind == "enum" and name == "confidence":
        return f"bad confidence tag {error['input']!r}{where}: expected one of {_CONFIDENCE_TAGS}"
    if kind in ("model_type", "dict_type"):
        return f"expected a mapping at {_dotted(loc) or 'the top of the file'}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{_dotted(loc) or 'document'}: {message}"


def _validate(model: type[M], source: SourceFile, instrument: str) -> M:
    try:
        return model.model_validate(source.data, context={"instrument": instrument})
    except ValidationError as exc:
        errors = exc.errors()
        first = min(errors, key=lambda e: source.line(tuple(e["loc"])) or 0)
        raise source.error(_describe(first), tuple(first["loc"])) from None


def _citations(value: object, loc: Location) -> Iterator[tuple[Location, Citation]]:
    """Every citation inside a validated model, with its location in the file."""
    if isinstance(value, Citation):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _citations(getattr(value, name), (*loc, name))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _citations(item, (*loc, index))


class _Checker:
    """Cross-file checks; each failure names the file and line of the offending entry."""

    def __init__(self, instrument: str, sources: dict[str, SourceFile]) -> None:
        self.instrument = instrument
        self.sources = sources
        self.provisions: dict[tuple[int, int | None], frozenset[str]] = {}

    def fail(self, file: str, loc: Location, message: str) -> TreatyDataError:
        return self.sources[file].error(message, loc)

    def unique(self, file: str, loc: Location, keys: Iterable[object], what: str) -> None:
        seen: set[object] = set()
        for index, key in enumerate(keys):
            if key in seen:
                raise self.fail(file, (*loc, index), f"duplicate {what} {key!r}")
            seen.add(key)

    def known(
        self, file: str, loc: Location, keys: Iterable[str], defined: set[str], what: str
    ) -> None:
        for index, key in enumerate(keys):
            if key not in defined:
                raise self.fail(file, (*loc, index), f"dangling reference: unknown {what} {key!r}")

    def provisions_index(self, articles: tuple[Article, ...], source_ids: set[str]) -> None:
        file = "provisions.yaml"
        self.unique(file, ("articles",), (a.article for a in articles), "article")
        for i, article in enumerate(articles):
            self.known(file, ("articles", i, "sources"), article.sources, source_ids, "source")
            self.provisions[(article.article, None)] = frozenset(article.items)
            loc = ("articles", i, "paragraphs")
            self.unique(file, loc, (p.paragraph for p in article.paragraphs), "paragraph")
            for j, para in enumerate(article.paragraphs):
                self.known(file, (*loc, j, "sources"), para.sources, source_ids, "source")
                self.provisions[(article.article, para.paragraph)] = frozenset(para.items)

    def cites(self, file: str, model: BaseModel) -> None:
        for loc, cite in _citations(model, ()):
            if cite.instrument != self.instrument:
                raise self.fail(file, loc, f"dangling reference: unknown instrument in {cite}")
            items = self.provisions.get((cite.article, cite.paragraph))
            if items is None:
                raise self.fail(
                    file, loc, f"dangling reference: {cite} is not defined in provisions.yaml"
                )
            if cite.item is not None and cite.item not in items:
                raise self.fail(file, loc, f"dangling reference: {cite} has no item ({cite.item})")


def _read_dir(directory: Traversable, display: str) -> dict[str, SourceFile]:
    if not directory.is_dir():
        raise TreatyDataError("not a data directory", path=display)
    present = {entry.name for entry in directory.iterdir() if entry.name.endswith(".yaml")}
    for name in sorted(present - set(DATA_FILES)):
        raise TreatyDataError(
            f"unknown data file (expected one of {', '.join(DATA_FILES)})",
            path=f"{display}/{name}",
        )
    files: dict[str, SourceFile] = {}
    for name in DATA_FILES:
        shown = f"{display}/{name}"
        if name not in present:
            raise TreatyDataError("missing data file", path=shown)
        try:
            text = (directory / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TreatyDataError(f"cannot read the file: {exc}", path=shown) from None
        files[name] = parse_yaml(text, shown)
    return files


def _check_keys(
    check: _Checker,
    fields: _Fields,
    kinds: _Kinds,
    offences: _Offences,
    refusal: _Refusal,
    rules: _TimeRules,
    notes: _Notifications,
) -> None:
    """Keys are unique within each list (refusal keys across its three sections)."""
    check.unique("request_fields.yaml", ("fields",), (f.key for f in fields.fields), "field")
    check.unique("request_kinds.yaml", ("kinds",), (k.key for k in kinds.kinds), "kind")
    check.unique(
        "notifications.yaml", ("notifications",), (n.key for n in notes.notifications), "key"
    )
    check.unique("time_rules.yaml", ("rules",), (r.key for r in rules.rules), "rule")
    check.unique("offences.yaml", ("offences",), (o.key for o in offences.offences), "offence")
    for i, offence in enumerate(offences.offences):
        options = (o.key for o in offence.options)
        check.unique("offences.yaml", ("offences", i, "options"), options, "option")
    seen: set[str] = set()
    for part in ("grounds", "never_grounds", "duties"):
        for i, entry in enumerate(getattr(refusal, part)):
            if entry.key in seen:
                raise check.fail("refusal.yaml", (part, i), f"duplicate key {entry.key!r}")
            seen.add(entry.key)


def _check_kinds(check: _Checker, kinds: _Kinds, field_keys: set[str], note_keys: set[str]) -> None:
    """Each kind uses defined notifications and request fields, and unique item keys."""
    file = "request_kinds.yaml"
    for i, kind in enumerate(kinds.kinds):
        loc: Location = ("kinds", i)
        check.known(file, (*loc, "notifications"), kind.notifications, note_keys, "notification")
        item_keys: set[str] = set()
        for part in ("required", "optional"):
            for j, item in enumerate(getattr(kind, part)):
                if item.key in item_keys:
                    raise check.fail(file, (*loc, part, j), f"duplicate item {item.key!r}")
                item_keys.add(item.key)
                fields_loc = (*loc, part, j, "fields")
                check.known(file, fields_loc, item.fields, field_keys, "request field")


def _check_uses(
    check: _Checker,
    kinds: _Kinds,
    offences: _Offences,
    refusal: _Refusal,
    rules: _TimeRules,
    notes: _Notifications,
) -> None:
    """References to request kinds, reservations and notifications resolve."""
    kind_keys = {k.key for k in kinds.kinds}
    note_keys = {n.key for n in notes.notifications}
    reservations = {n.key for n in notes.notifications if n.category == "reservation"}
    for i, offence in enumerate(offences.offences):
        loc: Location = ("offences", i, "reservations")
        check.known("offences.yaml", loc, offence.reservations, reservations, "reservation")
    for part in ("grounds", "never_grounds", "duties"):
        entries: tuple[RefusalGround | NeverGround | Duty, ...] = getattr(refusal, part)
        for i, entry in enumerate(entries):
            loc = (part, i, "applies_to")
            check.known("refusal.yaml", loc, entry.applies_to, kind_keys, "request kind")
    for i, ground in enumerate(refusal.grounds):
        if ground.requires_notification is not None:
            loc = ("grounds", i, "requires_notification")
            check.known(
                "refusal.yaml", loc, [ground.requires_notification], note_keys, "notification"
            )
    for i, rule in enumerate(rules.rules):
        loc = ("rules", i, "applies_to")
        check.known("time_rules.yaml", loc, rule.applies_to, kind_keys, "request kind")


def _build(files: dict[str, SourceFile], expected_key: str | None) -> Instrument:
    info = _validate(InstrumentInfo, files["instrument.yaml"], expected_key or "")
    if expected_key is not None and info.key != expected_key:
        raise files["instrument.yaml"].error(
            f"key {info.key!r} does not match the directory {expected_key!r}", ("key",)
        )
    key = info.key
    provisions = _validate(_Provisions, files["provisions.yaml"], key)
    fields = _validate(_Fields, files["request_fields.yaml"], key)
    kinds = _validate(_Kinds, files["request_kinds.yaml"], key)
    offences = _validate(_Offences, files["offences.yaml"], key)
    refusal = _validate(_Refusal, files["refusal.yaml"], key)
    rules = _validate(_TimeRules, files["time_rules.yaml"], key)
    notes = _validate(_Notifications, files["notifications.yaml"], key)

    check = _Checker(key, files)
    check.unique("instrument.yaml", ("sources",), (s.id for s in info.sources), "source")
    check.provisions_index(provisions.articles, {s.id for s in info.sources})
    for name, model in (
        ("request_kinds.yaml", kinds),
        ("offences.yaml", offences),
        ("refusal.yaml", refusal),
        ("time_rules.yaml", rules),
        ("notifications.yaml", notes),
    ):
        check.cites(name, model)

    _check_keys(check, fields, kinds, offences, refusal, rules, notes)
    _check_kinds(check, kinds, {f.key for f in fields.fields}, {n.key for n in notes.notifications})
    _check_uses(check, kinds, offences, refusal, rules, notes)

    return Instrument(
        info=info,
        articles=provisions.articles,
        fields=fields.fields,
        kinds=kinds.kinds,
        offences=offences.offences,
        grounds=refusal.grounds,
        never_grounds=refusal.never_grounds,
        duties=refusal.duties,
        time_rules=rules.rules,
        notifications=notes.notifications,
    )


def load_instrument_dir(directory: Path | Traversable, *, key: str | None = None) -> Instrument:
    """Load and cross-check the data in ``directory`` (not cached; for tests and tools).

    ``key``, when given, must equal the ``key`` in ``instrument.yaml``.
    """
    return _build(_read_dir(directory, str(directory)), key)


def _data_root() -> Traversable:
    return resources.files("comity.treaty") / "data"


def available_instruments() -> tuple[str, ...]:
    """The keys of the instruments shipped with Comity (``("uncc",)``)."""
    return tuple(
        sorted(e.name for e in _data_root().iterdir() if e.is_dir() and _KEY.match(e.name))
    )


@functools.cache
def load_instrument(key: str = "uncc") -> Instrument:
    """The shipped instrument ``key``, loaded once and cached; :class:`NotFound` if unknown."""
    if not _KEY.match(key) or key not in available_instruments():
        raise NotFound(f"no instrument data for {key!r}")
    directory = _data_root() / key
    return _build(_read_dir(directory, f"comity/treaty/data/{key}"), key)
