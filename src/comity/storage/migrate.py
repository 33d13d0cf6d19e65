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
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection, Engine

from comity.errors import NotFound, SchemaOutOfDate, ValidationFailed
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


def _known(revision: str) -> str:
    """``revision`` if it is ``head``, ``base`` or a shipped migration; :class:`NotFound`
    otherwise (Alembic's relative and range forms are not offered)."""
    shipped = sorted(s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions())
    if revision not in {"head", "base", *shipped}:
        raise NotFound(f"no migration {revision!r}: give head, base or one of {', '.join(shipped)}")
    return revision


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``, in one transaction."""
    with write_transaction(engine) as connection:
        command.upgrade(_config(connection), _known(revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` empties it), in one transaction."""
    with write_transaction(engine) as connection:
        try:
            command.downgrade(_config(connection), _known(revision))
        except CommandError:  # the database is below ``revision``
            current = MigrationContext.configure(connection).get_current_revision()
            raise ValidationFailed(
                f"cannot downgrade to {revision}: the database is at {current or 'base (empty)'}"
            ) from None


def check_at_head(engine: Engine) -> None:
    """Raise :class:`SchemaOutOfDate` unless the database is at this code's head revision."""
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        state = "empty" if current is None else f"at revision {current}"
        raise SchemaOutOfDate(
            f"the database is {state}, this Comity needs revision {head}: run 'comity db upgrade'"
        )
