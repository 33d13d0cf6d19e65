"""``comity case``: cases of an authority, their links, evidence and the case view."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from comity.cli._options import parse_day
from comity.services import cases as service
from comity.services.authorities import get_authority
from comity.services.node import open_node_engine

app = typer.Typer(help="Cases: linked requests with every clock.", no_args_is_help=True)

As = Annotated[str, typer.Option("--as", help="The hosted authority acting.")]


@app.command("create")
def create(
    title: Annotated[str, typer.Argument(help="The case's title.")],
    acting: As,
    request: Annotated[
        list[str] | None, typer.Option("--request", help="A request; repeat.")
    ] = None,
) -> None:
    """Open a case; prints its id."""
    with open_node_engine() as engine:
        typer.echo(service.create_case(engine, get_authority(engine, acting), title, request or []))


@app.command("link")
def link(
    case_id: Annotated[str, typer.Argument(help="The case id.")],
    source: Annotated[str, typer.Argument(help="The earlier request, e.g. the preservation.")],
    target: Annotated[str, typer.Argument(help="The request that follows it.")],
    acting: As,
    kind: Annotated[
        str, typer.Option("--kind", help="follow_up, extradition or related.")
    ] = "follow_up",
) -> None:
    """Link two requests of the case."""
    with open_node_engine() as engine:
        service.link_requests(engine, get_authority(engine, acting), case_id, source, target, kind)
        typer.echo(f"linked {source} -> {target} ({kind})")


@app.command("evidence")
def evidence(
    case_id: Annotated[str, typer.Argument(help="The case id.")],
    package: Annotated[str, typer.Argument(help="The evidence package's reference.")],
    request: Annotated[str, typer.Argument(help="The request it answers.")],
    acting: As,
    received_on: Annotated[str | None, typer.Option("--received-on", help="YYYY-MM-DD")] = None,
) -> None:
    """Record an evidence package returned for a request of the case."""
    day = parse_day(received_on, "--received-on") or date.today()  # noqa: DTZ011
    with open_node_engine() as engine:
        service.add_case_evidence(
            engine, get_authority(engine, acting), case_id, package, request, day
        )
        typer.echo(f"evidence {package} recorded for {request}")


@app.command("list")
def list_command(acting: As) -> None:
    """The acting authority's cases."""
    with open_node_engine() as engine:
        for case in service.list_cases(engine, get_authority(engine, acting)):
            typer.echo(f"{case['id']}  {case['title']}")


@app.command("show")
def show(
    case_id: Annotated[str, typer.Argument(help="The case id.")],
    acting: As,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The case view: the chain of requests, every clock, what is overdue."""
    with open_node_engine() as engine:
        view = service.show_case(engine, get_authority(engine, acting), case_id)
        if as_json:
            typer.echo(json.dumps(view, ensure_ascii=False, indent=2))
            return
        lines = [f"case {view['id']}: {view['title']}"]
        for entry in view["chain"]:
            evidence = f"  evidence: {', '.join(entry['evidence'])}" if entry["evidence"] else ""
            lines.append(f"{'  ' * (entry['depth'] + 1)}{entry['reference']}  {entry['kind']}  "
                         f"{entry['state']}{evidence}")  # fmt: skip
        for clock in view["clocks"]:
            due = clock["due"] or "suspended"
            late = "  OVERDUE" if clock["overdue"] else ""
            lines.append(f"  clock {clock['request']}: {clock['label']} ({due}){late}")
        lines += [f"  warning: {w}" for w in view["warnings"]]
        typer.echo("\n".join(lines))
