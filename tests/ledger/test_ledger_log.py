"""The sequencer, the tlog-tiles read API, the auditor's verifier, proofs of events,
cosignatures on the published checkpoint, statistics and the purity of the core."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

from comity.errors import (
    Conflict,
    LogConsistencyError,
    NotFound,
    SignatureInvalid,
    StorageError,
    ValidationFailed,
)
from comity.ledger.cosignature import CosignatureSigner
from comity.ledger.entry import (
    HeaderPolicy,
    LedgerEntry,
    commitment,
    new_salt,
    period_quarter,
    verify_event_proof,
)
from comity.ledger.fork import ForkDetected
from comity.ledger.merkle import StoredHash, leaf_hash, root_of, verify_consistency
from comity.ledger.note import Ed25519Signer
from comity.ledger.stats import compute_statistics, sent_and_received, statistics_json
from comity.ledger.store import InMemoryLogStore, Log
from comity.ledger.verify import load_state, save_state, verify_log

AT = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def make_log(**kwargs) -> Log:
    return Log(InMemoryLogStore(), Ed25519Signer("comity.example/log", bytes(32)), **kwargs)


def entries(n: int, start: int = 0) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(start, start + n)]


class TestSequencer:
    def test_batches_grow_the_tree_and_sign_checkpoints(self):
        log = make_log()
        assert log.checkpoint().decode().splitlines()[1] == "0"
        for batch in (1, 255, 1, 300):
            log.append(entries(batch, log.store.tree_size()))
        cp = log.signed_checkpoint().checkpoint
        assert cp.size == 557
        assert cp.root == root_of([leaf_hash(e) for e in entries(557)])
        assert log.root(300) == root_of([leaf_hash(e) for e in entries(300)])
        assert log.append([]) == log.checkpoint()

    def test_read_api(self):
        log = make_log()
        log.append(entries(600))
        assert log.read_path("tile/0/001") == b"".join(leaf_hash(e) for e in entries(256, 256))
        assert len(log.read_path("tile/0/002.p/88")) == 88 * 32
        assert len(log.read_path("tile/0/002.p/10")) == 10 * 32  # an older checkpoint's tile
        assert len(log.read_path("tile/1/000.p/2")) == 64
        assert log.read_path("tile/entries/002.p/2") == b"\x00\x09entry 512\x00\x09entry 513"
        for missing in [
            "tile/0/002",
            "tile/0/002.p/89",
            "tile/1/000",
            "tile/entries/003.p/1",
            "tile/2/000.p/1",
            "nonsense",
        ]:
            with pytest.raises(NotFound):
                log.read_path(missing)

    def test_store_refuses_concurrent_and_out_of_order_batches(self):
        store = InMemoryLogStore()
        with pytest.raises(Conflict):
            store.append_batch(1, [b"x"], [], b"cp")
        with pytest.raises(StorageError, match="out of order"):
            store.append_batch(0, [b"x"], [StoredHash(0, 1, bytes(32))], b"cp")
        assert store.tree_size() == 0
        with pytest.raises(Conflict):
            store.replace_checkpoint(0, b"cp")
        with pytest.raises(NotFound):
            store.read_hashes(0, 0, 1)
        with pytest.raises(NotFound):
            store.read_entries(0, 1)

    def test_oversized_entry_is_refused(self):
        with pytest.raises(ValidationFailed, match="above 65535"):
            make_log().append([b"\x00" * 65536])

    def test_proofs_from_the_log(self):
        log = make_log()
        log.append(entries(10))
        with pytest.raises(NotFound):
            log.inclusion_proof(10)
        with pytest.raises(NotFound):
            log.consistency_proof(3, 11)
        with pytest.raises(NotFound):
            log.root(11)
        proof = log.consistency_proof(3)
        assert len(proof) == 5  # D[2], D[3], MTH(D[0:2]), MTH(D[4:8]), MTH(D[8:10])
        verify_consistency(3, 10, proof, log.root(3), log.root(10))


class TestVerifier:
    def test_full_and_light_verification_with_state(self, tmp_path: Path):
        log = make_log()
        vkey = log.signer.verifier.vkey
        state = tmp_path / "state" / "checkpoint"
        assert load_state(state) is None
        seen: list[int] = []
        for batch in (3, 254, 300):
            log.append(entries(batch, log.store.tree_size()))
            full = verify_log(
                log.read_path, vkey, load_state(state), on_entry=lambda i, _e: seen.append(i)
            )
            light = verify_log(log.read_path, vkey, load_state(state), full=False)
            assert full.checkpoint.checkpoint == light.checkpoint.checkpoint
            save_state(state, full.checkpoint.note)
        assert full.entries_checked == 557
        assert full.previous_size == 257
        assert seen[-557:] == list(range(557))

    def test_fork_is_reported_with_both_checkpoints(self):
        honest, forked = make_log(), make_log()
        honest.append(entries(300))
        forked.append([*entries(299), b"rewritten"])
        forked.append(entries(5, 300))
        old = honest.checkpoint()
        for full in (True, False):
            with pytest.raises(ForkDetected) as info:
                verify_log(forked.read_path, honest.signer.verifier.vkey, old, full=full)
            assert info.value.evidence.kind == "fork"
            assert info.value.evidence.earlier == old
            assert info.value.evidence.later == forked.checkpoint()
        same_size = make_log()
        same_size.append([*entries(299), b"other"])
        with pytest.raises(ForkDetected, match="different root"):
            verify_log(same_size.read_path, honest.signer.verifier.vkey, old, full=False)

    def test_rollback_is_reported(self):
        log, older = make_log(), make_log()
        log.append(entries(20))
        older.append(entries(10))
        with pytest.raises(ForkDetected, match="rollback"):
            verify_log(older.read_path, log.signer.verifier.vkey, log.checkpoint())

    def test_tampered_entry_tile_and_signature(self):
        log = make_log()
        log.append(entries(300))
        vkey = log.signer.verifier.vkey

        def tampered(path: str, offset: int = 5):
            def fetch(p: str) -> bytes:
                data = log.read_path(p)
                if p == path:
                    data = data[:offset] + bytes([data[offset] ^ 1]) + data[offset + 1 :]
                return data

            return fetch

        with pytest.raises(LogConsistencyError, match="does not hash to its leaf"):
            verify_log(tampered("tile/entries/001.p/44"), vkey)
        with pytest.raises(LogConsistencyError):
            verify_log(tampered("tile/0/000"), vkey)
        with pytest.raises(LogConsistencyError, match="does not match"):
            verify_log(tampered("tile/1/000.p/1"), vkey)
        with pytest.raises(LogConsistencyError, match="do not hash to its root"):
            verify_log(tampered("tile/1/000.p/1"), vkey, full=False)
        with pytest.raises(SignatureInvalid):
            verify_log(tampered("checkpoint", 20), vkey)
        stranger = Ed25519Signer("comity.example/log", b"\x01" * 32).verifier.vkey
        with pytest.raises(SignatureInvalid):
            verify_log(log.read_path, stranger)


class TestEventsAndProofs:
    def test_prove_an_event(self):
        log = make_log()
        policy = HeaderPolicy()
        event = {"case": "FRA-2026-1", "event": "request.sent", "subject": "secret"}
        salt = new_salt()
        header = policy.header(
            at=AT,
            event="request.sent",
            requesting_state="FRA",
            requested_state="BRA",
            kind="stored_data",
            outcome=None,
            case="never published",
        )
        assert "case" not in header
        assert "outcome" not in header
        log.append(entries(7))
        log.append_events([(event, salt, header)])
        log.append(entries(9, 100))
        proof = log.prove(event, salt)
        assert proof.index == 7
        entry = verify_event_proof(event, salt, proof)
        assert entry.header["week"] == "2026-W48"
        assert b"secret" not in proof.entry
        assert b"FRA-2026-1" not in proof.entry
        with pytest.raises(LogConsistencyError, match="commitment"):
            verify_event_proof({**event, "subject": "other"}, salt, proof)
        with pytest.raises(NotFound):
            log.prove(event, new_salt())
        assert log.prove(event, salt, index=7) == proof

    def test_headers_and_entries_are_strict(self):
        with pytest.raises(ValidationFailed, match="unknown ledger header"):
            HeaderPolicy(("event", "name"))
        with pytest.raises(ValidationFailed, match="at most one time field"):
            HeaderPolicy(("week", "day"))
        with pytest.raises(ValidationFailed, match="timezone"):
            HeaderPolicy().header(at=dt.datetime(2026, 1, 1))  # noqa: DTZ001
        with pytest.raises(ValidationFailed) as info:
            HeaderPolicy().header(at=AT, requesting_state="fr", kind="espionage")
        assert len(info.value.problems) == 2
        with pytest.raises(ValidationFailed, match="not 32"):
            commitment({}, b"short")
        with pytest.raises(ValidationFailed, match="RFC 8785"):
            commitment({"x": float("nan")}, bytes(32))
        good = LedgerEntry({"event": "e"}, bytes(32)).encode()
        for bad in [
            b"{",
            b"[]",
            good.replace(b'"v":1', b'"v":2'),
            good.replace(b'"v":1', b'"v":true'),
            b" " + good,
            good.replace(b'"0000', b'"ZZZZ'),
            b'{"commitment":"' + b"0" * 64 + b'","header":[],"v":1}',
        ]:
            with pytest.raises(ValidationFailed):
                LedgerEntry.decode(bad)

    def test_quarters(self):
        assert period_quarter({"week": "2026-W53"}) == "2026-Q4"
        assert period_quarter({"week": "2027-W01"}) == "2027-Q1"
        assert period_quarter({"day": "2026-04-01"}) == "2026-Q2"
        assert period_quarter({"month": "2026-09"}) == "2026-Q3"
        assert period_quarter({"quarter": "2026-Q1"}) == "2026-Q1"
        assert period_quarter({}) is None
        for field, value in [("day", "2026-11-26"), ("month", "2026-11"), ("quarter", "2026-Q4")]:
            assert HeaderPolicy(("event", field)).header(at=AT, event="x") == {
                "event": "x",
                field: value,
            }


class TestCosignaturesOnTheLog:
    def test_witness_cosignatures_are_merged_and_shown(self):
        witness = CosignatureSigner("witness.example/w1", b"\x02" * 32, clock=lambda: 1_800_000_000)
        stranger = CosignatureSigner("witness.example/w2", b"\x03" * 32)
        log = make_log(witnesses=[witness.verifier])
        log.append(entries(3))
        from comity.ledger.checkpoint import checkpoint_of
        from comity.ledger.note import parse_note, sign_note

        text, sigs = parse_note(log.checkpoint())
        cosigned = sign_note(text, [witness, stranger], sigs)
        shown = log.add_cosignatures(cosigned)
        assert [(c.witness, c.timestamp) for c in shown] == [("witness.example/w1", 1_800_000_000)]
        published = log.checkpoint().decode()
        assert "witness.example/w1" in published
        assert "witness.example/w2" not in published
        assert checkpoint_of(log.checkpoint()).size == 3
        result = verify_log(log.read_path, log.signer.verifier.vkey, witnesses=[witness.verifier])
        assert len(result.cosignatures) == 1
        assert log.add_cosignatures(cosigned) == shown  # idempotent
        log.append(entries(1, 3))
        with pytest.raises(Conflict):
            log.add_cosignatures(cosigned)


class TestStatistics:
    def test_counts_recomputed_from_public_headers(self):
        policy = HeaderPolicy()
        rows = [("request.sent", "FRA", "BRA", "stored_data", None, AT)] * 3 + [
            ("request.sent", "BRA", "FRA", "preservation", None, AT),
            (
                "request.closed",
                "FRA",
                "BRA",
                "stored_data",
                "executed",
                dt.datetime(2027, 1, 7, tzinfo=dt.UTC),
            ),
        ]
        log = make_log()
        log.append_events(
            (
                {"n": i},
                new_salt(),
                policy.header(
                    at=at, event=ev, requesting_state=a, requested_state=b, kind=k, outcome=o
                ),
            )
            for i, (ev, a, b, k, o, at) in enumerate(rows)
        )
        collected: list[bytes] = []
        verify_log(
            log.read_path, log.signer.verifier.vkey, on_entry=lambda _i, e: collected.append(e)
        )
        counts = compute_statistics(collected)
        assert sent_and_received(counts, "FRA") == {"sent": 4, "received": 1}
        sent = compute_statistics(collected, events={"request.sent"})
        assert sum(sent.values()) == 4
        published = json.loads(statistics_json(counts))
        assert published["rows"][0] == {
            "quarter": "2026-Q4",
            "event": "request.sent",
            "requesting_state": "BRA",
            "requested_state": "FRA",
            "kind": "preservation",
            "outcome": None,
            "count": 1,
        }
        assert [r["count"] for r in published["rows"]] == [1, 3, 1]
        decoded = [LedgerEntry.decode(e) for e in collected]
        assert statistics_json(compute_statistics(decoded)) == statistics_json(counts)


FORBIDDEN = {
    "sqlalchemy",
    "fastapi",
    "starlette",
    "httpx",
    "uvicorn",
    "alembic",
    "psycopg",
    "comity.storage",
    "comity.api",
    "comity.web",
    "comity.services",
}


def test_ledger_core_imports_no_framework():
    package = Path(__file__).parents[2] / "src" / "comity" / "ledger"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), (
                    f"{path.name} imports {name}"
                )
