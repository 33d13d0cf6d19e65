"""An attacker with write access to the database (append-only triggers dropped) deletes,
alters or reorders events, entries, leaves, stored hashes or checkpoints; the auditor's
verifier, reading only the public /log/ API, detects every change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from ledger_node_helpers import close_node, make_node, record_events

from comity.errors import LogConsistencyError, NotFound
from comity.ledger.fork import ForkDetected
from comity.services.audit import audit_log
from comity.services.sequencer import sequence_pending
from comity.storage import migrate
from comity.storage.engine import connect
from comity.storage.models import event_entries, events, log_checkpoints, log_hashes, log_leaves

SIZE = 300  # one full level-0 tile, a partial one, and a level-1 tile


def flip(data: bytes) -> bytes:
    return bytes([data[0] ^ 1]) + bytes(data[1:])


def seq_at(connection, leaf: int) -> int:
    query = sa.select(log_leaves.c.event_seq).where(log_leaves.c.leaf_index == leaf)
    return int(connection.execute(query).scalar_one())


def delete_event(c) -> None:
    seq = seq_at(c, 7)
    c.execute(log_leaves.delete().where(log_leaves.c.leaf_index == 7))
    c.execute(event_entries.delete().where(event_entries.c.event_seq == seq))
    c.execute(events.delete().where(events.c.seq == seq))


def alter_payload(c) -> None:
    c.execute(events.update().where(events.c.seq == seq_at(c, 5)).values(payload={"n": 999}))


def alter_time(c) -> None:
    row = c.execute(sa.select(events.c.occurred_at).where(events.c.seq == seq_at(c, 5))).one()
    later = row.occurred_at + dt.timedelta(seconds=1)
    c.execute(events.update().where(events.c.seq == seq_at(c, 5)).values(occurred_at=later))


def swap_events(c) -> None:
    a, b = seq_at(c, 3), seq_at(c, 4)
    pa = c.execute(sa.select(events.c.payload).where(events.c.seq == a)).scalar_one()
    pb = c.execute(sa.select(events.c.payload).where(events.c.seq == b)).scalar_one()
    c.execute(events.update().where(events.c.seq == a).values(payload=pb))
    c.execute(events.update().where(events.c.seq == b).values(payload=pa))


def alter_salt(c) -> None:
    seq = seq_at(c, 260)
    salt = c.execute(sa.select(event_entries.c.salt).where(event_entries.c.event_seq == seq))
    new = flip(bytes(salt.scalar_one()))
    c.execute(event_entries.update().where(event_entries.c.event_seq == seq).values(salt=new))


def alter_entry_header(c) -> None:
    seq = seq_at(c, 9)
    query = sa.select(event_entries.c.entry).where(event_entries.c.event_seq == seq)
    entry = bytes(c.execute(query).scalar_one()).replace(b'"FRA"', b'"ITA"')
    c.execute(event_entries.update().where(event_entries.c.event_seq == seq).values(entry=entry))


def delete_entry_and_leaf(c) -> None:
    seq = seq_at(c, 299)
    c.execute(log_leaves.delete().where(log_leaves.c.leaf_index == 299))
    c.execute(event_entries.delete().where(event_entries.c.event_seq == seq))


def reorder_leaves(c) -> None:
    c.execute(log_leaves.update().where(log_leaves.c.leaf_index == 3).values(leaf_index=-1))
    c.execute(log_leaves.update().where(log_leaves.c.leaf_index == 4).values(leaf_index=3))
    c.execute(log_leaves.update().where(log_leaves.c.leaf_index == -1).values(leaf_index=4))


def point_leaf_elsewhere(c) -> None:
    seq_a, seq_b = seq_at(c, 10), seq_at(c, 11)
    c.execute(log_leaves.delete().where(log_leaves.c.leaf_index.in_([10, 11])))
    c.execute(log_leaves.insert(), [{"leaf_index": 10, "event_seq": seq_b}])
    c.execute(log_leaves.insert(), [{"leaf_index": 11, "event_seq": seq_a}])


def stored_hash(level: int, idx: int) -> Callable[[object], None]:
    def alter(c) -> None:
        where = (log_hashes.c.level == level) & (log_hashes.c.idx == idx)
        old = bytes(c.execute(sa.select(log_hashes.c.hash).where(where)).scalar_one())
        c.execute(log_hashes.update().where(where).values(hash=flip(old)))

    alter.__name__ = f"alter_stored_hash_{level}_{idx}"
    return alter


def delete_stored_hash(c) -> None:
    c.execute(log_hashes.delete().where((log_hashes.c.level == 0) & (log_hashes.c.idx == 42)))


def swap_stored_hashes(c) -> None:
    rows = c.execute(
        sa.select(log_hashes.c.idx, log_hashes.c.hash).where(
            (log_hashes.c.level == 0) & log_hashes.c.idx.in_([1, 2])
        )
    ).all()
    for idx, h in rows:
        where = (log_hashes.c.level == 0) & (log_hashes.c.idx == 3 - idx)
        c.execute(log_hashes.update().where(where).values(hash=h))


TAMPERING = [
    delete_event,
    alter_payload,
    alter_time,
    swap_events,
    alter_salt,
    alter_entry_header,
    delete_entry_and_leaf,
    reorder_leaves,
    point_leaf_elsewhere,
    stored_hash(0, 17),
    stored_hash(0, 280),
    stored_hash(8, 0),
    delete_stored_hash,
    swap_stored_hashes,
]


@pytest.fixture
def logged(node):
    record_events(node.engine, SIZE, per_transaction=100)
    sequence_pending(node.engine, node.signer)
    return node


@pytest.mark.parametrize("change", TAMPERING, ids=lambda f: f.__name__)
def test_verify_detects_tampering_from_the_public_api(logged, tamper, change):
    fetch = logged.remote().fetch_log()
    state = logged.state_file()
    assert audit_log(fetch, logged.vkey, state_file=state).entries_checked == SIZE
    with tamper(logged.engine) as connection:
        change(connection)
    with pytest.raises((LogConsistencyError, NotFound)):
        audit_log(logged.remote().fetch_log(), logged.vkey, state_file=state)


def test_light_verification_detects_an_altered_upper_hash(logged, tamper):
    state = logged.state_file()
    audit_log(logged.remote().fetch_log(), logged.vkey, state_file=state, full=False)
    with tamper(logged.engine) as connection:
        stored_hash(8, 0)(connection)
    with pytest.raises(LogConsistencyError):
        audit_log(logged.remote().fetch_log(), logged.vkey, state_file=state, full=False)


def test_deleting_the_latest_checkpoint_is_a_rollback(logged, tamper):
    state = logged.state_file()
    record_events(logged.engine, 1, start=SIZE)
    sequence_pending(logged.engine, logged.signer)
    audit_log(logged.remote().fetch_log(), logged.vkey, state_file=state)
    with tamper(logged.engine) as connection:
        connection.execute(log_checkpoints.delete().where(log_checkpoints.c.tree_size == SIZE + 1))
    with pytest.raises(ForkDetected) as caught:
        audit_log(logged.remote().fetch_log(), logged.vkey, state_file=state)
    assert caught.value.evidence.kind == "rollback"
    assert state.read_bytes() == caught.value.evidence.earlier  # the state keeps the proof


def test_a_fork_and_a_rollback_are_reported_with_both_checkpoints(engine, tmp_path):
    """Two databases behind one log key: the second shows a different history."""
    honest = make_node(engine, tmp_path)
    other_engine_url = f"sqlite:///{tmp_path / 'fork.db'}"
    other_engine = connect(other_engine_url)
    migrate.upgrade(other_engine)
    forked = make_node(other_engine, tmp_path)  # same key file: same log key
    try:
        assert forked.vkey == honest.vkey
        record_events(honest.engine, 10)
        sequence_pending(honest.engine, honest.signer)
        record_events(forked.engine, 10, start=1000)
        sequence_pending(forked.engine, forked.signer)
        state = tmp_path / "auditor.checkpoint"
        audit_log(honest.remote().fetch_log(), honest.vkey, state_file=state)
        with pytest.raises(ForkDetected) as caught:
            audit_log(forked.remote().fetch_log(), honest.vkey, state_file=state)
        evidence = caught.value.evidence
        assert evidence.kind == "fork"
        assert evidence.earlier == honest.client.get("/log/checkpoint").content
        assert evidence.later == forked.client.get("/log/checkpoint").content
        assert "checkpoint seen first" in caught.value.diagnostics()

        record_events(honest.engine, 5, start=10)
        sequence_pending(honest.engine, honest.signer)
        other_state = tmp_path / "other.checkpoint"
        audit_log(honest.remote().fetch_log(), honest.vkey, state_file=other_state)
        with pytest.raises(ForkDetected) as caught:
            audit_log(forked.remote().fetch_log(), honest.vkey, state_file=other_state)
        assert caught.value.evidence.kind == "rollback"
    finally:
        close_node(honest)
        close_node(forked)
        other_engine.dispose()
