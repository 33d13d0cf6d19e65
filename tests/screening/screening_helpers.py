"""Shared data for the screening tests: the stand-in States' registry, profiles and requests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from comity.cases.document import RequestDocument
from comity.registry import parse_files
from comity.rules import Inputs, LawProfile, load_profiles, shipped_rules
from comity.rules._load import read_source
from comity.services.screening import screen_and_store
from comity.storage.engine import write_transaction
from comity.storage.screening_store import StoredReport

FIXTURES = Path(__file__).parents[1] / "scenarios" / "fixtures"
PROFILES = FIXTURES / "profiles"
SECRET = b"n" * 32
DAY = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
REGISTRY = parse_files(
    [FIXTURES / "registry-actions.csv", FIXTURES / "registry-notifications.json"]
)


def profiles() -> dict[str, LawProfile]:
    return load_profiles([PROFILES])


def inputs(with_profiles: bool = True) -> Inputs:
    return Inputs(shipped_rules(), REGISTRY, profiles() if with_profiles else {})


def document(**changes: Any) -> RequestDocument:
    data = read_source(FIXTURES / "requests" / "stored-data.yaml").data
    data = json.loads(json.dumps(data, default=str))
    data.update(changes)
    return RequestDocument.model_validate(data)


def unknown_offence(**changes: Any) -> RequestDocument:
    """A request whose offence the requesting State's profile does not list: dual criminality
    cannot be assessed, a ``needs_review`` finding."""
    offence = {
        "name": "Misuse of a telecommunications service",
        "law_reference": "Telecoms Act s. 9",
        "maximum_penalty": {"years": 5},
    }
    return document(offence=offence, **changes)


def store(
    engine: Engine,
    request_id: str,
    doc: RequestDocument,
    *,
    hours: int = 0,
    the_inputs: Inputs | None = None,
    side: str = "requested",
) -> StoredReport:
    with write_transaction(engine) as connection:
        return screen_and_store(
            connection,
            request_id,
            doc,
            side,
            secret=SECRET,
            at=DAY + dt.timedelta(hours=hours),
            inputs=the_inputs or inputs(),
        )
