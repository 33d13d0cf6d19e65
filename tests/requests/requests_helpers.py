"""Helpers of the request tests: documents and the test node (fixtures in conftest.py)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from comity.config import Settings
from comity.services.authorities import HostedAuthority
from comity.storage.engine import read_transaction
from comity.transport.inprocess import InProcessTransport

EXAMPLE = Path(__file__).parents[2] / "docs" / "formats" / "examples" / "preservation-request.json"
TODAY = dt.datetime.now(dt.UTC).date()


def preservation_document(requested: str = "prt-247") -> dict[str, Any]:
    """A complete preservation request from FRA to ``requested`` (legal basis: a treaty)."""
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document.pop("reference")
    document.pop("$schema")
    document["requested_authority"]["identifier"] = requested
    document["legal_basis"] = {"treaty": "Budapest Convention on Cybercrime (ETS No. 185)"}
    document["deadline"]["date"] = (TODAY + dt.timedelta(days=30)).isoformat()
    document["follow_up_intent"]["expected_by"] = (TODAY + dt.timedelta(days=40)).isoformat()
    return document


def follow_up_document(preservation: str, kind: str = "mutual_legal_assistance") -> dict[str, Any]:
    """The request that follows a preservation and asks for the preserved data."""
    document = preservation_document()
    document.pop("follow_up_intent")
    document.update(
        kind=kind,
        linked_request=preservation,
        assistance_sought="Disclose the preserved subscriber, traffic and content data.",
        purpose="Identify and prosecute the authors of the ransomware attack.",
    )
    return copy.deepcopy(document)


@dataclass
class Node:
    """The engine, settings, transport and the hosted authorities of a test node."""

    engine: Engine
    settings: Settings
    transport: InProcessTransport
    fra: HostedAuthority
    prt: HostedAuthority
    bra: HostedAuthority

    def count(self, table: str) -> int:
        with read_transaction(self.engine) as connection:
            query = sa.select(sa.func.count()).select_from(sa.table(table))
            return int(connection.execute(query).scalar_one())

    def counts(self) -> dict[str, int]:
        return {
            t: self.count(t)
            for t in ("events", "requests", "request_transitions", "messages", "case_links")
        }
