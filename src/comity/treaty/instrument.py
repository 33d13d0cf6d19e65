"""An instrument (the Convention) loaded as data, and the questions the rest of Comity asks it.

An :class:`Instrument` is immutable and fully cross-checked: every citation in it resolves to a
:class:`Provision`, so :meth:`Instrument.confidence` never guesses. Build one with
:func:`comity.treaty.load_instrument`; do not construct it by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from comity.errors import NotFound
from comity.treaty.models import (
    Article,
    Citation,
    Confidence,
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

__all__ = ["CitedBy", "Instrument", "Provision"]


@dataclass(frozen=True)
class Provision:
    """An article (``paragraph is None``) or one of its paragraphs, with its confidence tag."""

    instrument: str
    article: int
    paragraph: int | None
    title: str
    article_title: str
    confidence: Confidence
    sources: tuple[str, ...]
    paraphrase: str
    items: Mapping[str, str]

    @property
    def citation(self) -> Citation:
        """The citation that points at this provision."""
        return Citation(instrument=self.instrument, article=self.article, paragraph=self.paragraph)


@dataclass(frozen=True)
class CitedBy:
    """One place in the data that cites a provision.

    ``section`` names the kind of entry (``request_kind``, ``request_item``, ``channel``,
    ``offence``, ``offence_option``, ``refusal_ground``, ``never_ground``, ``duty``,
    ``time_rule``, ``notification``); ``key`` is its dotted key (``preservation.necessity``).
    """

    section: str
    key: str
    title: str
    citation: Citation


def _provisions(key: str, articles: tuple[Article, ...]) -> Iterator[Provision]:
    for article in articles:
        yield Provision(
            instrument=key,
            article=article.article,
            paragraph=None,
            title=article.title,
            article_title=article.title,
            confidence=article.confidence,
            sources=article.sources,
            paraphrase=article.paraphrase,
            items=MappingProxyType(dict(article.items)),
        )
        for para in article.paragraphs:
            yield Provision(
                instrument=key,
                article=article.article,
                paragraph=para.paragraph,
                title=para.title,
                article_title=article.title,
                confidence=para.confidence,
                sources=para.sources,
                paraphrase=para.paraphrase,
                items=MappingProxyType(dict(para.items)),
            )


class Instrument:
    """The data of one instrument, indexed for lookups. Immutable once built."""

    def __init__(
        self,
        *,
        info: InstrumentInfo,
        articles: tuple[Article, ...],
        fields: tuple[RequestField, ...],
        kinds: tuple[RequestKind, ...],
        offences: tuple[Offence, ...],
        grounds: tuple[RefusalGround, ...],
        never_grounds: tuple[NeverGround, ...],
        duties: tuple[Duty, ...],
        time_rules: tuple[TimeRule, ...],
        notifications: tuple[Notification, ...],
    ) -> None:
        self.info = info
        self.key = info.key
        self.articles = articles
        self.fields = fields
        self.kinds = kinds
        self.offences = offences
        self.grounds = grounds
        self.never_grounds = never_grounds
        self.duties = duties
        self.time_rules = time_rules
        self.notifications = notifications
        self._provisions = {(p.article, p.paragraph): p for p in _provisions(self.key, articles)}
        self._kinds = {kind.key: kind for kind in kinds}
        self._notifications = {n.key: n for n in notifications}
        self._time_rules = {rule.key: rule for rule in time_rules}
        self._offences = {offence.key: offence for offence in offences}
        self._citing: dict[int, list[CitedBy]] = {}
        for entry in self._cited_by():
            self._citing.setdefault(entry.citation.article, []).append(entry)

    def __repr__(self) -> str:
        return f"Instrument({self.key!r}, version={self.info.version!r})"

    # -- provisions -------------------------------------------------------------------------

    @property
    def provisions(self) -> tuple[Provision, ...]:
        """Every article and paragraph, in file order."""
        return tuple(self._provisions.values())

    def provision(self, article: int, paragraph: int | None = None) -> Provision:
        """The provision ``Art article(paragraph)``; :class:`NotFound` if it is not in the data."""
        try:
            return self._provisions[(article, paragraph)]
        except KeyError:
            where = f"Art {article}" + (f"({paragraph})" if paragraph is not None else "")
            raise NotFound(f"{self.info.citation_prefix} {where} is not in the data") from None

    def article(self, article: int) -> tuple[Provision, ...]:
        """The article and all its paragraphs (the article first); :class:`NotFound` if absent."""
        found = tuple(p for p in self._provisions.values() if p.article == article)
        if not found:
            raise NotFound(f"{self.info.citation_prefix} Art {article} is not in the data")
        return found

    def resolve(self, citation: Citation) -> Provision:
        """The provision a citation points to (its item, if any, is part of that provision)."""
        if citation.instrument != self.key:
            raise NotFound(f"{citation.label(citation.instrument)} is not in {self.key}")
        return self.provision(citation.article, citation.paragraph)

    def confidence(self, citation: Citation) -> Confidence:
        """A citation's confidence: that of the provision it points to."""
        return self.resolve(citation).confidence

    def label(self, citation: Citation) -> str:
        """The citation with the instrument's prefix, e.g. ``UNCC Art 42(7)``."""
        return citation.label(self.info.citation_prefix)

    # -- entries ----------------------------------------------------------------------------

    def request_kind(self, key: str) -> RequestKind:
        """The request kind ``key`` (``preservation``, ``stored_data`` ...)."""
        try:
            return self._kinds[key]
        except KeyError:
            raise NotFound(f"no request kind {key!r} in {self.key}") from None

    def notification(self, key: str) -> Notification:
        """The notification, declaration or reservation ``key``."""
        try:
            return self._notifications[key]
        except KeyError:
            raise NotFound(f"no notification {key!r} in {self.key}") from None

    def time_rule(self, key: str) -> TimeRule:
        """The time rule ``key`` (``preservation_minimum_days`` ...)."""
        try:
            return self._time_rules[key]
        except KeyError:
            raise NotFound(f"no time rule {key!r} in {self.key}") from None

    def offence(self, key: str) -> Offence:
        """The offence ``key`` (``illegal_access`` ...)."""
        try:
            return self._offences[key]
        except KeyError:
            raise NotFound(f"no offence {key!r} in {self.key}") from None

    def grounds_for(self, kind: str) -> tuple[RefusalGround, ...]:
        """The grounds on which a request of ``kind`` may be refused."""
        self.request_kind(kind)
        return tuple(g for g in self.grounds if kind in g.applies_to)

    def never_grounds_for(self, kind: str) -> tuple[NeverGround, ...]:
        """What can never, alone, justify refusing a request of ``kind``."""
        self.request_kind(kind)
        return tuple(g for g in self.never_grounds if kind in g.applies_to)

    def duties_for(self, kind: str) -> tuple[Duty, ...]:
        """What the requested State must do before refusing a request of ``kind``."""
        self.request_kind(kind)
        return tuple(d for d in self.duties if kind in d.applies_to)

    def citing(self, article: int, paragraph: int | None = None) -> tuple[CitedBy, ...]:
        """Everything in the data that cites ``Art article`` (or only its ``paragraph``)."""
        entries = self._citing.get(article, [])
        if paragraph is not None:
            entries = [e for e in entries if e.citation.paragraph == paragraph]
        return tuple(entries)

    def unverified(self) -> tuple[Provision, ...]:
        """Provisions not checked against the treaty text (every tag but ``verified``)."""
        return tuple(p for p in self._provisions.values() if not p.confidence.is_certain)

    def _cited_by(self) -> Iterator[CitedBy]:
        """Every (entry, citation) pair in the data, in file order."""
        for kind in self.kinds:
            for cite in kind.cites:
                yield CitedBy("request_kind", kind.key, kind.title, cite)
            for channel in kind.channels:
                for cite in channel.cites:
                    key = f"{kind.key}.{channel.channel}"
                    yield CitedBy("channel", key, f"{kind.title} via {channel.channel}", cite)
            for item in (*kind.required, *kind.optional):
                for cite in item.cites:
                    yield CitedBy("request_item", f"{kind.key}.{item.key}", item.label, cite)
        for offence in self.offences:
            for cite in offence.cites:
                yield CitedBy("offence", offence.key, offence.title, cite)
            for option in offence.options:
                for cite in option.cites:
                    key = f"{offence.key}.{option.key}"
                    yield CitedBy("offence_option", key, option.description, cite)
        for ground in self.grounds:
            for cite in ground.cites:
                yield CitedBy("refusal_ground", ground.key, ground.title, cite)
        for never in self.never_grounds:
            for cite in never.cites:
                yield CitedBy("never_ground", never.key, never.title, cite)
        for duty in self.duties:
            for cite in duty.cites:
                yield CitedBy("duty", duty.key, duty.title, cite)
        for rule in self.time_rules:
            for cite in rule.cites:
                yield CitedBy("time_rule", rule.key, rule.title, cite)
        for note in self.notifications:
            for cite in note.cites:
                yield CitedBy("notification", note.key, note.title, cite)
