"""Every error Comity raises on purpose, in one tree.

Domain errors never carry HTTP status codes or exit codes: ``comity.api`` maps them to RFC 9457
problem+json in one place, and ``comity.cli`` maps them to an exit code and a one-line message
built from :meth:`Error.diagnostics`. Anything that is not an :class:`Error` is a bug.

::

    Error
    ├── ConfigurationError          a COMITY_ setting is missing or has a bad value
    ├── DataFileError               a shipped or imported data file is malformed (file, line)
    │   └── TreatyDataError         the Convention data (treaty/data) is inconsistent
    ├── NotFound                    a provision, participant, request, package ... does not exist
    ├── StorageError                the database cannot do what was asked
    │   ├── DatabaseUnavailable     the database cannot be reached
    │   └── SchemaOutOfDate         the database is not migrated to the code's head revision
    ├── ImportRejected              an all-or-nothing import found a bad row; nothing was written
    ├── ValidationFailed            a document lacks required contents (each item with its citation)
    ├── InvalidTransition           a lifecycle action not allowed from the current state
    ├── Conflict                    a concurrent update (ETag / If-Match) or idempotency clash
    ├── PermissionDenied            the acting authority may not do this
    ├── SafeguardViolation          screening blocks the request as it stands
    ├── SignatureInvalid            a signed message or note fails verification
    ├── LogConsistencyError         the Merkle log is inconsistent: fork, rollback, bad proof
    └── PackageIntegrityError       an evidence package is damaged, tampered with or not ours
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "Conflict",
    "DataFileError",
    "DatabaseUnavailable",
    "Error",
    "ImportRejected",
    "InvalidTransition",
    "LogConsistencyError",
    "NotFound",
    "PackageIntegrityError",
    "PermissionDenied",
    "SafeguardViolation",
    "SchemaOutOfDate",
    "SignatureInvalid",
    "StorageError",
    "TreatyDataError",
    "ValidationFailed",
]


class Error(Exception):
    """Base of every deliberate Comity error.

    ``str(error)`` is one line that names the cause; :meth:`diagnostics` may add detail for a
    human reader (several lines, never a stack trace, never secret material).
    """

    def diagnostics(self) -> str:
        """A human-readable explanation of what went wrong and what to do about it."""
        return str(self)


class ConfigurationError(Error):
    """A ``COMITY_`` setting is missing or has a value Comity cannot use."""


class DataFileError(Error):
    """A data file is malformed. The message names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class TreatyDataError(DataFileError):
    """The Convention data is inconsistent (unknown key, missing citation, dangling reference)."""


class NotFound(Error):
    """The thing asked for does not exist (or the caller may not know that it exists)."""


class StorageError(Error):
    """The database could not do what was asked."""


class DatabaseUnavailable(StorageError):
    """The database cannot be reached."""


class SchemaOutOfDate(StorageError):
    """The database is not migrated to the revision this code expects."""


class ImportRejected(Error):
    """An all-or-nothing import found a bad row. Nothing was written."""

    def __init__(self, message: str, *, source: str, row: int | None = None) -> None:
        self.source = source
        self.row = row
        where = f"{source}, row {row}" if row is not None else source
        super().__init__(f"{where}: {message}")


class ValidationFailed(Error):
    """A document lacks required contents or carries invalid ones.

    ``problems`` holds every problem found, each a one-line text with its citation, so that a
    drafter sees them all at once.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        super().__init__(message)

    def diagnostics(self) -> str:
        return "\n".join([str(self), *(f"  - {p}" for p in self.problems)])


class InvalidTransition(Error):
    """A lifecycle action is not allowed from the current state."""

    def __init__(self, message: str, *, allowed: list[str] | None = None) -> None:
        self.allowed = list(allowed or [])
        super().__init__(message)

    def diagnostics(self) -> str:
        allowed = ", ".join(self.allowed) if self.allowed else "none (the state is final)"
        return f"{self}\n  allowed from here: {allowed}"


class Conflict(Error):
    """A concurrent update or a reused idempotency key with a different body."""


class PermissionDenied(Error):
    """The acting authority may not do this."""


class SafeguardViolation(Error):
    """Screening found a finding that blocks the request as it stands."""


class SignatureInvalid(Error):
    """A signature does not verify against the key it claims."""


class LogConsistencyError(Error):
    """The Merkle log is inconsistent: a fork, a rollback, or a proof that does not verify."""


class PackageIntegrityError(Error):
    """An evidence package is damaged, tampered with, or not addressed to this identity."""
