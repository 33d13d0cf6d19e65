"""``Idempotency-Key`` for POSTs: a retried request gets the stored response, not a new effect.

The key is scoped to the authority that used it, and it is part of the action's own write
transaction (:func:`comity.storage.engine.unit_of_work`):

1. the transaction first claims the key (``INSERT ... ON CONFLICT DO NOTHING``) with the
   SHA-256 of the request (method, path and body);
2. the action runs on the same transaction (its rows and its journal event);
3. the response is stored in the key's row, and the transaction commits once.

So a crash anywhere before the commit leaves neither the effect nor the key, and a retry runs
the action afresh; after the commit a retry replays the stored response. Two concurrent first
uses cannot both run: the second one's claim waits for the first transaction (PostgreSQL
blocks on the uncommitted key, SQLite's writer lock serialises the two), then finds the
committed key and replays its response, or gets :class:`~comity.errors.Conflict` when its
request differs. A request that failed stores nothing, so it can be retried.

Work that must follow the commit (delivering a signed message) runs in ``after``; the stored
response is then refreshed with its result, in a transaction of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from comity.errors import Conflict, ValidationFailed
from comity.storage import request_store as store
from comity.storage.engine import unit_of_work, write_transaction

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


def _stored(outcome: Outcome, digest: str) -> store.StoredResponse:
    return store.StoredResponse(digest, outcome.status, outcome.body, dict(outcome.headers))


def run_once(
    engine: Engine,
    authority_id: str,
    key: str | None,
    digest: str,
    run: Callable[[], Outcome],
    after: Callable[[Outcome], Outcome] | None = None,
) -> Outcome:
    """Run ``run`` once per ``key`` (every time without a key), then ``after`` (module doc).

    ``run`` must do its writes through :func:`~comity.storage.engine.write_transaction`, which
    joins the key's transaction here.
    """
    if key is None:
        with unit_of_work(engine):
            outcome = run()
        return outcome if after is None else after(outcome)
    if not 1 <= len(key) <= 200:
        raise ValidationFailed("Idempotency-Key must be 1 to 200 characters")
    now = dt.datetime.now(dt.UTC)
    with unit_of_work(engine) as connection:
        if not store.claim_idempotent(connection, authority_id, key, digest, now):
            found = store.get_idempotent(connection, authority_id, key)
            if found is None:  # pragma: no cover - a conflicting claim is committed or gone
                raise Conflict(f"Idempotency-Key {key!r} is in use by a concurrent request")
            return _check(found, digest, key)
        outcome = run()
        store.store_idempotent(connection, authority_id, key, _stored(outcome, digest))
    if after is None:
        return outcome
    final = after(outcome)
    if final != outcome:
        with write_transaction(engine) as connection:
            store.store_idempotent(connection, authority_id, key, _stored(final, digest))
    return final
