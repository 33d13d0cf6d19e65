"""``comity db``: create and migrate the node's database."""

from __future__ import annotations

import typer

from comity.config import load_settings
from comity.storage import migrate
from comity.storage.engine import connect, ping

app = typer.Typer(help="Create and migrate the node's database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    revision: str = typer.Argument("head", help="Revision to migrate to (default: the newest)."),
) -> None:
    """Migrate the database (COMITY_DATABASE_URL) up to REVISION."""
    engine = connect(load_settings().database_url)
    ping(engine)
    migrate.upgrade(engine, revision)
    typer.echo(f"database at revision {migrate.current_revision(engine)}")


@app.command("downgrade")
def downgrade(
    revision: str = typer.Argument(..., help="Revision to migrate down to; 'base' empties it."),
) -> None:
    """Migrate the database down to REVISION (this loses the data of the dropped tables)."""
    engine = connect(load_settings().database_url)
    ping(engine)
    migrate.downgrade(engine, revision)
    typer.echo(f"database at revision {migrate.current_revision(engine) or 'base (empty)'}")


@app.command("current")
def current() -> None:
    """Print the database's revision and the revision this Comity needs."""
    engine = connect(load_settings().database_url)
    ping(engine)
    typer.echo(
        f"database: {migrate.current_revision(engine) or 'empty'}; "
        f"this Comity: {migrate.head_revision()}"
    )
