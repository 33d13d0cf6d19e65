"""The done-when path through the API, least privilege, idempotency, If-Match, problem+json."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from requests_helpers import TODAY, Node, follow_up_document, preservation_document


def _act(client: TestClient, headers: dict[str, str], ref: str, action: str,
         **body: Any) -> dict[str, Any]:  # fmt: skip
    response = client.post(f"/api/v1/requests/{ref}/actions/{action}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _draft(client: TestClient, headers: dict[str, str], document: dict[str, Any]) -> str:
    response = client.post("/api/v1/requests", json=document, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["ETag"]
    return str(response.json()["reference"])


class TestDoneWhenPath:
    def test_preservation_then_mla_then_evidence(
        self, client: TestClient, node: Node, tokens: dict[str, dict[str, str]]
    ) -> None:
        fra, prt = tokens["fra-ca"], tokens["prt-247"]
        ref = _draft(client, fra, preservation_document())
        assert client.get(f"/api/v1/requests/{ref}/validation", headers=fra).json() == {
            "complete": True, "problems": [],
        }  # fmt: skip
        _act(client, fra, ref, "approve")
        sent = _act(client, fra, ref, "send")
        assert sent["state"] == "sent"
        assert sent["delivery"] == {"status": "accepted", "reason": None}
        received = client.get(f"/api/v1/requests/{ref}", headers=prt).json()
        assert received["side"] == "requested"
        assert received["state"] == "sent"
        assert "acknowledge" in received["allowed_actions"]
        _act(client, prt, ref, "acknowledge")
        until = (TODAY + dt.timedelta(days=90)).isoformat()
        preserved = _act(client, prt, ref, "preserve", until=until)
        assert preserved["state"] == "preserved"
        # Both sides see the same state.
        assert client.get(f"/api/v1/requests/{ref}", headers=fra).json()["state"] == "preserved"

        mla = _draft(client, fra, follow_up_document(ref))
        for action in ("approve", "send"):
            _act(client, fra, mla, action)
        case = client.post("/api/v1/cases", json={"title": "Hospital ransomware",
                                                  "requests": [ref]}, headers=fra)  # fmt: skip
        assert case.status_code == 201, case.text
        case_id = case.json()["id"]
        linked = client.post(f"/api/v1/cases/{case_id}/links",
                             json={"source": ref, "target": mla}, headers=fra)  # fmt: skip
        assert linked.status_code == 200, linked.text
        _act(client, prt, ref, "hold", linked_request=mla)
        for action in ("acknowledge", "start_review", "execute"):
            _act(client, prt, mla, action, documents=["pkg-1"] if action == "execute" else [])
        evidence = client.post(
            f"/api/v1/cases/{case_id}/evidence",
            json={"package": "pkg-1", "request": mla, "received_on": TODAY.isoformat()},
            headers=fra,
        )
        assert evidence.status_code == 200, evidence.text
        view = client.get(f"/api/v1/cases/{case_id}", headers=fra).json()
        chain = [(e["reference"], e["state"], e["depth"]) for e in view["chain"]]
        assert chain == [(ref, "held", 0), (mla, "executed", 1)]
        assert view["chain"][1]["evidence"] == ["pkg-1"]
        assert any(c["kind"] == "preservation_expiry" and c["due"] is None for c in view["clocks"])
        history = client.get(f"/api/v1/requests/{ref}", headers=fra).json()["history"]
        assert [e["action"] for e in history] == [
            "approve",
            "send",
            "acknowledge",
            "preserve",
            "hold",
        ]


class TestAccess:
    def test_every_endpoint_needs_a_token(self, client: TestClient) -> None:
        for method, path in (("get", "/api/v1/requests"), ("post", "/api/v1/requests"),
                             ("get", "/api/v1/requests/X"), ("get", "/api/v1/overdue"),
                             ("get", "/api/v1/cases"), ("get", "/api/v1/authorities/me"),
                             ("post", "/api/v1/requests/X/actions/approve"),
                             ("get", "/api/v1/messages")):  # fmt: skip
            response = client.request(method, path, headers={"Authorization": "Bearer wrong"})
            assert response.status_code == 401, path
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == "urn:comity:problem:unauthenticated"
            assert client.request(method, path).status_code == 401

    def test_a_foreign_authority_sees_nothing(
        self, client: TestClient, tokens: dict[str, dict[str, str]]
    ) -> None:
        fra, bra = tokens["fra-ca"], tokens["bra-ca"]
        ref = _draft(client, fra, preservation_document())
        case_id = client.post("/api/v1/cases", json={"title": "t", "requests": [ref]},
                              headers=fra).json()["id"]  # fmt: skip
        for method, path, body in (
            ("get", f"/api/v1/requests/{ref}", None),
            ("put", f"/api/v1/requests/{ref}", preservation_document()),
            ("get", f"/api/v1/requests/{ref}/validation", None),
            ("post", f"/api/v1/requests/{ref}/actions/approve", {}),
            ("get", f"/api/v1/cases/{case_id}", None),
            ("post", f"/api/v1/cases/{case_id}/requests", {"request": ref}),
            ("post", f"/api/v1/cases/{case_id}/links", {"source": ref, "target": ref}),
        ):
            headers = {**bra, "If-Match": "*"}
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 404, (path, response.text)
            assert response.json()["type"] == "urn:comity:problem:not-found"
        assert client.get("/api/v1/requests", headers=bra).json() == []
        assert client.get("/api/v1/authorities/me", headers=bra).json()["id"] == "bra-ca"


class TestIdempotencyAndPreconditions:
    def test_a_replayed_post_returns_the_stored_response(
        self, client: TestClient, node: Node, tokens: dict[str, dict[str, str]]
    ) -> None:
        headers = {**tokens["fra-ca"], "Idempotency-Key": "draft-1"}
        first = client.post("/api/v1/requests", json=preservation_document(), headers=headers)
        events = node.count("events")
        again = client.post("/api/v1/requests", json=preservation_document(), headers=headers)
        assert again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replay"] == "true"
        assert node.count("requests") == 1
        assert node.count("events") == events
        other = {**preservation_document(), "facts": "Something else."}
        clash = client.post("/api/v1/requests", json=other, headers=headers)
        assert clash.status_code == 409
        assert clash.json()["type"] == "urn:comity:problem:conflict"

    def test_updates_need_a_current_if_match(
        self, client: TestClient, tokens: dict[str, dict[str, str]]
    ) -> None:
        fra = tokens["fra-ca"]
        ref = _draft(client, fra, preservation_document())
        etag = client.get(f"/api/v1/requests/{ref}", headers=fra).headers["ETag"]
        changed = {**preservation_document(), "facts": "Updated facts."}
        missing = client.put(f"/api/v1/requests/{ref}", json=changed, headers=fra)
        assert missing.status_code == 428
        ok = client.put(f"/api/v1/requests/{ref}", json=changed, headers={**fra, "If-Match": etag})
        assert ok.status_code == 200, ok.text
        assert ok.json()["document"]["facts"] == "Updated facts."
        stale = client.put(f"/api/v1/requests/{ref}", json=changed,
                           headers={**fra, "If-Match": etag})  # fmt: skip
        assert stale.status_code == 412
        assert stale.json()["type"] == "urn:comity:problem:precondition-failed"


class TestFailuresLeaveNothing:
    def test_invalid_transition_missing_contents_and_reasons(
        self, client: TestClient, node: Node, tokens: dict[str, dict[str, str]]
    ) -> None:
        fra = tokens["fra-ca"]
        incomplete = preservation_document()
        del incomplete["facts"]
        ref = _draft(client, fra, incomplete)
        before = node.counts()
        refused = client.post(f"/api/v1/requests/{ref}/actions/send", headers=fra)
        assert refused.status_code == 409
        assert refused.json()["allowed"] == ["approve", "withdraw"]
        _act(client, fra, ref, "approve")
        before = node.counts()
        missing = client.post(f"/api/v1/requests/{ref}/actions/send", headers=fra)
        assert missing.status_code == 422
        assert any("facts" in p for p in missing.json()["problems"])
        no_reasons = client.post(f"/api/v1/requests/{ref}/actions/withdraw", headers=fra)
        assert no_reasons.status_code == 422
        unknown = client.post(f"/api/v1/requests/{ref}/actions/teleport", headers=fra)
        assert unknown.status_code == 404
        assert node.counts() == before
