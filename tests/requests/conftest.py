"""A node with three hosted authorities in different States, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from requests_helpers import Node
from sqlalchemy.engine import Engine

from comity.api.app import create_app
from comity.config import load_settings
from comity.services import authorities
from comity.transport.inprocess import InProcessTransport


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
