"""The server expires preservations past their last day by itself, but never a held one."""

from __future__ import annotations

import datetime as dt
import time

from fastapi.testclient import TestClient
from requests_helpers import TODAY, Node, follow_up_document, preservation_document

from comity.api.app import create_app
from comity.services import requests as service
from comity.services.cases import create_case, link_requests
from comity.services.expiry import BackgroundExpiry

UNTIL = TODAY + dt.timedelta(days=61)


def _act(node: Node, acting: str, ref: str, action: str, **params: object) -> None:
    authority = {"fra-ca": node.fra, "prt-247": node.prt}[acting]
    service.act(node.engine, node.settings, authority, ref, action, transport=node.transport,
                officer="t", **params)  # type: ignore[arg-type]  # fmt: skip


def _preserved(node: Node) -> str:
    ref = service.draft(node.engine, node.fra, preservation_document(), officer="t").row.reference
    for action in ("approve", "send"):
        _act(node, "fra-ca", ref, action)
    _act(node, "prt-247", ref, "acknowledge")
    _act(node, "prt-247", ref, "preserve", until=UNTIL)
    return ref


def _state(node: Node, ref: str) -> str:
    return service.get_request(node.engine, node.prt, ref).row.state


def test_the_background_thread_expires_a_preservation_past_its_date(node: Node) -> None:
    due, held = _preserved(node), _preserved(node)
    mla = service.draft(node.engine, node.fra, follow_up_document(held), officer="t").row.reference
    for action in ("approve", "send"):
        _act(node, "fra-ca", mla, action)
    link_requests(node.engine, node.prt, create_case(node.engine, node.prt, "held"), held, mla)
    _act(node, "prt-247", held, "hold", linked_request=mla)

    later = UNTIL + dt.timedelta(days=1)
    expiry = BackgroundExpiry(node.engine, node.settings, interval=0.05, today=lambda: later)
    expiry.start()
    try:
        deadline = time.monotonic() + 20
        while _state(node, due) != "expired" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        expiry.stop()
    assert _state(node, due) == "expired"
    fra_view = service.get_request(node.engine, node.fra, due)  # both sides see it
    assert fra_view.row.state == "expired"
    assert fra_view.history.events[-1].actor.officer == "comity (expiry tick)"
    assert _state(node, held) == "held"  # a held preservation never expires


def test_the_server_runs_the_expiry_thread_in_its_lifespan(node: Node) -> None:
    ref = _preserved(node)
    app = create_app(node.settings, sequencer=False, expiry=True, expiry_interval=0.05)
    with TestClient(app):
        expiry = app.state.expiry
        deadline = time.monotonic() + 20
        while expiry.ticks < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert expiry.ticks >= 2
    assert not expiry._thread.is_alive()  # stopped at shutdown
    assert _state(node, ref) == "preserved"  # not yet past its date
    off = create_app(node.settings, sequencer=False)
    with TestClient(off):
        assert off.state.expiry is None
