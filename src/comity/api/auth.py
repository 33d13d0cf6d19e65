"""The node administrator's bearer token, until accounts and API tokens exist.

Endpoints that show or change screening data depend on :func:`require_admin`: the request
must carry ``Authorization: Bearer <token>`` (RFC 6750 §2.1) with the token held in the file
that ``COMITY_ADMIN_TOKEN_FILE`` names (compared in constant time). While that setting is
unset, those endpoints answer ``503`` (problem ``not-configured``): they are never open.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from comity.api.deps import SettingsDep
from comity.errors import ConfigurationError
from comity.services.errors import Unauthenticated

__all__ = ["AdminDep", "NotConfigured", "Unauthenticated", "require_admin"]


class NotConfigured(ConfigurationError):
    """A feature needs a setting the node administrator has not made."""


def require_admin(request: Request, settings: SettingsDep) -> None:
    """Let the request through only with the administrator's bearer token."""
    if settings.admin_token_file is None:
        raise NotConfigured(
            "the node administrator's API is not configured: set COMITY_ADMIN_TOKEN_FILE"
        )
    try:
        expected = settings.admin_token_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigurationError(f"cannot read COMITY_ADMIN_TOKEN_FILE: {exc.strerror}") from None
    if not expected:
        raise NotConfigured("COMITY_ADMIN_TOKEN_FILE holds no token")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("this endpoint needs 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise Unauthenticated("the bearer token is not valid")


AdminDep = Annotated[None, Depends(require_admin)]
