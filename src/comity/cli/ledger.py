"""``comity ledger``: the node's transparency log, for its operator and for auditors.

Node-side commands (need the node's settings and database): ``public-key``, ``new-key``,
``sequence``, ``export-event``. Auditor commands (need only the node's URL and verifier key):
``verify``, ``prove``, ``stats``.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from comity.cli._remote import RemoteNode
from comity.config import load_settings
from comity.errors import LogConsistencyError
from comity.ledger.audit import EventFile, prove_from_tiles
from comity.ledger.checkpoint import checkpoint_of
from comity.ledger.note import Ed25519Signer
from comity.services import transparency
from comity.services.audit import audit_log, check_statistics
from comity.services.log_key import load_log_signer, write_new_key
from comity.services.sequencer import DEFAULT_MAX_BATCH, sequence_pending
from comity.storage import migrate
from comity.storage.engine import connect, ping

app = typer.Typer(
    help="The node's transparency log: keys, sequencing, proofs, audits.", no_args_is_help=True
)

STATS_PATH = "api/v1/transparency/statistics"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@app.command("public-key")
def public_key() -> None:
    """Print the node's log verifier key (<name>+<key id>+<base64 key>)."""
    typer.echo(load_log_signer(load_settings()).verifier.vkey)


@app.command("new-key")
def new_key(
    name: Annotated[str, typer.Argument(help="Key name: the node's name (COMITY_NODE_NAME).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to create (mode 0600).")],
) -> None:
    """Create a new log signing key in FILE and print its verifier key."""
    typer.echo(write_new_key(output, name).verifier.vkey)


@contextmanager
def _open_node() -> Iterator[tuple[Engine, Ed25519Signer]]:
    settings = load_settings()
    engine = connect(settings.database_url)
    try:
        ping(engine)
        migrate.check_at_head(engine)
        yield engine, load_log_signer(settings)
    finally:
        engine.dispose()


@app.command("sequence")
def sequence(
    max_batch: int = typer.Option(DEFAULT_MAX_BATCH, min=1, help="Events per transaction."),
) -> None:
    """Sequence every pending event into the log now (the server does this every second)."""
    total = 0
    with _open_node() as (engine, signer):
        while True:
            done = sequence_pending(engine, signer, max_batch=max_batch)
            total += done.appended
            if done.appended < max_batch:
                break
    cp = checkpoint_of(done.checkpoint)
    typer.echo(f"sequenced {total} events; tree size {cp.size}, root {_b64(cp.root)}")


@app.command("export-event")
def export_event(
    seq: Annotated[int, typer.Argument(min=1, help="The event's journal sequence number.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Event file to write (mode 0600).")
    ],
) -> None:
    """Write the event file (event, salt, leaf index) that lets a court or auditor check it."""
    with _open_node() as (engine, signer):
        event_file = transparency.export_event(engine, signer, seq)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(event_file.encode())
    where = (
        "not sequenced yet" if event_file.leaf_index is None else f"leaf {event_file.leaf_index}"
    )
    typer.echo(f"event {seq} ({where}) written to {output}")


@app.command("verify")
def verify(
    url: str = typer.Argument(..., help="The node's URL (or its /log prefix)."),
    key: str = typer.Option(..., "--key", help="The log's verifier key."),
    state: Annotated[
        Path | None,
        typer.Option(help="State file (default: per log, under the user's data directory)."),
    ] = None,
    full: bool = typer.Option(
        True, "--full/--light", help="Check every entry (full) or only the root and consistency."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Verify a node's log: signature, root from tiles, consistency with the last run.

    On a fork or rollback both checkpoints are printed as proof and the exit code is 1.
    """
    with RemoteNode(url) as node:
        result = audit_log(node.fetch_log(), key, state_file=state, full=full)
    cp = result.checkpoint.checkpoint
    if json_output:
        typer.echo(
            json.dumps(
                {
                    "origin": cp.origin,
                    "tree_size": cp.size,
                    "root": _b64(cp.root),
                    "entries_checked": result.entries_checked,
                    "previous_size": result.previous_size,
                    "cosignatures": [c.witness for c in result.cosignatures],
                }
            )
        )
        return
    since = "first check" if result.previous_size is None else f"extends {result.previous_size}"
    typer.echo(
        f"ok: {cp.origin} tree size {cp.size} root {_b64(cp.root)} "
        f"({result.entries_checked} entries checked, {since})"
    )


@app.command("prove")
def prove(
    event_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Event file.")],
    url: str | None = typer.Option(None, "--url", help="Node URL (default: the local database)."),
    key: str | None = typer.Option(None, "--key", help="Log verifier key (with --url)."),
    json_output: bool = typer.Option(False, "--json", help="Print the proof as JSON."),
) -> None:
    """Show and check the inclusion proof of an exported event and its salt."""
    exported = EventFile.decode(event_file.read_bytes())
    if url is not None:
        if key is None:
            raise typer.BadParameter("--key is required with --url", param_hint="--key")
        with RemoteNode(url) as node:
            proof, entry = prove_from_tiles(node.fetch_log(), key, exported)
    else:
        with _open_node() as (engine, signer):
            fetch = transparency.local_fetch(engine, signer)
            proof, entry = prove_from_tiles(fetch, key or signer.verifier.vkey, exported)
    cp = proof.checkpoint.checkpoint
    data = {
        "origin": cp.origin,
        "leaf_index": proof.index,
        "tree_size": cp.size,
        "root": _b64(cp.root),
        "commitment": entry.commitment.hex(),
        "header": dict(entry.header),
        "inclusion_proof": [_b64(h) for h in proof.inclusion],
        "checkpoint": proof.checkpoint.note.decode(),
    }
    if json_output:
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(f"ok: event {exported.seq} is leaf {proof.index} of {cp.origin} tree size {cp.size}")
    typer.echo(f"root        {data['root']}")
    typer.echo(f"commitment  {data['commitment']}")
    typer.echo(f"header      {json.dumps(data['header'], sort_keys=True)}")
    for i, h in enumerate(proof.inclusion):
        typer.echo(f"path[{i:2d}]    {_b64(h)}")


@app.command("stats")
def stats(
    url: str = typer.Argument(..., help="The node's URL."),
    key: str = typer.Option(..., "--key", help="The log's verifier key."),
    state: Annotated[Path | None, typer.Option(help="State file (as for verify).")] = None,
    json_output: bool = typer.Option(False, "--json", help="Print the recomputed figures."),
) -> None:
    """Recompute the node's published statistics from the log's public headers; exit 1 if
    they differ."""
    entries: list[bytes] = []
    with RemoteNode(url) as node:
        published = node.get(STATS_PATH)
        size_text = published.headers.get("Comity-Tree-Size", "")
        if not size_text.isdigit():
            raise LogConsistencyError("the node's statistics do not name their tree size")
        result = audit_log(node.fetch_log(), key, state_file=state, entries=entries)
    check = check_statistics(entries, published.content, int(size_text))
    if json_output:
        typer.echo(check.recomputed.decode())
    rows = len(json.loads(check.recomputed)["rows"])
    if not check.matches:
        raise LogConsistencyError(
            f"the published statistics differ from those recomputed from the first "
            f"{check.tree_size} entries of the verified log"
        )
    if not json_output:
        typer.echo(
            f"ok: statistics match ({rows} rows over {check.tree_size} entries; "
            f"log verified at tree size {result.checkpoint.checkpoint.size})"
        )
