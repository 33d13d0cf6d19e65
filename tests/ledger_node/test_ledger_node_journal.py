"""Events and their entries are written together, sequenced in batches, and served."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from ledger_node_helpers import AT, make_node, record_events, record_one

from comity.api.app import create_app
from comity.errors import StorageError, ValidationFailed
from comity.ledger.checkpoint import open_checkpoint
from comity.ledger.entry import LedgerEntry, commitment
from comity.ledger.merkle import leaf_hash, root_of
from comity.services.audit import audit_log
from comity.services.journal import record_event
from comity.services.sequencer import BackgroundSequencer, sequence_pending
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.ledger_store import SqlLogStore
from comity.storage.models import event_entries, events, log_checkpoints, log_leaves


def count(engine, table) -> int:
    with read_transaction(engine) as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


class TestRecording:
    def test_an_event_is_written_with_its_salt_and_entry(self, node):
        (recorded,) = node.record(1)
        with read_transaction(node.engine) as connection:
            record = SqlLogStore(connection).journal_record(recorded.seq)
        assert record.event == recorded.event
        assert record.salt == recorded.salt
        assert record.stored_entry == record.entry == recorded.entry
        entry = LedgerEntry.decode(recorded.entry)
        assert entry.commitment == commitment(recorded.event, recorded.salt)
        assert entry.header == {
            "event": "request.sent",
            "requesting_state": "FRA",
            "requested_state": "DEU",
            "kind": "stored_data",
            "week": "2026-W48",
        }
        assert record.leaf_index is None

    def test_a_rolled_back_transaction_leaves_neither_event_nor_entry(self, engine):
        def use_case_failing_after_recording() -> None:
            with write_transaction(engine) as connection:
                record_one(connection, 0)
                raise RuntimeError("the use case failed after recording")

        with pytest.raises(RuntimeError):
            use_case_failing_after_recording()
        assert count(engine, events) == 0
        assert count(engine, event_entries) == 0

    def test_an_invalid_header_records_nothing(self, engine):
        with pytest.raises(ValidationFailed), write_transaction(engine) as connection:
            record_event(
                connection,
                tag="request.sent",
                authority=None,
                subject=None,
                payload={},
                header_values={"kind": "not_a_kind"},
                at=AT,
            )
        assert count(engine, events) == count(engine, event_entries) == 0

    def test_the_database_refuses_an_entry_without_its_event(self, engine):
        with pytest.raises(sa.exc.IntegrityError), write_transaction(engine) as connection:
            connection.execute(event_entries.insert().values(event_seq=999, salt=b"s", entry=b"e"))


class TestSequencing:
    def test_recorded_events_are_sequenced_and_served(self, node):
        recorded = node.record(300)
        first = sequence_pending(node.engine, node.signer, max_batch=256)
        second = sequence_pending(node.engine, node.signer, max_batch=256)
        assert (first.appended, second.appended) == (256, 44)
        cp = open_checkpoint(second.checkpoint, node.signer.verifier).checkpoint
        assert cp.size == 300
        assert cp.root == root_of([leaf_hash(r.entry) for r in recorded])
        assert node.client.get("/log/checkpoint").content == second.checkpoint
        result = audit_log(node.remote().fetch_log(), node.vkey, state_file=node.state_file())
        assert result.checkpoint.checkpoint.size == 300
        assert result.entries_checked == 300
        assert count(node.engine, log_checkpoints) == 2  # every checkpoint is kept

    def test_an_empty_log_signs_its_first_checkpoint_when_read(self, node):
        note = node.client.get("/log/checkpoint").content
        assert open_checkpoint(note, node.signer.verifier).checkpoint.size == 0
        assert sequence_pending(node.engine, node.signer).appended == 0

    def test_concurrent_recorders_and_a_sequencer_lose_nothing(self, node):
        errors: list[BaseException] = []
        stop = threading.Event()

        def recorder(k: int) -> None:
            try:
                record_events(node.engine, 20, start=100 * k, per_transaction=1)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        def sequencer() -> None:
            try:
                while not stop.is_set():
                    sequence_pending(node.engine, node.signer, max_batch=7)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=recorder, args=(k,)) for k in range(3)]
        seq_thread = threading.Thread(target=sequencer)
        seq_thread.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        seq_thread.join()
        assert errors == []
        while sequence_pending(node.engine, node.signer).appended:
            pass
        assert count(node.engine, log_leaves) == count(node.engine, events) == 60
        with read_transaction(node.engine) as connection:
            indices = connection.execute(sa.select(log_leaves.c.leaf_index)).scalars().all()
        assert sorted(indices) == list(range(60))
        result = audit_log(node.remote().fetch_log(), node.vkey, state_file=node.state_file())
        assert result.entries_checked == 60

    def test_two_sequencers_do_not_interleave(self, node):
        node.record(100)
        results = []
        threads = [
            threading.Thread(
                target=lambda: results.append(
                    sequence_pending(node.engine, node.signer, max_batch=30)
                )
            )
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(r.appended for r in results) == [30, 30, 30]
        assert sorted(r.tree_size for r in results) == [30, 60, 90]

    def test_the_sequencer_refuses_an_event_altered_before_it_was_logged(self, node, tamper):
        (recorded,) = node.record(1)
        with tamper(node.engine) as connection:
            connection.execute(
                events.update().where(events.c.seq == recorded.seq).values(payload={"n": -1})
            )
        with pytest.raises(StorageError, match="does not match its stored ledger entry"):
            sequence_pending(node.engine, node.signer)

    def test_the_background_sequencer_runs_and_stops(self, node):
        node.record(3)
        background = BackgroundSequencer(node.engine, node.signer, interval=0.05, poll=0.01)
        background.start()
        try:
            for _ in range(500):
                if count(node.engine, log_leaves) == 3:
                    break
                threading.Event().wait(0.01)
        finally:
            background.stop()
        assert count(node.engine, log_leaves) == 3
        assert not background._thread.is_alive()


class TestAppendOnly:
    @pytest.mark.parametrize("table", [event_entries, log_leaves])
    def test_ledger_rows_cannot_be_deleted(self, node, table):
        node.record(1)
        sequence_pending(node.engine, node.signer)
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            write_transaction(node.engine) as connection,
        ):
            connection.execute(table.delete())

    def test_checkpoints_may_gain_signatures_but_never_disappear(self, node):
        sequence_pending(node.engine, node.signer)
        with write_transaction(node.engine) as connection:
            connection.execute(log_checkpoints.update().values(note=b"updated"))
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            write_transaction(node.engine) as connection,
        ):
            connection.execute(log_checkpoints.delete())


class TestServerSequencer:
    def test_pending_hint_counts_waiting_events_up_to_its_limit(self, node):
        node.record(5)
        with read_transaction(node.engine) as connection:
            assert SqlLogStore(connection).pending_hint(limit=3) == 3
        sequence_pending(node.engine, node.signer)
        node.record(2, start=5)
        with read_transaction(node.engine) as connection:
            assert SqlLogStore(connection).pending_hint() == 2

    def test_the_server_sequences_in_the_background_while_it_runs(self, engine, tmp_path):
        made = make_node(engine, tmp_path)
        app = create_app(made.settings)  # with its background sequencer
        try:
            with TestClient(app) as client:
                assert app.state.sequencer is not None
                made.record(300)  # above the 256-event trigger
                for _ in range(1000):
                    size = open_checkpoint(
                        client.get("/log/checkpoint").content, made.signer.verifier
                    ).checkpoint.size
                    if size == 300:
                        break
                    threading.Event().wait(0.02)
                assert size == 300
            assert not app.state.sequencer._thread.is_alive()  # stopped at shutdown
        finally:
            made.client.close()
            made.app.state.engine.dispose()
