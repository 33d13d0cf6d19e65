"""Use limitations over the API: both sides, least privilege, idempotency, problem+json."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from requests_helpers import TODAY, Node, preservation_document


def _sent(client: TestClient, fra: dict[str, str]) -> str:
    ref = str(client.post("/api/v1/requests", json=preservation_document(),
                          headers=fra).json()["reference"])  # fmt: skip
    for action in ("approve", "send"):
        response = client.post(f"/api/v1/requests/{ref}/actions/{action}", headers=fra)
        assert response.status_code == 200, response.text
    return ref


def test_consent_and_onward_transfer_through_the_api(
    client: TestClient, node: Node, tokens: dict[str, dict[str, str]]
) -> None:
    fra, prt, bra = tokens["fra-ca"], tokens["prt-247"], tokens["bra-ca"]
    ref = _sent(client, fra)
    base = f"/api/v1/requests/{ref}"
    checked = client.get(f"{base}/use-limitations", params={"purpose": "tax audit"}, headers=fra)
    assert checked.json()["verdict"]["allowed"] is False
    assert checked.json()["verdict"]["citations"] == ["UNCC Art 40(19) [paragraph_uncertain]"]

    headers = {**fra, "Idempotency-Key": "consent-1"}
    asked = client.post(f"{base}/consents", json={"purpose": "tax audit"}, headers=headers)
    assert asked.status_code == 201, asked.text
    assert asked.json()["delivery"] == {"status": "accepted", "reason": None}
    events = node.count("events")
    again = client.post(f"{base}/consents", json={"purpose": "tax audit"}, headers=headers)
    assert again.headers["Idempotent-Replay"] == "true"
    assert again.json() == asked.json()  # the stored response, with its delivery
    assert node.count("events") == events
    consent = asked.json()["id"]

    refused = client.post(f"{base}/consents/{consent}/decision", json={"granted": False},
                          headers=prt)  # fmt: skip
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    wrong_side = client.post(f"{base}/consents/{consent}/decision", json={"granted": True},
                             headers=fra)  # fmt: skip
    assert wrong_side.status_code == 403
    granted = client.post(f"{base}/consents/{consent}/decision", json={"granted": True},
                          headers=prt)  # fmt: skip
    assert granted.status_code == 200, granted.text
    verdict = client.get(f"{base}/use-limitations", params={"purpose": "tax audit"}, headers=fra)
    assert verdict.json()["verdict"]["allowed"] is True
    assert [c["status"] for c in client.get(f"{base}/consents", headers=fra).json()] == ["granted"]

    onward = client.post(f"{base}/onward-transfers",
                         json={"recipient": "INTERPOL", "recipient_kind":
                               "international_organisation"}, headers=prt)  # fmt: skip
    assert onward.status_code == 201, onward.text
    found = client.get(f"{base}/onward-transfers", params={"recipient": "interpol"}, headers=fra)
    assert found.json()["verdict"]["allowed"] is True
    assert found.json()["authorisations"][0]["authorised_by"] == "prt-247"

    # A third authority sees nothing and changes nothing.
    before = node.counts()
    for path in ("use", "use-limitations", "consents", "onward-transfers",
                 "notifications-of-person"):  # fmt: skip
        assert client.get(f"{base}/{path}", headers=bra).status_code == 404
    assert client.post(f"{base}/consents", json={"purpose": "x"}, headers=bra).status_code == 404
    assert client.get(f"{base}/use").status_code == 401
    assert node.counts() == before


def test_delayed_notification_through_the_api(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    fra, prt = tokens["fra-ca"], tokens["prt-247"]
    ref = _sent(client, fra)
    base = f"/api/v1/requests/{ref}/notifications-of-person"
    ends = TODAY + dt.timedelta(days=20)
    delayed = client.post(base, json={"person": "the subscriber", "reason": "ongoing",
                                      "reason_ends": ends.isoformat(), "days": 3},
                          headers=prt)  # fmt: skip
    assert delayed.status_code == 201, delayed.text
    notice = delayed.json()["id"]
    [shown] = client.get(base, headers=fra).json()
    assert shown["authority"] == "prt-247"
    assert shown["status"] == "delayed"
    assert shown["due"] == (ends + dt.timedelta(days=3)).isoformat()
    assert client.post(f"{base}/{notice}/notified", headers=fra).status_code == 403
    done = client.post(f"{base}/{notice}/notified", json={}, headers=prt)
    assert done.status_code == 200, done.text
    [shown] = client.get(base, headers=fra).json()
    assert shown["status"] == "notified"
    assert shown["due"] is None
