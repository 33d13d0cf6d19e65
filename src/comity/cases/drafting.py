"""Checking a draft against the Convention data and the requested State's notifications.

This joins three parts of the core: the request document (:mod:`comity.cases.document`), the
contents each kind must carry (:mod:`comity.treaty`), and the accepted languages the requested
State notified (:mod:`comity.registry`). Every citation a problem carries is labelled with the
confidence of the provision it points to, so that a drafter never takes an unverified
paragraph for a verified one: ``UNCC Art 42(2)(c) [paragraph uncertain]``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from comity.cases.completeness import Problem, validate_draft
from comity.errors import NotFound
from comity.registry.notifications import Notification, NotificationKind
from comity.treaty import Instrument, load_instrument
from comity.treaty.models import Citation, Confidence

__all__ = ["TreatyItem", "accepted_languages", "check_draft", "required_items"]


@dataclass(frozen=True)
class TreatyItem:
    """A required content item of the Convention data, as the completeness check reads it."""

    key: str
    label: str
    fields: tuple[str, ...]
    citations: tuple[str, ...]


def _labelled(instrument: Instrument, cite: Any) -> str:
    confidence = instrument.confidence(cite)
    label = instrument.label(cite)
    if confidence is Confidence.VERIFIED:
        return label
    return f"{label} [{confidence.value.replace('_', ' ')}]"


def _relabel(instrument: Instrument, text: str) -> str:
    """``UNCC Art 40(26)`` → ``UNCC Art 40(26) [unverified]``; other texts unchanged."""
    prefix = instrument.info.citation_prefix + " "
    if not text.startswith(prefix) or "[" in text:
        return text
    try:
        cite = Citation.model_validate(
            text.removeprefix(prefix), context={"instrument": instrument.key}
        )
        return _labelled(instrument, cite)
    except (ValidationError, NotFound):
        return text


def required_items(kind: str, instrument: Instrument | None = None) -> tuple[TreatyItem, ...]:
    """The required content items of ``kind``, each citation labelled with its confidence."""
    instrument = instrument or load_instrument()
    return tuple(
        TreatyItem(
            key=item.key,
            label=item.label,
            fields=tuple(item.fields),
            citations=tuple(_labelled(instrument, c) for c in item.cites),
        )
        for item in instrument.request_kind(kind).required
    )


def accepted_languages(
    notifications: Sequence[Notification], state: str | None, on: dt.date
) -> tuple[str, ...] | None:
    """The languages ``state`` last notified as accepted on or before ``on``; ``None`` when it
    notified none (then no language check can be made)."""
    if state is None:
        return None
    found = sorted(
        (
            n
            for n in notifications
            if n.participant == state
            and n.kind is NotificationKind.ACCEPTED_LANGUAGES
            and n.date <= on
        ),
        key=lambda n: n.date,
    )
    return found[-1].languages if found else None


def check_draft(
    data: Any,
    notifications: Sequence[Notification] = (),
    *,
    today: dt.date,
    instrument: Instrument | None = None,
) -> list[Problem]:
    """Every problem of the draft ``data`` (raw JSON), all at once; empty when complete."""
    instrument = instrument or load_instrument()
    state = data.get("requested_state") if isinstance(data, dict) else None
    languages = accepted_languages(notifications, state if isinstance(state, str) else None, today)
    _, problems = validate_draft(
        data, lambda kind: required_items(kind, instrument), languages, today=today
    )
    return [
        dataclasses.replace(p, citations=tuple(_relabel(instrument, c) for c in p.citations))
        for p in problems
    ]
