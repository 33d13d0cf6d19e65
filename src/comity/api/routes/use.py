"""Use limitations and data protection on a request: every route needs a token.

Only the two authorities of a request, each on its own copy, see or change its use records;
any other authority gets 404. POSTs accept an ``Idempotency-Key`` (its row is part of the
record's own transaction); each accepted POST records one event and sends the signed message
that mirrors it to the other side (``delivery`` in the response).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from comity.api.deps import AuthorityDep, EngineDep, OfficerDep, SettingsDep, TransportDep
from comity.api.routes.requests import ACT, ONE, IdempotencyKey
from comity.services import use as service
from comity.services.authorities import HostedAuthority
from comity.services.idempotency import Outcome, request_digest, run_once
from comity.transport import Transport

router = APIRouter(tags=["use limitations"])


async def _post(
    request: Request,
    engine: Any,
    authority: HostedAuthority,
    transport: Transport,
    key: str | None,
    status: int,
    record: Callable[[], service.UseResult],
) -> Response:
    digest = request_digest("POST", request.url.path, await request.body())
    done: list[service.UseResult] = []

    def body(result: service.UseResult) -> dict[str, Any]:
        return {**service.use_json(result.state), "id": result.item,
                "delivery": result.delivery_json()}  # fmt: skip

    def run() -> Outcome:
        done.append(record())
        return Outcome(status, body(done[0]), {})

    def after(outcome: Outcome) -> Outcome:
        return Outcome(outcome.status, body(service.deliver(engine, transport, done[0])), {})

    outcome = run_once(engine, authority.id, key, digest, run, after)
    return JSONResponse(outcome.body, status_code=outcome.status, headers=outcome.headers)


@router.get("/requests/{key}/use", operation_id="getUse", summary="Use records", responses=ONE)
def get_use(engine: EngineDep, authority: AuthorityDep, key: str) -> dict[str, Any]:
    """The use limitation, consents, onward transfers, delayed notifications and history."""
    return service.use_json(service.get_use(engine, authority, key))


@router.get(
    "/requests/{key}/use-limitations", operation_id="getUseLimitation",
    summary="What the evidence may be used for", responses=ONE,
)  # fmt: skip
def get_limitation(
    engine: EngineDep,
    authority: AuthorityDep,
    key: str,
    purpose: Annotated[str | None, Query(description="Check this purpose")] = None,
    exculpatory: Annotated[bool, Query(description="Exculpatory use")] = False,
) -> dict[str, Any]:
    """The purposes and conditions (Art 40(19)); with ``purpose``, whether that use is allowed."""
    data = service.use_json(service.get_use(engine, authority, key))
    verdict = None
    if purpose is not None:
        found = service.use_verdict(engine, authority, key, purpose, exculpatory=exculpatory)
        verdict = service.verdict_json(found)
    return {"limitation": data["limitation"], "consents": data["consents"], "verdict": verdict}


class LimitationBody(BaseModel):
    """The requested side's limitation: purposes (default: those stated) and conditions."""

    purposes: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)


@router.post(
    "/requests/{key}/use-limitations", operation_id="limitUse", status_code=201,
    summary="State the purposes and conditions of use (requested side)", responses=ACT,
)  # fmt: skip
async def limit_use(
    request: Request, engine: EngineDep, settings: SettingsDep, transport: TransportDep,
    authority: AuthorityDep, officer: OfficerDep, key: str, body: LimitationBody,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Record the use limitation (Art 40(19) [¶?]); mirrored to the requesting side."""
    return await _post(request, engine, authority, transport, idempotency_key, 201, lambda: (
        service.limit_use(engine, settings, authority, key, transport=transport,
                          officer=officer, purposes=body.purposes, conditions=body.conditions,
                          deliver_now=False)
    ))  # fmt: skip


class ConsentBody(BaseModel):
    """A request for consent to use the evidence for a new purpose."""

    purpose: str = Field(min_length=1)
    reasons: str | None = None


class DecisionBody(BaseModel):
    """The requested side's decision on a consent; a refusal needs reasons."""

    granted: bool
    reasons: str | None = None
    conditions: list[str] = Field(default_factory=list)


@router.get(
    "/requests/{key}/consents", operation_id="listConsents", summary="Consents", responses=ONE
)
def list_consents(engine: EngineDep, authority: AuthorityDep, key: str) -> list[Any]:
    """The requests for consent to a new use, with their decisions."""
    return list(service.use_json(service.get_use(engine, authority, key))["consents"])


@router.post(
    "/requests/{key}/consents", operation_id="askConsent", status_code=201,
    summary="Ask for consent to a new use (requesting side)", responses=ACT,
)  # fmt: skip
async def ask_consent(
    request: Request, engine: EngineDep, settings: SettingsDep, transport: TransportDep,
    authority: AuthorityDep, officer: OfficerDep, key: str, body: ConsentBody,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Ask the requested State for consent (Art 40(19) [¶?]); sent as a signed message."""
    return await _post(request, engine, authority, transport, idempotency_key, 201, lambda: (
        service.ask_consent(engine, settings, authority, key, body.purpose, transport=transport,
                            officer=officer, reasons=body.reasons, deliver_now=False)
    ))  # fmt: skip


@router.post(
    "/requests/{key}/consents/{consent}/decision", operation_id="decideConsent",
    summary="Grant or refuse a consent (requested side)", responses=ACT,
)  # fmt: skip
async def decide_consent(
    request: Request, engine: EngineDep, settings: SettingsDep, transport: TransportDep,
    authority: AuthorityDep, officer: OfficerDep, key: str, consent: str, body: DecisionBody,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Decide once; a refusal needs reasons. Sent back as a signed message."""
    return await _post(request, engine, authority, transport, idempotency_key, 200, lambda: (
        service.decide_consent(engine, settings, authority, key, consent, granted=body.granted,
                               transport=transport, officer=officer, reasons=body.reasons,
                               conditions=body.conditions, deliver_now=False)
    ))  # fmt: skip


class OnwardBody(BaseModel):
    """An authorisation of onward transfer to a third State or international organisation."""

    recipient: str = Field(min_length=1)
    recipient_kind: str = Field(description="state or international_organisation")
    in_writing: bool = True
    conditions: list[str] = Field(default_factory=list)


@router.get(
    "/requests/{key}/onward-transfers", operation_id="listOnwardTransfers",
    summary="Onward transfer authorisations", responses=ONE,
)  # fmt: skip
def list_onward(
    engine: EngineDep,
    authority: AuthorityDep,
    key: str,
    recipient: Annotated[str | None, Query(description="Check this recipient")] = None,
    on: Annotated[dt.date | None, Query(description="The day of the transfer")] = None,
    writing_required: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    """The authorisations (Art 36(3)); with ``recipient``, whether a transfer is allowed."""
    data = service.use_json(service.get_use(engine, authority, key))
    verdict = None
    if recipient is not None:
        day = on or dt.datetime.now(dt.UTC).date()
        verdict = service.verdict_json(service.transfer_verdict(
            engine, authority, key, recipient, day, writing_required=writing_required))  # fmt: skip
    return {"authorisations": data["onward_transfers"], "verdict": verdict}


@router.post(
    "/requests/{key}/onward-transfers", operation_id="authoriseOnwardTransfer", status_code=201,
    summary="Authorise an onward transfer (requested side)", responses=ACT,
)  # fmt: skip
async def authorise_onward(
    request: Request, engine: EngineDep, settings: SettingsDep, transport: TransportDep,
    authority: AuthorityDep, officer: OfficerDep, key: str, body: OnwardBody,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Give the prior authorisation (Art 36(3) [UNVERIFIED]); sent as a signed message."""
    return await _post(request, engine, authority, transport, idempotency_key, 201, lambda: (
        service.authorise_onward_transfer(
            engine, settings, authority, key, body.recipient, recipient_kind=body.recipient_kind,
            transport=transport, officer=officer, in_writing=body.in_writing,
            conditions=body.conditions, deliver_now=False)
    ))  # fmt: skip


class DelayBody(BaseModel):
    """Notice to the person concerned, delayed until the reason ends (inclusive)."""

    person: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    reason_ends: dt.date
    days: int = Field(default=7, ge=1, le=365, description="Days to notify after the end")


class RenewBody(BaseModel):
    """A later end of the delay, with the reason that still holds."""

    reason: str = Field(min_length=1)
    reason_ends: dt.date


class NotifiedBody(BaseModel):
    """The day the person was notified (today when omitted)."""

    on: dt.date | None = None


@router.get(
    "/requests/{key}/notifications-of-person", operation_id="listNotificationsOfPerson",
    summary="Delayed notifications of the person concerned", responses=ONE,
)  # fmt: skip
def list_notifications(engine: EngineDep, authority: AuthorityDep, key: str) -> list[Any]:
    """Each notification: the person, the reason, the date it ends, its status and due date."""
    return list(
        service.use_json(service.get_use(engine, authority, key))["notifications_of_person"]
    )


@router.post(
    "/requests/{key}/notifications-of-person", operation_id="delayNotification",
    status_code=201, summary="Delay the notification of a person", responses=ACT,
)  # fmt: skip
async def delay_notification(
    request: Request, engine: EngineDep, settings: SettingsDep, transport: TransportDep,
    authority: AuthorityDep, officer: OfficerDep, key: str, body: DelayBody,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """The acting authority must notify; its clock runs from the date the reason ends."""
    return await _post(request, engine, authority, transport, idempotency_key, 201, lambda: (
        service.delay_notification(engine, settings, authority, key, person=body.person,
                                   reason=body.reason, reason_ends=body.reason_ends,
                                   days=body.days, transport=transport, officer=officer,
                                   deliver_now=False)
    ))  # fmt: skip


@router.post(
    "/requests/{key}/notifications-of-person/{notification}/renewal",
    operation_id="renewNotificationDelay", summary="Extend a delay", responses=ACT,
)  # fmt: skip
async def renew_notification(
    request: Request, engine: EngineDep, settings: SettingsDep, transport: TransportDep,
    authority: AuthorityDep, officer: OfficerDep, key: str, notification: str, body: RenewBody,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Only the authority that delayed the notification may extend it."""
    return await _post(request, engine, authority, transport, idempotency_key, 200, lambda: (
        service.renew_notification_delay(engine, settings, authority, key, notification,
                                         reason=body.reason, reason_ends=body.reason_ends,
                                         transport=transport, officer=officer,
                                         deliver_now=False)
    ))  # fmt: skip


@router.post(
    "/requests/{key}/notifications-of-person/{notification}/notified",
    operation_id="recordPersonNotified", summary="The person was notified", responses=ACT,
)  # fmt: skip
async def person_notified(
    request: Request, engine: EngineDep, settings: SettingsDep, transport: TransportDep,
    authority: AuthorityDep, officer: OfficerDep, key: str, notification: str,
    body: NotifiedBody | None = None, idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Stops the clock of the notification."""
    on = None if body is None else body.on
    return await _post(request, engine, authority, transport, idempotency_key, 200, lambda: (
        service.record_person_notified(engine, settings, authority, key, notification,
                                       transport=transport, officer=officer, on=on,
                                       deliver_now=False)
    ))  # fmt: skip
