"""The /log/ read API, the verifier key, witness cosignatures and the published statistics."""

from __future__ import annotations

import base64
import json

import pytest
from ledger_node_helpers import close_node, make_node

from comity.errors import ConfigurationError
from comity.ledger.checkpoint import open_checkpoint
from comity.ledger.cosignature import CosignatureSigner, require_cosignature
from comity.ledger.merkle import leaf_hash
from comity.ledger.note import Ed25519Verifier
from comity.ledger.stats import compute_statistics, statistics_json
from comity.ledger.tiles import decode_entry_bundle
from comity.services.sequencer import sequence_pending

WITNESS = CosignatureSigner("witness.example", bytes(range(32)), clock=lambda: 1_790_000_000)
STRANGER = CosignatureSigner("stranger.example", bytes(32), clock=lambda: 1_790_000_000)


def cosign(note: bytes, witness: CosignatureSigner) -> bytes:
    """A witness's cosignature line added to a note (tlog-cosignature)."""
    text, _, _ = note.partition(b"\n\n")
    signature = witness.sign(text + b"\n")
    line = "\u2014 " + witness.name + " " + base64.b64encode(witness.key_id + signature).decode()
    return note + line.encode() + b"\n"


class TestReadApi:
    def test_checkpoint_tiles_and_entries(self, node):
        recorded = node.record(260)
        sequence_pending(node.engine, node.signer)
        response = node.client.get("/log/checkpoint")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        assert open_checkpoint(response.content, node.signer.verifier).checkpoint.size == 260

        full = node.client.get("/log/tile/0/000")
        assert full.headers["content-type"] == "application/octet-stream"
        assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert full.content == b"".join(leaf_hash(r.entry) for r in recorded[:256])
        partial = node.client.get("/log/tile/0/001.p/4")
        assert partial.headers["cache-control"] == "public, max-age=60"
        assert partial.content == b"".join(leaf_hash(r.entry) for r in recorded[256:])
        bundle = node.client.get("/log/tile/entries/001.p/4").content
        assert decode_entry_bundle(bundle) == [r.entry for r in recorded[256:]]
        assert len(node.client.get("/log/tile/1/000.p/1").content) == 32

    @pytest.mark.parametrize(
        "path", ["tile/0/001", "tile/0/001.p/5", "tile/entries/002", "tile/1/000", "nonsense"]
    )
    def test_missing_tiles_are_404_problems(self, node, path):
        node.record(260)
        sequence_pending(node.engine, node.signer)
        response = node.client.get(f"/log/{path}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_the_verifier_key(self, node):
        response = node.client.get("/log/key")
        vkey = response.text.strip()
        assert vkey == node.vkey
        assert Ed25519Verifier.from_vkey(vkey).name == "comity.test/log"

    def test_a_key_named_otherwise_than_the_node_is_refused(self, engine, tmp_path):
        with pytest.raises(ConfigurationError, match="must be the node's name"):
            make_node(engine, tmp_path, node_name="other.example")


class TestCosignatures:
    def witnessed_node(self, engine, tmp_path):
        return make_node(engine, tmp_path, witness_keys=WITNESS.verifier.vkey)

    def test_a_configured_witness_is_accepted_and_shown(self, engine, tmp_path):
        node = self.witnessed_node(engine, tmp_path)
        try:
            node.record(3)
            note = sequence_pending(node.engine, node.signer).checkpoint
            response = node.client.post("/log/cosignature", content=cosign(note, WITNESS))
            assert response.status_code == 200, response.text
            assert response.json()["cosignatures"][0]["witness"] == "witness.example"
            published = node.client.get("/log/checkpoint").content
            cosig = require_cosignature(published, node.signer.verifier, WITNESS.verifier)
            assert cosig.timestamp == 1_790_000_000
            listing = node.client.get("/log/cosignatures").json()
            assert listing == {
                "origin": "comity.test/log",
                "tree_size": 3,
                "cosignatures": [
                    {
                        "witness": "witness.example",
                        "key_id": WITNESS.key_id.hex(),
                        "timestamp": 1_790_000_000,
                    }
                ],
            }
            # the cosigned checkpoint is still the log's, and a later batch signs afresh
            node.record(1, start=3)
            later = sequence_pending(node.engine, node.signer).checkpoint
            assert b"witness.example" not in later
        finally:
            close_node(node)

    def test_an_unknown_witness_is_refused(self, engine, tmp_path):
        node = self.witnessed_node(engine, tmp_path)
        try:
            note = sequence_pending(node.engine, node.signer).checkpoint
            response = node.client.post("/log/cosignature", content=cosign(note, STRANGER))
            assert response.status_code == 403
            assert b"stranger" not in node.client.get("/log/checkpoint").content
        finally:
            close_node(node)

    def test_a_cosignature_on_an_old_checkpoint_is_refused(self, engine, tmp_path):
        node = self.witnessed_node(engine, tmp_path)
        try:
            old = sequence_pending(node.engine, node.signer).checkpoint
            node.record(1)
            sequence_pending(node.engine, node.signer)
            response = node.client.post("/log/cosignature", content=cosign(old, WITNESS))
            assert response.status_code == 409
        finally:
            close_node(node)

    def test_a_forged_cosignature_is_refused(self, engine, tmp_path):
        node = self.witnessed_node(engine, tmp_path)
        try:
            note = sequence_pending(node.engine, node.signer).checkpoint
            forged = bytearray(cosign(note, WITNESS))
            forged[-10] ^= 1
            response = node.client.post("/log/cosignature", content=bytes(forged))
            assert response.status_code == 422
        finally:
            close_node(node)


class TestStatistics:
    def test_the_node_publishes_what_the_headers_say(self, node):
        recorded = node.record(12)
        sequence_pending(node.engine, node.signer)
        node.record(5, start=12)  # pending: not counted until sequenced
        response = node.client.get("/api/v1/transparency/statistics")
        assert response.headers["comity-tree-size"] == "12"
        assert response.content == statistics_json(compute_statistics(r.entry for r in recorded))
        rows = json.loads(response.content)["rows"]
        assert sum(row["count"] for row in rows) == 12
        assert {row["quarter"] for row in rows} == {"2026-Q4", "2027-Q1"}
