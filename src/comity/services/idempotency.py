"""``Idempotency-Key`` for POSTs: a retried request gets the stored response, not a new effect.

The key is scoped to the authority that used it. The first successful response to a key is
stored with the SHA-256 of the request (method, path and body); the same key with the same
request replays that response; the same key with a different request is a
:class:`~comity.errors.Conflict`. A request that failed stores nothing, so it can be retried.
Two concurrent first uses of a key both run; the second to store its response finds the first
one's and reports the conflict or the replay instead (the primary key decides).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from comity.errors import Conflict, ValidationFailed
from comity.storage import request_store as store
from comity.storage.engine import read_transaction, write_transaction

__all__ = ["Outcome", "request_digest", "run_once"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A response to send: status, JSON body, headers, and whether it is a replay."""

    status: int
    body: Any
    headers: dict[str, str]
    replayed: bool = False


def request_digest(method: str, path: str, body: bytes) -> str:
    """The SHA-256 that identifies a request for its idempotency key."""
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def _check(found: store.StoredResponse, digest: str, key: str) -> Outcome:
    if found.request_sha256 != digest:
        raise Conflict(f"Idempotency-Key {key!r} was already used with a different request")
    return Outcome(
        found.status_code, found.body, {**found.headers, "Idempotent-Replay": "true"}, True
    )


def run_once(
    engine: Engine,
    authority_id: str,
    key: str | None,
    digest: str,
    run: Callable[[], Outcome],
) -> Outcome:
    """Run ``run`` once per ``key`` (or every time without a key); see the module doc."""
    if key is None:
        return run()
    if not 1 <= len(key) <= 200:
        raise ValidationFailed("Idempotency-Key must be 1 to 200 characters")
    with read_transaction(engine) as connection:
        found = store.get_idempotent(connection, authority_id, key)
    if found is not None:
        return _check(found, digest, key)
    outcome = run()
    stored = store.StoredResponse(digest, outcome.status, outcome.body, dict(outcome.headers))
    try:
        with write_transaction(engine) as connection:
            store.insert_idempotent(connection, authority_id, key, stored, dt.datetime.now(dt.UTC))
    except IntegrityError:
        with read_transaction(engine) as connection:
            again = store.get_idempotent(connection, authority_id, key)
        if again is not None:
            return _check(again, digest, key)
    return outcome
