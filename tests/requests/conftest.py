"""A node with three hosted authorities in different States, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from comity.api.app import create_app
from comity.config import Settings, load_settings
from comity.services import authorities
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
            return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())

    def counts(self) -> dict[str, int]:
        return {
            t: self.count(t)
            for t in ("events", "requests", "request_transitions", "messages", "case_links")
        }


@pytest.fixture
def node(engine: Engine) -> Node:
    settings = load_settings(database_url=engine.url.render_as_string(hide_password=False))
    hosted = [
        authorities.add_authority(
            engine, settings, authority_id=i, state=s, role=r, name=n, languages=langs,
            contact_email=f"{i}@example.org",
        )
        for i, s, r, n, langs in (
            ("fra-ca", "FRA", "central_authority", "Bureau de l'entraide pénale", ["fr", "en"]),
            ("prt-247", "PRT", "contact_point_24_7", "Ponto de contacto 24/7", ["pt", "en"]),
            ("bra-ca", "BRA", "central_authority", "Autoridade central", ["pt"]),
        )
    ]  # fmt: skip
    return Node(engine, settings, InProcessTransport(engine, settings), *hosted)


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    app = create_app(node.settings, sequencer=False)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def tokens(node: Node) -> dict[str, dict[str, str]]:
    """Authorization headers per authority."""
    return {
        a.id: {"Authorization": f"Bearer {authorities.issue_token(node.engine, a.id)}"}
        for a in (node.fra, node.prt, node.bra)
    }
