"""``comity evidence``: seal, verify, open, upload and download packages; show custody.

Thin commands over :mod:`comity.evidence`; long runs show a rich progress bar on a terminal.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

if TYPE_CHECKING:
    from comity.cli._evidence_client import EvidenceClient
from comity.errors import DataFileError, PackageIntegrityError, ValidationFailed
from comity.evidence import (
    ACTIONS,
    AgeRecipient,
    AuthorityKeys,
    CustodyLog,
    ItemSource,
    PublicAuthority,
    check_package,
    load_identities,
    load_public,
    load_receipt,
    load_signing_keys,
    open_package,
    receipt_path,
    seal,
    to_case,
)
from comity.evidence.custody import check_person
from comity.evidence.manifest import check_request
from comity.evidence.signing import canonical

app = typer.Typer(help="Seal, verify and open evidence packages.", no_args_is_help=True)

#: Below this many bytes a run takes well under a second: no progress bar.
PROGRESS_THRESHOLD = 128 << 20


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None] | None]:
    console = Console(stderr=True)
    if total < PROGRESS_THRESHOLD or not console.is_terminal:
        yield None
        return
    columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(f"[bold]{label}", *columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


@contextmanager
def _naming(package: Path) -> Iterator[None]:
    """Put the package's name, as the user gave it, in front of an integrity error."""
    try:
        yield
    except PackageIntegrityError as error:
        raise PackageIntegrityError(f"{package}: {error}") from None


def _recipient(text: str) -> PublicAuthority | AgeRecipient:
    if text.startswith("age1"):
        try:
            return AgeRecipient.parse(text)
        except ValueError as exc:
            raise ValidationFailed(f"bad recipient {text!r}: {exc}") from None
    path = Path(text)
    if not path.is_file():
        raise ValidationFailed(f"recipient {text!r} is neither an age1... key nor a .pub.json file")
    return load_public(path)


def _checked(option: str, check: Callable[[str], str], value: str) -> str:
    """``check(value)``; its ValueError becomes one line naming ``option``."""
    try:
        return check(value)
    except ValueError as exc:
        raise ValidationFailed(f"{option}: {exc}") from None


def _person(by: str | None) -> str:
    if by is None:
        try:
            by = getpass.getuser()
        except (KeyError, OSError):  # a user with no login name, as in some containers
            raise ValidationFailed("cannot tell who you are: give --by NAME") from None
    return _checked("--by", check_person, by)


#: The keys that sign a custody event, and the person who acted.
Signer = tuple[AuthorityKeys, str]


def _signer(sign_key: Path | None, by: str | None) -> Signer | None:
    """Who signs the custody event (None without --sign-key). Commands call this before they
    do anything, so that a bad key file stops them before they write."""
    return None if sign_key is None else (load_signing_keys(sign_key), _person(by))


def _record(package: Path, action: str, signer: Signer | None, sha: str) -> None:
    if signer is not None:
        keys, person = signer
        CustodyLog.beside(package).append(action, package_sha256=sha, keys=keys, person=person)


def _producers(paths: list[Path] | None) -> list[PublicAuthority] | None:
    return [load_public(p) for p in paths] if paths else None


def _client(node: str, token: str) -> EvidenceClient:
    """The node's evidence API; its HTTP client loads only for the commands that talk to one."""
    from comity.cli._evidence_client import EvidenceClient

    return EvidenceClient(node, token)


@app.command("seal")
def seal_command(
    files: Annotated[list[Path], typer.Argument(help="The files to seal, one item each.")],
    request: Annotated[str, typer.Option("--request", help="The request this evidence answers.")],
    to: Annotated[list[str], typer.Option("--to", help="A recipient: a .pub.json file or age1...")],
    sign_key: Annotated[Path, typer.Option("--sign-key", help="The producer's NAME.signing-key.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The package file to write.")],
    by: Annotated[
        str | None, typer.Option("--by", help="Person sealing (default: login name).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the receipt as JSON.")] = False,
) -> None:
    """Seal FILES for the recipients into one package, with its receipt and custody log."""
    request = _checked("--request", check_request, request)
    person = _person(by)
    producer = load_signing_keys(sign_key)
    recipients = [_recipient(t) for t in to]
    total = sum(f.stat().st_size for f in files if f.is_file())
    with _progress("sealing", total) as progress:
        sealed = seal(
            [ItemSource(f) for f in files],
            request=request,
            producer=producer,
            recipients=recipients,
            output=output,
            person=person,
            progress=progress,
        )
    if as_json:
        typer.echo(json.dumps(sealed.receipt, indent=2))
        return
    typer.echo(f"sealed {len(sealed.manifest.items)} item(s) into {sealed.path}")
    typer.echo(f"package sha256 {sealed.sha256}; receipt {sealed.receipt_path}")


@app.command("verify")
def verify_command(
    package: Annotated[Path, typer.Argument(help="The package file.")],
    identity: Annotated[
        Path | None, typer.Option("--identity", help="A recipient's identity.")
    ] = None,
    producer: Annotated[
        list[Path] | None,
        typer.Option("--producer", help="Accept only this producer (.pub.json); repeatable."),
    ] = None,
    sign_key: Annotated[
        Path | None, typer.Option("--sign-key", help="Record 'verified' custody.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Person verifying (default: login name).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check the receipt; with --identity also decrypt and check everything, writing nothing."""
    size = package.stat().st_size
    producers = _producers(producer)
    signer = _signer(sign_key, by)
    result: dict[str, Any] = {"package": str(package)}
    if identity is None:
        rpath = receipt_path(package)
        if not rpath.exists():
            raise DataFileError("no receipt beside the package", path=str(rpath))
        receipt = load_receipt(rpath, producers)
        with _naming(package), _progress("hashing", size) as progress:
            check_package(package, receipt, progress)
        sha = receipt.package_sha256
        result |= {"receipt": "ok", "sha256": sha, "producer": receipt.producer.party()}
    else:
        with _naming(package), _progress("verifying", size) as progress:
            opened = open_package(
                package, load_identities(identity), producers=producers, progress=progress
            )
        sha = opened.sha256
        result |= {
            "receipt": "ok" if opened.receipt is not None else "absent",
            "sha256": sha,
            "producer": opened.producer.party(),
            "manifest": opened.manifest.to_json(),
        }
    _record(package, "verified", signer, sha)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"{package}: verified (sha256 {sha})")
    typer.echo(f"producer {result['producer']['name']} <{result['producer']['key_id']}>")
    if "manifest" in result:
        for item in result["manifest"]["items"]:
            typer.echo(f"  {item['name']}  {item['size']} bytes  sha256 {item['sha256']}")
    else:
        typer.echo("receipt checked; contents not checked (give --identity to check them)")


@app.command("open")
def open_command(
    package: Annotated[Path, typer.Argument(help="The package file.")],
    identity: Annotated[Path, typer.Option("--identity", help="A recipient's identity file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory to create.")],
    producer: Annotated[
        list[Path] | None,
        typer.Option("--producer", help="Accept only this producer (.pub.json); repeatable."),
    ] = None,
    sign_key: Annotated[
        Path | None, typer.Option("--sign-key", help="Record 'opened' custody.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Person opening (default: login name).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Write the items into DIR only if everything verifies; otherwise write nothing."""
    identities = load_identities(identity)
    producers = _producers(producer)
    signer = _signer(sign_key, by)
    with _naming(package), _progress("opening", package.stat().st_size) as progress:
        opened = open_package(
            package, identities, output=output, producers=producers, progress=progress
        )
    _record(package, "opened", signer, opened.sha256)
    if as_json:
        typer.echo(json.dumps(opened.manifest.to_json(), indent=2))
        return
    typer.echo(f"opened {len(opened.manifest.items)} item(s) into {output / 'items'}")


class CustodyFormat(StrEnum):
    """Output formats of ``comity evidence custody``."""

    text = "text"
    json = "json"
    case = "case"


@app.command("custody")
def custody_command(
    package: Annotated[Path, typer.Argument(help="The package file.")],
    fmt: Annotated[
        CustodyFormat, typer.Option("--format", help="text, json or case.")
    ] = CustodyFormat.text,
    add: Annotated[
        str | None, typer.Option("--add", help=f"Record an event: {', '.join(ACTIONS)}.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Person acting (default: login name).")
    ] = None,
    sign_key: Annotated[
        Path | None, typer.Option("--sign-key", help="Key that signs the event.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for the event.")] = None,
    identity: Annotated[
        Path | None,
        typer.Option("--identity", help="With --format case: also verify and list the items."),
    ] = None,
) -> None:
    """Show (and check) the chain of custody, or add a signed event to it with --add."""
    log = CustodyLog.beside(package)
    if add is not None:
        if sign_key is None:
            raise ValidationFailed("--add needs --sign-key to sign the event")
        events = log.read()
        if not events:
            raise DataFileError("no custody log beside the package", path=str(log.path))
        try:
            log.append(
                add,
                package_sha256=str(events[0].document["package_sha256"]),
                keys=load_signing_keys(sign_key),
                person=_person(by),
                note=note,
            )
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None
    events = log.read()
    if not events:
        raise DataFileError("no custody log beside the package", path=str(log.path))
    if fmt is CustodyFormat.json:
        typer.echo(json.dumps([e.document for e in events], indent=2))
    elif fmt is CustodyFormat.case:
        manifest = None
        sha = str(events[0].document["package_sha256"])
        if identity is not None:
            with _naming(package):
                manifest = open_package(package, load_identities(identity)).manifest
        doc = to_case(
            package_name=package.name,
            package_sha256=sha,
            package_size=package.stat().st_size,
            events=events,
            manifest=manifest,
        )
        typer.echo(canonical(doc).decode())
    else:
        typer.echo(
            f"chain of custody of {package.name} (sha256 {events[0].document['package_sha256']})"
        )
        for e in events:
            note_text = f"  ({e.document['note']})" if "note" in e.document else ""
            typer.echo(
                f"{e.seq:3d}  {e.time}  {e.action:<11}  {e.person} for "
                f"{e.authority.name} <{e.authority.key_id}>{note_text}"
            )
        typer.echo(f"{len(events)} event(s); signatures and hash chain verified")


NodeOption = Annotated[
    str, typer.Option("--node", help="The node's base URL, e.g. https://node.example.")
]
TokenOption = Annotated[
    str,
    typer.Option(
        "--token", envvar="COMITY_TOKEN", help="The authority's API token (or COMITY_TOKEN)."
    ),
]


@app.command("upload")
def upload_command(
    package: Annotated[Path, typer.Argument(help="The package file (its receipt beside it).")],
    node: NodeOption,
    token: TokenOption,
    request: Annotated[str, typer.Option("--request", help="The request it answers.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the package as JSON.")] = False,
) -> None:
    """Upload a sealed package to the node for the requesting authority. Run it again after
    an interruption: the node says how much it holds and the upload goes on from there."""
    with (
        _client(node, token) as client,
        _progress("uploading", package.stat().st_size) as progress,
    ):
        accepted = client.upload(package, request, progress=progress)
    if as_json:
        typer.echo(json.dumps(accepted, indent=2))
        return
    typer.echo(f"accepted by the node as {accepted['id']} for {accepted['recipient_authority']}")
    typer.echo(f"package sha256 {accepted['package_sha256']} ({accepted['package_size']} bytes)")


@app.command("download")
def download_command(
    package: Annotated[str, typer.Argument(help="The package id on the node.")],
    node: NodeOption,
    token: TokenOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The package file to write.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the package as JSON.")] = False,
) -> None:
    """Download a package sent to your authority; an interrupted download resumes from
    OUTPUT.part. The file is checked against the producer's signed receipt before it is kept."""
    with _client(node, token) as client, _progress("downloading", 0) as progress:
        meta = client.download(package, output, progress=progress)
    if as_json:
        typer.echo(json.dumps(meta, indent=2))
        return
    typer.echo(f"downloaded {output} ({meta['package_size']} bytes), matching its receipt")
    typer.echo(f"receipt {receipt_path(output)}; node custody {output.name}.node-custody.jsonl")
