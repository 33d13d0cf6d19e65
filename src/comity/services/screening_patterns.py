"""Patterns across requests on a node: a request's summary, and its findings from SQL.

:func:`summarise` reduces a received request to a :class:`~comity.rules.RequestSummary`:
metadata, and keyed hashes (HMAC-SHA-256 under the node secret, RFC 2104) of its
identifiers, persons and case number; never the values in clear. :func:`patterns_for` computes
the pattern findings that concern one request with indexed queries over the stored summaries
(:mod:`comity.storage.pattern_store`) and the finding builders of :mod:`comity.rules.patterns`,
so that they equal what :func:`comity.rules.find_patterns` finds for that request over the same
history (tested). A finding lists at most :data:`REFS_LIMIT` requests (the most recent); its
text gives the full count.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection

from comity.cases.document import RequestDocument
from comity.rules import (
    Annotations,
    Finding,
    LawProfile,
    PatternThresholds,
    RequestSummary,
    identifier_key,
    person_key,
)
from comity.rules.patterns import (
    asked_again_finding,
    cluster_finding,
    emergency_share_finding,
    split_finding,
)
from comity.storage import pattern_store
from comity.treaty import Instrument

__all__ = ["REFS_LIMIT", "patterns_for", "summarise"]

#: The most requests a pattern finding lists.
REFS_LIMIT = 1000


def _authority(document: RequestDocument) -> str:
    a = document.requesting_authority
    if a is None:
        return ""
    return (a.identifier or a.name or "").strip()[:200]


def _flags(
    document: RequestDocument,
    profiles: dict[str, LawProfile] | None,
    annotations: Annotations | None,
) -> tuple[str | None, frozenset[str]]:
    flags: set[str] = set()
    offence_key = None
    profiles = profiles or {}
    requesting = profiles.get(document.requesting_state or "")
    if requesting is not None:
        found = requesting.offence_for(document.offence)
        if found is not None:
            offence_key = found.key
            flags.update(found.flags)
    requested = profiles.get(document.requested_state or "")
    if requested is not None and requested.protected_identifiers:
        protected = requested.protected_identifier_categories()
        flags.update(
            protected[i.normalised()] for i in document.identifiers if i.normalised() in protected
        )
    if annotations is not None:
        for categories in annotations.person_categories.values():
            flags.update(categories)
    return offence_key, frozenset(flags)


def summarise(
    request_id: str,
    document: RequestDocument,
    *,
    secret: bytes,
    at: dt.datetime,
    outcome: str = "pending",
    profiles: dict[str, LawProfile] | None = None,
    annotations: Annotations | None = None,
) -> RequestSummary:
    """The pattern summary of a received request (keyed hashes only).

    ``flags``: the flags of the requesting State's offence (its law profile), the privilege
    categories of protected identifiers (the requested State's profile) and of annotated
    persons.
    """
    offence_key, flags = _flags(document, profiles, annotations)
    case = document.proceeding.case_number if document.proceeding else None
    urgency = document.urgency.level if document.urgency else "routine"
    return RequestSummary(
        ref=request_id,
        requesting_authority=_authority(document),
        requesting_state=document.requesting_state or "",
        requested_state=document.requested_state or "",
        kind=document.kind,
        urgency=urgency,
        outcome=outcome,
        identifier_hashes=frozenset(
            identifier_key(i.normalised(), secret) for i in document.identifiers
        ),
        person_hashes=frozenset(
            person_key(p.name, p.date_of_birth, secret) for p in document.persons if p.name
        ),
        offence_key=offence_key,
        flags=flags,
        investigation_ref=identifier_key(f"case:{case.strip()}", secret) if case else None,
        identifier_count=len(document.identifiers),
        at=at,
    )


def patterns_for(
    connection: Connection,
    summary: RequestSummary,
    instrument: Instrument,
    thresholds: PatternThresholds | None = None,
) -> tuple[Finding, ...]:
    """The pattern findings that concern ``summary``'s request, from the stored summaries.

    ``summary`` must already be stored (:func:`comity.storage.pattern_store.store_summary`):
    the counts include it, as :func:`comity.rules.find_patterns` does.
    """
    t = thresholds or PatternThresholds()
    state = summary.requested_state
    found: list[Finding | None] = []
    earlier = pattern_store.refused_earlier(
        connection,
        state,
        sorted(summary.identifier_hashes | summary.person_hashes),
        summary.at,
        summary.ref,
    )
    found.append(asked_again_finding(instrument, summary.ref, earlier))

    authority = summary.requesting_authority
    total, emergencies, all_total, all_emergencies = pattern_store.authority_counts(
        connection, state, authority
    )
    probe = emergency_share_finding(
        instrument,
        t,
        authority,
        total=total,
        emergency_refs=(),
        emergencies=emergencies,
        others_total=all_total - total,
        others_emergencies=all_emergencies - emergencies,
    )
    if probe is not None:
        refs = pattern_store.emergency_refs(connection, state, authority, REFS_LIMIT)
        found.append(
            emergency_share_finding(
                instrument,
                t,
                authority,
                total=total,
                emergency_refs=refs,
                emergencies=emergencies,
                others_total=all_total - total,
                others_emergencies=all_emergencies - emergencies,
            )
        )

    for flag in sorted(summary.flags):
        count, refs = pattern_store.flag_refs(
            connection, state, summary.requesting_state, flag, REFS_LIMIT
        )
        found.append(cluster_finding(instrument, t, summary.requesting_state, flag, refs, count))

    if summary.investigation_ref:
        refs, largest, distinct = pattern_store.investigation_requests(
            connection, state, summary.requesting_state, summary.investigation_ref
        )
        found.append(
            split_finding(
                instrument,
                t,
                summary.requesting_state,
                summary.investigation_ref,
                refs=refs,
                largest_count=largest,
                distinct_identifiers=distinct,
            )
        )
    return tuple(f for f in found if f is not None)
