"""Downloading a package from the node: recipient only, resumable with Range, every transfer
a signed custody event and a ledger event whose public header does not name the package."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import sqlalchemy as sa
from evidence_node_helpers import EvidenceNode, upload_whole
from fastapi.testclient import TestClient

from comity.evidence import PublicAuthority
from comity.evidence.receipt import parse_receipt
from comity.evidence.signing import verify_document
from comity.services import cases
from comity.services.custody import verify_chain
from comity.storage import evidence_store
from comity.storage.engine import read_transaction


def _content(package: str) -> str:
    return f"/api/v1/evidence/packages/{package}/content"


class TestDownload:
    def test_a_download_interrupted_half_way_resumes_with_range(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        package = enode.seal_for_fra(tmp_path)
        data = package.path.read_bytes()
        accepted = upload_whole(eclient, enode, package)
        fra = enode.headers["fra-ca"]
        half = len(data) // 2
        first = eclient.get(
            _content(accepted["id"]), headers={**fra, "Range": f"bytes=0-{half - 1}"}
        )
        assert first.status_code == 206
        assert first.headers["Content-Range"] == f"bytes 0-{half - 1}/{len(data)}"
        assert first.headers["Accept-Ranges"] == "bytes"
        rest = eclient.get(_content(accepted["id"]), headers={**fra, "Range": f"bytes={half}-"})
        assert rest.status_code == 206
        assert rest.headers["Content-Range"] == f"bytes {half}-{len(data) - 1}/{len(data)}"
        assert first.content + rest.content == data
        whole = eclient.get(_content(accepted["id"]), headers=fra)
        assert whole.status_code == 200
        assert whole.content == data
        assert whole.headers["ETag"] == f'"{package.sha256}"'
        outside = eclient.get(
            _content(accepted["id"]), headers={**fra, "Range": f"bytes={len(data)}-"}
        )
        assert outside.status_code == 416
        assert outside.json()["type"] == "urn:comity:problem:range-not-satisfiable"
        # The receipt the recipient fetches verifies, and names the bytes it got.
        receipt = eclient.get(f"/api/v1/evidence/packages/{accepted['id']}/receipt", headers=fra)
        checked = parse_receipt(receipt.json())
        assert checked.package_sha256 == package.sha256
        assert checked.package_size == len(data)

    def test_only_the_recipient_downloads(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        accepted = upload_whole(eclient, enode, enode.seal_for_fra(tmp_path))
        before = enode.count("custody_events")
        url = _content(accepted["id"])
        assert eclient.get(url, headers=enode.headers["prt-247"]).status_code == 404
        assert eclient.get(url, headers=enode.headers["bra-ca"]).status_code == 404
        assert eclient.get(url).status_code == 401
        meta = f"/api/v1/evidence/packages/{accepted['id']}"
        assert eclient.get(meta, headers=enode.headers["bra-ca"]).status_code == 404
        assert eclient.get(meta, headers=enode.headers["prt-247"]).status_code == 200
        assert eclient.get(meta, headers=enode.headers["fra-ca"]).status_code == 200
        # Refused downloads leave no custody event.
        assert enode.count("custody_events") == before
        listed = eclient.get("/api/v1/evidence/packages", headers=enode.headers["bra-ca"])
        assert listed.json() == []


class TestCustodyAndLedger:
    def test_every_transfer_is_a_signed_custody_event_and_a_ledger_event(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        package = enode.seal_for_fra(tmp_path)
        size = package.path.stat().st_size
        accepted = upload_whole(eclient, enode, package)
        fra = enode.headers["fra-ca"]
        eclient.get(_content(accepted["id"]), headers={**fra, "Range": "bytes=0-99"})
        eclient.get(_content(accepted["id"]), headers={**fra, "Range": "bytes=100-"})
        with read_transaction(enode.engine) as connection:
            rows = evidence_store.custody_of(connection, accepted["id"])
            events = {
                r.seq: r
                for r in connection.execute(
                    sa.text("SELECT e.seq, e.tag, e.authority, e.payload, x.entry FROM events e "
                            "JOIN event_entries x ON x.event_seq = e.seq")
                )
            }  # fmt: skip
        assert [(r.action, r.authority) for r in rows] == [
            ("received", "prt-247"),
            ("transferred", "fra-ca"),
            ("transferred", "fra-ca"),
        ]
        verify_chain(rows)
        documents = [json.loads(r.line) for r in rows]
        assert documents[0]["person"] == "officer of prt-247"
        assert documents[2]["note"] == f"bytes 100-{size - 1} of {size} downloaded by fra-ca"
        assert {d["package_sha256"] for d in documents} == {package.sha256}
        # Each is signed with the hosted authority's key that the directory publishes.
        fra_key = PublicAuthority.from_party(documents[1]["authority"])
        assert fra_key.signing_key == base64.b64decode(enode.fra.signing_key)
        verify_document(documents[1], fra_key, "custody event")
        for row in rows:
            event = events[row.event_seq]
            assert event.tag == f"evidence.{row.action}"
            payload = (
                event.payload if isinstance(event.payload, dict) else json.loads(event.payload)
            )
            assert payload["package_sha256"] == package.sha256
            assert payload["custody_line_sha256"] == row.line_sha256
            entry = json.loads(bytes(event.entry))
            assert entry["header"]["event"] == f"evidence.{row.action}"
            assert entry["header"]["requesting_state"] == "FRA"
            assert entry["header"]["kind"] == "preservation"
            assert package.sha256.encode() not in bytes(event.entry)

    def test_an_accepted_package_is_linked_to_the_recipients_cases(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        case_id = cases.create_case(enode.engine, enode.fra, "Ransomware", [enode.reference])
        accepted = upload_whole(eclient, enode, enode.seal_for_fra(tmp_path))
        view = cases.show_case(enode.engine, enode.fra, case_id)
        assert view["chain"][0]["evidence"] == [accepted["id"]]
