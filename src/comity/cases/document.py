"""The request document: the JSON a drafter writes, of any of the nine kinds of request.

A :class:`RequestDocument` is a *draft*: every content field may be left empty, because
completeness is a separate check (:mod:`comity.cases.completeness`) that reports every missing
item at once with its citation. What the model does enforce is *form*: unknown keys are
refused (``extra="forbid"``), identifiers are typed (:mod:`comity.cases.identifiers`), dates
are dates, the language is a BCP 47 tag, States are ISO 3166-1 alpha-3 codes.

The names of the content fields are the field keys that the Convention data's required items
refer to (``requesting_authority``, ``offence``, ``period`` ...): :data:`FIELD_KEYS` lists them
and :func:`filled_fields` says which ones a document fills. The format is documented in
``docs/formats/request-document.md``; :func:`request_json_schema` gives its JSON Schema.

Article references follow the brief on the Convention (``docs`` cite it with its confidence
tags): Art 2 definitions are checked against the Arabic text [V-AR]; Arts 37 to 46 are
[UNVERIFIED] and the paragraph numbers of Art 40 beyond 40(7) are uncertain [¶?].
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

import pycountry
from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from comity.cases.identifiers import Identifier
from comity.treaty.kinds import REQUEST_KINDS, RequestKind

__all__ = [
    "FIELD_KEYS",
    "REQUEST_KINDS",
    "SCHEMA_ID",
    "Authority",
    "Confidentiality",
    "Custodian",
    "DataCategory",
    "Deadline",
    "Emergency",
    "FollowUpIntent",
    "LegalBasis",
    "MaximumPenalty",
    "Offence",
    "Period",
    "Person",
    "Proceeding",
    "RequestDocument",
    "RequestKind",
    "ServiceProvider",
    "Urgency",
    "filled_fields",
    "parse_language",
    "request_json_schema",
]

"""The nine kinds: Arts 42, 43, 44, 45, 46, 40(3), 41(3), 37 and 40(4) respectively."""


DataCategory = Literal["subscriber", "traffic", "content"]
"""Subscriber information Art 2(f), traffic data Art 2(c), content data Art 2(d) [V-AR]."""

SCHEMA_ID = "urn:comity:schema:request-document:1"

FIELD_KEYS: tuple[str, ...] = (
    "requesting_authority",
    "requested_authority",
    "proceeding",
    "offence",
    "penalty",
    "facts",
    "assistance_sought",
    "persons",
    "identifiers",
    "data_categories",
    "data_relation",
    "custodian",
    "necessity",
    "period",
    "purpose",
    "follow_up_intent",
    "confidentiality",
    "use_restrictions",
    "urgency",
    "emergency",
    "language",
    "deadline",
    "linked_request",
    "service_provider",
    "communication_path",
    "legal_basis",
    "information",
)
"""The content keys a required item may name. ``penalty`` lives in ``offence.maximum_penalty``."""


def parse_language(tag: str) -> Locale:
    """The :class:`babel.Locale` of a BCP 47 tag (RFC 5646), or ``ValueError``.

    >>> str(parse_language("zh-Hans-CN"))
    'zh_Hans_CN'
    """
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"language {tag!r} is not a BCP 47 tag Comity knows") from None


def _check_language(tag: str) -> str:
    parse_language(tag)
    return tag


def _check_state(code: str) -> str:
    if pycountry.countries.get(alpha_3=code) is None or code != code.upper():
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 country code")
    return code


Text = Annotated[str, StringConstraints(strip_whitespace=True)]
StateCode = Annotated[str, AfterValidator(_check_state)]
LanguageTag = Annotated[str, AfterValidator(_check_language)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Authority(_Part):
    """A competent authority: a central authority (Art 40(13) [¶?]) or a 24/7 point (Art 41)."""

    name: Text = ""
    identifier: Text | None = Field(default=None, description="Its key in Comity's directory.")
    contact: Text | None = None


class Proceeding(_Part):
    """Subject matter and nature of the investigation, and who conducts it (Art 40(15)(b) [¶?])."""

    nature: Text = ""
    conducting_authority: Text | None = None
    case_number: Text | None = None


class MaximumPenalty(_Part):
    """The maximum penalty for the offence under the requesting State's law: years, or life.

    A *serious crime* is punishable by a maximum deprivation of liberty of at least four years
    or a more serious penalty (Art 2(h) [V-AR]).

    >>> MaximumPenalty(years=Decimal("4")).serious_crime
    True
    """

    years: Decimal | None = Field(default=None, gt=0, le=200)
    life: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> MaximumPenalty:
        if (self.years is None) == (not self.life):
            raise ValueError("maximum_penalty needs either 'years' or 'life': true, not both")
        return self

    @property
    def serious_crime(self) -> bool:
        """Whether the penalty meets the Art 2(h) threshold (at least four years, or life)."""
        return self.life or (self.years is not None and self.years >= 4)


class Offence(_Part):
    """The offence as the requesting State's law defines it, and its Convention counterpart."""

    name: Text = ""
    law_reference: Text | None = Field(default=None, description="Statute and section.")
    maximum_penalty: MaximumPenalty | None = None
    convention_article: int | None = Field(
        default=None, ge=7, le=17, description="The offence article of Arts 7 to 17, if any."
    )


class Person(_Part):
    """A person concerned: identity, location, nationality where possible (Art 40(15)(e) [¶?])."""

    name: Text = ""
    role: Literal["suspect", "victim", "witness", "account_holder", "other"] = "other"
    date_of_birth: dt.date | None = None
    nationality: StateCode | None = None
    location: Text | None = None


class Custodian(_Part):
    """Who holds the data, or where the system is (Art 42 item (d) [UNVERIFIED, ¶?])."""

    name: Text | None = None
    location: Text | None = None


class Period(_Part):
    """The period the data covers, or the period of collection, with its justification.

    Both ends are UTC calendar dates and inclusive. Art 45 asks for the period of collection
    and a justification of its duration [UNVERIFIED].
    """

    start: dt.date | None = None
    end: dt.date | None = None
    justification: Text | None = None


class FollowUpIntent(_Part):
    """The intention to submit a request for the preserved data (Art 42 item (f) [¶?])."""

    intended: bool = False
    kind: RequestKind | None = None
    expected_by: dt.date | None = None


class Confidentiality(_Part):
    """Keep the request confidential, and do not notify the user (Art 40(20) [¶?], Art 42)."""

    confidential: bool = False
    do_not_notify: bool = False
    reason: Text | None = None


class Urgency(_Part):
    """How urgent the request is and why; an urgent request may first be made orally.

    ``emergency`` means a significant and imminent risk to the life or safety of a natural
    person (Art 2(o) [V-AR]) and needs the ``emergency`` field. An oral request in urgent
    circumstances must be confirmed in writing forthwith (Art 40(14) [UNVERIFIED, ¶?]).
    """

    level: Literal["routine", "urgent", "emergency"] = "routine"
    reason: Text | None = None
    oral_request_at: AwareDatetime | None = Field(
        default=None, description="When the request was made orally, if it was."
    )


class Emergency(_Part):
    """The significant and imminent risk to the life or safety of a person (Art 2(o) [V-AR])."""

    imminent_risk: Text = ""
    persons_at_risk: Text | None = None


class Deadline(_Part):
    """The deadline the requester suggests, with its reasons (Art 40(26) [UNVERIFIED, ¶?])."""

    date: dt.date | None = None
    reason: Text | None = None


class ServiceProvider(_Part):
    """A service provider (Art 2(e) [V-AR]), e.g. one another State involved in a transmission."""

    name: Text = ""
    state: StateCode | None = None


class LegalBasis(_Part):
    """The instrument the request relies on: this Convention, or another treaty by name.

    Art 40(7) [UNVERIFIED]: where an MLA treaty binds both States, its provisions apply unless
    they agree to use Art 40's detailed paragraphs.
    """

    instrument: Literal["uncc"] | None = None
    treaty: Text | None = None

    @model_validator(mode="after")
    def _one_of(self) -> LegalBasis:
        if (self.instrument is None) == (not self.treaty):
            raise ValueError("legal_basis needs either 'instrument': 'uncc' or a 'treaty' name")
        return self


class RequestDocument(BaseModel):
    """A request (or request-like message) as drafted, of one of the nine kinds.

    All content fields are optional so that a draft can be saved half-written;
    :func:`comity.cases.completeness.check_completeness` says what is missing.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        title="Comity request document",
        json_schema_extra={"$id": SCHEMA_ID},
    )

    schema_ref: str | None = Field(default=None, alias="$schema")
    kind: RequestKind
    reference: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{2,3}-[0-9]{4}-[0-9]{6}$",
        description="Human-facing reference, e.g. FR-2026-000123; assigned when sent.",
    )
    requesting_state: StateCode | None = None
    requested_state: StateCode | None = None
    requesting_authority: Authority | None = None
    requested_authority: Authority | None = None
    legal_basis: LegalBasis | None = None
    proceeding: Proceeding | None = None
    offence: Offence | None = None
    facts: Text | None = None
    assistance_sought: Text | None = None
    persons: tuple[Person, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    data_categories: tuple[DataCategory, ...] = ()
    data_relation: Text | None = None
    custodian: Custodian | None = None
    service_provider: ServiceProvider | None = None
    communication_path: Text | None = None
    necessity: Text | None = None
    period: Period | None = None
    purpose: Text | None = None
    follow_up_intent: FollowUpIntent | None = None
    confidentiality: Confidentiality | None = None
    use_restrictions: tuple[Text, ...] = ()
    urgency: Urgency | None = None
    emergency: Emergency | None = None
    language: LanguageTag | None = None
    deadline: Deadline | None = None
    linked_request: Text | None = None
    information: Text | None = None

    @model_validator(mode="after")
    def _distinct_categories(self) -> RequestDocument:
        if len(set(self.data_categories)) != len(self.data_categories):
            raise ValueError("data_categories lists a category twice")
        return self


def _text(value: str | None) -> bool:
    return bool(value and value.strip())


def filled_fields(document: RequestDocument) -> set[str]:
    """The keys of :data:`FIELD_KEYS` that ``document`` fills with something meaningful.

    A field is filled when it carries the substance its key stands for: a non-blank text, a
    non-empty list, an authority with a name, a period with both dates, a deadline with a
    date, an emergency that states the imminent risk, a confidentiality statement, a follow-up
    intent that is affirmed. ``penalty`` is filled when ``offence.maximum_penalty`` is.

    >>> sorted(filled_fields(RequestDocument(kind="preservation", facts="  ", purpose="x")))
    ['purpose']
    """
    d = document
    checks: dict[str, bool] = {
        "requesting_authority": d.requesting_authority is not None
        and _text(d.requesting_authority.name),
        "requested_authority": d.requested_authority is not None
        and _text(d.requested_authority.name),
        "proceeding": d.proceeding is not None and _text(d.proceeding.nature),
        "offence": d.offence is not None and _text(d.offence.name),
        "penalty": d.offence is not None and d.offence.maximum_penalty is not None,
        "facts": _text(d.facts),
        "assistance_sought": _text(d.assistance_sought),
        "persons": any(_text(p.name) for p in d.persons),
        "identifiers": bool(d.identifiers),
        "data_categories": bool(d.data_categories),
        "data_relation": _text(d.data_relation),
        "custodian": d.custodian is not None
        and (_text(d.custodian.name) or _text(d.custodian.location)),
        "necessity": _text(d.necessity),
        "period": d.period is not None and d.period.start is not None and d.period.end is not None,
        "purpose": _text(d.purpose),
        "follow_up_intent": d.follow_up_intent is not None and d.follow_up_intent.intended,
        "confidentiality": d.confidentiality is not None,
        "use_restrictions": any(_text(u) for u in d.use_restrictions),
        "urgency": d.urgency is not None
        and (d.urgency.level == "routine" or _text(d.urgency.reason)),
        "emergency": d.emergency is not None and _text(d.emergency.imminent_risk),
        "language": d.language is not None,
        "deadline": d.deadline is not None and d.deadline.date is not None,
        "linked_request": _text(d.linked_request),
        "service_provider": d.service_provider is not None and _text(d.service_provider.name),
        "communication_path": _text(d.communication_path),
        "legal_basis": d.legal_basis is not None,
        "information": _text(d.information),
    }
    return {key for key, filled in checks.items() if filled}


def request_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the request document, with its ``$id`` and title."""
    schema = RequestDocument.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
