"""Completeness of a request before it is sent: every missing or invalid item, all at once.

The contents a request must carry depend on its kind: Art 40(15) [UNVERIFIED, ¶?] for mutual
legal assistance, Art 42 items (a) to (g) [UNVERIFIED, ¶?] for preservation, Art 45's period
and justification [UNVERIFIED] for real-time traffic data, and so on. Those lists live in the
Convention data (``comity.treaty``); this module only needs each item's key, label, field keys
and citations, through the structural :class:`RequiredItem` protocol.

:func:`check_completeness` reports, in one list:

* each field a required item names that the document leaves empty (with the item's citations);
* values that are present but invalid:

  ==============================================  ===========================  ==============
  check                                           citation                     confidence
  ==============================================  ===========================  ==============
  an emergency without the imminent risk          UNCC Art 2(o)                V-AR
  an emergency statement, urgency not emergency   UNCC Art 2(o)                V-AR
  a period that ends before it starts             the items naming ``period``  as in the data
                                                  (or the format)
  a required period without its justification    the items naming ``period``  as in the data
  a deadline without reasons, or already past     UNCC Art 40(26)              UNVERIFIED, ¶?
  confidentiality or no-notice without a reason   UNCC Art 40(20); for a       UNVERIFIED, ¶?
                                                  preservation Art 42(2)(g)
  a language the requested State did not notify   UNCC Art 40(14)              UNVERIFIED, ¶?
  ==============================================  ===========================  ==============

:func:`validate_draft` does the same for raw JSON data, reporting form errors (a bad phone
number, an unknown key) as problems too, so that ``comity request validate FILE`` can print
them all and exit 1 when the list is not empty (:func:`raise_if_problems`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from comity.cases.document import FIELD_KEYS, RequestDocument, filled_fields, parse_language
from comity.cases.identifiers import IpIdentifier, port_advice
from comity.errors import TreatyDataError, ValidationFailed

__all__ = [
    "FORMAT_CITATION",
    "Problem",
    "RequiredItem",
    "advisories",
    "check_completeness",
    "form_problems",
    "language_accepted",
    "raise_if_problems",
    "validate_draft",
]

ART_2_O = "UNCC Art 2(o)"
ART_40_14 = "UNCC Art 40(14)"
ART_40_20 = "UNCC Art 40(20)"
ART_40_26 = "UNCC Art 40(26)"
ART_42_G = "UNCC Art 42(2)(g)"
FORMAT_CITATION = "Comity request document format (docs/formats/request-document.md)"


class RequiredItem(Protocol):
    """What this module needs of a content item of the Convention data.

    ``citations`` holds objects whose ``str()`` is a citation, e.g. ``UNCC Art 42(2)(c)``.
    """

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def fields(self) -> Sequence[str]: ...

    @property
    def citations(self) -> Sequence[object]: ...


@dataclass(frozen=True, slots=True)
class Problem:
    """One missing or invalid item of a request, with the provisions that require it.

    ``item`` is the content item's key (``format`` for a form error, ``invalid`` for a value
    that is present but wrong and is required by no item), ``field`` the document field (a
    dotted path for form errors).
    """

    item: str
    label: str
    field: str
    citations: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        cites = f" ({'; '.join(self.citations)})" if self.citations else ""
        return f"{self.field}: {self.message}{cites}"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (for ``--json`` outputs and API problem details)."""
        return {
            "item": self.item,
            "label": self.label,
            "field": self.field,
            "citations": list(self.citations),
            "message": self.message,
        }


def language_accepted(tag: str, accepted: Iterable[str]) -> bool:
    """Whether a BCP 47 tag is covered by one of the accepted tags.

    An accepted tag covers every more specific tag: ``en`` covers ``en-GB``, but ``en-GB``
    does not cover ``en`` and ``zh-Hant`` does not cover ``zh-Hans``.

    >>> language_accepted("en-GB", ["fr", "en"]), language_accepted("zh-Hans", ["zh-Hant"])
    (True, False)
    """
    want = parse_language(tag)
    for other in accepted:
        have = parse_language(other)
        if all(
            getattr(have, part) in (None, getattr(want, part))
            for part in ("language", "script", "territory", "variant")
        ):
            return True
    return False


class _Checker:
    """Collects the problems of one document against one list of required items."""

    def __init__(self, document: RequestDocument, items: Sequence[RequiredItem]) -> None:
        self.document = document
        self.items = items
        self.filled = filled_fields(document)
        self.problems: list[Problem] = []

    def item_citations(self, field: str) -> tuple[str, ...]:
        cites = (str(c) for item in self.items if field in item.fields for c in item.citations)
        return tuple(dict.fromkeys(cites))

    def add(self, field: str, message: str, citations: tuple[str, ...]) -> None:
        owner = next((i for i in self.items if field in i.fields), None)
        item, label = (owner.key, owner.label) if owner else ("invalid", "Invalid value")
        self.problems.append(Problem(item, label, field, citations, message))

    def missing(self) -> None:
        for item in self.items:
            for field in item.fields:
                if field not in FIELD_KEYS:
                    raise TreatyDataError(
                        f"content item {item.key!r} names field {field!r}, "
                        "which the request document does not have"
                    )
                if field not in self.filled:
                    cites = tuple(str(c) for c in item.citations)
                    message = f"missing: {item.label}"
                    self.problems.append(Problem(item.key, item.label, field, cites, message))

    def emergency(self) -> None:
        urgency, emergency = self.document.urgency, self.document.emergency
        is_emergency = urgency is not None and urgency.level == "emergency"
        if is_emergency and "emergency" not in self.filled:
            self.add(
                "emergency",
                "an emergency must state the significant and imminent risk to the life or "
                "safety of a natural person (emergency.imminent_risk)",
                (ART_2_O,),
            )
        if not is_emergency and "emergency" in self.filled:
            self.add(
                "urgency",
                "the document describes an emergency but urgency.level is not 'emergency'",
                (ART_2_O,),
            )
        if emergency is not None and "emergency" not in self.filled and not is_emergency:
            self.add("emergency", "emergency is present but states no imminent risk", (ART_2_O,))

    def period(self) -> None:
        period = self.document.period
        if period is None:
            return
        cites = self.item_citations("period") or (FORMAT_CITATION,)
        if period.start and period.end and period.end < period.start:
            self.add(
                "period", f"period ends ({period.end}) before it starts ({period.start})", cites
            )
        required = any("period" in item.fields for item in self.items)
        if required and not period.justification:
            self.add("period", "the period needs a justification of its duration", cites)

    def deadline(self, today: dt.date | None) -> None:
        deadline = self.document.deadline
        if deadline is None or deadline.date is None:
            return
        if not deadline.reason:
            self.add("deadline", "a requested deadline needs its reasons", (ART_40_26,))
        if today is not None and deadline.date < today:
            self.add(
                "deadline",
                f"deadline {deadline.date} is already past (today {today})",
                (ART_40_26,),
            )

    def confidentiality(self) -> None:
        conf = self.document.confidentiality
        if conf is not None and (conf.confidential or conf.do_not_notify) and not conf.reason:
            fallback = ART_42_G if self.document.kind == "preservation" else ART_40_20
            cites = self.item_citations("confidentiality") or (fallback,)
            self.add(
                "confidentiality",
                "confidentiality or 'do not notify the user' needs the reason for it",
                cites,
            )

    def language(self, accepted: Sequence[str] | None) -> None:
        if not accepted:
            return
        listed = ", ".join(accepted)
        language = self.document.language
        if language is None:
            if "language" not in self.filled and any("language" in i.fields for i in self.items):
                return  # already reported as missing
            message = f"no language given; the requested State accepts: {listed}"
        elif not language_accepted(language, accepted):
            message = (
                f"language {language!r} is not among those the requested State notified "
                f"(accepted_languages): {listed}"
            )
        else:
            return
        self.add("language", message, (ART_40_14,))


def check_completeness(
    document: RequestDocument,
    required_items: Sequence[RequiredItem],
    accepted_languages: Sequence[str] | None = None,
    *,
    today: dt.date | None = None,
) -> list[Problem]:
    """Every missing or invalid item of ``document``, in a stable order; empty when complete.

    ``required_items`` are the required content items of the document's kind; items whose
    condition applies ("as appropriate", "where possible") are the caller's choice to include.
    ``accepted_languages`` are the BCP 47 tags in the requested State's ``accepted_languages``
    notification (Art 40(14) [UNVERIFIED, ¶?]); ``None`` skips the language check. ``today``
    (a UTC date) enables the check that a requested deadline is not already past.

    Raises :class:`~comity.errors.TreatyDataError` when an item names a field the document
    does not have: the Convention data and this format disagree.
    """
    checker = _Checker(document, required_items)
    checker.missing()
    checker.emergency()
    checker.period()
    checker.deadline(today)
    checker.confidentiality()
    checker.language(accepted_languages)
    return checker.problems


def advisories(document: RequestDocument) -> list[str]:
    """Advice that does not block sending, e.g. a public IPv4 address without a source port."""
    return [
        advice
        for ident in document.identifiers
        if isinstance(ident, IpIdentifier) and (advice := port_advice(ident)) is not None
    ]


def _where(location: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for i, part in enumerate(location):
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        elif i > 0 and isinstance(location[i - 1], int) and location[0] == "identifiers":
            continue  # the discriminator tag pydantic inserts for a tagged union
        else:
            parts.append(part)
    return ".".join(parts) or "document"


def form_problems(error: ValidationError) -> list[Problem]:
    """The form errors of a document (bad value, unknown key, wrong type) as problems."""
    problems = []
    for entry in error.errors(include_url=False):
        message = str(entry["msg"]).removeprefix("Value error, ")
        where = _where(tuple(entry["loc"]))
        problems.append(Problem("format", "Document format", where, (FORMAT_CITATION,), message))
    return problems


def validate_draft(
    data: Any,
    required_items: Callable[[str], Sequence[RequiredItem]],
    accepted_languages: Sequence[str] | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[RequestDocument | None, list[Problem]]:
    """Parse raw JSON ``data`` as a request document and check it; ``(document, problems)``.

    ``required_items`` maps a kind key to its required items. When the data is not a valid
    document, the document is ``None`` and the problems are its form errors: completeness
    cannot be judged on a document that cannot be read.
    """
    try:
        document = RequestDocument.model_validate(data)
    except ValidationError as error:
        return None, form_problems(error)
    items = required_items(document.kind)
    return document, check_completeness(document, items, accepted_languages, today=today)


def raise_if_problems(problems: Sequence[Problem]) -> None:
    """Raise :class:`~comity.errors.ValidationFailed` listing every problem, if there are any."""
    if problems:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        raise ValidationFailed(
            f"the request is not complete: {count} {noun}", [str(p) for p in problems]
        )
