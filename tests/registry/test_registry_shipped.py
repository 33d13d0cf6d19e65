"""The shipped dataset: valid, cited, dated only where sources give a day, and its status."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from importlib.resources import files

from comity.registry.actions import ActionKind
from comity.registry.shipped import shipped_registry
from comity.registry.status import status

DATA = files("comity.registry") / "data"


def test_shipped_data_parses_and_says_as_of() -> None:
    registry = shipped_registry()
    assert registry.as_of == date(2026, 7, 31)
    assert registry.as_of_basis
    events = {m.event: m.date for m in registry.milestones}
    assert events["adopted"] == date(2024, 12, 24)
    assert events["opened_for_signature"] == date(2025, 10, 25)
    assert events["signature_closes"] == date(2026, 12, 31)


def test_every_action_is_cited_by_known_sources() -> None:
    registry = shipped_registry()
    cited = {(c.participant, c.action) for c in registry.citations}
    assert {(a.participant, a.action.value) for a in registry.actions} == cited
    source_ids = {s.id for s in registry.sources}
    assert all(set(c.sources) <= source_ids for c in registry.citations)
    assert all(s.title for s in registry.sources)


def test_no_day_is_invented() -> None:
    """Exact days only where the sources give one; every other signature is an interval that
    starts at the opening for signature and ends no later than the data's as_of."""
    registry = shipped_registry()
    exact = {a.participant: a.on for a in registry.actions if a.date.is_exact}
    assert exact == {
        "VNM": date(2025, 10, 25),
        "EU": date(2025, 10, 25),
        "MLI": date(2025, 10, 26),
        "RWA": date(2025, 10, 26),
        "SAU": date(2025, 10, 26),
        "MUS": date(2025, 11, 19),
    }
    for action in registry.actions:
        assert action.action is ActionKind.SIGNATURE  # no instrument found by 31 July 2026
        assert action.date.earliest is not None
        assert action.date.earliest >= date(2025, 10, 25)
        assert action.date.latest is not None
        assert action.date.latest <= date(2026, 7, 31)


def test_csv_is_in_the_documented_format() -> None:
    text = (DATA / "uncc-actions.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["participant", "action", "date", "note"]
    assert len(rows) - 1 == len(shipped_registry().actions)
    metadata = json.loads((DATA / "uncc-sources.json").read_text("utf-8"))
    assert metadata["format"] == "comity.registry.sources/1"
    assert metadata["instrument"] == "uncc"


def test_status_of_the_shipped_data() -> None:
    registry = shipped_registry()
    before = status(registry.actions, date(2025, 10, 24), data_as_of=registry.as_of).to_json()
    assert before["signatories"] == 0
    assert before["signatories_undetermined"] == 0
    hanoi = status(registry.actions, date(2025, 10, 26), data_as_of=registry.as_of).to_json()
    assert hanoi["signatories"] == 18  # VNM, EU, MLI, RWA, SAU and the 13 EU member States
    now = status(registry.actions, date(2026, 7, 31), data_as_of=registry.as_of).to_json()
    assert now == {
        "instrument": "uncc",
        "as_of": "2026-07-31",
        "data_as_of": "2026-07-31",
        "signatories": 70,
        "signatories_undetermined": 0,
        "instruments_counted": 0,
        "threshold": 40,
        "in_force": False,
        "entry_into_force": None,
        "parties": [],
        "denunciations": [],
    }
