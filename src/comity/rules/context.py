"""What a rule looks at: the request, the side, the day, the registry, the profiles.

A :class:`ScreeningContext` is immutable; what several predicates need (the filled fields, the
applicability of the Convention, the offence in each profile) is computed once, on first use.
``annotations`` carry what the reviewer knows about the persons concerned that the request does
not say (that one is a journalist, say); ``proposed_refusal`` carries a refusal the reviewer
is about to make, so that the duties before refusing (Art 40(25), Art 40(28)) and what may
never be a ground (Art 40(23)) are screened before it is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from comity.cases.document import RequestDocument, filled_fields
from comity.registry import Applicability, Registry, applicable
from comity.registry.notifications import NotificationKind, reservations_in_effect
from comity.rules.model import Side
from comity.rules.profiles import LawProfile, ProfileOffence
from comity.treaty import Instrument

__all__ = ["Annotations", "ProposedRefusal", "ScreeningContext"]


@dataclass(frozen=True, slots=True)
class Annotations:
    """What the reviewer records about the persons of a request.

    ``person_categories`` maps the index of a person in ``document.persons`` to the privilege
    categories (``journalist``, ``lawyer``, ``doctor``, ``religious_minister``) that apply.
    """

    person_categories: Mapping[int, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProposedRefusal:
    """A refusal the requested State's reviewer proposes: its grounds, reasons, consultation.

    ``grounds`` are keys of the Convention data's refusal grounds (``essential_interests`` ...)
    or of what may never be a ground (``fiscal_matters``).
    """

    grounds: tuple[str, ...]
    reasons: str = ""
    consulted: bool = False


@dataclass(frozen=True)
class ScreeningContext:
    """Everything a rule's condition may look at."""

    document: RequestDocument
    side: Side
    on_date: dt.date
    registry: Registry
    profiles: Mapping[str, LawProfile]
    instrument: Instrument
    annotations: Annotations = Annotations()
    proposed_refusal: ProposedRefusal | None = None

    @cached_property
    def filled(self) -> frozenset[str]:
        """The content fields the document fills (:func:`comity.cases.filled_fields`)."""
        return frozenset(filled_fields(self.document))

    @cached_property
    def requesting_profile(self) -> LawProfile | None:
        """The requesting State's law profile, if loaded."""
        code = self.document.requesting_state
        return None if code is None else self.profiles.get(code)

    @cached_property
    def requested_profile(self) -> LawProfile | None:
        """The requested State's law profile, if loaded."""
        code = self.document.requested_state
        return None if code is None else self.profiles.get(code)

    @cached_property
    def requesting_offence(self) -> ProfileOffence | None:
        """The request's offence as the requesting State's profile describes it."""
        profile = self.requesting_profile
        return None if profile is None else profile.offence_for(self.document.offence)

    @cached_property
    def applicability(self) -> Applicability | None:
        """Whether the Convention binds both States on the day (None if a State is missing)."""
        d = self.document
        if d.requesting_state is None or d.requested_state is None:
            return None
        return applicable(self.registry, d.requesting_state, d.requested_state, self.on_date)

    @cached_property
    def requested_reservations(self) -> frozenset[str]:
        """The requested State's reservations in effect on the day."""
        code = self.document.requested_state
        if code is None:
            return frozenset()
        found = reservations_in_effect(
            self.registry.notifications, self.registry.actions, code, self.on_date
        )
        return frozenset(k.value for k in found)

    @cached_property
    def accepted_languages(self) -> tuple[str, ...] | None:
        """The languages the requested State notified, latest notification on or before the day.

        None when it notified none: then nothing can be said about the language.
        """
        code = self.document.requested_state
        latest = None
        for n in self.registry.notifications:
            if (
                n.participant == code
                and n.kind is NotificationKind.ACCEPTED_LANGUAGES
                and n.date <= self.on_date
                and (latest is None or n.date >= latest.date)
            ):
                latest = n
        return None if latest is None else latest.languages
