"""The node's own database, for commands that work with or without one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from comity.config import load_settings
from comity.storage import migrate
from comity.storage.engine import connect, ping

__all__ = ["existing_node_engine", "node_engine", "open_node_engine"]


def node_engine() -> Engine:
    """An engine on the node's database (COMITY_DATABASE_URL), reachable and migrated.

    Raises the storage error that says what is wrong otherwise.
    """
    engine = connect(load_settings().database_url)
    ping(engine)
    migrate.check_at_head(engine)
    return engine


def existing_node_engine() -> Engine | None:
    """Like :func:`node_engine`, but ``None`` (and nothing created) for a node whose SQLite
    file does not exist yet."""
    url = sa.make_url(load_settings().database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database
        if not database or database == ":memory:" or not Path(database).expanduser().exists():
            return None
    return node_engine()


@contextmanager
def open_node_engine() -> Iterator[Engine]:
    """:func:`node_engine` for the length of a command; its connections closed afterwards."""
    engine = node_engine()
    try:
        yield engine
    finally:
        engine.dispose()
