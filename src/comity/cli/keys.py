"""``comity keys``: create an authority's keys (age identity, Ed25519 signing key, public file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from comity.errors import ValidationFailed
from comity.evidence.keys import AuthorityKeys

app = typer.Typer(help="Create and inspect an authority's keys.", no_args_is_help=True)


@app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="Authority name; the key files are named after it.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory for the three key files.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the public keys as JSON.")] = False,
) -> None:
    """Create NAME.identity, NAME.signing-key (both mode 0600) and NAME.pub.json in DIR."""
    try:
        keys = AuthorityKeys.generate(name)
        paths = keys.write(output)
    except ValueError as exc:  # a bad name; an existing file is an OSError (exit 73)
        raise ValidationFailed(str(exc)) from None
    public = keys.public.to_json()
    if as_json:
        typer.echo(json.dumps({**public, "files": [str(p) for p in paths]}, indent=2))
        return
    for path in paths:
        typer.echo(f"wrote {path}")
    typer.echo(f"key id {public['key_id']}, age recipient {public['age_recipient']}")
