"""A node (SQLite and PostgreSQL) with FRA, PRT and BRA hosted and a request FRA sent to PRT."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from evidence_node_helpers import EvidenceNode, preservation_document
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from comity.api.app import create_app
from comity.config import load_settings
from comity.services import authorities, requests
from comity.transport.inprocess import InProcessTransport


@pytest.fixture
def enode(engine: Engine, tmp_path: Path) -> EvidenceNode:
    settings = load_settings(
        database_url=engine.url.render_as_string(hide_password=False), blob_dir=tmp_path / "blobs"
    )
    hosted = [
        authorities.add_authority(
            engine, settings, authority_id=i, state=s, role=r, name=n, languages=["en"],
            contact_email=f"{i}@example.org",
        )
        for i, s, r, n in (
            ("fra-ca", "FRA", "central_authority", "Bureau de l'entraide pénale"),
            ("prt-247", "PRT", "contact_point_24_7", "Ponto de contacto 24/7"),
            ("bra-ca", "BRA", "central_authority", "Autoridade central"),
        )
    ]  # fmt: skip
    fra, prt, bra = hosted
    transport = InProcessTransport(engine, settings)
    view = requests.draft(engine, fra, preservation_document(), officer="Anne")
    ref = view.row.reference
    for action in ("approve", "send"):
        requests.act(engine, settings, fra, ref, action, transport=transport, officer="Anne")
    requests.act(engine, settings, prt, ref, "acknowledge", transport=transport, officer="Rui")
    headers = {
        a.id: {"Authorization": f"Bearer {authorities.issue_token(engine, a.id)}",
               "Comity-Officer": f"officer of {a.id}"}
        for a in hosted
    }  # fmt: skip
    return EvidenceNode(engine, settings, fra, prt, bra, ref, headers)


@pytest.fixture
def eclient(enode: EvidenceNode) -> Iterator[TestClient]:
    app = create_app(enode.settings, sequencer=False)
    with TestClient(app) as test_client:
        yield test_client
