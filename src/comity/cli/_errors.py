"""How the command line reports an error: one clear message on stderr and an exit code.

Every :class:`comity.errors.Error` that escapes a command ends here, and so does every
:class:`OSError` (a file that is missing, a directory where a file is needed, permission
denied ...), reported as ``error: PATH: REASON``; so no command prints a stack trace for bad
input. Exit codes follow sysexits(3) where one fits (the table :data:`EXIT_CODES`); for files:

* 66 EX_NOINPUT: the file named does not exist, or is a directory where a file is needed (or
  the reverse). An output file in a directory that does not exist reports the same way.
* 73 EX_CANTCREAT: an output file already exists; Comity never overwrites one.
* 77 EX_NOPERM: permission denied.
* 74 EX_IOERR: any other input or output failure (disk full, device error ...).

A file that is there but malformed (not UTF-8, not JSON, the wrong kind of key) is a
:class:`~comity.errors.DataFileError`, 65 EX_DATAERR, raised by the loader that knows the format.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click as click  # Typer's own copy of Click, whose types its groups use
from typer.core import TyperGroup

from comity import errors

#: Exit code for each kind of error; the first matching class in this order wins.
EXIT_CODES: tuple[tuple[type[errors.Error | OSError], int], ...] = (
    (errors.ValidationFailed, 1),
    (errors.SafeguardViolation, 1),
    (errors.DataFileError, 65),  # EX_DATAERR
    (errors.ImportRejected, 65),
    (errors.NotFound, 66),  # EX_NOINPUT
    (errors.DatabaseUnavailable, 69),  # EX_UNAVAILABLE
    (errors.SchemaOutOfDate, 69),
    (errors.StorageError, 74),  # EX_IOERR
    (errors.ConfigurationError, 78),  # EX_CONFIG
    (FileNotFoundError, 66),  # EX_NOINPUT
    (IsADirectoryError, 66),
    (NotADirectoryError, 66),
    (FileExistsError, 73),  # EX_CANTCREAT
    (PermissionError, 77),  # EX_NOPERM
    (OSError, 74),  # EX_IOERR
)


def exit_code_for(error: errors.Error | OSError) -> int:
    """The process exit code that reports ``error``; 1 where nothing more precise applies."""
    for cls, code in EXIT_CODES:
        if isinstance(error, cls):
            return code
    return 1


def message_for(error: errors.Error | OSError) -> str:
    """What ``error: ...`` says: the diagnostics of a Comity error, ``PATH: REASON`` for an
    OSError (without the errno, which tells a person nothing more)."""
    if isinstance(error, errors.Error):
        return error.diagnostics()
    paths = [str(p) for p in (error.filename, error.filename2) if p is not None]
    reason = error.strerror or str(error)
    return f"{' -> '.join(paths)}: {reason}" if paths else reason


@dataclass(frozen=True)
class LazyCommand:
    """A sub-command defined as ``attribute`` (a Typer app or a command function) in ``module``,
    imported the first time it is asked for."""

    name: str
    module: str
    attribute: str

    def load(self) -> click.Command:
        """The command as ``app.add_typer`` (or ``app.command``) would have registered it."""
        target = getattr(importlib.import_module(self.module), self.attribute)
        holder = typer.Typer()
        holder.callback()(_no_options)  # a callback keeps the holder a group
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=self.name)
        else:
            holder.command(self.name)(target)
        group = typer.main.get_command(holder)
        assert isinstance(group, TyperGroup)  # noqa: S101 - guaranteed by the callback
        command: click.Command = group.commands[self.name]
        return command


def _no_options() -> None:
    """The holder group's callback; it takes no options of its own."""


class ComityGroup(TyperGroup):
    """The root command group: sub-commands loaded on first use, and every Comity error and
    OSError turned into a message on stderr and an exit code."""

    lazy_commands: ClassVar[tuple[LazyCommand, ...]] = ()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(c.name for c in self.lazy_commands)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for lazy in self.lazy_commands:
            if lazy.name == cmd_name:
                return lazy.load()
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (errors.Error, OSError) as error:
            if isinstance(error, BrokenPipeError):
                raise  # the reader went away (``comity ... | head``): Typer ends quietly
            typer.echo(f"error: {message_for(error)}", err=True)
            raise typer.Exit(exit_code_for(error)) from None
