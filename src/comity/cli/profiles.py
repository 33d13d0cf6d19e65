"""``comity profiles``: import and export the node's national law profiles.

``import FILE...`` loads every file strictly, all or nothing (a bad file stops the command
with the file, line and reason, exit 65, and nothing is written); the profiles it brings
replace the node's profiles of the same States. ``export`` prints the node's profiles as JSON,
or writes one ``<STATE>.json`` file per State into a directory (``-o DIR``), which ``import``
reads back unchanged. Format: docs/formats/law-profiles.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from comity.errors import NotFound
from comity.rules.profiles import profile_to_json
from comity.services import law_profiles as service
from comity.services.node import node_engine

app = typer.Typer(
    help="National law profiles (comity.law-profile/1): import and export.",
    no_args_is_help=True,
)


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Profile files (YAML or JSON) or dirs.")],
) -> None:
    """Import law profiles into the node, all or nothing; then consider re-screening."""
    result = service.import_files(node_engine(), files)
    typer.echo(
        f"imported law profile snapshot {result.seq} (sha256 {result.sha256[:16]}...): "
        f"added {', '.join(result.added) or 'none'}; "
        f"replaced {', '.join(result.replaced) or 'none'}; "
        f"{len(result.profiles)} States in all"
    )
    typer.echo("note: run 'comity screening rescreen-all' to screen again with them", err=True)


@app.command("export")
def export_command(
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write <STATE>.json files into this directory."),
    ] = None,
) -> None:
    """Export the node's law profiles (JSON to stdout, or one file per State)."""
    stored = service.node_profiles(node_engine())
    if stored is None:
        raise NotFound("the node has no law profiles: nothing was imported yet")
    if output is None:
        body = {
            "seq": stored.seq,
            "sha256": stored.sha256,
            "profiles": [profile_to_json(stored.profiles[c]) for c in sorted(stored.profiles)],
        }
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    output.mkdir(parents=True, exist_ok=True)
    for code in sorted(stored.profiles):
        path = output / f"{code}.json"
        text = json.dumps(profile_to_json(stored.profiles[code]), ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")
        typer.echo(str(path))
