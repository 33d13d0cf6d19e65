"""Schema migrations: Alembic, driven from Comity's own settings rather than an alembic.ini.

``comity db upgrade`` and the demo call :func:`upgrade`; ``/readyz`` and the server's start-up
call :func:`check_at_head`, which refuses to serve a database the code does not match.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from comity.errors import SchemaOutOfDate
from comity.storage.engine import write_transaction

__all__ = ["check_at_head", "current_revision", "downgrade", "head_revision", "upgrade"]


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("comity.storage") / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of Comity."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise SchemaOutOfDate("this installation of Comity has no migrations")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``, in one transaction."""
    with write_transaction(engine) as connection:
        command.upgrade(_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` empties it), in one transaction."""
    with write_transaction(engine) as connection:
        command.downgrade(_config(connection), revision)


def check_at_head(engine: Engine) -> None:
    """Raise :class:`SchemaOutOfDate` unless the database is at this code's head revision."""
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        state = "empty" if current is None else f"at revision {current}"
        raise SchemaOutOfDate(
            f"the database is {state}, this Comity needs revision {head}: run 'comity db upgrade'"
        )
