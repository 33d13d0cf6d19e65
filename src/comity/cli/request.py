"""``comity request``: check drafts offline, and draft, send and act on requests on the node.

The commands that act take ``--as AUTHORITY`` (a hosted authority's id): the node's operator
acts for it, as its API token would. They call the services, never the database.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from comity.cases.completeness import raise_if_problems
from comity.cases.document import request_json_schema
from comity.cases.drafting import check_draft
from comity.cli._options import parse_day
from comity.cli.request_use import register as register_use_commands
from comity.config import load_settings
from comity.datafiles import read_json
from comity.registry.snapshot import parse_files
from comity.services import requests as requests_service
from comity.services.authorities import HostedAuthority, get_authority
from comity.services.cases import expire_due, overdue_clocks
from comity.services.messaging import deliver_pending
from comity.services.node import existing_node_engine, open_node_engine
from comity.services.registry import current_registry
from comity.transport.inprocess import InProcessTransport

app = typer.Typer(
    help="Requests: draft, validate, act (approve, send, execute ...), list, overdue.",
    no_args_is_help=True,
)

As = Annotated[str, typer.Option("--as", help="The hosted authority acting.")]
Officer = Annotated[str, typer.Option("--officer", help="Who acts (recorded with the event).")]


@app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="The draft request document (JSON).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
    registry: Annotated[
        list[Path] | None,
        typer.Option(
            "--registry",
            help="Registry files with the requested State's notifications (default: the "
            "node's registry, or the shipped data).",
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="The day to check deadlines against (UTC).")
    ] = None,
) -> None:
    """Check a draft against the contents its kind must carry and the requested State's
    accepted languages. Every missing or invalid item is listed with its citation; exit 1 when
    anything is missing."""
    day = parse_day(today, "--today") or datetime.now(UTC).date()
    data = read_json(file)
    notifications = (
        parse_files(registry) if registry else current_registry(existing_node_engine()).registry
    ).notifications
    problems = check_draft(data, notifications, today=day)
    if as_json:
        typer.echo(
            json.dumps(
                {"file": str(file), "complete": not problems,
                 "problems": [p.as_dict() for p in problems]},
                ensure_ascii=False,
                indent=2,
            )
        )  # fmt: skip
        if problems:
            raise typer.Exit(1)
        return
    if not problems:
        typer.echo(f"{file}: complete")
        return
    raise_if_problems(problems)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the request document (docs/formats/request-document.md)."""
    typer.echo(json.dumps(request_json_schema(), ensure_ascii=False, indent=2))


def _authority(engine: Engine, acting: str) -> HostedAuthority:
    return get_authority(engine, acting)


def _print_view(view: requests_service.RequestView, as_json: bool) -> None:
    data = view.to_json()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    lines = [
        f"{data['reference']}  {data['kind']}  {data['state']}  ({data['side']} side, "
        f"{data['requesting_authority']} -> {data['requested_authority']})",
        f"  allowed now: {', '.join(data['allowed_actions']) or 'nothing'}",
    ]
    for e in data["history"]:
        why = f": {e['reasons']}" if e["reasons"] else ""
        lines.append(
            f"  {e['sequence']}. {e['at'][:19]} {e['action']} -> {e['to']} "
            f"by {e['authority']} ({e['officer']}){why}"
        )
    for c in data["clocks"]:
        late = "  OVERDUE" if c["overdue"] else ""
        lines.append(f"  clock: {c['label']} ({c['due'] or 'suspended'}){late}")
    typer.echo("\n".join(lines))


@app.command("draft")
def draft_command(
    file: Annotated[Path, typer.Argument(help="The request document (JSON).")],
    acting: As,
    officer: Officer = "cli",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Store a draft for the acting authority; prints its reference."""
    with open_node_engine() as engine:
        view = requests_service.draft(engine, _authority(engine, acting), read_json(file),
                                      officer=officer)  # fmt: skip
        if as_json:
            _print_view(view, True)
            return
        typer.echo(f"{view.row.reference} drafted")


@app.command("check")
def check_command(
    reference: Annotated[str, typer.Argument(help="The request's reference or id.")],
    acting: As,
) -> None:
    """Check a stored request for completeness (exit 1 when anything is missing)."""
    with open_node_engine() as engine:
        problems = requests_service.validate(engine, _authority(engine, acting), reference)
        if not problems:
            typer.echo(f"{reference}: complete")
            return
        raise_if_problems(problems)


@app.command("show")
def show_command(
    reference: Annotated[str, typer.Argument(help="The request's reference or id.")],
    acting: As,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One request with its history, the actions allowed now and its clocks."""
    with open_node_engine() as engine:
        _print_view(requests_service.get_request(engine, _authority(engine, acting), reference),
                    as_json)  # fmt: skip


@app.command("act")
def act_command(
    reference: Annotated[str, typer.Argument(help="The request's reference or id.")],
    action: Annotated[str, typer.Argument(help="approve, send, acknowledge, refuse ...")],
    acting: As,
    officer: Officer = "cli",
    reasons: Annotated[str | None, typer.Option("--reasons", help="Why (some need it).")] = None,
    document: Annotated[
        list[str] | None, typer.Option("--document", help="Attached document ref; repeat.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="preserve/extend: last day")] = None,
    linked: Annotated[str | None, typer.Option("--linked", help="hold: pending request")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Take a lifecycle action (docs/formats/request-lifecycle.md); one event is recorded."""
    day = parse_day(until, "--until")
    with open_node_engine() as engine:
        settings = load_settings()
        result = requests_service.act(
            engine, settings, _authority(engine, acting), reference, action,
            transport=InProcessTransport(engine, settings), officer=officer, reasons=reasons,
            documents=document or [], until=day, linked_request=linked,
        )  # fmt: skip
        if as_json:
            _print_view(result.view, True)
            return
        delivered = ""
        if result.delivery is not None:
            delivered = f"; message {result.delivery.status}"
            if result.delivery.reason:
                delivered += f" ({result.delivery.reason})"
        typer.echo(f"{result.view.row.reference}: {action} -> {result.view.row.state}{delivered}")


@app.command("list")
def list_command(
    acting: As,
    state: Annotated[list[str] | None, typer.Option("--state", help="Only this state.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
) -> None:
    """The requests the acting authority sent or received, newest first."""
    with open_node_engine() as engine:
        rows = requests_service.list_requests(engine, _authority(engine, acting), states=state,
                                              kind=kind)  # fmt: skip
        for r in rows:
            other = r.requested_authority if r.side == "requesting" else r.requesting_authority
            typer.echo(f"{r.reference}  {r.kind}  {r.state}  {r.side}  {other}")


@app.command("overdue")
def overdue_command(
    acting: As,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The acting authority's clocks that ran out, most overdue first."""
    with open_node_engine() as engine:
        today = datetime.now(UTC).date()
        found = [requests_service.clock_json(c, today)
                 for c in overdue_clocks(engine, _authority(engine, acting), today)]  # fmt: skip
        if as_json:
            typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
            return
        if not found:
            typer.echo("nothing overdue")
        for c in found:
            typer.echo(f"{c['request']}  {c['label']}  due {c['due']}")


@app.command("expire-due")
def expire_due_command() -> None:
    """Expire the preservations past their last day, unless a linked request is pending."""
    with open_node_engine() as engine:
        settings = load_settings()
        lines = expire_due(engine, settings, InProcessTransport(engine, settings))
        typer.echo("\n".join(lines) if lines else "no preservation is due to expire")


@app.command("deliver")
def deliver_command() -> None:
    """Try again to deliver the signed messages still in the outbox."""
    with open_node_engine() as engine:
        results = deliver_pending(engine, InProcessTransport(engine, load_settings()))
        delivered = sum(r.status in ("accepted", "duplicate") for r in results)
        typer.echo(f"{len(results)} message(s) retried: {delivered} delivered")


register_use_commands(app)
