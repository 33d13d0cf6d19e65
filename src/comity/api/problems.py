"""RFC 9457 problem details: the one place where domain errors become HTTP responses.

Each :class:`comity.errors.Error` class maps to a status code and a stable problem ``type``
URI (``urn:comity:problem:<slug>``, listed in docs/formats/problem-details.md). Routes raise
domain errors and never build error responses themselves.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from comity import errors
from comity.api.auth import NotConfigured
from comity.services.errors import PreconditionFailed, PreconditionRequired, Unauthenticated
from comity.services.evidence_transfer import RangeNotSatisfiable

__all__ = ["PROBLEMS", "PROBLEM_JSON", "install_problem_handlers", "problem_response"]

PROBLEM_JSON = "application/problem+json"

#: (error class, HTTP status, slug); the first class that matches wins, so subclasses come first.
PROBLEMS: tuple[tuple[type[errors.Error], int, str], ...] = (
    (NotConfigured, 503, "not-configured"),
    (Unauthenticated, 401, "unauthenticated"),
    (errors.ValidationFailed, 422, "validation-failed"),
    (errors.SafeguardViolation, 422, "safeguard-violation"),
    (errors.InvalidTransition, 409, "invalid-transition"),
    (PreconditionFailed, 412, "precondition-failed"),
    (PreconditionRequired, 428, "precondition-required"),
    (RangeNotSatisfiable, 416, "range-not-satisfiable"),
    (errors.Conflict, 409, "conflict"),
    (errors.ImportRejected, 422, "import-rejected"),
    (errors.DataFileError, 422, "data-file-error"),
    (errors.NotFound, 404, "not-found"),
    (errors.PermissionDenied, 403, "permission-denied"),
    (errors.SignatureInvalid, 422, "signature-invalid"),
    (errors.PackageIntegrityError, 422, "package-integrity"),
    (errors.LogConsistencyError, 409, "log-consistency"),
    (errors.DatabaseUnavailable, 503, "database-unavailable"),
    (errors.SchemaOutOfDate, 503, "schema-out-of-date"),
    (errors.StorageError, 503, "storage-error"),
    (errors.ConfigurationError, 500, "configuration-error"),
)

_log = structlog.get_logger("comity.api")


def problem_type(slug: str) -> str:
    """The stable URI that names a kind of problem."""
    return f"urn:comity:problem:{slug}"


def problem_response(
    status: int,
    slug: str,
    detail: str,
    instance: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A problem+json response with ``type``, ``title``, ``status``, ``detail`` and extensions."""
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    body.update(extensions)
    headers = dict(headers or {})
    if status == 503:
        headers.setdefault("Retry-After", "5")
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)


def _for_error(request: Request, error: errors.Error) -> JSONResponse:
    status, slug = 500, "internal-error"
    for cls, code, name in PROBLEMS:
        if isinstance(error, cls):
            status, slug = code, name
            break
    extensions: dict[str, Any] = {}
    if isinstance(error, errors.ValidationFailed):
        extensions["problems"] = error.problems
    if isinstance(error, errors.InvalidTransition):
        extensions["allowed"] = error.allowed
    headers = {"WWW-Authenticate": 'Bearer realm="comity"'} if status == 401 else None
    return problem_response(
        status, slug, str(error), request.url.path, headers=headers, **extensions
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error, expected or not, with problem+json and never a stack trace."""

    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, errors.Error):  # pragma: no cover - registered for Error only
            raise exc
        return _for_error(request, exc)

    async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, RequestValidationError):  # pragma: no cover
            raise exc
        found = [
            {"where": ".".join(str(part) for part in e["loc"]), "problem": e["msg"]}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{f['where']}: {f['problem']}" for f in found[:3])
        return problem_response(
            422,
            "invalid-request",
            f"the request is malformed: {summary}",
            request.url.path,
            errors=found,
        )

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, StarletteHTTPException):  # pragma: no cover
            raise exc
        slug = "not-found" if exc.status_code == 404 else "http-error"
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing is served at {request.url.path}"
        return problem_response(exc.status_code, slug, detail, request.url.path)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unexpected error", path=request.url.path)
        return problem_response(
            500,
            "internal-error",
            "an unexpected error occurred; it has been logged",
            request.url.path,
        )

    app.add_exception_handler(errors.Error, domain_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
