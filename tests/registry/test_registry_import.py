"""All-or-nothing import: a bad row aborts everything and names the file, the row, the reason;
good files round-trip through CSV and JSON exports."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.errors import ImportRejected
from comity.registry.actions import (
    ActionKind,
    actions_to_csv,
    actions_to_json,
    parse_actions_csv,
    parse_actions_json,
)
from comity.registry.notifications import notifications_to_json, parse_notifications_json
from comity.registry.snapshot import Registry, parse_files, parse_texts
from comity.registry.status import status

VECTORS = Path(__file__).parent.parent / "vectors" / "registry-actions"
DIRECTORY = Path(__file__).parent.parent / "vectors" / "registry-directory"
BAD = json.loads((VECTORS / "bad.json").read_text("utf-8"))["files"]


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_rejected_naming_row_and_reason(name: str) -> None:
    expected = BAD[name]
    with pytest.raises(ImportRejected) as caught:
        parse_files([VECTORS / name])
    error = caught.value
    assert error.source == name
    assert error.row == expected["row"]
    assert expected["message_contains"] in str(error)
    assert "\n" not in str(error)


def test_one_bad_file_among_good_ones_rejects_the_whole_import() -> None:
    with pytest.raises(ImportRejected, match=r"bad-participant\.csv, row 3: unknown participant"):
        parse_files(
            [
                VECTORS / "history.csv",
                DIRECTORY / "notifications.json",
                VECTORS / "bad-participant.csv",
            ]
        )


def test_conflict_across_files_names_the_later_row() -> None:
    texts = [
        ("a.csv", "participant,action,date,note\r\nFRA,ratification,2026-01-01,\r\n"),
        (
            "b.csv",
            "participant,action,date,note\r\nDEU,signature,2025-10-25,\r\nFRA,accession,2026-03-01,\r\n",
        ),
    ]
    with pytest.raises(ImportRejected) as caught:
        parse_texts(texts)
    assert (caught.value.source, caught.value.row) == ("b.csv", 2)


def test_withdrawal_of_a_reservation_never_made_is_rejected() -> None:
    texts = [
        (
            "w.csv",
            "participant,action,date,note\r\nFRA,reservation_withdrawal,2027-01-01,reservation_art_63\r\n",
        ),
        ("n.json", (DIRECTORY / "notifications.json").read_text("utf-8")),
    ]
    with pytest.raises(ImportRejected, match=r"w\.csv, row 1: FRA withdraws reservation_art_63"):
        parse_texts(texts)


def test_csv_and_json_forms_are_the_same_history() -> None:
    csv_actions = parse_actions_csv((VECTORS / "history.csv").read_text("utf-8"), source="h.csv")
    json_actions = parse_actions_json(
        (VECTORS / "history.json").read_text("utf-8"), source="h.json"
    )
    assert sorted(csv_actions) == sorted(json_actions)
    assert parse_actions_csv(actions_to_csv(csv_actions), source="x") == parse_actions_csv(
        actions_to_csv(json_actions), source="y"
    )
    again = parse_actions_json(json.dumps(actions_to_json(csv_actions)), source="z")
    assert sorted(again) == sorted(csv_actions)


def test_status_vectors() -> None:
    registry = parse_files([VECTORS / "history.csv"])
    cases = json.loads((VECTORS / "expected-status.json").read_text("utf-8"))["cases"]
    for case in cases:
        report = status(registry.actions, date.fromisoformat(case["as_of"])).to_json()
        assert report["instruments_counted"] == case["instruments_counted"], case["as_of"]
        assert report["in_force"] is case["in_force"], case["as_of"]
        assert report["entry_into_force"] == case["entry_into_force"], case["as_of"]
        parties = {p["participant"]: p for p in report["parties"]}
        for code, party_from in case.get("party_from", {}).items():
            assert parties[code]["party_from"] == party_from, (case["as_of"], code)
        for code in case.get("absent", []):
            assert code not in parties
        if "denunciations" in case:
            assert report["denunciations"] == case["denunciations"]


def test_snapshot_round_trips_through_json() -> None:
    registry = parse_files(
        [VECTORS / "history.csv", DIRECTORY / "notifications.json", DIRECTORY / "directory.json"]
    )
    text = json.dumps(registry.to_json())
    again = Registry.from_json(text)
    assert again.to_json() == registry.to_json()
    assert again.actions == registry.actions
    assert again.notifications == registry.notifications
    assert set(again.authorities) == set(registry.authorities)
    assert (
        parse_notifications_json(
            json.dumps(notifications_to_json(registry.notifications)), source="n"
        )
        == registry.notifications
    )


def test_unknown_json_format_is_rejected() -> None:
    with pytest.raises(ImportRejected, match='unknown "format"'):
        parse_texts([("x.json", '{"format": "something/1"}')])
    with pytest.raises(ImportRejected, match="not JSON"):
        parse_texts([("x.json", "{")])


def test_json_action_row_is_named() -> None:
    document = {
        "format": "comity.registry.actions/1",
        "actions": [
            {"participant": "FRA", "action": "signature", "date": "2025-10-25", "note": ""},
            {"participant": "FRA", "action": "ratification", "date": "2026-01-01", "extra": 1},
        ],
    }
    with pytest.raises(ImportRejected) as caught:
        parse_texts([("a.json", json.dumps(document))])
    assert caught.value.row == 2
    assert "extra" in str(caught.value)


def test_bad_notification_row_is_named() -> None:
    document = json.loads((DIRECTORY / "notifications.json").read_text("utf-8"))
    document["notifications"][2]["kind"] = "reservation_art_99"
    with pytest.raises(ImportRejected) as caught:
        parse_texts([("n.json", json.dumps(document))])
    assert caught.value.row == 3
    assert "reservation_art_99" in str(caught.value)


LINES = [
    "AUT,signature,2025-10-25/2025-10-26,",
    "BEL,signature,2025-10-25,",
    "BEL,ratification,2026-01-05,",
    "EU,signature,2025-10-25,",
    "EU,approval,2026-02-01,",
    "FRA,accession,2026-03-01,",
    "FRA,denunciation,2027-03-01,",
    "DEU,ratification,2026-01-05,",
]


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False))
def test_property_row_order_does_not_change_the_registry(rnd: random.Random) -> None:
    lines = list(LINES)
    rnd.shuffle(lines)
    text = "participant,action,date,note\r\n" + "\r\n".join(lines) + "\r\n"
    shuffled = parse_texts([("s.csv", text)])
    reference = parse_texts([("r.csv", "participant,action,date,note\r\n" + "\r\n".join(LINES))])
    assert shuffled == reference
    assert shuffled.actions_csv() == reference.actions_csv()
    assert ActionKind.DENUNCIATION in {a.action for a in shuffled.actions}
