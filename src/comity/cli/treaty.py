"""``comity treaty``: check and read the Convention data (``comity.treaty``).

Every provision is printed with its confidence tag in capitals, so unverified text is never
shown as if it were certain. ``--json`` output carries the tag of every citation.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import typer

from comity.treaty import (
    Confidence,
    Instrument,
    Provision,
    cited_by_dict,
    kind_dict,
    load_instrument,
    load_instrument_dir,
    provision_dict,
)

app = typer.Typer(help="Read and check the Convention data.", no_args_is_help=True)

_INSTRUMENT = typer.Option("uncc", "--instrument", "-i", help="Instrument key.")
_JSON = typer.Option(False, "--json", help="Print JSON for scripts.")
_DATA = typer.Option(None, "--data", help="Check this data directory instead of the shipped data.")
_ARTICLE = re.compile(r"^(?:art(?:icle)?\.?\s*)?([1-9][0-9]*)(?:\(([1-9][0-9]*)\))?$", re.I)
_WARNING = (
    "Tags other than VERIFIED were not checked against the official text: "
    "confirm them before relying on them."
)


def tag(confidence: Confidence) -> str:
    """The tag as shown to people: ``[VERIFIED]``, ``[PARAGRAPH UNCERTAIN]`` ..."""
    return f"[{confidence.value.replace('_', ' ').upper()}]"


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _meta(instrument: Instrument) -> dict[str, Any]:
    return {
        "instrument": instrument.key,
        "version": instrument.info.version,
        "as_of": instrument.info.as_of.isoformat(),
    }


@app.command()
def check(
    instrument: str = _INSTRUMENT,
    data: Path | None = _DATA,
    as_json: bool = _JSON,
) -> None:
    """Load the data strictly and print a one-line summary; exit 65 naming file:line if bad."""
    loaded = load_instrument_dir(data) if data is not None else load_instrument(instrument)
    tags = Counter(p.confidence for p in loaded.provisions)
    counts = {
        "provisions": len(loaded.provisions),
        "not_verified": len(loaded.unverified()),
        "offences": len(loaded.offences),
        "request_kinds": len(loaded.kinds),
        "refusal_grounds": len(loaded.grounds),
        "never_grounds": len(loaded.never_grounds),
        "duties": len(loaded.duties),
        "time_rules": len(loaded.time_rules),
        "notifications": len(loaded.notifications),
    }
    if as_json:
        _echo_json(
            {**_meta(loaded), **counts, "confidence": {t.value: tags[t] for t in Confidence}}
        )
        return
    by_tag = ", ".join(f"{tags[t]} {t.value}" for t in Confidence)
    typer.echo(
        f"{loaded.key} {loaded.info.version} (as of {loaded.info.as_of}): OK: "
        f"{counts['provisions']} provisions ({by_tag}), {counts['offences']} offences, "
        f"{counts['request_kinds']} request kinds, {counts['refusal_grounds']} refusal grounds, "
        f"{counts['never_grounds']} never-grounds, {counts['duties']} duties, "
        f"{counts['time_rules']} time rules, {counts['notifications']} notifications; "
        f"{counts['not_verified']} provisions not verified"
    )


def _parse_article(text: str) -> tuple[int, int | None]:
    match = _ARTICLE.match(text.strip())
    if match is None:
        raise typer.BadParameter(f"{text!r} is not an article number such as 42 or 42(7)")
    return int(match[1]), int(match[2]) if match[2] else None


def _echo_provision(loaded: Instrument, provision: Provision) -> None:
    head = f"Art {provision.article}"
    if provision.paragraph is not None:
        head = f"  Art {provision.article}({provision.paragraph})"
    else:
        head = f"{loaded.info.citation_prefix} {head}"
    indent = "    " if provision.paragraph is not None else "  "
    sources = ", ".join(provision.sources) or "none"
    typer.echo(f"{head} {tag(provision.confidence)} {provision.title}")
    typer.echo(f"{indent}{provision.paraphrase}")
    for letter, text in provision.items.items():
        typer.echo(f"{indent}  ({letter}) {text}")
    typer.echo(f"{indent}sources: {sources}")


@app.command()
def show(
    article: str = typer.Argument(..., help="Article number, e.g. 42, or a paragraph, e.g. 42(7)."),
    instrument: str = _INSTRUMENT,
    as_json: bool = _JSON,
) -> None:
    """Print an article (or one paragraph) with its tags, and everything in the data citing it."""
    loaded = load_instrument(instrument)
    number, paragraph = _parse_article(article)
    if paragraph is None:
        provisions = loaded.article(number)
    else:
        provisions = (loaded.provision(number), loaded.provision(number, paragraph))
    cited = loaded.citing(number, paragraph)
    if as_json:
        _echo_json(
            {
                **_meta(loaded),
                "provisions": [provision_dict(p) for p in provisions],
                "cited_by": [cited_by_dict(loaded, e) for e in cited],
            }
        )
        return
    for provision in provisions:
        _echo_provision(loaded, provision)
    typer.echo(f"Cited by ({len(cited)}):")
    for entry in cited:
        confidence = loaded.confidence(entry.citation)
        typer.echo(f"  {entry.section:<15} {entry.key:<45} {entry.citation} {tag(confidence)}")
    if any(not p.confidence.is_certain for p in provisions):
        typer.echo(_WARNING)


@app.command()
def kinds(instrument: str = _INSTRUMENT, as_json: bool = _JSON) -> None:
    """List the request kinds with their required contents, each with citation and tag."""
    loaded = load_instrument(instrument)
    if as_json:
        _echo_json({**_meta(loaded), "kinds": [kind_dict(loaded, k) for k in loaded.kinds]})
        return
    for kind in loaded.kinds:
        first = kind.cites[0]
        typer.echo(
            f"{kind.key} - {kind.title} - {loaded.label(first)} {tag(loaded.confidence(first))}"
        )
        typer.echo(f"  channels: {', '.join(ch.channel for ch in kind.channels)}")
        for part, items in (("required", kind.required), ("optional", kind.optional)):
            if items:
                typer.echo(f"  {part}:")
            for item in items:
                cites = "; ".join(f"{c} {tag(loaded.confidence(c))}" for c in item.cites)
                when = f" ({item.condition})" if item.condition else ""
                typer.echo(f"    - {item.key}{when}: {item.label} - {cites}")
    typer.echo(_WARNING)
