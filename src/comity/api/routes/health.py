"""Liveness and readiness, unauthenticated and cheap, for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from comity.api.deps import EngineDep
from comity.storage import migrate
from comity.storage.engine import ping

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    schema_revision: str


_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"description": "Not ready: the database is unreachable or not migrated"}
}


@router.get("/healthz", operation_id="healthz", summary="The process is alive")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz", operation_id="readyz", summary="The node can serve requests", responses=_UNAVAILABLE
)
def readyz(engine: EngineDep) -> Readiness:
    ping(engine)
    migrate.check_at_head(engine)
    return Readiness(
        status="ready", database=engine.dialect.name, schema_revision=migrate.head_revision()
    )
