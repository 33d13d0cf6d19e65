"""The Comity node's web application: health checks, the versioned API and its OpenAPI page.

``create_app()`` is the factory that ``comity serve`` hands to uvicorn; a deployer may run it
under any ASGI server (``uvicorn comity.api.app:create_app --factory``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from comity import __version__
from comity.api.problems import install_problem_handlers
from comity.api.routes import health, node, registry, treaty
from comity.config import Settings, load_settings
from comity.storage.engine import connect

__all__ = ["create_app"]

DESCRIPTION = """\
The API of a Comity node. Competent authorities draft, send, screen, execute and track requests
for electronic evidence under the UN Convention against Cybercrime. Errors are RFC 9457
problem details (`application/problem+json`).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (read from the environment when omitted)."""
    settings = settings or load_settings()
    engine = connect(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Comity",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url="/redoc",
    )
    app.state.settings = settings
    app.state.engine = engine
    install_problem_handlers(app)
    app.include_router(health.router)
    for router in (node.router, treaty.router, registry.router):
        app.include_router(router, prefix="/api/v1")
    return app
