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
from comity.api.routes import (
    cases,
    evidence,
    health,
    log,
    node,
    registry,
    requests,
    screening,
    transparency,
    treaty,
    use,
)
from comity.config import Settings, load_settings
from comity.services.expiry import DEFAULT_EXPIRY_INTERVAL, BackgroundExpiry
from comity.services.log_key import load_log_signer
from comity.services.sequencer import BackgroundSequencer
from comity.storage.engine import connect

__all__ = ["create_app"]

DESCRIPTION = """\
The API of a Comity node. Competent authorities draft, send, screen, execute and track requests
for electronic evidence under the UN Convention against Cybercrime. Errors are RFC 9457
problem details (`application/problem+json`).
"""


def create_app(
    settings: Settings | None = None,
    *,
    sequencer: bool = True,
    expiry: bool | None = None,
    expiry_interval: float = DEFAULT_EXPIRY_INTERVAL,
) -> FastAPI:
    """Build the application for ``settings`` (read from the environment when omitted).

    While the application runs (its lifespan), a background thread sequences recorded events
    into the log (:class:`~comity.services.sequencer.BackgroundSequencer`) unless
    ``sequencer`` is false, and another expires preservations past their last day every
    ``expiry_interval`` seconds (:class:`~comity.services.expiry.BackgroundExpiry`) unless
    ``expiry`` is false (by default it runs when the sequencer does); both stop cleanly at
    shutdown.
    """
    settings = settings or load_settings()
    engine = connect(settings.database_url)
    signer = load_log_signer(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        background = BackgroundSequencer(engine, signer) if sequencer else None
        expiring = (
            BackgroundExpiry(engine, settings, interval=expiry_interval)
            if (sequencer if expiry is None else expiry)
            else None
        )
        for thread in (background, expiring):
            if thread is not None:
                thread.start()
        app.state.sequencer = background
        app.state.expiry = expiring
        try:
            yield
        finally:
            for thread in (expiring, background):
                if thread is not None:
                    thread.stop()
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
    app.state.log_signer = signer
    app.state.sequencer = None
    app.state.expiry = None
    install_problem_handlers(app)
    app.include_router(health.router)
    routers = (node.router, treaty.router, registry.router, transparency.router)
    for router in (
        *routers,
        requests.router,
        use.router,
        cases.router,
        evidence.router,
        screening.router,
    ):
        app.include_router(router, prefix="/api/v1")
    app.include_router(log.router, prefix="/log")
    return app
