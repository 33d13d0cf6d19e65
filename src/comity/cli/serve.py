"""``comity serve`` and ``comity demo``: run the node's web server."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import typer
import uvicorn

from comity.api.app import create_app
from comity.config import Settings, load_settings
from comity.logs import configure_logging
from comity.services.demo import seed_demo
from comity.storage import migrate
from comity.storage.engine import connect, ping


def serve(
    host: str | None = typer.Option(None, help="Listen address (default: COMITY_HOST)."),
    port: int | None = typer.Option(
        None, min=1, max=65535, help="Listen port (default: COMITY_PORT)."
    ),
) -> None:
    """Serve the API, the log and the pages on COMITY_HOST:COMITY_PORT."""
    settings = _with_address(load_settings(), host, port)
    engine = connect(settings.database_url)
    ping(engine)
    migrate.check_at_head(engine)
    engine.dispose()
    _run(settings, banner=None)


def demo(
    host: str | None = typer.Option(None, help="Listen address (default: COMITY_HOST)."),
    port: int | None = typer.Option(
        None, min=1, max=65535, help="Listen port (default: COMITY_PORT)."
    ),
) -> None:
    """Serve a demonstration network on a fresh SQLite database (recreated at every start)."""
    path = Path(platformdirs.user_data_dir("comity", appauthor=False)) / "demo.db"
    for leftover in (path, path.with_name("demo.db-wal"), path.with_name("demo.db-shm")):
        leftover.unlink(missing_ok=True)
    settings = _with_address(load_settings(database_url=f"sqlite:///{path}"), host, port)
    engine = connect(settings.database_url)
    migrate.upgrade(engine)
    lines = seed_demo(engine, settings)
    engine.dispose()
    base = f"http://{settings.host}:{settings.port}"
    banner = "\n".join(
        [
            "",
            f"Comity demo node '{settings.node_name}' (database: {path})",
            f"  Open the API and its documentation:  {base}/docs",
            f"  Health and readiness:                {base}/healthz  {base}/readyz",
            *lines,
            "  Stop with Ctrl+C. The demo database is recreated at every start.",
            "",
        ]
    )
    _run(settings, banner=banner)


def _with_address(settings: Settings, host: str | None, port: int | None) -> Settings:
    changes = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    return settings.model_copy(update=changes)


def _run(settings: Settings, banner: str | None) -> None:
    configure_logging(settings)
    if banner:
        typer.echo(banner)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )
