"""The ``comity`` command: thin Typer commands over the services.

Commands parse their arguments, call one use case, and print the result (``--json`` for
scripts). They never touch the database directly. Errors are reported by
:class:`comity.cli._errors.ComityGroup`.
"""

from __future__ import annotations

import typer

from comity import __version__
from comity.cli._errors import ComityGroup

app = typer.Typer(
    name="comity",
    cls=ComityGroup,
    help="Comity: cooperation under the UN Convention against Cybercrime.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"comity {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """Comity: cooperation under the UN Convention against Cybercrime."""


# Sub-commands, one module each; registered here and nowhere else.
# (each line: from comity.cli.<name> import app as <name>_app; app.add_typer(<name>_app, name=...))
from comity.cli.keys import app as keys_app  # noqa: E402

app.add_typer(keys_app, name="keys")
from comity.cli.evidence import app as evidence_app  # noqa: E402

app.add_typer(evidence_app, name="evidence")


def main() -> None:
    """Entry point of the ``comity`` console script."""
    app()


__all__ = ["app", "main"]
