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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac

from comity.rules.model import Finding, FindingCitation, Outcome
from comity.treaty import Citation, Instrument, load_instrument

__all__ = [
    "PatternThresholds",
    "RequestSummary",
    "find_patterns",
    "identifier_key",
    "person_key",
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


def _asked_again(summaries: Sequence[RequestSummary], instrument: Instrument) -> Iterable[Finding]:
    refused_at: dict[str, list[RequestSummary]] = defaultdict(list)
    for s in sorted(summaries, key=lambda s: (s.at, s.ref)):
        if s.outcome == "refused":
            for h in s.identifier_hashes | s.person_hashes:
                refused_at[h].append(s)
    for s in sorted(summaries, key=lambda s: (s.at, s.ref)):
        earlier = {
            r.ref: r
            for h in s.identifier_hashes | s.person_hashes
            for r in refused_at.get(h, ())
            if r.at < s.at and r.ref != s.ref
        }
        if earlier:
            states = sorted({r.requesting_state for r in earlier.values()})
            yield _finding(
                instrument,
                "pattern.asked_again_after_refusal",
                s.ref,
                "A person or identifier refused before is asked for again",
                "This request names a person or identifier that an earlier, refused request "
                f"named (refused requests from {', '.join(states)}).",
                "Whether the grounds of the earlier refusal still apply to this request.",
                [s.ref, *earlier],
                (("request", s.ref), *(("refused earlier", ref) for ref in sorted(earlier))),
                ("Art 40(21)", "Art 40(22)"),
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
    for authority in sorted(total):
        if total[authority] < t.emergency_min_requests:
            continue
        share = len(emergencies[authority]) / total[authority]
        others_total = sum(n for a, n in total.items() if a != authority)
        others_em = sum(len(e) for a, e in emergencies.items() if a != authority)
        others = others_em / others_total if others_total else 0.0
        if share > 0 and (
            (others == 0 and share >= 0.5) or (others and share >= t.emergency_ratio * others)
        ):
            yield _finding(
                instrument,
                "pattern.emergency_share",
                authority,
                "An authority's share of emergency requests is far above the others'",
                f"{authority} marked {len(emergencies[authority])} of its {total[authority]} "
                f"requests as emergencies ({share:.0%}); other authorities {others:.0%}.",
                "Whether these requests show a significant and imminent risk to life or safety.",
                emergencies[authority],
                (("authority", authority), ("share", f"{share:.2f}"), ("others", f"{others:.2f}")),
                ("Art 2(o)", "Art 24(1)"),
            )


def _clusters(
    summaries: Sequence[RequestSummary], instrument: Instrument, t: PatternThresholds
) -> Iterable[Finding]:
    by_flag: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in summaries:
        for flag in s.flags:
            by_flag[(s.requesting_state, flag)].append(s.ref)
    for (state, flag), refs in sorted(by_flag.items()):
        if len(refs) >= t.cluster_min_requests:
            yield _finding(
                instrument,
                "pattern.protected_cluster",
                f"{state}:{flag}",
                "Requests cluster on privileged persons or flagged offences",
                f"{len(refs)} requests from {state} concern {flag.replace('_', ' ')}.",
                "Whether the requests, together, target protected expression, association, "
                "belief or privileged persons.",
                refs,
                (("requesting State", state), ("flag", flag), ("requests", str(len(refs)))),
                ("Art 6(2)", "Art 40(22)"),
            )


def _split(
    summaries: Sequence[RequestSummary], instrument: Instrument, t: PatternThresholds
) -> Iterable[Finding]:
    groups: dict[tuple[str, str], list[RequestSummary]] = defaultdict(list)
    for s in summaries:
        if s.investigation_ref:
            groups[(s.requesting_state, s.investigation_ref)].append(s)
    limit = t.split_identifier_threshold
    for (state, investigation), items in sorted(groups.items()):
        if len(items) < t.split_min_requests:
            continue
        identifiers = frozenset().union(*(s.identifier_hashes for s in items))
        if all(s.identifier_count <= limit for s in items) and len(identifiers) > limit:
            yield _finding(
                instrument,
                "pattern.split_investigation",
                f"{state}:{investigation}",
                "One investigation split into several requests under a threshold",
                f"{len(items)} requests of investigation {investigation} each name at most "
                f"{limit} identifiers, together {len(identifiers)}.",
                "Whether the requests, taken together, are proportionate.",
                [s.ref for s in items],
                (("investigation", investigation), ("identifiers", str(len(identifiers)))),
                ("Art 24(1)",),
            )


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
