"""``comity authority``: host authorities on this node and issue their API tokens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from comity.config import load_settings
from comity.services import authorities as service
from comity.services.authority_keys import export_keys as export_keys_service
from comity.services.node import open_node_engine

app = typer.Typer(
    help="Authorities hosted on this node: keys and API tokens.", no_args_is_help=True
)


@app.command("add")
def add(
    authority_id: Annotated[str, typer.Argument(help="Directory id, e.g. fra-central-authority.")],
    state: Annotated[str, typer.Option("--state", help="ISO 3166-1 alpha-3 code, or EU.")],
    role: Annotated[str, typer.Option("--role", help="central_authority, contact_point_24_7 ...")],
    name: Annotated[str, typer.Option("--name", help="The authority's name.")],
    language: Annotated[list[str], typer.Option("--language", help="Accepted language; repeat.")],
    email: Annotated[str, typer.Option("--email", help="Contact e-mail for the directory.")],
) -> None:
    """Host an authority: generate its signing and decryption keys (sealed with the node
    secret) and publish its entry in the node's directory."""
    with open_node_engine() as engine:
        hosted = service.add_authority(
            engine, load_settings(), authority_id=authority_id, state=state, role=role,
        name=name, languages=language, contact_email=email,
    )  # fmt: skip
    typer.echo(f"hosted {hosted.id} ({hosted.participant}, {hosted.role})")
    typer.echo(f"  signing key: {hosted.signing_key}")


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The authorities hosted on this node."""
    with open_node_engine() as engine:
        found = service.list_authorities(engine)
    if as_json:
        typer.echo(json.dumps([a.to_json() for a in found], ensure_ascii=False, indent=2))
        return
    for a in found:
        typer.echo(f"{a.id}  {a.participant}  {a.role}  {a.name}")


@app.command("token")
def token(authority_id: Annotated[str, typer.Argument(help="A hosted authority's id.")]) -> None:
    """Issue a new API token for an authority. It is printed once and never stored."""
    with open_node_engine() as engine:
        typer.echo(service.issue_token(engine, authority_id))


@app.command("export-keys")
def export_keys(
    authority_id: Annotated[str, typer.Argument(help="A hosted authority's id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory for the key files.")],
) -> None:
    """Write a hosted authority's keys as ID.identity, ID.signing-key and ID.pub.json, so
    its custodians can seal (receipts that verify against the directory) and open evidence
    with 'comity evidence' or 'age'. The export is recorded in the ledger. Keep the files
    secret; existing files are never overwritten."""
    with open_node_engine() as engine:
        keys = export_keys_service(engine, load_settings(), authority_id)
    for path in keys.write(output):
        typer.echo(f"wrote {path}")
