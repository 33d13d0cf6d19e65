"""Error classes of the request services that the API maps to their own HTTP status.

They subclass the classes of :mod:`comity.errors`, so the command line treats them as their
parents do.
"""

from __future__ import annotations

from comity.errors import Conflict, PermissionDenied

__all__ = ["PreconditionFailed", "PreconditionRequired", "Unauthenticated"]


class Unauthenticated(PermissionDenied):
    """No credentials, or credentials this node does not know (HTTP 401)."""


class PreconditionFailed(Conflict):
    """``If-Match`` names a version that is no longer current (HTTP 412, RFC 9110 §13.1.1)."""


class PreconditionRequired(Conflict):
    """An update came without ``If-Match`` (HTTP 428, RFC 6585 §3)."""
