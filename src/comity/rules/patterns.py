"""Patterns across requests, for the requested State's reviewers: the pure half.

Four patterns, each a :class:`Finding` (``needs_review``) with the references of the requests
it rests on:

* ``pattern.asked_again_after_refusal``: a person or identifier asked for again after a refusal
  (by the same State or another);
* ``pattern.emergency_share``: an authority's share of emergency requests far above the others'
  (Art 2(o): an emergency is a significant and imminent risk to life or safety);
* ``pattern.protected_cluster``: several requests on privileged persons or flagged offences;
* ``pattern.split_investigation``: one investigation split into several requests, each under a
  threshold (of identifiers) that the whole exceeds (Art 24(1): proportionality).

Identifiers and persons are compared through keyed hashes (:func:`identifier_key`: HMAC-SHA-256
under a node secret, RFC 2104), never in clear. A :class:`RequestSummary` holds only such hashes
and plain metadata, so a database can compute the same patterns with indexed queries: by hash
(asked again), by authority and urgency (emergency share), by flag (clusters), by investigation
reference (split).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac

from comity.rules.model import Finding, FindingCitation, Outcome
from comity.treaty import Citation, Instrument, load_instrument

__all__ = [
    "PatternThresholds",
    "RequestSummary",
    "asked_again_finding",
    "cluster_finding",
    "emergency_share_finding",
    "find_patterns",
    "identifier_key",
    "person_key",
    "split_finding",
]


def identifier_key(normalised_identifier: str, node_secret: bytes) -> str:
    """The keyed hash of a normalised identifier: HMAC-SHA-256 (RFC 2104), hex.

    >>> identifier_key("email:a@example.org", b"k" * 32)[:16]
    '93a5dae498f161e9'
    """
    if len(node_secret) < 32:
        raise ValueError("the node secret must be at least 32 bytes")
    mac = hmac.HMAC(node_secret, hashes.SHA256())
    mac.update(normalised_identifier.encode("utf-8"))
    return mac.finalize().hex()


def person_key(name: str, date_of_birth: dt.date | None, node_secret: bytes) -> str:
    """The keyed hash of a person: casefolded name with single spaces, and date of birth."""
    folded = " ".join(name.split()).casefold()
    born = "" if date_of_birth is None else date_of_birth.isoformat()
    return identifier_key(f"person:{folded}|{born}", node_secret)


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """What pattern detection needs of one past or current request (hashes, no clear data).

    ``outcome`` is ``refused``, ``granted``, ``pending`` (or another state name); ``flags``
    holds the offence flags and the privilege categories found by screening.
    """

    ref: str
    requesting_authority: str
    requesting_state: str
    requested_state: str
    kind: str
    urgency: str
    outcome: str
    identifier_hashes: frozenset[str]
    person_hashes: frozenset[str]
    offence_key: str | None
    flags: frozenset[str]
    investigation_ref: str | None
    identifier_count: int
    at: dt.datetime


@dataclass(frozen=True)
class PatternThresholds:
    """The thresholds of the patterns (a node may tune them)."""

    emergency_min_requests: int = 5
    emergency_ratio: float = 3.0
    cluster_min_requests: int = 3
    split_identifier_threshold: int = 10
    split_min_requests: int = 2


def _cites(instrument: Instrument, *labels: str) -> tuple[FindingCitation, ...]:
    found = []
    for label in labels:
        cite = Citation.model_validate(label, context={"instrument": instrument.key})
        found.append(FindingCitation(instrument.label(cite), instrument.confidence(cite).value))
    return tuple(found)


def _finding(
    instrument: Instrument,
    pattern: str,
    subject: str,
    title: str,
    explanation: str,
    look_at: str,
    refs: Iterable[str],
    rests_on: tuple[tuple[str, str], ...],
    cites: tuple[str, ...],
) -> Finding:
    return Finding(
        id=f"{pattern}:{subject}",
        rule_id=pattern,
        outcome=Outcome.NEEDS_REVIEW,
        title=title,
        explanation=explanation,
        citations=_cites(instrument, *cites),
        rests_on=rests_on,
        look_at=look_at,
        requests=tuple(sorted(set(refs))),
    )


def asked_again_finding(
    instrument: Instrument, ref: str, earlier: Mapping[str, str]
) -> Finding | None:
    """The ``asked_again_after_refusal`` finding on request ``ref``, if any.

    ``earlier`` maps each earlier, refused request that named one of the same persons or
    identifiers (by keyed hash) to its requesting State.
    """
    if not earlier:
        return None
    states = sorted(set(earlier.values()))
    return _finding(
        instrument,
        "pattern.asked_again_after_refusal",
        ref,
        "A person or identifier refused before is asked for again",
        "This request names a person or identifier that an earlier, refused request "
        f"named (refused requests from {', '.join(states)}).",
        "Whether the grounds of the earlier refusal still apply to this request.",
        [ref, *earlier],
        (("request", ref), *(("refused earlier", r) for r in sorted(earlier))),
        ("Art 40(21)", "Art 40(22)"),
    )


def _asked_again(summaries: Sequence[RequestSummary], instrument: Instrument) -> Iterable[Finding]:
    refused_at: dict[str, list[RequestSummary]] = defaultdict(list)
    for s in sorted(summaries, key=lambda s: (s.at, s.ref)):
        if s.outcome == "refused":
            for h in s.identifier_hashes | s.person_hashes:
                refused_at[h].append(s)
    for s in sorted(summaries, key=lambda s: (s.at, s.ref)):
        earlier = {
            r.ref: r.requesting_state
            for h in s.identifier_hashes | s.person_hashes
            for r in refused_at.get(h, ())
            if r.at < s.at and r.ref != s.ref
        }
        found = asked_again_finding(instrument, s.ref, earlier)
        if found is not None:
            yield found


def emergency_share_finding(
    instrument: Instrument,
    t: PatternThresholds,
    authority: str,
    *,
    total: int,
    emergency_refs: Sequence[str],
    emergencies: int,
    others_total: int,
    others_emergencies: int,
) -> Finding | None:
    """The ``emergency_share`` finding on ``authority``, if its share is far above the others'.

    ``total`` and ``emergencies`` count the authority's requests; ``others_*`` those of every
    other authority (same requested State); ``emergency_refs`` lists the authority's emergency
    requests (a store may list fewer than ``emergencies``).
    """
    if total < t.emergency_min_requests:
        return None
    share = emergencies / total
    others = others_emergencies / others_total if others_total else 0.0
    if not (
        share > 0
        and ((others == 0 and share >= 0.5) or (others and share >= t.emergency_ratio * others))
    ):
        return None
    return _finding(
        instrument,
        "pattern.emergency_share",
        authority,
        "An authority's share of emergency requests is far above the others'",
        f"{authority} marked {emergencies} of its {total} "
        f"requests as emergencies ({share:.0%}); other authorities {others:.0%}.",
        "Whether these requests show a significant and imminent risk to life or safety.",
        emergency_refs,
        (("authority", authority), ("share", f"{share:.2f}"), ("others", f"{others:.2f}")),
        ("Art 2(o)", "Art 24(1)"),
    )


def _emergency_share(
    summaries: Sequence[RequestSummary], instrument: Instrument, t: PatternThresholds
) -> Iterable[Finding]:
    total: dict[str, int] = defaultdict(int)
    emergencies: dict[str, list[str]] = defaultdict(list)
    for s in summaries:
        total[s.requesting_authority] += 1
        if s.urgency == "emergency":
            emergencies[s.requesting_authority].append(s.ref)
    all_total = sum(total.values())
    all_emergencies = sum(len(e) for e in emergencies.values())
    for authority in sorted(total):
        found = emergency_share_finding(
            instrument,
            t,
            authority,
            total=total[authority],
            emergency_refs=emergencies[authority],
            emergencies=len(emergencies[authority]),
            others_total=all_total - total[authority],
            others_emergencies=all_emergencies - len(emergencies[authority]),
        )
        if found is not None:
            yield found


def cluster_finding(
    instrument: Instrument,
    t: PatternThresholds,
    state: str,
    flag: str,
    refs: Sequence[str],
    count: int | None = None,
) -> Finding | None:
    """The ``protected_cluster`` finding for ``flag`` among ``state``'s requests ``refs``.

    ``count`` is the number of such requests when ``refs`` lists only some of them.
    """
    n = len(refs) if count is None else count
    if n < t.cluster_min_requests:
        return None
    return _finding(
        instrument,
        "pattern.protected_cluster",
        f"{state}:{flag}",
        "Requests cluster on privileged persons or flagged offences",
        f"{n} requests from {state} concern {flag.replace('_', ' ')}.",
        "Whether the requests, together, target protected expression, association, "
        "belief or privileged persons.",
        refs,
        (("requesting State", state), ("flag", flag), ("requests", str(n))),
        ("Art 6(2)", "Art 40(22)"),
    )


def _clusters(
    summaries: Sequence[RequestSummary], instrument: Instrument, t: PatternThresholds
) -> Iterable[Finding]:
    by_flag: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in summaries:
        for flag in s.flags:
            by_flag[(s.requesting_state, flag)].append(s.ref)
    for (state, flag), refs in sorted(by_flag.items()):
        found = cluster_finding(instrument, t, state, flag, refs)
        if found is not None:
            yield found


def split_finding(
    instrument: Instrument,
    t: PatternThresholds,
    state: str,
    investigation: str,
    *,
    refs: Sequence[str],
    largest_count: int,
    distinct_identifiers: int,
) -> Finding | None:
    """The ``split_investigation`` finding for one investigation's requests ``refs``.

    ``largest_count`` is the most identifiers any one of them names; ``distinct_identifiers``
    the number of different identifier hashes they name together.
    """
    limit = t.split_identifier_threshold
    if len(refs) < t.split_min_requests:
        return None
    if largest_count > limit or distinct_identifiers <= limit:
        return None
    return _finding(
        instrument,
        "pattern.split_investigation",
        f"{state}:{investigation}",
        "One investigation split into several requests under a threshold",
        f"{len(refs)} requests of investigation {investigation} each name at most "
        f"{limit} identifiers, together {distinct_identifiers}.",
        "Whether the requests, taken together, are proportionate.",
        refs,
        (("investigation", investigation), ("identifiers", str(distinct_identifiers))),
        ("Art 24(1)",),
    )


def _split(
    summaries: Sequence[RequestSummary], instrument: Instrument, t: PatternThresholds
) -> Iterable[Finding]:
    groups: dict[tuple[str, str], list[RequestSummary]] = defaultdict(list)
    for s in summaries:
        if s.investigation_ref:
            groups[(s.requesting_state, s.investigation_ref)].append(s)
    for (state, investigation), items in sorted(groups.items()):
        found = split_finding(
            instrument,
            t,
            state,
            investigation,
            refs=[s.ref for s in items],
            largest_count=max(s.identifier_count for s in items),
            distinct_identifiers=len(frozenset().union(*(s.identifier_hashes for s in items))),
        )
        if found is not None:
            yield found


def find_patterns(
    summaries: Sequence[RequestSummary],
    *,
    thresholds: PatternThresholds | None = None,
    instrument: Instrument | None = None,
) -> tuple[Finding, ...]:
    """Every pattern found in ``summaries`` (one requested State's received requests)."""
    t = thresholds or PatternThresholds()
    inst = instrument or load_instrument("uncc")
    return (
        *_asked_again(summaries, inst),
        *_emergency_share(summaries, inst, t),
        *_clusters(summaries, inst, t),
        *_split(summaries, inst, t),
    )
