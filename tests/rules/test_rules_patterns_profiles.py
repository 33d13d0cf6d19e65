"""Patterns across requests (keyed hashes) and the law-profile format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from comity.rules import (
    RequestSummary,
    RulesDataError,
    find_patterns,
    identifier_key,
    parse_profile,
)
from comity.rules.profiles import load_profile, profile_to_json, profiles_digest

SECRET = b"s" * 32
T0 = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)

FIXTURES = Path(__file__).parents[1] / "scenarios" / "fixtures"


def summary(
    ref: str,
    *,
    hours: int = 0,
    authority: str = "ATA-CA",
    state: str = "ATA",
    urgency: str = "routine",
    outcome: str = "pending",
    ids: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    investigation: str | None = None,
) -> RequestSummary:
    hashes = frozenset(identifier_key(i, SECRET) for i in ids)
    return RequestSummary(
        ref,
        authority,
        state,
        "BVT",
        "stored_data",
        urgency,
        outcome,
        hashes,
        frozenset(),
        None,
        frozenset(flags),
        investigation,
        len(ids),
        T0 + dt.timedelta(hours=hours),
    )


def ids_of(findings: tuple, pattern: str) -> list[tuple[str, ...]]:
    return [f.requests for f in findings if f.rule_id == pattern]


def test_identifier_keys_are_keyed_and_stable() -> None:
    assert identifier_key("email:a@x.example", SECRET) == identifier_key(
        "email:a@x.example", SECRET
    )
    assert identifier_key("email:a@x.example", SECRET) != identifier_key(
        "email:a@x.example", b"t" * 32
    )
    with pytest.raises(ValueError, match="32 bytes"):
        identifier_key("x", b"short")


def test_asked_again_after_refusal_by_another_state() -> None:
    found = find_patterns(
        [
            summary("A-1", outcome="refused", ids=("email:a@x.example",)),
            summary("B-1", hours=5, state="HMD", authority="HMD-CA", ids=("email:a@x.example",)),
            summary("C-1", hours=6, ids=("email:other@x.example",)),
        ]
    )
    assert ids_of(found, "pattern.asked_again_after_refusal") == [("A-1", "B-1")]
    granted = find_patterns(
        [
            summary("A-1", outcome="granted", ids=("email:a@x.example",)),
            summary("B-1", hours=5, ids=("email:a@x.example",)),
        ]
    )
    assert ids_of(granted, "pattern.asked_again_after_refusal") == []


def test_emergency_share_far_above_others() -> None:
    rows = [
        summary(f"E-{i}", hours=i, authority="X", urgency="emergency" if i < 4 else "routine")
        for i in range(5)
    ]
    rows += [
        summary(
            f"O-{i}", hours=i, authority=f"Y{i % 3}", urgency="emergency" if i == 0 else "routine"
        )
        for i in range(12)
    ]
    found = find_patterns(rows)
    assert ids_of(found, "pattern.emergency_share") == [("E-0", "E-1", "E-2", "E-3")]
    calm = [
        summary(f"E-{i}", hours=i, authority="X", urgency="emergency" if i < 1 else "routine")
        for i in range(5)
    ]
    assert ids_of(find_patterns(calm + rows[5:]), "pattern.emergency_share") == []


def test_cluster_on_flagged_offences() -> None:
    rows = [summary(f"F-{i}", hours=i, flags=("expression",)) for i in range(3)]
    assert ids_of(find_patterns(rows), "pattern.protected_cluster") == [("F-0", "F-1", "F-2")]
    assert ids_of(find_patterns(rows[:2]), "pattern.protected_cluster") == []


def test_split_investigation_under_threshold() -> None:
    a = summary("S-1", ids=tuple(f"email:{i}@x.example" for i in range(8)), investigation="OP-7")
    b = summary(
        "S-2",
        hours=1,
        ids=tuple(f"email:{i}@x.example" for i in range(8, 16)),
        investigation="OP-7",
    )
    found = find_patterns([a, b])
    (finding,) = [f for f in found if f.rule_id == "pattern.split_investigation"]
    assert finding.requests == ("S-1", "S-2")
    assert [c.label for c in finding.citations] == ["UNCC Art 24(1)"]
    overlapping = summary(
        "S-2",
        hours=1,
        ids=tuple(f"email:{i}@x.example" for i in range(4, 10)),
        investigation="OP-7",
    )
    assert ids_of(find_patterns([a, overlapping]), "pattern.split_investigation") == []


def test_profile_round_trips_and_digest_changes_with_content() -> None:
    profile = load_profile(FIXTURES / "profiles" / "bvt.yaml")
    again = parse_profile(json.dumps(profile_to_json(profile)), "bvt.json")
    assert again == profile
    changed = profile.model_copy(update={"requires_dual_criminality": ()})
    assert profiles_digest({"BVT": profile}) != profiles_digest({"BVT": changed})


BROKEN_PROFILES = {
    "unknown flag": ("flags: []", "flags: [blasphemy]", "flags"),
    "duplicate offence": ("key: extortion", "key: computer_sabotage", "duplicate offence"),
    "protected category not listed": (
        "category: lawyer\n    identifier",
        "category: doctor\n    identifier",
        "which privileges does not list",
    ),
    "unknown key": (
        "illustrative: true",
        "illustrative: true\ncolour: red",
        "unknown key 'colour'",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_PROFILES))
def test_broken_profiles_name_file_and_line(case: str, tmp_path: Path) -> None:
    old, new, message = BROKEN_PROFILES[case]
    text = (FIXTURES / "profiles" / "bvt.yaml").read_text(encoding="utf-8")
    if old not in text:
        text = text.replace("    conduct: [extortion]", "    conduct: [extortion]\n    flags: []")
    path = tmp_path / "bvt.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesDataError, match=message) as raised:
        load_profile(path)
    assert raised.value.path == str(path)
    assert raised.value.line is not None
    assert raised.value.line > 1
