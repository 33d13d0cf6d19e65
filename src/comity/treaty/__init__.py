"""The Convention as data: provisions, offences, request kinds, refusal, time rules, notifications.

PURE core: reads versioned YAML files shipped under ``comity/treaty/data/<instrument>/`` and
imports no web, database or network framework. One instrument is shipped, ``uncc`` (the UN
Convention against Cybercrime); others (the Budapest Convention, a bilateral treaty) can be added
as further data directories.

Every provision carries the confidence tag of its source (:class:`Confidence`), and a citation's
confidence is that of the provision it points to, so nothing unverified is presented as certain.

>>> uncc = load_instrument("uncc")
>>> uncc.time_rule("preservation_minimum_days").value
60
>>> uncc.confidence(uncc.time_rule("preservation_minimum_days").cites[0]).value
'paragraph_uncertain'
"""

from __future__ import annotations

from comity.treaty.export import (
    citation_dict,
    cited_by_dict,
    item_dict,
    kind_dict,
    provision_dict,
)
from comity.treaty.instrument import CitedBy, Instrument, Provision
from comity.treaty.loader import (
    DATA_FILES,
    available_instruments,
    load_instrument,
    load_instrument_dir,
)
from comity.treaty.models import (
    Article,
    Channel,
    Citation,
    Confidence,
    ContentItem,
    Duty,
    InstrumentInfo,
    NeverGround,
    Notification,
    Offence,
    OffenceOption,
    Paragraph,
    RefusalGround,
    RequestField,
    RequestKind,
    Source,
    TimeRule,
)

__all__ = [
    "DATA_FILES",
    "Article",
    "Channel",
    "Citation",
    "CitedBy",
    "Confidence",
    "ContentItem",
    "Duty",
    "Instrument",
    "InstrumentInfo",
    "NeverGround",
    "Notification",
    "Offence",
    "OffenceOption",
    "Paragraph",
    "Provision",
    "RefusalGround",
    "RequestField",
    "RequestKind",
    "Source",
    "TimeRule",
    "available_instruments",
    "citation_dict",
    "cited_by_dict",
    "item_dict",
    "kind_dict",
    "load_instrument",
    "load_instrument_dir",
    "provision_dict",
]
