"""``comity rules`` and ``comity screen``: the safeguards engine offline (``comity.rules``).

``comity rules list`` lists the rules with their citations and confidence tags; ``comity rules
test PATH...`` runs scenario files and ends with ``N passed, M failed`` (exit 1 on a failure);
``comity screen FILE`` screens a request document against the registry and law profiles and
exits 1 when a finding blocks the request.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from comity.cases.document import RequestDocument
from comity.cli._options import parse_day
from comity.errors import ValidationFailed
from comity.registry import Registry, parse_files
from comity.registry.shipped import shipped_registry
from comity.rules import Inputs, Outcome, RuleSet, load_profiles, load_rules, screen, shipped_rules
from comity.rules._load import read_source
from comity.rules.scenarios import run_paths

app = typer.Typer(help="List the safeguard rules and run scenario files.", no_args_is_help=True)

_JSON = typer.Option(False, "--json", help="Print JSON for scripts.")
_RULES = typer.Option(None, "--rules", help="Rule files or directories instead of the shipped set.")


def _rules(paths: list[Path] | None) -> RuleSet:
    return load_rules(paths) if paths else shipped_rules()


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _tag(confidence: str) -> str:
    return f"[{confidence.replace('_', ' ').upper()}]"


@app.command("list")
def list_rules(json_: bool = _JSON, rules: list[Path] | None = _RULES) -> None:
    """List the rules with their citations (each with its confidence tag)."""
    ruleset = _rules(rules)
    if json_:
        _echo_json(
            {
                "version": ruleset.version,
                "digest": ruleset.digest,
                "rules": [
                    {
                        "id": r.id,
                        "title": r.text("title"),
                        "outcome": r.outcome.value,
                        "ground": r.ground,
                        "kinds": sorted(r.kinds),
                        "sides": sorted(s.value for s in r.sides),
                        "citations": [c.as_dict() for c in r.citations],
                    }
                    for r in ruleset.rules
                ],
            }
        )
        return
    for r in ruleset.rules:
        cites = ", ".join(f"{c.label} {_tag(c.confidence)}" for c in r.citations)
        typer.echo(f"{r.id}  {r.outcome.value}  {r.text('title')}\n    {cites}")
    typer.echo(f"{len(ruleset.rules)} rules, version {ruleset.version}")


_PATHS = typer.Argument(..., help="Scenario files or directories.")
_FILE = typer.Argument(..., help="A request document (JSON or YAML).")
_SIDE = typer.Option("requested", "--side", help="requesting or requested.")
_PROFILES = typer.Option(None, "--profiles", help="Law profile files or directories.")
_REGISTRY = typer.Option(None, "--registry", help="Registry files (default: the shipped registry).")
_DATE = typer.Option(None, "--date", help="Screen as of this day (default: today, UTC).")


@app.command("test")
def run_tests(paths: list[Path] = _PATHS, rules: list[Path] | None = _RULES) -> None:
    """Run scenario files; print each failure and a last line 'N passed, M failed'."""
    results = run_paths(paths, _rules(rules))
    failed = [r for r in results if not r.passed]
    for result in failed:
        for reason in result.failures:
            typer.echo(f"FAIL {result.path}: {reason}")
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed or not results:
        raise typer.Exit(1)


def _read_request(path: Path) -> RequestDocument:
    source = read_source(path)
    try:
        return RequestDocument.model_validate(
            json.loads(json.dumps(source.data, default=lambda v: v.isoformat()))
        )
    except ValueError as error:
        raise ValidationFailed(f"{path}: not a valid request document", [str(error)]) from None


def screen_command(
    file: Path = _FILE,
    json_: bool = _JSON,
    side: str = _SIDE,
    profiles: list[Path] | None = _PROFILES,
    registry: list[Path] | None = _REGISTRY,
    on: str | None = _DATE,
    rules: list[Path] | None = _RULES,
) -> None:
    """Screen a request offline; exit 1 when a finding blocks it."""
    day = parse_day(on, "--date") or dt.datetime.now(dt.UTC).date()
    document = _read_request(file)
    snapshot: Registry = parse_files(registry) if registry else shipped_registry()
    loaded = load_profiles(profiles or [])
    if side not in ("requesting", "requested"):
        raise ValidationFailed(f"--side must be requesting or requested, not {side!r}")
    report = screen(
        Inputs(_rules(rules), snapshot, loaded),
        document,
        side=side,
        on_date=day,
        screened_at=dt.datetime.now(dt.UTC),
    )
    if json_:
        _echo_json(report.as_dict())
    else:
        for f in report.findings:
            typer.echo(f"{f.outcome.value.upper()}  {f.id}: {f.title}")
            typer.echo("    " + ", ".join(f"{c.label} {_tag(c.confidence)}" for c in f.citations))
            if f.ground:
                typer.echo(f"    ground: {f.ground}")
            if f.look_at:
                typer.echo(f"    look at: {f.look_at}")
            for what, value in f.rests_on:
                typer.echo(f"    - {what}: {value}")
        typer.echo(f"{len(report.findings)} findings; {'clean' if report.clean else 'not clean'}")
    if any(f.outcome is Outcome.BLOCKS for f in report.findings):
        raise typer.Exit(1)
