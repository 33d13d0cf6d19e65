"""``comity registry``: import and export the node's registry, the Convention's status, its chart.

``status`` and ``chart`` compute from the registry files given with ``--data`` (read all or
nothing, like an import: a bad row stops the command with the file, the row and the reason,
exit code 65); without ``--data``, from the node's registry (COMITY_DATABASE_URL) once
something was imported into it, and otherwise from the data shipped with Comity.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from comity.cli._options import parse_day
from comity.errors import NotFound
from comity.registry.chart import render_chart
from comity.registry.participants import display_name
from comity.registry.snapshot import Registry, parse_files
from comity.registry.status import status
from comity.services import registry as registry_service
from comity.services.node import existing_node_engine, node_engine

app = typer.Typer(
    help="Treaty registry: signatures, instruments, entry into force (Art 65).",
    no_args_is_help=True,
)

_DATA_HELP = "Registry files (CSV or JSON) to use instead of the shipped data; repeatable."


def _load(data: list[Path] | None) -> Registry:
    if data:
        return parse_files(data)
    found = registry_service.current_registry(existing_node_engine())
    if found.source == "shipped":
        typer.echo(
            "note: the node's registry is empty; using the data shipped with Comity", err=True
        )
    return found.registry


def _as_of(text: str | None) -> date:
    return parse_day(text, "--as-of") or date.today()  # noqa: DTZ011 (a calendar day)


@app.command("status")
def status_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day to report on (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    data: Annotated[list[Path] | None, typer.Option("--data", help=_DATA_HELP)] = None,
) -> None:
    """Signatories, instruments counted towards 40, entry into force and Parties."""
    day = _as_of(as_of)
    registry = _load(data)
    report = status(registry.actions, day, data_as_of=registry.as_of)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    lines = [f"UN Convention against Cybercrime: status on {day.isoformat()}"]
    if registry.as_of is not None and registry.as_of < day:
        lines.append(
            f"  note: the data is as of {registry.as_of.isoformat()}; later events are not shown"
        )
    lines.append(f"  signatories: {report.signatories}")
    if report.signatories_undetermined:
        lines.append(
            f"  signatures recorded without a known day, possibly made by then: "
            f"{report.signatories_undetermined}"
        )
    lines.append(
        f"  instruments counted towards {report.threshold} (Art 65(1)): "
        f"{report.instruments_counted}"
    )
    if report.entry_into_force is None:
        lines.append("  entry into force: not yet determined (fewer instruments than needed)")
    else:
        verb = "entered" if report.in_force else "enters"
        lines.append(f"  {verb} into force: {report.entry_into_force.isoformat()}")
    for m in report.parties:
        since = "date not yet known" if m.party_from is None else m.party_from.isoformat()
        lines.append(
            f"  - {display_name(m.participant)} ({m.participant}): {m.instrument.value} "
            f"deposited {m.deposited.isoformat()}, in force for it from {since}"
        )
    typer.echo("\n".join(lines))


@app.command("chart")
def chart_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file: .png or .svg.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last day drawn (YYYY-MM-DD).")
    ] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", help=_DATA_HELP)] = None,
) -> None:
    """Draw signatures and counted instruments against the threshold of 40."""
    day = _as_of(as_of)
    registry = _load(data)
    render_chart(registry.actions, output, day)
    typer.echo(str(output))


@app.command("import")
def import_command(
    files: Annotated[
        list[Path], typer.Argument(help="Treaty actions (.csv or .json), notifications, directory.")
    ],
) -> None:
    """Import registry files into the node, all or nothing (docs/formats/registry-*.md).

    The kinds of data the files bring (treaty actions, notifications, the directory, the
    data's as-of and sources) replace the node's; the others are kept.
    """
    engine = node_engine()
    result = registry_service.import_files(engine, files)
    replaced = ", ".join(result.replaced) or "nothing"
    typer.echo(
        f"imported snapshot {result.seq} (sha256 {result.sha256[:16]}...): replaced {replaced}; "
        f"{len(result.registry.actions)} treaty actions, "
        f"{len(result.registry.notifications)} notifications, "
        f"{len(result.registry.authorities)} authorities"
    )


@app.command("export")
def export_command(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file, not stdout.")
    ] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Only the treaty actions, as CSV.")] = False,
) -> None:
    """Export the node's registry as one JSON document (format comity.registry/1)."""
    found = registry_service.node_registry(node_engine())
    if found is None:
        raise NotFound("the node's registry is empty: nothing was imported yet")
    text = (
        found.registry.actions_csv()
        if csv
        else json.dumps(found.registry.to_json(), ensure_ascii=False, indent=2) + "\n"
    )
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(str(output))
