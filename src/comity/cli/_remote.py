"""Reading a node's public log over HTTP (``httpx``), for the auditor's commands.

``URL`` is the node's base URL (``https://node.example``) or its log prefix
(``https://node.example/log``). Network failures and unexpected statuses become one-line
errors; a 404 is :class:`~comity.errors.NotFound`.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from comity.errors import Error, NotFound

__all__ = ["RemoteError", "RemoteNode"]

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class RemoteError(Error):
    """The node could not be reached or answered with an error."""


class RemoteNode:
    """A node's public HTTP interface, read with one ``httpx.Client``."""

    def __init__(self, url: str, client: httpx.Client | None = None) -> None:
        base = url.rstrip("/")
        self.base = base.removesuffix("/log")
        self.client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)

    def __enter__(self) -> RemoteNode:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def get(self, path: str) -> httpx.Response:
        """GET ``<base>/<path>``; raise on failure or a non-200 status."""
        url = f"{self.base}/{path}"
        try:
            response = self.client.get(url)
        except httpx.TimeoutException:
            raise RemoteError(f"{url}: no answer (timed out)") from None
        except httpx.HTTPError as exc:
            raise RemoteError(f"{url}: cannot connect ({type(exc).__name__}: {exc})") from None
        if response.status_code == 404:
            raise NotFound(f"{url}: not found (404)")
        if response.status_code != 200:
            raise RemoteError(f"{url}: HTTP {response.status_code}")
        return response

    def fetch_log(self) -> Callable[[str], bytes]:
        """``fetch(path)`` for tlog-tiles paths under ``<base>/log/``."""
        return lambda path: self.get(f"log/{path}").content
