from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "formats" / "examples" / "preservation-request.json"


@dataclass(frozen=True)
class Item:
    """A required content item, shaped as the Convention data gives them."""

    key: str
    label: str
    fields: tuple[str, ...]
    citations: tuple[str, ...]


# Art 42 items (a) to (f), as the Convention data lists them for a preservation.
_42 = "UNCC Art 42(2)"
PRESERVATION_ITEMS = (
    Item("requesting_authority", "The authority seeking the preservation",
         ("requesting_authority",), (f"{_42}(a)",)),
    Item("offence_and_facts", "The offence and a brief summary of the facts",
         ("offence", "facts"), (f"{_42}(b)",)),
    Item("data_and_relation", "The data to preserve and its relationship to the offence",
         ("data_categories", "identifiers", "data_relation"), (f"{_42}(c)",)),
    Item("custodian_or_location", "The custodian or the location of the system",
         ("custodian",), (f"{_42}(d)",)),
    Item("necessity", "The necessity of the preservation", ("necessity",), (f"{_42}(e)",)),
    Item("follow_up_intent", "The intention to submit a request",
         ("follow_up_intent",), (f"{_42}(f)", "UNCC Art 42(1)")),
)  # fmt: skip

REALTIME_ITEMS = (
    Item("period", "Period of collection and its justification", ("period",), ("UNCC Art 45",)),
)


@pytest.fixture
def preservation_items() -> tuple[Item, ...]:
    return PRESERVATION_ITEMS


@pytest.fixture
def realtime_items() -> tuple[Item, ...]:
    return REALTIME_ITEMS


@pytest.fixture
def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data
