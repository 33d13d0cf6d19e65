"""``comity request``: check a draft offline, and print the request document's JSON Schema."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from comity.cases.completeness import raise_if_problems
from comity.cases.document import request_json_schema
from comity.cases.drafting import check_draft
from comity.errors import DataFileError, ValidationFailed
from comity.registry.snapshot import parse_files
from comity.services.node import existing_node_engine
from comity.services.registry import current_registry

app = typer.Typer(help="Requests: check drafts, print the document schema.", no_args_is_help=True)


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataFileError(f"cannot read the file: {error.strerror}", path=str(path)) from None
    except json.JSONDecodeError as error:
        raise DataFileError(f"not JSON: {error.msg}", path=str(path), line=error.lineno) from None


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
    data = _read_json(file)
    notifications = (
        parse_files(registry) if registry else current_registry(existing_node_engine()).registry
    ).notifications
    try:
        day = date.fromisoformat(today) if today else datetime.now(UTC).date()
    except ValueError:
        raise ValidationFailed(f"--today: {today!r} is not an ISO 8601 date") from None
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
