"""Cases: the requests of one investigation, linked, with every clock; token required."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from comity.api.deps import AuthorityDep, EngineDep
from comity.api.routes.requests import AUTH, IdempotencyKey, Responses, problem
from comity.services import cases as service
from comity.services.idempotency import Outcome, request_digest, run_once

router = APIRouter(prefix="/cases", tags=["cases"])

ONE: Responses = {**AUTH, 404: problem("No such case (or request) for this authority")}
CHANGE: Responses = {
    **ONE,
    409: problem("Idempotency-Key reused with another body"),
    422: problem("The link or evidence does not make sense"),
}


class NewCase(BaseModel):
    """A case: its title and the requests (ids or references) it starts with."""

    title: str = Field(min_length=1, max_length=300)
    requests: list[str] = Field(default_factory=list)


class NewLink(BaseModel):
    """``source`` leads to ``target``: ``follow_up``, ``extradition`` or ``related``."""

    source: str
    target: str
    kind: str = "follow_up"


class NewEvidence(BaseModel):
    """An evidence package returned for a request."""

    package: str = Field(min_length=1, max_length=200)
    request: str
    received_on: dt.date


class NewMember(BaseModel):
    """A request to add to the case."""

    request: str


async def _once(
    request: Request, engine: Any, authority_id: str, key: str | None, run: Any
) -> Response:
    digest = request_digest("POST", request.url.path, await request.body())
    outcome = run_once(engine, authority_id, key, digest, run)
    return JSONResponse(outcome.body, status_code=outcome.status, headers=outcome.headers)


@router.get("", operation_id="listCases", summary="Your cases", responses=AUTH)
def list_cases(engine: EngineDep, authority: AuthorityDep) -> list[dict[str, Any]]:
    """The acting authority's cases."""
    return service.list_cases(engine, authority)


@router.post("", operation_id="createCase", summary="Open a case", status_code=201,
             responses=CHANGE)  # fmt: skip
async def create_case(
    request: Request,
    engine: EngineDep,
    authority: AuthorityDep,
    body: NewCase,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Open a case holding some of the acting authority's requests."""

    def run() -> Outcome:
        case_id = service.create_case(engine, authority, body.title, body.requests)
        return Outcome(201, service.show_case(engine, authority, case_id),
                       {"Location": f"/api/v1/cases/{case_id}"})  # fmt: skip

    return await _once(request, engine, authority.id, idempotency_key, run)


@router.get("/{case_id}", operation_id="getCase", summary="The case view", responses=ONE)
def get_case(engine: EngineDep, authority: AuthorityDep, case_id: str) -> dict[str, Any]:
    """The whole chain of the case, every clock, the overdue ones and warnings."""
    return service.show_case(engine, authority, case_id)


@router.post("/{case_id}/requests", operation_id="addCaseRequest", summary="Add a request",
             responses=CHANGE)  # fmt: skip
async def add_request(
    request: Request,
    engine: EngineDep,
    authority: AuthorityDep,
    case_id: str,
    body: NewMember,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Add one of the acting authority's requests to the case."""

    def run() -> Outcome:
        service.add_case_request(engine, authority, case_id, body.request)
        return Outcome(200, service.show_case(engine, authority, case_id), {})

    return await _once(request, engine, authority.id, idempotency_key, run)


@router.post("/{case_id}/links", operation_id="linkRequests", summary="Link two requests",
             responses=CHANGE)  # fmt: skip
async def link_requests(
    request: Request,
    engine: EngineDep,
    authority: AuthorityDep,
    case_id: str,
    body: NewLink,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Link a preservation to its follow-up, a request to an extradition, or related ones."""

    def run() -> Outcome:
        service.link_requests(engine, authority, case_id, body.source, body.target, body.kind)
        return Outcome(200, service.show_case(engine, authority, case_id), {})

    return await _once(request, engine, authority.id, idempotency_key, run)


@router.post("/{case_id}/evidence", operation_id="addEvidence", summary="Record evidence",
             responses=CHANGE)  # fmt: skip
async def add_evidence(
    request: Request,
    engine: EngineDep,
    authority: AuthorityDep,
    case_id: str,
    body: NewEvidence,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Record an evidence package returned for one of the case's requests."""

    def run() -> Outcome:
        service.add_case_evidence(
            engine, authority, case_id, body.package, body.request, body.received_on
        )
        return Outcome(200, service.show_case(engine, authority, case_id), {})

    return await _once(request, engine, authority.id, idempotency_key, run)
