"""How the command line reports a deliberate error: one clear message and an exit code.

Every :class:`comity.errors.Error` that escapes a command ends here, so no command prints a
stack trace for bad input. Exit codes follow sysexits(3) where one fits.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from comity import errors

#: Exit code for each kind of error; the first matching class in this order wins.
EXIT_CODES: tuple[tuple[type[errors.Error], int], ...] = (
    (errors.ValidationFailed, 1),
    (errors.SafeguardViolation, 1),
    (errors.DataFileError, 65),  # EX_DATAERR
    (errors.ImportRejected, 65),
    (errors.NotFound, 66),  # EX_NOINPUT
    (errors.DatabaseUnavailable, 69),  # EX_UNAVAILABLE
    (errors.SchemaOutOfDate, 69),
    (errors.StorageError, 74),  # EX_IOERR
    (errors.ConfigurationError, 78),  # EX_CONFIG
)


def exit_code_for(error: errors.Error) -> int:
    """The process exit code that reports ``error``; 1 where nothing more precise applies."""
    for cls, code in EXIT_CODES:
        if isinstance(error, cls):
            return code
    return 1


class ComityGroup(TyperGroup):
    """A command group that turns a Comity error into a message on stderr and an exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except errors.Error as error:
            typer.echo(f"error: {error.diagnostics()}", err=True)
            raise typer.Exit(exit_code_for(error)) from None
