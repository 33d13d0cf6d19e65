"""Throwaway databases for the benches: a SQLite file in a temporary directory, or a PostgreSQL
database created for the run on the server at ``COMITY_BENCH_POSTGRES_URL`` and dropped after.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from comity.storage import migrate
from comity.storage.engine import connect

POSTGRES_URL = os.environ.get(
    "COMITY_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def database_url(kind: str) -> Iterator[str]:
    """The URL of an empty database of ``kind`` ("sqlite" or "postgresql"), gone afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{directory}/bench.db"
        return
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"comity_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_engine(kind: str, *, full_sync: bool = False) -> Iterator[Engine]:
    """An engine on a fresh, migrated database of ``kind``; ``full_sync`` makes SQLite run
    with ``synchronous=FULL`` (every commit on disk) instead of the node's NORMAL."""
    with database_url(kind) as url:
        engine = connect(url)
        if full_sync and kind == "sqlite":

            @event.listens_for(engine, "connect")
            def _full(dbapi_connection: object, _record: object) -> None:
                cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
                cursor.execute("PRAGMA synchronous=FULL")
                cursor.close()

        try:
            migrate.upgrade(engine)
            yield engine
        finally:
            engine.dispose()
