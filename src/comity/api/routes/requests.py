"""Requests: draft, read, update (``If-Match``), validate, act; every route needs a token.

An authority sees only the requests it sent or received: any other is 404. POSTs accept an
``Idempotency-Key`` (a replay returns the stored response); updates need ``If-Match`` with the
``ETag`` of the current version (412 when stale, 428 when missing).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from comity.api.deps import AuthorityDep, EngineDep, OfficerDep, SettingsDep, TransportDep
from comity.services import requests as service
from comity.services.cases import overdue_clocks
from comity.services.idempotency import Outcome, request_digest, run_once
from comity.services.messaging import list_messages_of

router = APIRouter(tags=["requests"])


def problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {}}}


Responses = dict[int | str, dict[str, Any]]
AUTH: Responses = {
    401: problem("No valid API token"),
    403: problem("Not allowed for this authority"),
}
ONE: Responses = {**AUTH, 404: problem("No such request for this authority")}
ACT: Responses = {
    **ONE,
    409: problem("Not allowed from the current state (with the allowed actions), or an "
                  "Idempotency-Key reused with another body"),
    412: problem("If-Match is stale"),
    422: problem("Missing or invalid contents, reasons or parameters"),
}  # fmt: skip
UPDATE: Responses = {**ACT, 428: problem("If-Match is missing")}

IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", description="Makes a retried POST safe.")
]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag you last read.")]


def _send(outcome: Outcome) -> JSONResponse:
    return JSONResponse(outcome.body, status_code=outcome.status, headers=outcome.headers)


@router.get("/authorities/me", operation_id="getMe", summary="The acting authority", responses=AUTH)
def get_me(authority: AuthorityDep) -> dict[str, object]:
    """The authority the API token belongs to."""
    return authority.to_json()


@router.get("/requests", operation_id="listRequests", summary="Your requests", responses=AUTH)
def list_requests(
    engine: EngineDep,
    authority: AuthorityDep,
    state: Annotated[list[str] | None, Query(description="Only these states")] = None,
    kind: Annotated[str | None, Query(description="Only this kind")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """The requests the acting authority sent or received, newest first."""
    rows = service.list_requests(
        engine, authority, states=state, kind=kind, limit=limit, offset=offset
    )
    return [
        {"id": r.id, "reference": r.reference, "kind": r.kind, "side": r.side, "state": r.state,
         "requesting_authority": r.requesting_authority,
         "requested_authority": r.requested_authority, "updated_at": r.updated_at.isoformat()}
        for r in rows
    ]  # fmt: skip


@router.post(
    "/requests", operation_id="draftRequest", summary="Draft a request", status_code=201,
    responses={**AUTH, 409: problem("Idempotency-Key reused"), 422: problem("Malformed")},
)  # fmt: skip
async def draft_request(
    request: Request,
    engine: EngineDep,
    authority: AuthorityDep,
    officer: OfficerDep,
    document: Annotated[dict[str, Any], Body(description="A request document (any kind)")],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Store a draft (form checked; completeness is checked by /validation and on sending)."""
    digest = request_digest("POST", request.url.path, await request.body())

    def run() -> Outcome:
        view = service.draft(engine, authority, document, officer=officer)
        headers = {"ETag": view.etag, "Location": f"/api/v1/requests/{view.row.reference}"}
        return Outcome(201, view.to_json(), headers)

    return _send(run_once(engine, authority.id, idempotency_key, digest, run))


@router.get("/requests/{key}", operation_id="getRequest", summary="One request", responses=ONE)
def get_request(engine: EngineDep, authority: AuthorityDep, key: str) -> Response:
    """The request (by id or reference) with its history, allowed actions and clocks."""
    view = service.get_request(engine, authority, key)
    return JSONResponse(view.to_json(), headers={"ETag": view.etag})


@router.put(
    "/requests/{key}", operation_id="updateDraft", summary="Replace a draft", responses=UPDATE
)
def update_request(
    engine: EngineDep,
    authority: AuthorityDep,
    officer: OfficerDep,
    key: str,
    document: Annotated[dict[str, Any], Body(description="The whole new document")],
    if_match: IfMatch = None,
) -> Response:
    """Replace the document of a draft; needs ``If-Match`` with its current ``ETag``."""
    view = service.update_draft(
        engine, authority, key, document, if_match=if_match, officer=officer
    )
    return JSONResponse(view.to_json(), headers={"ETag": view.etag})


@router.get(
    "/requests/{key}/validation", operation_id="validateRequest",
    summary="What is missing or invalid", responses=ONE,
)  # fmt: skip
def validate_request(engine: EngineDep, authority: AuthorityDep, key: str) -> dict[str, Any]:
    """Every missing or invalid item, each with its citation, all at once."""
    problems = service.validate(engine, authority, key)
    return {"complete": not problems, "problems": [p.as_dict() for p in problems]}


class ActionBody(BaseModel):
    """The parameters of an action; which ones it needs depends on the action."""

    reasons: str | None = Field(default=None, description="Required to refuse, postpone ...")
    documents: list[str] = Field(default_factory=list, description="Attached document refs")
    until: dt.date | None = Field(default=None, description="preserve/extend: last day")
    linked_request: str | None = Field(default=None, description="hold: the pending request")


@router.post(
    "/requests/{key}/actions/{action}", operation_id="actOnRequest",
    summary="Take a lifecycle action", responses=ACT,
)  # fmt: skip
async def act_on_request(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    transport: TransportDep,
    authority: AuthorityDep,
    officer: OfficerDep,
    key: str,
    action: str,
    body: ActionBody | None = None,
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> Response:
    """Approve, send, acknowledge, consult, refuse, execute, preserve ... (see
    docs/formats/request-lifecycle.md). Sending signs the request and delivers it."""
    params = body or ActionBody()
    digest = request_digest("POST", request.url.path, await request.body())

    acted: list[service.ActResult] = []

    def run() -> Outcome:
        result = service.act(
            engine, settings, authority, key, action, transport=transport, officer=officer,
            reasons=params.reasons, documents=params.documents, until=params.until,
            linked_request=params.linked_request, if_match=if_match, deliver_now=False,
        )  # fmt: skip
        acted.append(result)
        content = {**result.view.to_json(), "delivery": result.delivery_json()}
        return Outcome(200, content, {"ETag": result.view.etag})

    def after(outcome: Outcome) -> Outcome:
        result = service.deliver(engine, transport, acted[0])
        return Outcome(outcome.status, {**outcome.body, "delivery": result.delivery_json()},
                       outcome.headers)  # fmt: skip

    return _send(run_once(engine, authority.id, idempotency_key, digest, run, after))


@router.get("/overdue", operation_id="listOverdue", summary="Your overdue clocks", responses=AUTH)
def list_overdue(engine: EngineDep, authority: AuthorityDep) -> list[dict[str, Any]]:
    """The clocks the acting authority must act on that ran out, most overdue first."""
    today = dt.datetime.now(dt.UTC).date()
    return [service.clock_json(c, today) for c in overdue_clocks(engine, authority, today)]


@router.get("/messages", operation_id="listMessages", summary="Your messages", responses=AUTH)
def list_messages(
    engine: EngineDep,
    authority: AuthorityDep,
    status: Annotated[str | None, Query(description="e.g. rejected")] = None,
) -> list[dict[str, Any]]:
    """Signed messages the acting authority sent or received, rejected ones with the reason."""
    return list_messages_of(engine, authority.id, status=status)
