"""The operational log: structlog to stdout, readable in development, JSON in production.

This is not the audit trail. What happened to a request goes into the Merkle log through the
services; this log is for the node administrator, and never carries case content, personal
data or keys.
"""

from __future__ import annotations

import logging
import sys

import structlog

from comity.config import LogFormat, Settings

__all__ = ["configure_logging"]


def configure_logging(settings: Settings) -> None:
    """Send structlog and the stdlib loggers (uvicorn, alembic) to stdout in one format."""
    renderer: structlog.typing.Processor
    if settings.log_format is LogFormat.JSON:
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stdout.isatty())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.value.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Alembic announces its dialect on every readiness check; only its warnings matter here.
    logging.getLogger("alembic").setLevel(logging.WARNING)
