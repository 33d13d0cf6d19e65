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
from comity.cli.db import app as db_app  # noqa: E402
from comity.cli.ledger import app as ledger_app  # noqa: E402
from comity.cli.profiles import app as profiles_app  # noqa: E402
from comity.cli.registry import app as registry_app  # noqa: E402
from comity.cli.request import app as request_app  # noqa: E402
from comity.cli.rules import app as rules_app  # noqa: E402
from comity.cli.rules import screen_command  # noqa: E402
from comity.cli.screening import app as screening_app  # noqa: E402
from comity.cli.serve import demo, serve  # noqa: E402
from comity.cli.treaty import app as treaty_app  # noqa: E402

app.add_typer(db_app, name="db")
app.add_typer(ledger_app, name="ledger")
app.add_typer(profiles_app, name="profiles")
app.add_typer(registry_app, name="registry")
app.add_typer(request_app, name="request")
app.add_typer(rules_app, name="rules")
app.add_typer(screening_app, name="screening")
app.add_typer(treaty_app, name="treaty")
app.command("serve")(serve)
app.command("demo")(demo)
app.command("screen")(screen_command)


def main() -> None:
    """Entry point of the ``comity`` console script."""
    app()


__all__ = ["app", "main"]
