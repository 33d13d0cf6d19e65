"""The treaty registry, read-only: status (Art 65), applicability, the directory, the snapshot."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from comity.api.deps import EngineDep
from comity.registry.applicability import applicable
from comity.registry.directory import authority_to_record
from comity.registry.status import status
from comity.services.registry import current_registry

router = APIRouter(prefix="/registry", tags=["registry"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown participant"}}


def _today() -> date:
    return datetime.now(UTC).date()


@router.get("/status", operation_id="getRegistryStatus", summary="The Convention's status")
def get_status(
    engine: EngineDep,
    as_of: Annotated[
        date | None, Query(description="Day to report on (default: today, UTC)")
    ] = None,
) -> dict[str, Any]:
    """Signatories, instruments counted towards 40, entry into force and Parties on a day.

    ``source`` says whether the figures come from the node's registry or, while nothing was
    imported into it, from the data shipped with Comity.
    """
    found = current_registry(engine)
    report = status(found.registry.actions, as_of or _today(), data_as_of=found.registry.as_of)
    return {**report.to_json(), "source": found.source}


@router.get(
    "/applicability",
    operation_id="getApplicability",
    summary="Whether the Convention binds two participants on a day",
    responses=_NOT_FOUND,
)
def get_applicability(
    engine: EngineDep,
    requesting: Annotated[str, Query(description="ISO 3166-1 alpha-3 code, or EU")],
    requested: Annotated[str, Query(description="ISO 3166-1 alpha-3 code, or EU")],
    on: Annotated[date | None, Query(description="The day (default: today, UTC)")] = None,
    kind: Annotated[str | None, Query(description="A request kind, for reservations")] = None,
) -> dict[str, Any]:
    found = current_registry(engine)
    answer = applicable(found.registry, requesting, requested, on or _today(), kind)
    return {
        "applies": answer.applies,
        "requesting": answer.requesting,
        "requested": answer.requested,
        "on": answer.on.isoformat(),
        "kind": answer.kind,
        "reasons": list(answer.reasons),
        "limits": list(answer.limits),
        "source": found.source,
    }


@router.get("/directory", operation_id="listAuthorities", summary="The directory of authorities")
def list_authorities(
    engine: EngineDep,
    on: Annotated[date | None, Query(description="Day for validity and staleness")] = None,
) -> list[dict[str, Any]]:
    """Every authority, with ``valid`` and ``stale`` (not confirmed for a year) on the day."""
    day = on or _today()
    registry = current_registry(engine).registry
    return [
        {**authority_to_record(a), "valid": a.is_valid_on(day), "stale": a.is_stale_on(day)}
        for a in sorted(registry.authorities, key=lambda a: (a.participant, a.id))
    ]


@router.get("/snapshot", operation_id="getRegistrySnapshot", summary="The whole registry")
def get_snapshot(engine: EngineDep) -> dict[str, Any]:
    """The node's registry as one document (format ``comity.registry/1``)."""
    found = current_registry(engine)
    return {**found.registry.to_json(), "source": found.source}
