"""Comity's own ledger vectors (tests/vectors/ledger/), checked against the formulas of
docs/formats/ledger-entry.md computed with plain hashlib, and against the code."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
import rfc8785

from comity.ledger.checkpoint import open_checkpoint
from comity.ledger.entry import HeaderPolicy, LedgerEntry, commitment, period_quarter
from comity.ledger.note import Ed25519Signer, Ed25519Verifier
from comity.ledger.store import InMemoryLogStore, Log
from comity.ledger.tiles import decode_entry_bundle

VECTORS = Path(__file__).parents[1] / "vectors" / "ledger"
ENTRIES = json.loads((VECTORS / "entries.json").read_text(encoding="utf-8"))["entries"]
LOG = json.loads((VECTORS / "log.json").read_text(encoding="utf-8"))["log"]


@pytest.mark.parametrize("v", ENTRIES, ids=lambda v: v["header"]["event"] + v["header"]["week"])
def test_entry_vector(v):
    salt = bytes.fromhex(v["salt"])
    jcs = rfc8785.dumps(v["event"])
    assert jcs.decode() == v["event_jcs"]
    by_hand = hashlib.sha256(b"comity/ledger/commitment/v1\x00" + salt + jcs).hexdigest()
    assert by_hand == v["commitment"] == commitment(v["event"], salt).hex()
    entry = v["entry"].encode()
    assert hashlib.sha256(b"\x00" + entry).hexdigest() == v["leaf_hash"]
    assert json.loads(entry) == {"v": 1, "header": v["header"], "commitment": v["commitment"]}
    assert LedgerEntry.for_event(v["event"], salt, v["header"]).encode() == entry
    assert LedgerEntry.decode(entry).header == v["header"]
    at = dt.datetime.fromisoformat(v["at"].replace("Z", "+00:00"))
    values = {
        k: v["header"].get(k)
        for k in ("event", "requesting_state", "requested_state", "kind", "outcome")
    }
    assert HeaderPolicy().header(at=at, **values) == v["header"]
    assert period_quarter(v["header"]) == v["quarter"]


def test_log_vector():
    signer = Ed25519Signer.from_skey(LOG["signer_key"])
    assert signer.verifier.vkey == LOG["verifier_key"]
    log = Log(InMemoryLogStore(), signer)
    log.append([v["entry"].encode() for v in ENTRIES])
    assert log.read_path("checkpoint").decode() == LOG["checkpoint"]
    for path, data in LOG["tiles"].items():
        assert log.read_path(path).hex() == data
    # Independently: the tile is the leaf hashes, the bundle the length-prefixed entries,
    # and the root the RFC 6962 root of three leaves.
    leaves = [bytes.fromhex(v["leaf_hash"]) for v in ENTRIES]
    assert bytes.fromhex(LOG["tiles"]["tile/0/000.p/3"]) == b"".join(leaves)
    bundle = bytes.fromhex(LOG["tiles"]["tile/entries/000.p/3"])
    assert decode_entry_bundle(bundle) == [v["entry"].encode() for v in ENTRIES]

    def node(a: bytes, b: bytes) -> bytes:
        return hashlib.sha256(b"\x01" + a + b).digest()

    root = node(node(leaves[0], leaves[1]), leaves[2])
    signed = open_checkpoint(
        LOG["checkpoint"].encode(), Ed25519Verifier.from_vkey(LOG["verifier_key"])
    )
    assert signed.checkpoint.root == root
    assert LOG["checkpoint"].splitlines()[2] == base64.b64encode(root).decode()
