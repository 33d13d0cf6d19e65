"""Plain, JSON-ready views of the instrument data, shared by the command line and the API.

Every citation is exported with the confidence tag of the provision it points to, and every
content item with the weakest tag of its citations, so that a reader of the JSON can never take
an unverified paragraph for a verified one.
"""

from __future__ import annotations

from typing import Any

from comity.treaty.instrument import CitedBy, Instrument, Provision
from comity.treaty.models import Citation, Confidence, ContentItem, RequestKind

__all__ = ["citation_dict", "cited_by_dict", "item_dict", "kind_dict", "provision_dict"]


def citation_dict(instrument: Instrument, cite: Citation) -> dict[str, Any]:
    """A citation with its label and the confidence tag of the provision it points to."""
    return {
        "instrument": cite.instrument,
        "article": cite.article,
        "paragraph": cite.paragraph,
        "item": cite.item,
        "label": instrument.label(cite),
        "confidence": instrument.confidence(cite).value,
    }


def _weakest(instrument: Instrument, cites: tuple[Citation, ...]) -> Confidence:
    return Confidence.weakest([instrument.confidence(c) for c in cites])


def item_dict(instrument: Instrument, item: ContentItem) -> dict[str, Any]:
    """A content item; ``confidence`` is the weakest tag among its citations."""
    return {
        "key": item.key,
        "label": item.label,
        "fields": list(item.fields),
        "condition": item.condition,
        "confidence": _weakest(instrument, item.cites).value,
        "cites": [citation_dict(instrument, c) for c in item.cites],
    }


def kind_dict(instrument: Instrument, kind: RequestKind) -> dict[str, Any]:
    """A request kind with its article, channels, notifications and contents."""
    return {
        "key": kind.key,
        "title": kind.title,
        "article": citation_dict(instrument, kind.cites[0]),
        "cites": [citation_dict(instrument, c) for c in kind.cites],
        "initiated_by": kind.initiated_by,
        "channels": [
            {
                "channel": ch.channel,
                "cites": [citation_dict(instrument, c) for c in ch.cites],
                "note": ch.note,
            }
            for ch in kind.channels
        ],
        "notifications": list(kind.notifications),
        "required": [item_dict(instrument, item) for item in kind.required],
        "optional": [item_dict(instrument, item) for item in kind.optional],
    }


def provision_dict(provision: Provision) -> dict[str, Any]:
    """A provision with its tag; ``certain`` is true only for ``verified``."""
    return {
        "instrument": provision.instrument,
        "article": provision.article,
        "paragraph": provision.paragraph,
        "title": provision.title,
        "article_title": provision.article_title,
        "confidence": provision.confidence.value,
        "certain": provision.confidence.is_certain,
        "sources": list(provision.sources),
        "paraphrase": provision.paraphrase,
        "items": dict(provision.items),
    }


def cited_by_dict(instrument: Instrument, entry: CitedBy) -> dict[str, Any]:
    """One entry that cites a provision, with the citation it uses."""
    return {
        "section": entry.section,
        "key": entry.key,
        "title": entry.title,
        "citation": citation_dict(instrument, entry.citation),
    }
