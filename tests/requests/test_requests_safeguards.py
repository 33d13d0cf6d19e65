"""The safeguards in a request's life: screened before it leaves, screened when it arrives,
and never granted while a finding waits for a reviewer's decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from requests_helpers import TODAY, Node, preservation_document

from comity.services import screening
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.models import requests, screening_reports


def _post(client: TestClient, headers: dict[str, str], path: str, **body: Any) -> Any:
    return client.post(path, json=body, headers=headers)


def _sent(client: TestClient, fra: dict[str, str], document: dict[str, Any]) -> str:
    drafted = client.post("/api/v1/requests", json=document, headers=fra)
    assert drafted.status_code == 201, drafted.text
    ref = str(drafted.json()["reference"])
    for action in ("approve", "send"):
        done = _post(client, fra, f"/api/v1/requests/{ref}/actions/{action}")
        assert done.status_code == 200, done.text
    return ref


def _copy_id(node: Node, authority: str, ref: str) -> str:
    with read_transaction(node.engine) as connection:
        return str(
            connection.execute(
                sa.select(requests.c.id).where(
                    requests.c.authority_id == authority, requests.c.reference == ref
                )
            ).scalar_one()
        )


def _long_period() -> dict[str, Any]:
    document = preservation_document()
    document["period"] = {
        "start": "2020-01-01",
        "end": "2026-01-01",
        "justification": "Every login since the account was opened.",
    }
    return document


class TestBeforeSending:
    def test_a_blocking_finding_stops_the_request_and_leaves_nothing(
        self, client: TestClient, node: Node, tokens: dict[str, dict[str, str]]
    ) -> None:
        fra = tokens["fra-ca"]
        document = preservation_document()
        document["legal_basis"] = {"instrument": "uncc"}  # not in force between them yet
        ref = client.post("/api/v1/requests", json=document, headers=fra).json()["reference"]
        assert _post(client, fra, f"/api/v1/requests/{ref}/actions/approve").status_code == 200
        before = node.counts()
        refused = _post(client, fra, f"/api/v1/requests/{ref}/actions/send")
        assert refused.status_code == 422
        body = refused.json()
        assert body["type"] == "urn:comity:problem:safeguard-violation"
        assert "applicability.not_bound" in body["detail"]
        assert "UNCC Art 65(1)" in body["detail"]
        assert node.counts() == before

    def test_a_request_under_another_treaty_is_screened_and_leaves(
        self, client: TestClient, node: Node, tokens: dict[str, dict[str, str]]
    ) -> None:
        ref = _sent(client, tokens["fra-ca"], preservation_document())
        with read_transaction(node.engine) as connection:
            sides = set(connection.execute(sa.select(screening_reports.c.side)).scalars())
        assert sides == {"requesting", "requested"}
        assert client.get(f"/api/v1/requests/{ref}", headers=tokens["prt-247"]).status_code == 200


class TestBeforeGranting:
    def test_a_finding_that_needs_review_stops_the_grant_until_a_reviewer_decides(
        self, client: TestClient, node: Node, tokens: dict[str, dict[str, str]]
    ) -> None:
        prt = tokens["prt-247"]
        ref = _sent(client, tokens["fra-ca"], _long_period())
        copy_id = _copy_id(node, "prt-247", ref)
        with read_transaction(node.engine) as connection:
            view = screening.screening_view(connection, copy_id)
        assert "proportionality.long_period" in view.unresolved
        assert _post(client, prt, f"/api/v1/requests/{ref}/actions/acknowledge").status_code == 200
        until = (TODAY + dt.timedelta(days=90)).isoformat()
        before = node.counts()
        refused = _post(client, prt, f"/api/v1/requests/{ref}/actions/preserve", until=until)
        assert refused.status_code == 422
        assert "proportionality.long_period" in refused.json()["detail"]
        assert node.counts() == before

        with write_transaction(node.engine) as connection:
            for finding in view.unresolved:
                screening.record_decision(
                    connection, copy_id, finding, "accepted", reviewer="Judge A. Reviewer",
                    reasons="", at=dt.datetime.now(dt.UTC),
                )  # fmt: skip
        granted = _post(client, prt, f"/api/v1/requests/{ref}/actions/preserve", until=until)
        assert granted.status_code == 200, granted.text
        assert granted.json()["state"] == "preserved"
