"""The demo network: three authorities in different States, requests in many states."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from comity.api.app import create_app
from comity.config import load_settings
from comity.services.demo import seed_demo
from comity.storage.engine import read_transaction
from comity.storage.models import requests


def test_the_demo_is_a_living_network(engine: Engine) -> None:
    settings = load_settings(database_url=engine.url.render_as_string(hide_password=False))
    lines = seed_demo(engine, settings)
    with read_transaction(engine) as connection:
        states = set(connection.execute(sa.select(requests.c.state)).scalars())
    assert {"drafted", "approved", "held", "executed", "in_consultation",
            "information_requested", "refused"} <= states  # fmt: skip
    token = next(line for line in lines if "fra-ca" in line or "Bearer" in line)
    bearer = [line.split("Bearer ")[1].split("'")[0] for line in lines if "Bearer" in line]
    assert len(bearer) == 3, token
    with TestClient(create_app(settings, sequencer=False)) as client:
        listed = client.get("/api/v1/requests", headers={"Authorization": f"Bearer {bearer[0]}"})
        assert listed.status_code == 200
        assert {r["kind"] for r in listed.json()} >= {"preservation", "mutual_legal_assistance"}
        case_id = lines[-1].split("/api/v1/cases/")[1].split()[0]
        case = client.get(f"/api/v1/cases/{case_id}",
                          headers={"Authorization": f"Bearer {bearer[0]}"}).json()  # fmt: skip
        assert [e["state"] for e in case["chain"]] == ["held", "executed"]
