"""The node secret for keyed hashes, and the append-only screening tables."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from screening_helpers import DAY, store, unknown_offence
from sqlalchemy.engine import Engine

from comity.config import load_settings
from comity.errors import ConfigurationError
from comity.services.node_secret import default_secret_path, load_node_secret
from comity.services.screening import record_decision
from comity.storage.engine import write_transaction
from comity.storage.models import finding_decisions, screening_reports


def test_the_secret_is_created_once_private_and_then_reused() -> None:
    first = load_node_secret(load_settings())
    path = default_secret_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 32
    assert load_node_secret(load_settings()) == first


def test_a_configured_secret_file_is_read_as_hex(tmp_path: Path) -> None:
    path = tmp_path / "node.secret"
    path.write_text("ab" * 40 + "\n")
    assert load_node_secret(load_settings(secret_key_file=path)) == bytes([0xAB]) * 40
    assert not default_secret_path().exists()


@pytest.mark.parametrize(
    ("text", "message"), [("ab" * 16, "at least 32 bytes"), ("zz" * 32, "hexadecimal")]
)
def test_a_bad_secret_file_is_a_configuration_error(tmp_path: Path, text: str, message: str):
    path = tmp_path / "node.secret"
    path.write_text(text)
    with pytest.raises(ConfigurationError, match=message):
        load_node_secret(load_settings(secret_key_file=path))


@pytest.mark.parametrize("table", [screening_reports, finding_decisions])
def test_reports_and_decisions_are_append_only(engine: Engine, table: sa.Table) -> None:
    store(engine, "REQ-1", unknown_offence())
    with write_transaction(engine) as connection:
        record_decision(
            connection,
            "REQ-1",
            "dual_criminality.cannot_assess",
            "accepted",
            reviewer="R",
            reasons="",
            at=DAY,
        )
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), write_transaction(engine) as c:
        c.execute(table.delete())
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), write_transaction(engine) as c:
        c.execute(table.update().values(request_id="REQ-2"))
