"""Fixtures shared by the whole suite: databases (SQLite and PostgreSQL) and settings.

Storage tests take the ``engine`` fixture and run once on each database. PostgreSQL is the
server on 127.0.0.1:5432 (``COMITY_TEST_POSTGRES_URL`` to point elsewhere); each test run
creates databases of its own and drops them at the end. When the server cannot be reached the
PostgreSQL tests are skipped with the reason, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from comity.storage import migrate
from comity.storage.engine import connect

POSTGRES_URL = os.environ.get(
    "COMITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _admin_engine() -> Engine:
    return sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An autocommit connection to the PostgreSQL server, or a skip (a failure in CI)."""
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL}: {str(exc.orig).strip()}"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(reason)
    yield admin
    admin.dispose()


class PostgresDatabases:
    """Creates throwaway databases on the server and drops them all at the end."""

    def __init__(self, admin: Engine) -> None:
        self.admin = admin
        self.created: list[str] = []
        self._template: str | None = None

    def url(self, name: str) -> str:
        return sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"comity_test_{uuid.uuid4().hex[:16]}"
        with self.admin.connect() as connection:
            clause = f" TEMPLATE {template}" if template else ""
            connection.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return name

    def migrated(self) -> str:
        """A new database at the head revision (copied from a template migrated once)."""
        if self._template is None:
            self._template = self.create()
            engine = connect(self.url(self._template))
            migrate.upgrade(engine)
            engine.dispose()
        return self.create(template=self._template)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in reversed(self.created):
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_databases(postgres_admin: Engine) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_admin)
    yield databases
    databases.drop_all()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'comity.db'}"
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.url(databases.create())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database migrated to head, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'comity.db'}"
        created = connect(url)
        migrate.upgrade(created)
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        created = connect(databases.url(databases.migrated()))
    yield created
    created.dispose()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's COMITY_ settings or writes to their data directory."""
    for name in list(os.environ):
        if name.startswith("COMITY_") and name != "COMITY_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
