"""Ledger on the node: durable appends per second on SQLite and PostgreSQL.

Two phases, on each database, with the node's own code (``record_event``,
``sequence_pending``) and its engine settings:

1. *record*: events recorded with their ledger entry, one event per write transaction (one
   commit each, which is what a use case pays);
2. *sequence*: pending events integrated into the Merkle log in batches of 1, 16, 256 and
   4,096 events per transaction (leaf rows, stored hashes, a signed checkpoint, one commit).

Beside them, in the same run, raw hashlib SHA-256 over the same leaves (``0x00 || entry``),
the anchor the sequencer is judged against. Run from the repository root:

    .venv/bin/python bench/ledger_node_bench.py [--record 2000] [--scale 1.0]

PostgreSQL is the server at ``COMITY_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); a scratch database is created and
dropped. SQLite runs twice: as the node configures it (WAL, ``synchronous=NORMAL``: a commit
survives a crash of the process but not necessarily of the machine) and with
``synchronous=FULL`` (every commit fsynced).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from _databases import migrated_engine
from sqlalchemy.engine import Engine

from comity.ledger.note import Ed25519Signer
from comity.services.journal import record_event
from comity.services.sequencer import sequence_pending
from comity.storage.engine import write_transaction
from comity.storage.ledger_store import SqlLogStore

#: Batch size -> events sequenced at that size (times --scale).
BATCHES = {1: 200, 16: 1024, 256: 4096, 4096: 16384}
SIGNER = Ed25519Signer("bench.example/log", bytes(32))


def record(engine: Engine, count: int, per_transaction: int) -> float:
    """Seconds to record ``count`` events, ``per_transaction`` per write transaction."""
    at = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    t0 = time.perf_counter()
    done = 0
    while done < count:
        with write_transaction(engine) as connection:
            for i in range(done, min(count, done + per_transaction)):
                record_event(
                    connection,
                    tag="request.sent",
                    authority="FRA-CA",
                    subject=f"request-{i}",
                    payload={"n": i, "note": "a request for stored data"},
                    header_values={
                        "requesting_state": "FRA",
                        "requested_state": "DEU",
                        "kind": "stored_data",
                    },
                    at=at,
                )
        done = min(count, done + per_transaction)
    return time.perf_counter() - t0


def sequence(engine: Engine, batch: int) -> tuple[int, float]:
    """Sequence every pending event in batches; returns (events, seconds)."""
    total = 0
    t0 = time.perf_counter()
    while True:
        done = sequence_pending(engine, SIGNER, max_batch=batch)
        total += done.appended
        if done.appended < batch:
            break
    return total, time.perf_counter() - t0


def all_entries(engine: Engine) -> list[bytes]:
    with write_transaction(engine) as connection:
        store = SqlLogStore(connection)
        return store.read_entries(0, store.tree_size())


def raw_sha256(entries: list[bytes]) -> float:
    """Seconds for hashlib SHA-256 over the leaf inputs ``0x00 || entry``."""
    sha = hashlib.sha256
    t0 = time.perf_counter()
    for entry in entries:
        sha(b"\x00" + entry).digest()
    return time.perf_counter() - t0


def bench(
    name: str, make: Callable[[], AbstractContextManager[Engine]], n_record: int, scale: float
) -> None:
    with make() as engine:
        seconds = record(engine, n_record, 1)
        print(f"{name}: record, 1 event per transaction: {n_record / seconds:,.0f} events/s")
        sequence(engine, 4096)  # integrate the recorded events (not timed below)
        for batch, count in BATCHES.items():
            record(engine, max(1, int(count * scale)), 500)
            n, s = sequence(engine, batch)
            print(f"{name}: sequence, batches of {batch}: {n / s:,.0f} events/s ({n} events)")
        entries = all_entries(engine)
        raw = raw_sha256(entries)
        print(
            f"{name}: raw hashlib SHA-256 over the same {len(entries)} leaves: "
            f"{len(entries) / raw:,.0f} leaves/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=int, default=2000, help="events recorded one by one")
    parser.add_argument("--scale", type=float, default=1.0, help="scale the sequencing runs")
    args = parser.parse_args()
    bench("sqlite (WAL, synchronous=NORMAL)", lambda: migrated_engine("sqlite"), args.record,
          args.scale)  # fmt: skip
    bench("sqlite (WAL, synchronous=FULL)", lambda: migrated_engine("sqlite", full_sync=True),
          args.record, args.scale)  # fmt: skip
    bench("postgresql", lambda: migrated_engine("postgresql"), args.record, args.scale)


if __name__ == "__main__":
    main()
