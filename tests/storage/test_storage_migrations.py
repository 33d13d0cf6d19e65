from __future__ import annotations

import pytest
import sqlalchemy as sa

from comity.errors import SchemaOutOfDate
from comity.storage import migrate
from comity.storage.engine import connect
from comity.storage.models import metadata


def _tables(url: str) -> set[str]:
    engine = connect(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


class TestMigrations:
    def test_round_trip_upgrade_downgrade_upgrade(self, database_url: str) -> None:
        engine = connect(database_url)
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _tables(database_url) == set(metadata.tables)
        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        assert _tables(database_url) == set()
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _tables(database_url) == set(metadata.tables)
        engine.dispose()

    def test_migrations_build_the_schema_the_models_describe(self, database_url: str) -> None:
        engine = connect(database_url)
        migrate.upgrade(engine)
        inspector = sa.inspect(engine)
        for table in metadata.sorted_tables:
            migrated = {c["name"] for c in inspector.get_columns(table.name)}
            assert migrated == set(table.columns.keys()), table.name
        engine.dispose()

    def test_an_empty_database_is_refused_until_migrated(self, database_url: str) -> None:
        engine = connect(database_url)
        with pytest.raises(SchemaOutOfDate, match="run 'comity db upgrade'"):
            migrate.check_at_head(engine)
        migrate.upgrade(engine)
        migrate.check_at_head(engine)
        engine.dispose()
