"""The shapes of the Convention data, as frozen pydantic models that forbid unknown keys.

Each model mirrors one kind of entry in ``data/<instrument>/*.yaml`` (see
``docs/formats/treaty-data.md``). Models check what can be checked on one entry alone (types,
allowed values, non-empty citations, a source for every verified provision); what needs the
whole data set (dangling citations, unknown notification keys) is checked by
:mod:`comity.treaty.loader`.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    model_validator,
)

__all__ = [
    "Article",
    "Channel",
    "Citation",
    "Confidence",
    "ContentItem",
    "Duty",
    "InstrumentInfo",
    "NeverGround",
    "Notification",
    "Offence",
    "OffenceOption",
    "Paragraph",
    "RefusalGround",
    "RequestField",
    "RequestKind",
    "Source",
    "TimeRule",
]

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
ItemLetter = Annotated[str, Field(pattern=r"^[a-z]$")]
SourceId = Annotated[str, Field(pattern=r"^S[0-9]+$")]
Text = Annotated[str, Field(min_length=1)]


class Confidence(StrEnum):
    """How far a provision's paraphrase has been checked against the treaty text.

    Ordered from strongest to weakest: ``verified`` (checked against a copy of the text),
    ``corroborated`` (a secondary source backs it), ``unverified`` (general knowledge of the
    adopted text), ``paragraph_uncertain`` (the paragraph number itself is a best estimate, and
    the content is not verified either). Only ``verified`` may be presented as certain.
    """

    VERIFIED = "verified"
    CORROBORATED = "corroborated"
    UNVERIFIED = "unverified"
    PARAGRAPH_UNCERTAIN = "paragraph_uncertain"

    @property
    def rank(self) -> int:
        """0 for the strongest tag, 3 for the weakest."""
        return list(Confidence).index(self)

    @property
    def is_certain(self) -> bool:
        """True only for ``verified``: everything else must be shown with a warning."""
        return self is Confidence.VERIFIED

    @classmethod
    def weakest(cls, tags: list[Confidence]) -> Confidence:
        """The weakest tag of ``tags`` (``verified`` for an empty list).

        >>> Confidence.weakest([Confidence.VERIFIED, Confidence.UNVERIFIED])
        <Confidence.UNVERIFIED: 'unverified'>
        """
        return max(tags, key=lambda tag: tag.rank, default=cls.VERIFIED)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_CITATION = re.compile(
    r"^(?:(?P<instrument>[a-z][a-z0-9_]*) )?Art (?P<article>[1-9][0-9]*)"
    r"(?:\((?P<paragraph>[1-9][0-9]*)\))?(?:\((?P<item>[a-z])\))?$"
)


class Citation(_Model):
    """A structured reference to a provision: instrument, article, paragraph and item letter.

    In the data files a citation is written ``Art 40(15)(a)``, ``Art 2(h)`` (an item of an
    article without numbered paragraphs) or ``Art 37``; an instrument key may prefix it
    (``uncc Art 42(7)``), otherwise it is the instrument being loaded. The mapping form
    ``{article: 40, paragraph: 15, item: a}`` is accepted too.

    >>> Citation.model_validate("uncc Art 40(15)(a)").label("UNCC")
    'UNCC Art 40(15)(a)'
    """

    instrument: Key
    article: StrictInt = Field(ge=1)
    paragraph: StrictInt | None = Field(default=None, ge=1)
    item: ItemLetter | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any, info: ValidationInfo) -> Any:
        default = (info.context or {}).get("instrument", "uncc")
        if isinstance(value, str):
            match = _CITATION.match(value.strip())
            if match is None:
                raise ValueError(
                    f"cannot read citation {value!r}: expected e.g. 'Art 40(15)(a)' or 'Art 2(h)'"
                )
            return {
                "instrument": match["instrument"] or default,
                "article": int(match["article"]),
                "paragraph": int(match["paragraph"]) if match["paragraph"] else None,
                "item": match["item"],
            }
        if isinstance(value, dict) and "instrument" not in value:
            return {"instrument": default, **value}
        return value

    def label(self, prefix: str = "") -> str:
        """The citation as a lawyer writes it, e.g. ``UNCC Art 42(2)(c)``."""
        text = f"Art {self.article}"
        if self.paragraph is not None:
            text += f"({self.paragraph})"
        if self.item is not None:
            text += f"({self.item})"
        return f"{prefix} {text}" if prefix else text

    def __str__(self) -> str:
        return self.label()


Cites = Annotated[tuple[Citation, ...], Field(min_length=1)]


class _Sourced(_Model):
    """Shared checks of an article or paragraph: its tag needs sources unless unverified."""

    title: Text
    confidence: Confidence
    sources: tuple[SourceId, ...]
    paraphrase: Text
    items: dict[ItemLetter, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sources_back_the_tag(self) -> _Sourced:
        if self.confidence in (Confidence.VERIFIED, Confidence.CORROBORATED) and not self.sources:
            raise ValueError(f"a {self.confidence.value} provision must name its sources")
        return self


class Paragraph(_Sourced):
    """One numbered paragraph of an article."""

    paragraph: StrictInt = Field(ge=1)


class Article(_Sourced):
    """One article, with the paragraphs Comity uses (possibly none)."""

    article: StrictInt = Field(ge=1)
    paragraphs: tuple[Paragraph, ...] = ()


class Source(_Model):
    """A source of the data, cited by id (``S1`` ...) from provisions."""

    id: SourceId
    kind: Literal[
        "treaty_text", "depositary", "draft", "official_summary", "commentary", "news", "model_text"
    ]
    title: Text
    reference: Text


class InstrumentInfo(_Model):
    """``instrument.yaml``: what the instrument is, the data version, and the sources."""

    key: Key
    title: Text
    short_title: Text
    citation_prefix: Text
    version: Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")]
    as_of: dt.date
    adopted: dt.date
    adopted_by: Text
    depositary_reference: Text
    text_status: Text
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]


class RequestField(_Model):
    """A field of a request that content items refer to (``offence``, ``period`` ...)."""

    key: Key
    label: Text
    description: Text


class ContentItem(_Model):
    """One item a request must (or may) carry, the request fields it concerns, and its cites."""

    key: Key
    label: Text
    fields: Annotated[tuple[Key, ...], Field(min_length=1)]
    cites: Cites
    condition: Text | None = None


ChannelKey = Literal["central_authority", "contact_point_24_7", "diplomatic", "interpol"]


class Channel(_Model):
    """A channel through which a kind of request may be sent."""

    channel: ChannelKey
    cites: Cites
    note: Text | None = None


class RequestKind(_Model):
    """A kind of request: its article, channels, notifications used, and required contents."""

    key: Key
    title: Text
    cites: Cites
    initiated_by: Literal["requesting_state", "requested_state", "any_state"]
    channels: Annotated[tuple[Channel, ...], Field(min_length=1)]
    notifications: tuple[Key, ...]
    required: Annotated[tuple[ContentItem, ...], Field(min_length=1)]
    optional: tuple[ContentItem, ...]

    @model_validator(mode="after")
    def _optional_items_say_when(self) -> RequestKind:
        for item in self.optional:
            if item.condition is None:
                raise ValueError(f"optional item {item.key!r} must state its condition")
        return self


class RefusalGround(_Model):
    """A ground on which a requested State may refuse."""

    key: Key
    title: Text
    description: Text
    discretionary: StrictBool
    applies_to: Annotated[tuple[Key, ...], Field(min_length=1)]
    requires_notification: Key | None = None
    cites: Cites


class NeverGround(_Model):
    """Something that can never, on its own, be a ground for refusal."""

    key: Key
    title: Text
    description: Text
    applies_to: Annotated[tuple[Key, ...], Field(min_length=1)]
    cites: Cites


class Duty(_Model):
    """Something the requested State must do before refusing (or postponing, or executing)."""

    key: Key
    title: Text
    description: Text
    before: Annotated[
        tuple[Literal["refusal", "postponement", "execution"], ...], Field(min_length=1)
    ]
    applies_to: Annotated[tuple[Key, ...], Field(min_length=1)]
    cites: Cites


class TimeRule(_Model):
    """A period, threshold or date fixed by the instrument."""

    key: Key
    title: Text
    description: Text
    value: StrictInt | None = Field(default=None, ge=1)
    date: dt.date | None = None
    unit: Literal["days", "months", "years", "instruments", "states_parties", "date"]
    bound: Literal["minimum", "maximum", "exact"]
    applies_to: tuple[Key, ...]
    cites: Cites

    @model_validator(mode="after")
    def _value_or_date(self) -> TimeRule:
        if self.unit == "date":
            if self.date is None or self.value is not None:
                raise ValueError("a rule with unit 'date' has a 'date' and no 'value'")
        elif self.value is None or self.date is not None:
            raise ValueError(f"a rule in {self.unit} has a 'value' and no 'date'")
        return self


class Notification(_Model):
    """A notification, declaration or reservation a State may or must make."""

    key: Key
    category: Literal["notification", "declaration", "reservation"]
    title: Text
    description: Text
    addressee: Literal["secretary_general"]
    timing: Literal["at_deposit", "at_signature_or_deposit", "unspecified"]
    required: StrictBool
    condition: Text | None = None
    kept_current: StrictBool
    withdrawable: StrictBool
    cites: Cites


class OffenceOption(_Model):
    """A domestic choice an offence article allows (not notified), or a carve-out."""

    key: Key
    kind: Literal["option", "carve_out"]
    description: Text
    cites: Cites


class Offence(_Model):
    """An offence States establish, with its options and the reservations it admits."""

    key: Key
    article: StrictInt = Field(ge=1)
    title: Text
    summary: Text
    cites: Cites
    options: tuple[OffenceOption, ...]
    reservations: tuple[Key, ...]

    @model_validator(mode="after")
    def _cites_its_article(self) -> Offence:
        for cite in self.cites:
            if cite.article != self.article:
                raise ValueError(f"offence of Art {self.article} cites {cite}")
        return self
