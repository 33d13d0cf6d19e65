"""Fixtures of the ledger-on-the-node tests (helpers live in ledger_node_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_node_helpers import Node, close_node, make_node, tamper
from sqlalchemy.engine import Engine


@pytest.fixture
def node(engine: Engine, tmp_path: Path) -> Iterator[Node]:
    """A node on the ``engine`` database (SQLite, then PostgreSQL), its sequencer stopped."""
    made = make_node(engine, tmp_path)
    yield made
    close_node(made)


@pytest.fixture(name="tamper")
def tamper_fixture():
    return tamper
