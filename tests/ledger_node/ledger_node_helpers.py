"""Helpers for the ledger-on-the-node tests: a node with its log on a database, reachable
through a test client or a live server, events to record, and an attacker's database access."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection, Engine

from comity.api.app import create_app
from comity.cli._remote import RemoteNode
from comity.config import Settings, load_settings
from comity.ledger.note import Ed25519Signer
from comity.services.journal import RecordedEvent, record_event
from comity.services.log_key import write_new_key
from comity.storage.append_only import drop_append_only
from comity.storage.engine import write_transaction

AT = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
NODE_NAME = "comity.test/log"


@dataclass
class Node:
    engine: Engine
    settings: Settings
    signer: Ed25519Signer
    app: FastAPI
    client: TestClient
    tmp_path: Path

    def state_file(self, name: str = "state") -> Path:
        return self.tmp_path / f"{name}.checkpoint"

    @property
    def vkey(self) -> str:
        return self.signer.verifier.vkey

    def remote(self) -> RemoteNode:
        """The node's public interface read by the auditor's HTTP code, over the test client."""
        return RemoteNode("http://testserver", client=self.client)

    def record(
        self, count: int, *, start: int = 0, per_transaction: int = 50
    ) -> list[RecordedEvent]:
        return record_events(self.engine, count, start=start, per_transaction=per_transaction)


def record_events(
    engine: Engine, count: int, *, start: int = 0, per_transaction: int = 50
) -> list[RecordedEvent]:
    recorded: list[RecordedEvent] = []
    done = 0
    while done < count:
        with write_transaction(engine) as connection:
            for i in range(start + done, start + min(count, done + per_transaction)):
                recorded.append(record_one(connection, i))
        done = min(count, done + per_transaction)
    return recorded


STATES = [("FRA", "DEU"), ("DEU", "FRA"), ("BRA", "ZAF")]
KINDS = ["stored_data", "preservation", "traffic_data_disclosure"]


def record_one(connection, i: int) -> RecordedEvent:
    requesting, requested = STATES[i % 3]
    return record_event(
        connection,
        tag="request.sent" if i % 2 == 0 else "request.decided",
        authority=f"{requesting}-CA",
        subject=f"request-{i}",
        payload={"n": i, "text": "évidence"},
        header_values={
            "requesting_state": requesting,
            "requested_state": requested,
            "kind": KINDS[i % 3],
            "outcome": None if i % 2 == 0 else "granted",
        },
        at=AT + dt.timedelta(days=40 * (i % 4), microseconds=i),
    )


def make_node(engine: Engine, tmp_path: Path, **overrides: object) -> Node:
    key_file = tmp_path / "log.key"
    signer = write_new_key(key_file, NODE_NAME) if not key_file.exists() else None
    options: dict[str, object] = {
        "database_url": engine.url.render_as_string(hide_password=False),
        "node_name": NODE_NAME,
        "log_key_file": key_file,
    }
    settings = load_settings(**{**options, **overrides})
    app = create_app(settings, sequencer=False)
    return Node(engine, settings, signer or app.state.log_signer, app, TestClient(app), tmp_path)


def close_node(node: Node) -> None:
    node.client.close()
    node.app.state.engine.dispose()


LEDGER_TABLES = ("events", "event_entries", "log_leaves", "log_hashes", "log_checkpoints")


@contextmanager
def tamper(engine: Engine) -> Iterator[Connection]:
    """An attacker with write access to the database: the append-only triggers are dropped
    and the block's changes are committed."""
    with write_transaction(engine) as connection:
        for table in LEDGER_TABLES:
            drop_append_only(connection, table)
        yield connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port in a thread; yield its URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
