"""Every malformed notification or dataset-metadata entry is rejected with its row and reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from comity.errors import ImportRejected
from comity.registry.snapshot import parse_texts

GOOD_NOTE = {"participant": "FRA", "kind": "central_authority", "date": "2026-01-05", "text": ""}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("x", "must be an object"),
        ({**GOOD_NOTE, "colour": "red"}, "unknown fields ['colour']"),
        ({**GOOD_NOTE, "date": 20260105}, '"date" must be a string'),
        ({**GOOD_NOTE, "participant": "XXX"}, "unknown participant code 'XXX'"),
        ({**GOOD_NOTE, "kind": "declaration"}, "unknown kind 'declaration'"),
        ({**GOOD_NOTE, "date": "2026-1-5"}, "not an ISO 8601 date"),
        ({**GOOD_NOTE, "text": 1}, '"text" and "reference" must be strings'),
        ({**GOOD_NOTE, "kind": "accepted_languages", "languages": "fr"}, "non-empty list"),
        ({**GOOD_NOTE, "kind": "accepted_languages"}, "non-empty list"),
        ({**GOOD_NOTE, "languages": ["fr"]}, '"languages" belongs to accepted_languages'),
        ({**GOOD_NOTE, "kind": "extradition_legal_basis"}, '"uses_convention": true or false'),
        ({**GOOD_NOTE, "uses_convention": True}, '"uses_convention" belongs to'),
    ],
)
def test_bad_notification(entry: Any, message: str) -> None:
    document = {"format": "comity.registry.notifications/1", "notifications": [GOOD_NOTE, entry]}
    with pytest.raises(ImportRejected) as caught:
        parse_texts([("n.json", json.dumps(document))])
    assert caught.value.row == 2
    assert message in str(caught.value)


def test_duplicate_notification_is_rejected() -> None:
    document = {"format": "comity.registry.notifications/1", "notifications": [GOOD_NOTE] * 2}
    with pytest.raises(ImportRejected, match="row 2: duplicate notification"):
        parse_texts([("n.json", json.dumps(document))])


SOURCE = {"id": "S1", "title": "A source", "url": "https://example.org"}
CITATION = {
    "participant": "FRA",
    "action": "signature",
    "sources": ["S1"],
    "confidence": "verified",
}
MILESTONE = {"event": "adopted", "date": "2024-12-24", "text": "Adopted", "sources": ["S1"]}
ACTIONS = ("a.csv", "participant,action,date,note\r\nFRA,signature,2025-10-25,\r\n")


def metadata(**changes: Any) -> str:
    document = {
        "format": "comity.registry.sources/1",
        "as_of": "2026-07-31",
        "sources": [SOURCE],
        "citations": [CITATION],
        "milestones": [MILESTONE],
        "notes": ["a note"],
    }
    document.update(changes)
    return json.dumps(document)


def test_good_metadata() -> None:
    registry = parse_texts([ACTIONS, ("m.json", metadata())])
    assert registry.as_of is not None
    assert registry.as_of.isoformat() == "2026-07-31"
    assert registry.notes == ("a note",)


@pytest.mark.parametrize(
    ("changes", "row", "message"),
    [
        ({"as_of": 2026}, None, '"as_of" must be an ISO 8601 date or null'),
        ({"as_of": "2026-02-30"}, None, "not a calendar date"),
        ({"sources": [{"id": "S1"}]}, 1, "non-empty id and title"),
        ({"sources": [SOURCE, SOURCE]}, 2, "duplicate source id 'S1'"),
        ({"sources": {}}, None, '"sources" must be an array'),
        ({"notes": [1]}, None, '"notes" must be an array of strings'),
        ({"citations": [{"participant": "FRA"}]}, 1, "a citation is"),
        ({"citations": [{**CITATION, "sources": []}]}, 1, "non-empty list of source ids"),
        ({"citations": [{**CITATION, "confidence": "sure"}]}, 1, "confidence must be one of"),
        ({"citations": [{**CITATION, "action": "signing"}]}, 1, "unknown action 'signing'"),
        ({"citations": [{**CITATION, "sources": ["S9"]}]}, 1, "unknown sources ['S9']"),
        ({"citations": [{**CITATION, "participant": "DEU"}]}, 1, "which no action records"),
        ({"milestones": [{"event": "adopted"}]}, 1, "a milestone is"),
        ({"milestones": [{**MILESTONE, "date": 1}]}, 1, "must be strings"),
        ({"milestones": [{**MILESTONE, "sources": "S1"}]}, 1, "list of source ids"),
        ({"milestones": [{**MILESTONE, "date": "24-12-2024"}]}, 1, "not an ISO 8601 date"),
        ({"milestones": [{**MILESTONE, "sources": ["S7"]}]}, 1, "unknown sources ['S7']"),
    ],
)
def test_bad_metadata(changes: dict[str, Any], row: int | None, message: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_texts([ACTIONS, ("m.json", metadata(**changes))])
    assert caught.value.source == "m.json"
    assert caught.value.row == row
    assert message in str(caught.value)


def test_bad_top_level_shapes() -> None:
    cases = [
        ('["not an object"]', "must be a JSON object"),
        ('{"format": "comity.registry.actions/1", "actions": {}}', '"actions" must be an array'),
        ('{"format": "comity.registry.actions/1", "actions": [1]}', "an action must be an object"),
        ('{"format": "comity.registry.notifications/1"}', '"notifications" must be an array'),
        ('{"format": "comity.registry.directory/1"}', '"authorities" must be an array'),
    ]
    for text, message in cases:
        with pytest.raises(ImportRejected, match=message):
            parse_texts([("x.json", text)])
