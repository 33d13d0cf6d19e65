"""``comity screening``: screening reports, reviewers' decisions, re-screening, on the node.

``run REQUEST_ID FILE`` screens a request document and stores the report under the request's
identifier (what the requests services do when a request is received); ``show`` prints the
current report with its decisions and what stops a grant (exit 1 while a ``blocks`` finding
stands); ``decide`` accepts or overrides a
finding (an override needs ``--reasons``: without them the command fails and nothing is
written); ``rescreen-all`` screens every stored request again after the rules, the registry
or the law profiles changed, and prints what changed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from comity.cli._options import parse_day
from comity.cli.rules import _read_request
from comity.config import load_settings
from comity.errors import ValidationFailed
from comity.rules import Outcome
from comity.services import screening as service
from comity.services.node import node_engine
from comity.services.node_secret import load_node_secret
from comity.services.rescreen import rescreen_all
from comity.storage.engine import read_transaction, write_transaction

app = typer.Typer(
    help="Screening reports, decisions on findings and re-screening, on the node.",
    no_args_is_help=True,
)

_SIDE = typer.Option("requested", "--side", help="requested (default) or requesting.")
_JSON = typer.Option(False, "--json", help="Print JSON for scripts.")


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _side(side: str) -> str:
    if side not in ("requested", "requesting"):
        raise ValidationFailed(f"--side must be requested or requesting, not {side!r}")
    return side


@app.command("run")
def run_command(
    request_id: Annotated[str, typer.Argument(help="The request's identifier.")],
    file: Annotated[Path, typer.Argument(help="The request document (JSON or YAML).")],
    side: str = _SIDE,
    on: Annotated[str | None, typer.Option("--date", help="Screen as of this day.")] = None,
    json_: bool = _JSON,
) -> None:
    """Screen a request document with the node's inputs and store the report."""
    on_date = parse_day(on, "--date")
    document = _read_request(file)
    engine = node_engine()
    secret = load_node_secret(load_settings())
    with write_transaction(engine) as connection:
        stored = service.screen_and_store(
            connection,
            request_id,
            document,
            _side(side),
            secret=secret,
            at=dt.datetime.now(dt.UTC),
            on_date=on_date,
        )
    if json_:
        _echo_json({"report_seq": stored.seq, "report": stored.report.as_dict()})
        return
    typer.echo(f"stored report {stored.seq}: {len(stored.report.findings)} findings")
    for f in stored.report.findings:
        typer.echo(f"  {f.outcome.value.upper()}  {f.id}: {f.title}")


@app.command("show")
def show_command(
    request_id: Annotated[str, typer.Argument(help="The request's identifier.")],
    side: str = _SIDE,
    json_: bool = _JSON,
) -> None:
    """The current report: each finding with its citations, data, and decision."""
    with read_transaction(node_engine()) as connection:
        view = service.screening_view(connection, request_id, _side(side))
    body = view.as_dict()
    if json_:
        _echo_json(body)
        return
    report = view.current.report
    typer.echo(
        f"request {request_id} ({view.current.side} side), report {view.current.seq}, "
        f"screened {report.screened_at.isoformat()} with rules {report.rules_version}"
    )
    for f in report.findings:
        typer.echo(f"{f.outcome.value.upper()}  {f.id}: {f.title}  [{body['status'][f.id]}]")
        typer.echo("    " + ", ".join(f"{c.label} [{c.confidence}]" for c in f.citations))
        if f.look_at:
            typer.echo(f"    look at: {f.look_at}")
        for what, value in f.rests_on:
            typer.echo(f"    - {what}: {value}")
        if f.requests:
            typer.echo(f"    requests: {', '.join(f.requests)}")
    for d in view.decisions:
        reasons = f": {d.reasons}" if d.reasons else ""
        typer.echo(f"decision: {d.finding_id} {d.verdict.value} by {d.by}{reasons}")
    if view.unresolved:
        typer.echo(f"cannot be granted: unresolved {', '.join(view.unresolved)}")
    else:
        typer.echo("no finding stops a grant")
    if any(f.outcome is Outcome.BLOCKS for f in report.findings) and view.unresolved:
        raise typer.Exit(1)


@app.command("decide")
def decide_command(
    request_id: Annotated[str, typer.Argument(help="The request's identifier.")],
    finding: Annotated[str, typer.Argument(help="The finding's id.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who decides.")],
    accept: Annotated[bool, typer.Option("--accept", help="Accept the finding.")] = False,
    override: Annotated[bool, typer.Option("--override", help="Override it (reasons!).")] = False,
    reasons: Annotated[str, typer.Option("--reasons", help="Why (required to override).")] = "",
    side: str = _SIDE,
) -> None:
    """Accept or override a finding; the decision is recorded with its event."""
    if accept == override:
        raise ValidationFailed("give exactly one of --accept or --override")
    with write_transaction(node_engine()) as connection:
        decision = service.record_decision(
            connection,
            request_id,
            finding,
            "accepted" if accept else "overridden",
            reviewer=reviewer,
            reasons=reasons,
            at=dt.datetime.now(dt.UTC),
            side=_side(side),
        )
    typer.echo(f"{decision.finding_id}: {decision.verdict.value} by {decision.by}")


@app.command("rescreen-all")
def rescreen_command(json_: bool = _JSON) -> None:
    """Screen every stored request again with the node's current rules, registry, profiles."""
    result = rescreen_all(node_engine(), secret=load_node_secret(load_settings()))
    if json_:
        _echo_json(
            {
                "examined": result.examined,
                "changed": result.changed,
                "seconds": round(result.seconds, 3),
                "changed_requests": list(result.changed_requests),
            }
        )
        return
    typer.echo(
        f"re-screened {result.examined} screenings in {result.seconds:.1f} s: "
        f"{result.changed} changed"
    )
    for request_id in result.changed_requests:
        typer.echo(f"  changed: {request_id}")
