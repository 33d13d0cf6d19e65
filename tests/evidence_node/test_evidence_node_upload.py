"""Uploading a package to the node: resumable, checked against the signed receipt first."""

from __future__ import annotations

from pathlib import Path

from evidence_node_helpers import EvidenceNode, patch, start_upload, upload_whole
from fastapi.testclient import TestClient

from comity.evidence import AuthorityKeys


def _nothing_stored(node: EvidenceNode, digest: str) -> None:
    assert node.count("evidence_uploads") == 0
    assert node.count("evidence_packages") == 0
    assert node.count("custody_events") == 0
    blobs = node.settings.blob_dir
    assert not (blobs / "partial" / digest).exists()
    assert not (blobs / "sha256" / digest[:2] / digest).exists()
    assert not any(t.startswith("evidence.") for t in node.tags())


class TestResumableUpload:
    def test_interrupted_half_way_resumes_and_completes(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        package = enode.seal_for_fra(tmp_path)
        data = package.path.read_bytes()
        half = len(data) // 2
        started = start_upload(eclient, enode, package)
        assert started["offset"] == 0
        assert started["package_size"] == len(data)
        upload = started["id"]
        first = patch(eclient, enode, upload, 0, data[:half])
        assert first.status_code == 200, first.text
        assert first.json()["complete"] is False
        # The connection breaks here; the client asks where to resume.
        head = eclient.head(f"/api/v1/evidence/uploads/{upload}", headers=enode.headers["prt-247"])
        assert head.status_code == 200
        assert head.headers["Upload-Offset"] == str(half)
        assert head.headers["Upload-Length"] == str(len(data))
        # Starting again with the same receipt finds the same upload at the same offset.
        again = start_upload(eclient, enode, package)
        assert (again["id"], again["offset"]) == (upload, half)
        # A chunk at the wrong offset is refused and changes nothing.
        wrong = patch(eclient, enode, upload, 0, data[:10])
        assert wrong.status_code == 409
        assert wrong.headers["content-type"] == "application/problem+json"
        rest = patch(eclient, enode, upload, half, data[half:])
        assert rest.status_code == 200, rest.text
        body = rest.json()
        assert body["complete"] is True
        accepted = body["package"]
        assert accepted["package_sha256"] == package.sha256
        assert accepted["recipient_authority"] == "fra-ca"
        assert rest.headers["Location"] == f"/api/v1/evidence/packages/{accepted['id']}"
        stored = enode.settings.blob_dir / "sha256" / package.sha256[:2] / package.sha256
        assert stored.read_bytes() == data
        assert enode.count("evidence_uploads") == 0
        assert [r["action"] for r in enode.rows("custody_events")] == ["received"]
        assert enode.tags()[-1] == "evidence.received"
        # The upload is gone once accepted.
        gone = eclient.head(f"/api/v1/evidence/uploads/{upload}", headers=enode.headers["prt-247"])
        assert gone.status_code == 404

    def test_a_package_already_accepted_is_not_uploaded_twice(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        package = enode.seal_for_fra(tmp_path)
        upload_whole(eclient, enode, package)
        again = eclient.post(
            f"/api/v1/requests/{enode.reference}/evidence/uploads",
            json={"receipt": package.receipt}, headers=enode.headers["prt-247"],
        )  # fmt: skip
        assert again.status_code == 409


class TestRefusals:
    def test_bytes_that_do_not_match_the_receipt_are_refused_and_nothing_is_stored(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        package = enode.seal_for_fra(tmp_path)
        data = bytearray(package.path.read_bytes())
        data[-100] ^= 0x01  # same size, other bytes
        upload = start_upload(eclient, enode, package)["id"]
        assert patch(eclient, enode, upload, 0, bytes(data[:1000])).status_code == 200
        refused = patch(eclient, enode, upload, 1000, bytes(data[1000:]))
        assert refused.status_code == 422
        assert refused.json()["type"] == "urn:comity:problem:package-integrity"
        assert "does not match its receipt" in refused.json()["detail"]
        _nothing_stored(enode, package.sha256)

    def test_bytes_beyond_the_receipts_size_are_refused_and_deleted(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        package = enode.seal_for_fra(tmp_path)
        data = package.path.read_bytes()
        upload = start_upload(eclient, enode, package)["id"]
        assert patch(eclient, enode, upload, 0, data[:500]).status_code == 200
        refused = patch(eclient, enode, upload, 500, data[500:] + b"extra")
        assert refused.status_code == 422
        _nothing_stored(enode, package.sha256)

    def test_a_receipt_not_signed_by_the_producers_directory_key_is_refused(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        impostor = AuthorityKeys.generate("prt-247")
        package = enode.seal_for_fra(tmp_path, producer=impostor)
        refused = eclient.post(
            f"/api/v1/requests/{enode.reference}/evidence/uploads",
            json={"receipt": package.receipt}, headers=enode.headers["prt-247"],
        )  # fmt: skip
        assert refused.status_code == 422
        assert "not with prt-247's key in the directory" in refused.json()["detail"]
        _nothing_stored(enode, package.sha256)

    def test_a_tampered_receipt_is_refused(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        package = enode.seal_for_fra(tmp_path)
        forged = {**package.receipt, "package_size": package.receipt["package_size"] + 1}
        refused = eclient.post(
            f"/api/v1/requests/{enode.reference}/evidence/uploads",
            json={"receipt": forged}, headers=enode.headers["prt-247"],
        )  # fmt: skip
        assert refused.status_code == 422
        assert "does not verify" in refused.json()["detail"]
        _nothing_stored(enode, package.sha256)

    def test_only_the_requested_authority_uploads(
        self, eclient: TestClient, enode: EvidenceNode, tmp_path: Path
    ) -> None:
        package = enode.seal_for_fra(tmp_path)
        url = f"/api/v1/requests/{enode.reference}/evidence/uploads"
        body = {"receipt": package.receipt}
        assert eclient.post(url, json=body, headers=enode.headers["fra-ca"]).status_code == 403
        assert eclient.post(url, json=body, headers=enode.headers["bra-ca"]).status_code == 404
        assert eclient.post(url, json=body).status_code == 401
        started = start_upload(eclient, enode, package)
        # Another authority cannot see or continue PRT's upload.
        stranger = patch(eclient, enode, started["id"], 0, b"x", who="bra-ca")
        assert stranger.status_code == 404
        _nothing_stored_but_upload = enode.count("evidence_uploads")
        assert _nothing_stored_but_upload == 1
