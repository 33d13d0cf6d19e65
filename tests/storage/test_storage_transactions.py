from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from comity.errors import DatabaseUnavailable
from comity.storage import migrate
from comity.storage.engine import connect, ping, read_transaction, write_transaction
from comity.storage.models import events


def _append(connection: Connection, tag: str = "test:event:appended") -> None:
    connection.execute(
        events.insert().values(
            event_id=str(uuid.uuid4()),
            occurred_at=datetime.now(UTC),
            tag=tag,
            payload={"n": 1},
        )
    )


def _count(engine: Engine) -> int:
    with read_transaction(engine) as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(events)).scalar_one())


class TestWriteTransactions:
    def test_everything_in_a_failed_transaction_is_rolled_back(self, engine: Engine) -> None:
        def half_way() -> None:
            with write_transaction(engine) as connection:
                _append(connection)
                _append(connection)
                raise RuntimeError("the action failed half-way")

        with pytest.raises(RuntimeError):
            half_way()
        assert _count(engine) == 0

    def test_a_committed_transaction_is_visible_to_readers(self, engine: Engine) -> None:
        with write_transaction(engine) as connection:
            _append(connection)
        assert _count(engine) == 1

    def test_concurrent_read_then_write_transactions_all_land(self, engine: Engine) -> None:
        """Each writer reads the highest sequence number, then appends: none may be lost."""
        failures: list[BaseException] = []

        def writer() -> None:
            try:
                for _ in range(25):
                    with write_transaction(engine) as connection:
                        connection.execute(sa.select(sa.func.max(events.c.seq))).scalar()
                        _append(connection)
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=writer) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert _count(engine) == 100


class TestAppendOnly:
    @pytest.mark.parametrize(
        "statement",
        [
            sa.update(events).values(tag="rewritten"),
            sa.delete(events),
        ],
        ids=["update", "delete"],
    )
    def test_events_cannot_be_changed_or_removed(
        self, engine: Engine, statement: sa.Executable
    ) -> None:
        with write_transaction(engine) as connection:
            _append(connection)
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            write_transaction(engine) as connection,
        ):
            connection.execute(statement)
        assert _count(engine) == 1


class TestSqliteConnections:
    def test_every_connection_enforces_foreign_keys_and_uses_wal(self, tmp_path: Path) -> None:
        engine = connect(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'c.db'}")
        with read_transaction(engine) as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        engine.dispose()


class TestUnreachable:
    def test_an_unreachable_database_is_one_clear_error(self) -> None:
        engine = connect("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
        with pytest.raises(DatabaseUnavailable) as raised:
            ping(engine)
        message = str(raised.value)
        assert message.startswith("cannot reach the database at postgresql+psycopg://nobody@")
        assert "\n" not in message

    def test_a_sqlite_file_that_cannot_be_created_is_the_same_error(self, tmp_path: Path) -> None:
        blocker = tmp_path / "not-a-dir"
        blocker.write_text("a file where a directory should be")
        with pytest.raises(DatabaseUnavailable, match="cannot create the directory"):
            connect(f"sqlite:///{blocker / 'sub' / 'x.db'}")
        with pytest.raises(DatabaseUnavailable, match="cannot create the directory"):
            migrate.upgrade(connect(f"sqlite:///{blocker / 'x.db'}"))
