"""The ``comity`` command: thin Typer commands over the services.

Commands parse their arguments, call one use case, and print the result (``--json`` for
scripts). They never touch the database directly. Errors are reported by
:class:`comity.cli._errors.ComityGroup`.
"""

from __future__ import annotations

import typer

from comity import __version__
from comity.cli._errors import ComityGroup, LazyCommand

#: Every sub-command: its name, the module that defines it, and the Typer app or function there.
COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand("authority", "comity.cli.authority", "app"),
    LazyCommand("case", "comity.cli.case", "app"),
    LazyCommand("db", "comity.cli.db", "app"),
    LazyCommand("demo", "comity.cli.serve", "demo"),
    LazyCommand("evidence", "comity.cli.evidence", "app"),
    LazyCommand("keys", "comity.cli.keys", "app"),
    LazyCommand("ledger", "comity.cli.ledger", "app"),
    LazyCommand("profiles", "comity.cli.profiles", "app"),
    LazyCommand("registry", "comity.cli.registry", "app"),
    LazyCommand("request", "comity.cli.request", "app"),
    LazyCommand("rules", "comity.cli.rules", "app"),
    LazyCommand("screen", "comity.cli.rules", "screen_command"),
    LazyCommand("screening", "comity.cli.screening", "app"),
    LazyCommand("serve", "comity.cli.serve", "serve"),
    LazyCommand("treaty", "comity.cli.treaty", "app"),
)


class _Comity(ComityGroup):
    lazy_commands = COMMANDS


app = typer.Typer(
    name="comity",
    cls=_Comity,
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


# The sub-commands are imported only when used (see ComityGroup), so that a quick command such
# as ``comity treaty show 42`` does not load the web server and the database toolkit first.


def main() -> None:
    """Entry point of the ``comity`` console script."""
    app()


__all__ = ["app", "main"]
