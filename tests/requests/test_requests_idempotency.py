"""Idempotency-Key in the action's own transaction: no double effect, no orphan key."""

from __future__ import annotations

import threading
import time

import pytest
from requests_helpers import Node, preservation_document

from comity.errors import Conflict
from comity.services import requests as service
from comity.services.idempotency import Outcome, run_once


def _drafting(node: Node, calls: list[str], pause: float = 0.0) -> Outcome:
    view = service.draft(node.engine, node.fra, preservation_document(), officer="t")
    calls.append(view.row.reference)
    time.sleep(pause)  # keep the transaction open while the other thread tries the key
    return Outcome(201, {"reference": view.row.reference}, {"ETag": view.etag})


def _race(node: Node, digests: tuple[str, str]) -> list[Outcome | Exception]:
    calls: list[str] = []
    results: list[Outcome | Exception] = []
    barrier = threading.Barrier(2)

    def one(digest: str) -> None:
        barrier.wait()
        try:
            results.append(
                run_once(node.engine, node.fra.id, "same-key", digest,
                         lambda: _drafting(node, calls, pause=0.3))
            )  # fmt: skip
        except Exception as error:
            results.append(error)

    threads = [threading.Thread(target=one, args=(d,)) for d in digests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1, calls  # the action ran exactly once
    return results


def test_two_concurrent_first_uses_run_the_action_once(node: Node) -> None:
    before = node.count("requests")
    results = _race(node, ("digest-a", "digest-a"))
    outcomes = [r for r in results if isinstance(r, Outcome)]
    assert len(outcomes) == 2, results
    assert sorted(o.replayed for o in outcomes) == [False, True]
    assert outcomes[0].body == outcomes[1].body
    assert node.count("requests") == before + 1


def test_a_concurrent_use_with_another_request_is_a_conflict(node: Node) -> None:
    before = node.count("requests")
    results = _race(node, ("digest-a", "digest-b"))
    assert sum(isinstance(r, Outcome) and not r.replayed for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert node.count("requests") == before + 1


def test_a_failure_after_the_action_leaves_neither_effect_nor_key(node: Node) -> None:
    before = node.counts()
    calls: list[str] = []

    def crashing() -> Outcome:
        _drafting(node, calls)
        raise RuntimeError("the process died before the response was stored")

    with pytest.raises(RuntimeError):
        run_once(node.engine, node.fra.id, "retry-me", "d", crashing)
    assert node.counts() == before  # the draft and its event were rolled back with the key
    again = run_once(node.engine, node.fra.id, "retry-me", "d", lambda: _drafting(node, calls))
    assert not again.replayed
    assert node.count("requests") == before["requests"] + 1
    replay = run_once(node.engine, node.fra.id, "retry-me", "d", lambda: _drafting(node, calls))
    assert replay.replayed
    assert replay.body == again.body
    assert len(calls) == 2  # the crashed attempt and the retry; the replay ran nothing
