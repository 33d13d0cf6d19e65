"""Screening reports, reviewers' decisions and law profiles (node administrator's token).

Every route here depends on :func:`comity.api.auth.require_admin`. The reports are those
stored by :func:`comity.services.screening.screen_and_store`; decisions are recorded by
:func:`comity.services.screening.record_decision` (an override without reasons is a 422
``validation-failed`` problem, and nothing is written).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from comity.api.auth import AdminDep
from comity.api.deps import EngineDep
from comity.rules.profiles import profile_to_json
from comity.services import screening as service
from comity.services.law_profiles import node_profiles
from comity.storage.engine import read_transaction, write_transaction

router = APIRouter(tags=["screening"])

SideQuery = Annotated[
    Literal["requested", "requesting"], Query(description="Which side's screening")
]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid administrator token"},
    404: {"description": "The request was never screened on this side"},
    503: {"description": "COMITY_ADMIN_TOKEN_FILE is not set"},
}


class DecisionBody(BaseModel):
    """A reviewer's decision on one finding of the current report."""

    model_config = ConfigDict(extra="forbid")

    finding: str = Field(min_length=1, max_length=300, description="The finding's id")
    verdict: Literal["accepted", "overridden"]
    reviewer: str = Field(min_length=1, max_length=200, description="Who decides")
    reasons: str = Field(default="", description="Required for an override")


@router.get(
    "/screening/{request_id}",
    operation_id="getScreening",
    summary="A request's current screening report, with decisions",
    responses=_RESPONSES,
)
def get_screening(
    request_id: str, engine: EngineDep, _: AdminDep, side: SideQuery = "requested"
) -> dict[str, Any]:
    """The current report, every decision that counts for it, and the unresolved findings."""
    with read_transaction(engine) as connection:
        return service.screening_view(connection, request_id, side).as_dict()


@router.post(
    "/screening/{request_id}/decisions",
    operation_id="decideFinding",
    summary="Accept or override a finding (an override needs reasons)",
    status_code=201,
    responses={**_RESPONSES, 422: {"description": "Unknown finding, or no reasons"}},
)
def post_decision(
    request_id: str,
    body: DecisionBody,
    engine: EngineDep,
    _: AdminDep,
    side: SideQuery = "requested",
) -> dict[str, Any]:
    """Record the decision with its event; answers the screening as it now stands."""
    with write_transaction(engine) as connection:
        service.record_decision(
            connection,
            request_id,
            body.finding,
            body.verdict,
            reviewer=body.reviewer,
            reasons=body.reasons,
            at=datetime.now(UTC),
            side=side,
        )
        return service.screening_view(connection, request_id, side).as_dict()


@router.get(
    "/screening/{request_id}/history",
    operation_id="getScreeningHistory",
    summary="Every report of a request, with the differences between them",
    responses=_RESPONSES,
)
def get_history(
    request_id: str, engine: EngineDep, _: AdminDep, side: SideQuery = "requested"
) -> dict[str, Any]:
    with read_transaction(engine) as connection:
        reports = service.report_history(connection, request_id, side)
    return {"request": request_id, "side": side, "reports": reports}


@router.get(
    "/law-profiles",
    operation_id="listLawProfiles",
    summary="The node's national law profiles",
    responses={401: _RESPONSES[401], 503: _RESPONSES[503]},
)
def get_profiles(engine: EngineDep, _: AdminDep) -> dict[str, Any]:
    """The current snapshot (``seq`` and ``sha256`` are null while none was imported)."""
    stored = node_profiles(engine)
    if stored is None:
        return {"seq": None, "sha256": None, "profiles": []}
    return {
        "seq": stored.seq,
        "sha256": stored.sha256,
        "profiles": [profile_to_json(stored.profiles[c]) for c in sorted(stored.profiles)],
    }
