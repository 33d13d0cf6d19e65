"""``comity request`` commands for use limitations and data protection (Art 40(19), 36(3)).

They act for a hosted authority (``--as``) on its own copy, through
:mod:`comity.services.use`; each accepted record is one event, mirrored to the other side as
a signed message. Registered on the ``request`` group by :func:`register`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer

from comity.cli._options import parse_day
from comity.config import load_settings
from comity.errors import ValidationFailed
from comity.services import use as service
from comity.services.authorities import get_authority
from comity.services.node import open_node_engine
from comity.transport.inprocess import InProcessTransport

__all__ = ["register"]

Ref = Annotated[str, typer.Argument(help="The request's reference or id.")]
As = Annotated[str, typer.Option("--as", help="The hosted authority acting.")]
Officer = Annotated[str, typer.Option("--officer", help="Who acts (recorded with the event).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Conditions = Annotated[list[str] | None, typer.Option("--condition", help="A condition; repeat.")]


def _required_day(value: str, option: str) -> date:
    found = parse_day(value, option)
    if found is None:
        raise ValidationFailed(f"{option} needs a date")
    return found


def _record(acting: str, officer: str, as_json: bool, call: Any) -> None:
    """Run ``call(engine, settings, authority, transport=..., officer=...)`` and report."""
    with open_node_engine() as engine:
        settings = load_settings()
        result: service.UseResult = call(
            engine, settings, get_authority(engine, acting),
            transport=InProcessTransport(engine, settings), officer=officer,
        )  # fmt: skip
        if as_json:
            data = {**service.use_json(result.state), "id": result.item,
                    "delivery": result.delivery_json()}  # fmt: skip
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        last = result.state.records[-1]
        made = f" {result.item}" if result.item else ""
        typer.echo(f"{result.state.reference}: {last.record}{made}; message "
                   f"{result.delivery_json()['status']}")  # fmt: skip


def _verdict(found: Any, as_json: bool) -> None:
    data = service.verdict_json(found)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"{'allowed' if data['allowed'] else 'not allowed'}: {data['reason']} "
                   f"({', '.join(data['citations'])})")  # fmt: skip
    if not data["allowed"]:
        raise typer.Exit(1)


def use_command(reference: Ref, acting: As) -> None:
    """Show the use limitation, consents, onward transfers and delayed notifications (JSON)."""
    with open_node_engine() as engine:
        state = service.get_use(engine, get_authority(engine, acting), reference)
        typer.echo(json.dumps(service.use_json(state), ensure_ascii=False, indent=2))


def limit_use_command(
    reference: Ref, acting: As, officer: Officer = "cli", conditions: Conditions = None,
    purpose: Annotated[list[str] | None, typer.Option("--purpose", help="Repeat.")] = None,
    as_json: Json = False,
) -> None:  # fmt: skip
    """Requested side: state the purposes (default: those of the request) and conditions."""
    _record(
        acting,
        officer,
        as_json,
        lambda e, s, a, **kw: service.limit_use(
            e, s, a, reference, purposes=purpose or [], conditions=conditions or [], **kw
        ),
    )


def may_use_command(
    reference: Ref, purpose: Annotated[str, typer.Argument(help="The intended use.")],
    acting: As, exculpatory: Annotated[bool, typer.Option("--exculpatory")] = False,
    as_json: Json = False,
) -> None:  # fmt: skip
    """Whether the evidence may be used for PURPOSE (exit 1 when not)."""
    with open_node_engine() as engine:
        authority = get_authority(engine, acting)
        _verdict(service.use_verdict(engine, authority, reference, purpose,
                                     exculpatory=exculpatory), as_json)  # fmt: skip


def consent_ask_command(
    reference: Ref, purpose: Annotated[str, typer.Argument(help="The new use.")], acting: As,
    officer: Officer = "cli", reasons: Annotated[str | None, typer.Option("--reasons")] = None,
    as_json: Json = False,
) -> None:  # fmt: skip
    """Requesting side: ask the requested State for consent to a new use; prints its id."""
    _record(
        acting,
        officer,
        as_json,
        lambda e, s, a, **kw: service.ask_consent(
            e, s, a, reference, purpose, reasons=reasons, **kw
        ),
    )


def consent_decide_command(
    reference: Ref, consent: Annotated[str, typer.Argument(help="The consent's id.")],
    acting: As, grant: Annotated[bool, typer.Option("--grant/--refuse")],
    officer: Officer = "cli", reasons: Annotated[str | None, typer.Option("--reasons")] = None,
    conditions: Conditions = None, as_json: Json = False,
) -> None:  # fmt: skip
    """Requested side: grant or refuse (with --reasons) a request for consent."""
    _record(
        acting,
        officer,
        as_json,
        lambda e, s, a, **kw: service.decide_consent(
            e,
            s,
            a,
            reference,
            consent,
            granted=grant,
            reasons=reasons,
            conditions=conditions or [],
            **kw,
        ),
    )


def onward_authorise_command(
    reference: Ref, recipient: Annotated[str, typer.Argument(help="Third State or org.")],
    acting: As, kind: Annotated[str, typer.Option("--kind", help="state or "
                                "international_organisation")] = "state",
    officer: Officer = "cli",
    in_writing: Annotated[bool, typer.Option("--in-writing/--not-in-writing")] = True,
    conditions: Conditions = None, as_json: Json = False,
) -> None:  # fmt: skip
    """Requested side: authorise onward transfer of the data to RECIPIENT (Art 36(3))."""
    _record(
        acting,
        officer,
        as_json,
        lambda e, s, a, **kw: service.authorise_onward_transfer(
            e,
            s,
            a,
            reference,
            recipient,
            recipient_kind=kind,
            in_writing=in_writing,
            conditions=conditions or [],
            **kw,
        ),
    )


def may_transfer_command(
    reference: Ref, recipient: Annotated[str, typer.Argument(help="Third State or org.")],
    acting: As, on: Annotated[str | None, typer.Option("--on", help="Day of transfer")] = None,
    writing: Annotated[bool, typer.Option("--writing-required")] = False,
    as_json: Json = False,
) -> None:  # fmt: skip
    """Whether the data may go on to RECIPIENT (exit 1 when not)."""
    day = parse_day(on, "--on") or datetime.now(UTC).date()
    with open_node_engine() as engine:
        authority = get_authority(engine, acting)
        _verdict(service.transfer_verdict(engine, authority, reference, recipient, day,
                                          writing_required=writing), as_json)  # fmt: skip


def notify_delay_command(
    reference: Ref, person: Annotated[str, typer.Argument(help="The person concerned.")],
    acting: As, reason: Annotated[str, typer.Option("--reason")],
    until: Annotated[str, typer.Option("--until", help="The day the reason for delay ends")],
    days: Annotated[int, typer.Option("--days", help="Days to notify after it")] = 7,
    officer: Officer = "cli", as_json: Json = False,
) -> None:  # fmt: skip
    """Delay notifying PERSON until the reason ends; the acting authority must notify."""
    ends = _required_day(until, "--until")
    _record(
        acting,
        officer,
        as_json,
        lambda e, s, a, **kw: service.delay_notification(
            e, s, a, reference, person=person, reason=reason, reason_ends=ends, days=days, **kw
        ),
    )


def notify_renew_command(
    reference: Ref, notification: Annotated[str, typer.Argument(help="Its id.")], acting: As,
    reason: Annotated[str, typer.Option("--reason")],
    until: Annotated[str, typer.Option("--until", help="The new end of the reason")],
    officer: Officer = "cli", as_json: Json = False,
) -> None:  # fmt: skip
    """Extend a delayed notification to a later date, with the reason that still holds."""
    ends = _required_day(until, "--until")
    _record(
        acting,
        officer,
        as_json,
        lambda e, s, a, **kw: service.renew_notification_delay(
            e, s, a, reference, notification, reason=reason, reason_ends=ends, **kw
        ),
    )


def notified_command(
    reference: Ref, notification: Annotated[str, typer.Argument(help="Its id.")], acting: As,
    on: Annotated[str | None, typer.Option("--on", help="Default: today")] = None,
    officer: Officer = "cli", as_json: Json = False,
) -> None:  # fmt: skip
    """Record that the person was notified; its clock stops."""
    day = parse_day(on, "--on")
    _record(
        acting,
        officer,
        as_json,
        lambda e, s, a, **kw: service.record_person_notified(
            e, s, a, reference, notification, on=day, **kw
        ),
    )


def register(app: typer.Typer) -> None:
    """Add the use commands to the ``request`` group."""
    for name, command in (
        ("use", use_command), ("limit-use", limit_use_command), ("may-use", may_use_command),
        ("consent-ask", consent_ask_command), ("consent-decide", consent_decide_command),
        ("onward-authorise", onward_authorise_command),
        ("may-transfer", may_transfer_command), ("notify-delay", notify_delay_command),
        ("notify-renew", notify_renew_command), ("notified", notified_command),
    ):  # fmt: skip
        app.command(name)(command)
