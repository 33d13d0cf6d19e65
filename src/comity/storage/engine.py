"""Opening the database, and the two kinds of transaction Comity uses.

SQLite needs care that PostgreSQL does not (see docs/decisions/0003-storage.md):

* ``PRAGMA foreign_keys=ON``, WAL and a busy timeout are set on every connection, because
  SQLite applies them per connection.
* A transaction that reads and then writes must take the write lock when it begins
  (``BEGIN IMMEDIATE``): a deferred transaction cannot upgrade its read snapshot and dies with
  "database is locked" under concurrent writers. Read transactions stay deferred, so readers
  never hold the write lock. PostgreSQL serialises the writers that need it with row locks.

One unit of work may span several service calls (:func:`unit_of_work`): inside it, every
:func:`write_transaction` and :func:`read_transaction` of the same engine in the same thread
joins the unit's one transaction (a write joins as a SAVEPOINT, so a failure the caller
catches undoes only its own part), and the unit commits once at its end. The API uses it to
make an ``Idempotency-Key`` and the action it guards one transaction
(:mod:`comity.services.idempotency`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from comity.errors import DatabaseUnavailable

__all__ = [
    "BUSY_TIMEOUT_MS",
    "connect",
    "is_sqlite",
    "ping",
    "read_transaction",
    "unit_of_work",
    "write_transaction",
]

#: How long a SQLite writer waits for the lock before giving up.
BUSY_TIMEOUT_MS = 10_000


def is_sqlite(engine: Engine | Connection) -> bool:
    """True when the engine (or connection) talks to SQLite."""
    return engine.dialect.name == "sqlite"


def connect(url: str, **engine_options: Any) -> Engine:
    """Create an engine for ``url`` with Comity's connection settings applied.

    A SQLite file's directory is created if it does not exist. Nothing is connected yet: the
    first connection happens on first use, and :func:`ping` checks reachability.
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            directory = Path(database).expanduser().parent
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot create the directory {directory} for the SQLite database: "
                    f"{exc.strerror or exc}"
                ) from None
        engine = sa.create_engine(parsed, **engine_options)
        _configure_sqlite(engine)
    else:
        engine_options.setdefault("pool_pre_ping", True)
        engine = sa.create_engine(parsed, **engine_options)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("comity_write", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


#: The connection of the unit of work running in this thread (or task), if any.
_UNIT: ContextVar[Connection | None] = ContextVar("comity_unit_of_work", default=None)


def _joined(engine: Engine) -> Connection | None:
    unit = _UNIT.get()
    return unit if unit is not None and unit.engine is engine else None


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Connection]:
    """One write transaction that the transactions opened inside it join (module doc).

    Committed once when the block ends, rolled back entirely on any error. Nesting a unit in a
    unit of the same engine joins the outer one.
    """
    joined = _joined(engine)
    if joined is not None:
        yield joined
        return
    with write_transaction(engine) as connection:
        token = _UNIT.set(connection)
        try:
            yield connection
        finally:
            _UNIT.reset(token)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that may write: committed when the block ends, rolled back on any error.

    On SQLite it holds the write lock from its first statement, so read-then-write sequences
    (the next log index, a state change) cannot interleave with another writer. Inside a
    :func:`unit_of_work` it is a SAVEPOINT of the unit's transaction, committed with it.
    """
    joined = _joined(engine)
    if joined is not None:
        with joined.begin_nested():
            yield joined
        return
    with _unavailable_as_error(engine):
        connection = engine.connect().execution_options(comity_write=True)
    with connection, connection.begin():
        yield connection


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction with a consistent snapshot; never takes the write lock.

    Inside a :func:`unit_of_work` it reads through the unit's transaction, so it sees what
    the unit wrote so far.
    """
    joined = _joined(engine)
    if joined is not None:
        yield joined
        return
    with _unavailable_as_error(engine):
        connection = engine.connect()
    with connection, connection.begin():
        yield connection


def ping(engine: Engine) -> None:
    """Raise :class:`DatabaseUnavailable` unless the database answers a trivial query."""
    with read_transaction(engine) as connection:
        connection.execute(sa.text("SELECT 1"))


@contextmanager
def _unavailable_as_error(engine: Engine) -> Iterator[None]:
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        raise DatabaseUnavailable(
            f"cannot reach the database at {engine.url.render_as_string(hide_password=True)}: "
            f"{_first_line(exc.orig)}"
        ) from None


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip() if error is not None else "unknown error"
    return text.splitlines()[0] if text else type(error).__name__
