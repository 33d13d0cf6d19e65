"""Patterns computed with SQL over stored summaries agree with the pure ``find_patterns``."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screening_helpers import SECRET, document, profiles, store
from sqlalchemy.engine import Engine

from comity.rules import Finding, PatternThresholds, RequestSummary, find_patterns, identifier_key
from comity.services.screening_patterns import patterns_for, summarise
from comity.storage import pattern_store
from comity.storage.engine import write_transaction
from comity.treaty import load_instrument

T0 = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
THRESHOLDS = PatternThresholds(
    emergency_min_requests=2, cluster_min_requests=2, split_identifier_threshold=3
)
_namespace = itertools.count()

row = st.fixed_dictionaries(
    {
        "gap": st.integers(0, 2),
        "authority": st.sampled_from(["A1", "A2", "A3"]),
        "state": st.sampled_from(["ATA", "HMD"]),
        "urgency": st.sampled_from(["routine", "emergency"]),
        "outcome": st.sampled_from(["pending", "refused", "granted"]),
        "ids": st.frozensets(st.sampled_from(["i1", "i2", "i3", "i4", "i5"]), max_size=3),
        "persons": st.frozensets(st.sampled_from(["p1", "p2"]), max_size=1),
        "flags": st.frozensets(st.sampled_from(["expression", "journalist"]), max_size=2),
        "investigation": st.sampled_from([None, "OP1", "OP2"]),
    }
)


def concerns(finding: Finding, s: RequestSummary) -> bool:
    wanted = {
        f"pattern.asked_again_after_refusal:{s.ref}",
        f"pattern.emergency_share:{s.requesting_authority}",
        *(f"pattern.protected_cluster:{s.requesting_state}:{flag}" for flag in s.flags),
    }
    if s.investigation_ref:
        wanted.add(f"pattern.split_investigation:{s.requesting_state}:{s.investigation_ref}")
    return finding.id in wanted


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(row, min_size=1, max_size=9))
def test_sql_patterns_equal_the_pure_patterns(engine: Engine, rows: list[dict]) -> None:
    space = f"Z{next(_namespace)}"  # a requested State of its own: examples never mix
    instrument = load_instrument("uncc")
    summaries: list[RequestSummary] = []
    at = T0
    for n, r in enumerate(rows):
        at += dt.timedelta(hours=r["gap"])
        summaries.append(
            RequestSummary(
                ref=f"{space}-{n}",
                requesting_authority=r["authority"],
                requesting_state=r["state"],
                requested_state=space,
                kind="stored_data",
                urgency=r["urgency"],
                outcome=r["outcome"],
                identifier_hashes=frozenset(identifier_key(i, SECRET) for i in r["ids"]),
                person_hashes=frozenset(identifier_key(p, SECRET) for p in r["persons"]),
                offence_key=None,
                flags=r["flags"],
                investigation_ref=r["investigation"],
                identifier_count=len(r["ids"]),
                at=at,
            )
        )
    for i, s in enumerate(summaries):
        with write_transaction(engine) as connection:
            pattern_store.store_summary(connection, s)
            from_sql = patterns_for(connection, s, instrument, THRESHOLDS)
        pure = find_patterns(summaries[: i + 1], thresholds=THRESHOLDS, instrument=instrument)
        expected = sorted((f for f in pure if concerns(f, s)), key=lambda f: f.id)
        assert sorted(from_sql, key=lambda f: f.id) == expected


def test_a_request_asked_again_after_a_refusal_is_a_finding(engine: Engine) -> None:
    store(engine, "REQ-1", document())
    with write_transaction(engine) as connection:
        assert pattern_store.set_outcome(connection, "REQ-1", "refused")
        assert not pattern_store.set_outcome(connection, "REQ-404", "refused")
    again = store(engine, "REQ-2", document(requesting_state="HMD"), hours=3)
    (finding,) = [f for f in again.report.findings if f.rule_id.startswith("pattern.")]
    assert finding.id == "pattern.asked_again_after_refusal:REQ-2"
    assert finding.requests == ("REQ-1", "REQ-2")
    assert [c.label for c in finding.citations] == ["UNCC Art 40(21)", "UNCC Art 40(22)"]


def test_the_summary_holds_keyed_hashes_and_the_profile_flags() -> None:
    doc = document(
        identifiers=[{"type": "domain", "name": "newsroom.example"}],
        persons=[{"name": "Jane  Roe"}],
        proceeding={"nature": "x", "case_number": "OP-7"},
    )
    s = summarise("REQ-1", doc, secret=SECRET, at=T0, profiles=profiles())
    assert s.identifier_hashes == {identifier_key("domain:newsroom.example", SECRET)}
    assert s.investigation_ref == identifier_key("case:OP-7", SECRET)
    assert "journalist" in s.flags
    assert s.offence_key is not None


@pytest.mark.parametrize("urgency", ["routine", "emergency"])
def test_a_summary_stored_twice_is_counted_once(engine: Engine, urgency: str) -> None:
    store(engine, "REQ-1", document(urgency={"level": urgency, "reason": "r"}))
    store(engine, "REQ-1", document(urgency={"level": "urgent", "reason": "r"}), hours=1)
    with write_transaction(engine) as connection:
        counts = pattern_store.authority_counts(
            connection, "BVT", "ATA Central Authority for Mutual Legal Assistance"
        )
    assert counts == (1, 0, 1, 0)
